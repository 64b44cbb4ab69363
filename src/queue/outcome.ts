/**
 * Final or retry, decided once. Every write that ends a claimed attempt — a failure (fail.ts), a
 * hand-back (release.ts), a lease that expired (recover-stale.ts) — asks `decideOutcome` what to write;
 * its SQL only writes the answer, behind the fence. Pure: table-tested in test/unit/outcome.test.ts.
 *
 * Whether an error is worth another attempt at all, and after how long, is the error's business
 * (`decideFailure`, src/retry.ts); whether the row still has an attempt to give it is decided here.
 */
import { FAILED_STATUS, READY_STATUS } from './ready';

/** The attempt that just ended (1-based, as counted by the claim) and the row's limit. */
export interface Attempts {
  attempt: number;
  maxAttempts: number;
}

/** How an attempt ended. */
export type Ending =
  /** The job threw: `permanent` and `backoffMs` from decideFailure (src/retry.ts). */
  | { kind: 'failed'; permanent: boolean; message: string; backoffMs: number }
  /** Handed back unfinished (shutdown, storage pause); `refund` gives the attempt back. */
  | { kind: 'released'; reason: string; refund: boolean }
  /** Its worker stopped heartbeating: found by recoverStale. */
  | { kind: 'lease-expired'; worker: string | null };

/** What to write. */
export interface Outcome {
  status: typeof READY_STATUS | typeof FAILED_STATUS;
  /** ocr_attempts afterwards (one less when a hand-back refunds the attempt). */
  attempts: number;
  /** The new ocr_error, with ocr_last_error_at = now(); null leaves both as they are. */
  error: string | null;
  /** Back at 3: milliseconds before it may be claimed again (ocr_next_attempt_at); null: at once. */
  retryInMs: number | null;
}

/** No attempt left: the SQL twin is EXHAUSTED in ./ready.ts (test/queue/ready.test.ts checks they agree). */
export function isExhausted(a: Attempts): boolean {
  return a.attempt >= a.maxAttempts;
}

const exhausted = (a: Attempts, why: string) => `attempts exhausted (${a.attempt}/${a.maxAttempts}): ${why}`;

export function decideOutcome(ending: Ending, a: Attempts): Outcome {
  switch (ending.kind) {
    case 'failed':
      if (ending.permanent) return { status: FAILED_STATUS, attempts: a.attempt, error: ending.message, retryInMs: null };
      if (isExhausted(a)) return { status: FAILED_STATUS, attempts: a.attempt, error: exhausted(a, ending.message), retryInMs: null };
      return { status: READY_STATUS, attempts: a.attempt, error: ending.message, retryInMs: Math.max(0, Math.round(ending.backoffMs)) };
    case 'released':
      // A refunded hand-back did not use its attempt: nothing failed, ocr_error stays as it was.
      if (ending.refund) return { status: READY_STATUS, attempts: Math.max(a.attempt - 1, 0), error: null, retryInMs: null };
      if (isExhausted(a)) return { status: FAILED_STATUS, attempts: a.attempt, error: exhausted(a, ending.reason), retryInMs: null };
      return { status: READY_STATUS, attempts: a.attempt, error: ending.reason, retryInMs: null };
    case 'lease-expired': {
      const spent = isExhausted(a);
      return {
        status: spent ? FAILED_STATUS : READY_STATUS,
        attempts: a.attempt,
        error: `lease expired: worker ${ending.worker ?? '?'} stopped before finishing (attempt ${a.attempt}/${a.maxAttempts})${spent ? '; attempts exhausted' : ''}`,
        retryInMs: null,
      };
    }
  }
}
