/** A deadline for any wait: the one helper behind the limiter's, the status server's, the engine's and the storage probe's. */
import { coerceError } from '../errors';

/**
 * `promise`, or the error `onTimeout()` makes once `ms` have passed, whichever comes first. The timer is
 * cleared either way; a rejection that is not an Error is made one.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(coerceError(e));
      },
    );
  });
}
