/**
 * Hand an unfinished job back (graceful shutdown): 6 → 3, ready at once for another worker. Fenced like
 * every write after the claim.
 *
 * `refund` gives the attempt back: right for a job that had barely started, wrong for one that had
 * already run longer than a page budget (src/pool/budget.ts `refundOnRelease`): refunding those let a
 * poison document be claimed first after every restart, forever. Without a refund the attempt counts,
 * `ocr_error` says why, and a row whose attempts are spent goes to 4 instead of waiting at 3.
 */
import type { Queryable } from '../db/pg';
import { FENCE, fenceParams } from './fence';
import type { Claim } from './types';

const SQL = `UPDATE extraction_queue
                SET status_id = CASE WHEN NOT $5 AND ocr_attempts >= coalesce(ocr_max_attempts, 3) THEN 4 ELSE 3 END,
                    ocr_attempts = CASE WHEN $5 THEN greatest(ocr_attempts - 1, 0) ELSE ocr_attempts END,
                    ocr_error = CASE WHEN $5 THEN ocr_error
                                     WHEN ocr_attempts >= coalesce(ocr_max_attempts, 3)
                                     THEN format('attempts exhausted (%s/%s): %s', ocr_attempts, coalesce(ocr_max_attempts, 3), $4::text)
                                     ELSE $4::text END,
                    ocr_last_error_at = CASE WHEN $5 THEN ocr_last_error_at ELSE now() END,
                    ocr_lease_expires_at = NULL,
                    ocr_next_attempt_at = NULL,
                    ocr_progress = coalesce(ocr_progress, '{}'::jsonb)
                                   || jsonb_build_object('stage', 'released', 'message', $4::text, 'updatedAt', now()),
                    updated_at = now()
              WHERE ${FENCE}
          RETURNING status_id`;

export interface ReleaseOptions {
  /** Why, in ocr_progress (and in ocr_error when the attempt counts). */
  reason?: string;
  /** Give the attempt back (default true). */
  refund?: boolean;
}

export type ReleaseResult = { applied: true; status: 3 | 4 } | { applied: false; reason: 'lost' };

export async function release(db: Queryable, claim: Claim, opts: ReleaseOptions = {}): Promise<ReleaseResult> {
  const reason = (opts.reason ?? 'handed back on shutdown').slice(0, 2000);
  const { rows } = await db.query(SQL, [...fenceParams(claim), reason, opts.refund ?? true]);
  const r = rows[0];
  if (!r) return { applied: false, reason: 'lost' };
  return { applied: true, status: r.status_id };
}
