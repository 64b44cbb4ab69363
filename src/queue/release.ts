/**
 * Hand an unfinished job back (graceful shutdown): 6 → 3, ready at once for another worker. Fenced like
 * every write after the claim.
 *
 * `refund` gives the attempt back: right for a job that had barely started, wrong for one that had
 * already run longer than a page budget (src/pool/budget.ts `refundOnRelease`): refunding those let a
 * poison document be claimed first after every restart, forever. Without a refund the attempt counts,
 * `ocr_error` says why, and a row whose attempts are spent goes to 4 instead of waiting at 3
 * (`decideOutcome`, ./outcome.ts).
 */
import type { Queryable } from '../db/pg';
import { FENCE, fenceParams, writeOutcome } from './fence';
import { MAX_ATTEMPTS } from './ready';
import type { Claim } from './types';

/**
 * $1-$3 = the fence (id, worker, attempt), $4 = the attempt limit the outcome was decided with,
 * $5 = status (3 or 4), $6 = ocr_attempts afterwards, $7 = ocr_error (NULL: ocr_error and
 * ocr_last_error_at stay as they were), $8 = the reason, for ocr_progress.
 */
const SQL = `UPDATE extraction_queue
                SET status_id = $5,
                    ocr_attempts = $6,
                    ocr_error = coalesce($7, ocr_error),
                    ocr_last_error_at = CASE WHEN $7::text IS NULL THEN ocr_last_error_at ELSE now() END,
                    ocr_lease_expires_at = NULL,
                    ocr_next_attempt_at = NULL,
                    ocr_progress = coalesce(ocr_progress, '{}'::jsonb)
                                   || jsonb_build_object('stage', 'released', 'message', $8::text, 'updatedAt', now()),
                    updated_at = now()
              WHERE ${FENCE} AND ${MAX_ATTEMPTS} = $4`;

export interface ReleaseOptions {
  /** Why, in ocr_progress (and in ocr_error when the attempt counts). */
  reason?: string;
  /** Give the attempt back (default true). */
  refund?: boolean;
}

export type ReleaseResult = { applied: true; status: 3 | 4 } | { applied: false; reason: 'lost' };

export async function release(db: Queryable, claim: Claim, opts: ReleaseOptions = {}): Promise<ReleaseResult> {
  const reason = (opts.reason ?? 'handed back on shutdown').slice(0, 2000);
  const res = await writeOutcome(db, claim, { kind: 'released', reason, refund: opts.refund ?? true }, async (o, max) =>
    (await db.query(SQL, [...fenceParams(claim), max, o.status, o.attempts, o.error, reason])).rowCount,
  );
  if (!res.applied) return res;
  return { applied: true, status: res.outcome.status };
}
