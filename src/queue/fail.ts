/**
 * Failure of a claimed job. Retryable with attempts left: 6 → 3 with a backoff (ocr_next_attempt_at).
 * Permanent, or attempts exhausted: 6 → 4. Either way ocr_error says why and ocr_last_error_at when;
 * error_message belongs to the extractor and is never written.
 */
import type { Queryable } from '../db/pg';
import { FENCE, fenceParams } from './fence';
import type { Claim } from './types';

const SQL = `UPDATE extraction_queue
                SET status_id = CASE WHEN $4 OR ocr_attempts >= coalesce(ocr_max_attempts, 3) THEN 4 ELSE 3 END,
                    ocr_error = CASE WHEN NOT $4 AND ocr_attempts >= coalesce(ocr_max_attempts, 3)
                                     THEN format('attempts exhausted (%s/%s): %s', ocr_attempts, coalesce(ocr_max_attempts, 3), $5::text)
                                     ELSE $5 END,
                    ocr_last_error_at = now(),
                    ocr_next_attempt_at = CASE WHEN $4 OR ocr_attempts >= coalesce(ocr_max_attempts, 3) THEN NULL
                                               ELSE now() + $6 * interval '1 millisecond' END,
                    ocr_lease_expires_at = NULL,
                    ocr_progress = coalesce(ocr_progress, '{}'::jsonb)
                                   || jsonb_build_object('stage', 'failed', 'message', $5::text, 'updatedAt', now()),
                    updated_at = now()
              WHERE ${FENCE}
          RETURNING status_id, ocr_error`;

export interface FailInput {
  message: string;
  permanent: boolean;
  /** Delay before the row may be claimed again, when it goes back to 3. */
  backoffMs: number;
}

export type FailResult = { applied: true; status: 3 | 4; error: string } | { applied: false; reason: 'lost' };

export async function fail(db: Queryable, claim: Claim, input: FailInput): Promise<FailResult> {
  const message = input.message.replaceAll('\u0000', '').slice(0, 2000);
  const { rows } = await db.query(SQL, [...fenceParams(claim), input.permanent, message, Math.max(0, Math.round(input.backoffMs))]);
  const r = rows[0];
  if (!r) return { applied: false, reason: 'lost' };
  return { applied: true, status: r.status_id, error: r.ocr_error };
}
