/**
 * Hand an unfinished job back (graceful shutdown): 6 → 3 without burning the attempt, ready at once for
 * another worker. Fenced like every write after the claim.
 */
import type { Queryable } from '../db/pg';
import { FENCE, fenced, fenceParams } from './fence';
import type { Claim, FencedResult } from './types';

const SQL = `UPDATE extraction_queue
                SET status_id = 3,
                    ocr_attempts = greatest(ocr_attempts - 1, 0),
                    ocr_lease_expires_at = NULL,
                    ocr_next_attempt_at = NULL,
                    ocr_progress = coalesce(ocr_progress, '{}'::jsonb)
                                   || jsonb_build_object('stage', 'released', 'message', $4::text, 'updatedAt', now()),
                    updated_at = now()
              WHERE ${FENCE}`;

export async function release(db: Queryable, claim: Claim, reason = 'handed back on shutdown'): Promise<FencedResult> {
  const r = await db.query(SQL, [...fenceParams(claim), reason]);
  return fenced(r.rowCount);
}
