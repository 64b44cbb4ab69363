/**
 * Retry a statement while the database, not the statement, is failing (Postgres restarting, connection
 * lost), with bounded backoff. A job's result is worth waiting for: dropping it would cost a whole OCR run.
 */
import { sleep } from '../util/sleep';
import { isTransientDbError } from './pg';

export async function withDbRetry<T>(
  fn: () => Promise<T>,
  opts: {
    deadline: number;
    signal?: AbortSignal;
    onRetry?: (err: unknown, attempt: number) => void;
    /** Which errors are worth another try; the database's transient failures by default. */
    retryable?: (err: unknown) => boolean;
  },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const delay = Math.min(5_000, 100 * 2 ** attempt);
      if (!(opts.retryable ?? isTransientDbError)(err) || Date.now() + delay > opts.deadline || opts.signal?.aborted) throw err;
      opts.onRetry?.(err, attempt);
      await sleep(delay, opts.signal);
    }
  }
}
