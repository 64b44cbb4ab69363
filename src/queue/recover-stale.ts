/**
 * Rows whose worker died: at 6 with an expired lease. They go back to 3, or to 4 when their attempts
 * are spent, with an ocr_error naming the worker that stopped. Rows at 6 without a lease (claimed by
 * the system before ocr-pool, or by a build without leases) count as leased for one lease from their
 * start. Also moves rows sitting at 3 with no attempts left to 4: such a row would never be claimed
 * and would otherwise wait forever.
 */
import type { Queryable } from '../db/pg';

const STALE_SQL = `
UPDATE extraction_queue
   SET status_id = CASE WHEN coalesce(ocr_attempts, 0) >= coalesce(ocr_max_attempts, 3) THEN 4 ELSE 3 END,
       ocr_error = format('lease expired: worker %s stopped before finishing (attempt %s/%s)%s',
                          coalesce(ocr_worker_id, '?'), coalesce(ocr_attempts, 0), coalesce(ocr_max_attempts, 3),
                          CASE WHEN coalesce(ocr_attempts, 0) >= coalesce(ocr_max_attempts, 3)
                               THEN '; attempts exhausted' ELSE '' END),
       ocr_last_error_at = now(),
       ocr_lease_expires_at = NULL,
       ocr_next_attempt_at = NULL,
       ocr_progress = coalesce(ocr_progress, '{}'::jsonb)
                      || jsonb_build_object('stage', 'recovered', 'updatedAt', now()),
       updated_at = now()
 WHERE status_id = 6
   AND (ocr_lease_expires_at < now()
        OR (ocr_lease_expires_at IS NULL
            AND coalesce(ocr_started_at, updated_at) < now() - $1 * interval '1 millisecond'))
RETURNING id, status_id, ocr_worker_id`;

const EXHAUSTED_SQL = `
UPDATE extraction_queue
   SET status_id = 4,
       ocr_error = format('attempts exhausted (%s/%s) before OCR could run%s', coalesce(ocr_attempts, 0),
                          coalesce(ocr_max_attempts, 3), coalesce(': last error: ' || ocr_error, '')),
       ocr_last_error_at = now(),
       updated_at = now()
 WHERE status_id = 3
   AND lower(btrim(document_source)) IS DISTINCT FROM 'plan_cadastraux'
   AND coalesce(ocr_attempts, 0) >= coalesce(ocr_max_attempts, 3)
RETURNING id`;

export interface RecoverResult {
  requeued: string[];
  failed: string[];
  exhaustedAtReady: string[];
}

export async function recoverStale(db: Queryable, leaseMs: number): Promise<RecoverResult> {
  const stale = await db.query<{ id: string; status_id: number }>(STALE_SQL, [leaseMs]);
  const exhausted = await db.query<{ id: string }>(EXHAUSTED_SQL);
  return {
    requeued: stale.rows.filter((r) => r.status_id === 3).map((r) => r.id),
    failed: stale.rows.filter((r) => r.status_id === 4).map((r) => r.id),
    exhaustedAtReady: exhausted.rows.map((r) => r.id),
  };
}
