/**
 * Pure decisions about failures: is it worth another attempt, and after how long.
 * Kept apart from I/O so they are table-tested without timers.
 */
import { PermanentError } from './errors';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of a batch
 * that failed together (storage outage) spread out instead of coming back as one wave, while a retry
 * never comes sooner than half its nominal delay.
 * @param attempt the attempt that just failed, 1-based
 * @param random  a number in [0, 1)
 */
export function backoffMs(attempt: number, policy: BackoffPolicy, random: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random);
}

export interface FailureDecision {
  permanent: boolean;
  backoffMs: number;
  message: string;
}

/** What to do with a job that threw `err` on its `attempt`-th try. */
export function decideFailure(err: Error, attempt: number, policy: BackoffPolicy, random: number): FailureDecision {
  const permanent = err instanceof PermanentError;
  const retryAfter = (err as { retryAfterMs?: unknown }).retryAfterMs;
  let delay = permanent ? 0 : backoffMs(attempt, policy, random);
  // A dependency that said when to come back (HTTP 429 Retry-After) is believed, within our ceiling.
  if (!permanent && typeof retryAfter === 'number' && retryAfter > delay) delay = Math.min(retryAfter, policy.maxMs);
  return { permanent, backoffMs: delay, message: formatError(err) };
}

/** `ocr_error` text: the error's class when it says something, then its message; one line, bounded. */
export function formatError(err: Error): string {
  const message = err.message.trim();
  // A message that already starts with the class name (relayed from a thread, or wrapped) keeps one copy.
  const kind = err.name && err.name !== 'Error' && !message.startsWith(`${err.name}:`) ? `${err.name}: ` : '';
  return `${kind}${message}`.replace(/\s+/g, ' ').trim().slice(0, 1000);
}
