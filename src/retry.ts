/**
 * Pure decisions about failures: is it worth another attempt, and after how long.
 * Kept apart from I/O so they are table-tested without timers.
 */
import { isBudgetOverrun, PermanentError, TimeBudgetError } from './errors';

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

/**
 * What to do with a job that threw `err` on its `attempt`-th try. `previousError` is the row's
 * ocr_error from the attempt before (null on a first attempt).
 *
 * A page past its budget never gets here: it is one failed page (src/pool/page-verdict.ts), not retried.
 * What gets here is a document past its document budget (or a thread stopped while opening the PDF): it
 * is retried once, reading only the pages not yet kept, since a host loaded by something else can make a
 * good document slow. A second overrun in a row is the document's own doing, and the remaining attempts
 * would only pin more workers for a budget each: it is final.
 */
export function decideFailure(err: Error, attempt: number, policy: BackoffPolicy, random: number, previousError: string | null = null): FailureDecision {
  const overranTwice = err instanceof TimeBudgetError && isBudgetOverrun(previousError);
  if (overranTwice) {
    return { permanent: true, backoffMs: 0, message: `${formatError(err)} (it overran a time budget on the attempt before too: not retried)`.slice(0, 1000) };
  }
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
