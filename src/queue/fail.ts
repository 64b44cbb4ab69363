/**
 * Failure of a claimed job. Retryable with attempts left: 6 → 3 with a backoff (ocr_next_attempt_at).
 * Permanent, or attempts exhausted: 6 → 4. Either way ocr_error says why and ocr_last_error_at when;
 * error_message belongs to the extractor and is never written. Which of the two is `decideOutcome`'s
 * call (./outcome.ts); this statement writes it.
 */
import type { Queryable } from '../db/pg';
import { FENCE, fenceParams, writeOutcome } from './fence';
import { MAX_ATTEMPTS } from './ready';
import type { Claim } from './types';

/**
 * $1-$3 = the fence (id, worker, attempt), $4 = the attempt limit the outcome was decided with,
 * $5 = status (3 or 4), $6 = ocr_error, $7 = ms before the next claim (NULL at 4), $8 = the failure's
 * message, for ocr_progress.
 */
const SQL = `UPDATE extraction_queue
                SET status_id = $5,
                    ocr_error = $6,
                    ocr_last_error_at = now(),
                    ocr_next_attempt_at = now() + $7 * interval '1 millisecond',
                    ocr_lease_expires_at = NULL,
                    ocr_progress = coalesce(ocr_progress, '{}'::jsonb)
                                   || jsonb_build_object('stage', 'failed', 'message', $8::text, 'updatedAt', now()),
                    updated_at = now()
              WHERE ${FENCE} AND ${MAX_ATTEMPTS} = $4`;

export interface FailInput {
  message: string;
  permanent: boolean;
  /** Delay before the row may be claimed again, when it goes back to 3. */
  backoffMs: number;
}

export type FailResult = { applied: true; status: 3 | 4; error: string } | { applied: false; reason: 'lost' };

export async function fail(db: Queryable, claim: Claim, input: FailInput): Promise<FailResult> {
  const message = input.message.replaceAll('\u0000', '').slice(0, 2000);
  const res = await writeOutcome(db, claim, { kind: 'failed', permanent: input.permanent, message, backoffMs: input.backoffMs }, async (o, max) =>
    (await db.query(SQL, [...fenceParams(claim), max, o.status, o.error, o.retryInMs, message])).rowCount,
  );
  if (!res.applied) return res;
  return { applied: true, status: res.outcome.status, error: res.outcome.error! };
}
