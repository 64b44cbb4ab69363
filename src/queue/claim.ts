/**
 * Claim the oldest ready row of the given sources (3 → 6), atomically.
 *
 * `FOR UPDATE SKIP LOCKED` lets any number of workers on any number of hosts claim at once without
 * blocking each other or ever taking the same row: a row locked by a concurrent claim is skipped, not
 * waited for. Only rows with a PDF path, attempts left and no pending backoff are eligible. The claim
 * burns an attempt up front, so a document that crashes its worker every time is bounded by
 * ocr_max_attempts instead of looping forever. The source is compared as lower(btrim()) ('Acte', ' acte'
 * are deeds), the expression of the partial ready index (migration 000006), so the scan stays indexed.
 * An operator's pause of the environment or of the source (claim-pauses.ts) is checked in the same
 * statement: once the pause commits, no claim of any host takes such a row.
 */
import type { EnvName } from '../config';
import type { Queryable } from '../db/pg';
import { notPaused } from './claim-pauses';
import { DEFAULT_MAX_ATTEMPTS, READY, RUNNING_STATUS, SOURCE } from './ready';
import type { Claim, DocumentSource } from './types';

/** $1 = source (as SOURCE reads it), $2 = worker id, $3 = lease length (ms). */
const SQL = `
WITH candidate AS (
  SELECT id FROM extraction_queue
   WHERE ${READY}
     AND ${SOURCE} = $1
     AND ${notPaused('$1')}
   ORDER BY created_at, id
   LIMIT 1
   FOR UPDATE SKIP LOCKED
)
UPDATE extraction_queue q
   SET status_id = ${RUNNING_STATUS},
       ocr_attempts = coalesce(q.ocr_attempts, 0) + 1,
       ocr_worker_id = $2,
       ocr_started_at = now(),
       ocr_completed_at = NULL,
       ocr_lease_expires_at = now() + $3 * interval '1 millisecond',
       ocr_next_attempt_at = NULL,
       ocr_progress = jsonb_build_object('stage', 'claimed', 'page', 0, 'pages', 0, 'percent', 0,
                                         'worker', $2::text, 'updatedAt', now()),
       updated_at = now()
  FROM candidate
 WHERE q.id = candidate.id
RETURNING q.id, lower(btrim(q.document_source)) AS document_source, q.document_number, q.supabase_path, q.ocr_attempts,
          coalesce(q.ocr_max_attempts, ${DEFAULT_MAX_ATTEMPTS}) AS ocr_max_attempts, q.ocr_lease_expires_at, q.ocr_error`;

/** One source per call: each call is then an ordered scan of the partial ready index. */
export async function claim(
  db: Queryable,
  env: EnvName,
  workerId: string,
  source: DocumentSource,
  leaseMs: number,
): Promise<Claim | null> {
  const { rows } = await db.query(SQL, [source, workerId, leaseMs]);
  const r = rows[0];
  if (!r) return null;
  return {
    env,
    id: r.id,
    documentSource: r.document_source,
    documentNumber: r.document_number,
    supabasePath: r.supabase_path,
    attempt: r.ocr_attempts,
    maxAttempts: r.ocr_max_attempts,
    workerId,
    leaseExpiresAt: r.ocr_lease_expires_at,
    previousError: r.ocr_error,
  };
}
