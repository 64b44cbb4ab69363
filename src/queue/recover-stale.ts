/**
 * Rows whose worker died: at 6 with an expired lease. They go back to 3, or to 4 when their attempts
 * are spent (`decideOutcome`, ./outcome.ts), with an ocr_error naming the worker that stopped. Rows at 6
 * without a lease (claimed by the system before ocr-pool, or by a build without leases) count as leased
 * for one lease from their start. Also moves rows sitting at 3 with no attempts left to 4: such a row
 * would never be claimed and would otherwise wait forever.
 */
import type { Queryable } from '../db/pg';
import { decideOutcome } from './outcome';
import { ATTEMPTS, EXHAUSTED, FAILED_STATUS, MAX_ATTEMPTS, PLAN_SOURCE, READY_STATUS, RUNNING_STATUS, SOURCE } from './ready';

/** At 6, and its lease is over. $1 = lease length (ms), for rows that never had one. */
const STALE = `status_id = ${RUNNING_STATUS}
   AND (ocr_lease_expires_at < now()
        OR (ocr_lease_expires_at IS NULL
            AND coalesce(ocr_started_at, updated_at) < now() - $1 * interval '1 millisecond'))`;

/** The stale rows and what the outcome depends on. $1 = lease length (ms). */
const FIND_SQL = `
SELECT id, ocr_worker_id, ${ATTEMPTS} AS attempts, ${MAX_ATTEMPTS} AS max_attempts
  FROM extraction_queue
 WHERE ${STALE}
 ORDER BY id`;

/**
 * Each row's outcome, in one statement, fenced: still stale, same worker, same attempts and limit as
 * when its outcome was decided (a row heartbeated, re-claimed or changed since is left alone). A row
 * another client holds locked is skipped, not waited for: it is recovered by a later run, and the others
 * are not held up behind it.
 * $1 = lease length (ms); $2 = ids; $3 = statuses (3 or 4); $4 = ocr_error; and what the outcome was
 * decided on: $5 = worker ids, $6 = attempts, $7 = limits.
 */
const RECOVER_SQL = `
UPDATE extraction_queue
   SET status_id = d.new_status,
       ocr_error = d.new_error,
       ocr_last_error_at = now(),
       ocr_lease_expires_at = NULL,
       ocr_next_attempt_at = NULL,
       ocr_progress = coalesce(ocr_progress, '{}'::jsonb)
                      || jsonb_build_object('stage', 'recovered', 'updatedAt', now()),
       updated_at = now()
  FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[])
       AS d(row_id, new_status, new_error, was_worker, was_attempts, was_max)
 WHERE id = d.row_id
   AND id IN (SELECT id FROM extraction_queue WHERE id = ANY($2::uuid[]) FOR UPDATE SKIP LOCKED)
   AND ${STALE}
   AND ocr_worker_id IS NOT DISTINCT FROM d.was_worker
   AND ${ATTEMPTS} = d.was_attempts
   AND ${MAX_ATTEMPTS} = d.was_max
RETURNING id, status_id`;

/** Rows at 3 with no attempt left (never claimable): to 4; a row locked by another client waits its turn. */
const EXHAUSTED_SQL = `
UPDATE extraction_queue
   SET status_id = ${FAILED_STATUS},
       ocr_error = format('attempts exhausted (%s/%s) before OCR could run%s', ${ATTEMPTS},
                          ${MAX_ATTEMPTS}, coalesce(': last error: ' || ocr_error, '')),
       ocr_last_error_at = now(),
       updated_at = now()
 WHERE status_id = ${READY_STATUS}
   AND ${SOURCE} IS DISTINCT FROM '${PLAN_SOURCE}'
   AND ${EXHAUSTED}
   AND id IN (SELECT id FROM extraction_queue
               WHERE status_id = ${READY_STATUS} AND ${EXHAUSTED}
                 FOR UPDATE SKIP LOCKED)
RETURNING id`;

/** Passes over rows that changed between being found and being written (each pass re-reads them). */
const MAX_PASSES = 3;

export interface RecoverResult {
  requeued: string[];
  failed: string[];
  exhaustedAtReady: string[];
}

export async function recoverStale(db: Queryable, leaseMs: number): Promise<RecoverResult> {
  const result: RecoverResult = { requeued: [], failed: [], exhaustedAtReady: [] };
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const { rows: stale } = await db.query<{ id: string; ocr_worker_id: string | null; attempts: number; max_attempts: number }>(FIND_SQL, [leaseMs]);
    if (stale.length === 0) break;
    const outcomes = stale.map((r) => decideOutcome({ kind: 'lease-expired', worker: r.ocr_worker_id }, { attempt: r.attempts, maxAttempts: r.max_attempts }));
    const { rows } = await db.query<{ id: string; status_id: number }>(RECOVER_SQL, [
      leaseMs,
      stale.map((r) => r.id),
      outcomes.map((o) => o.status),
      outcomes.map((o) => o.error),
      stale.map((r) => r.ocr_worker_id),
      stale.map((r) => r.attempts),
      stale.map((r) => r.max_attempts),
    ]);
    for (const r of rows) (r.status_id === READY_STATUS ? result.requeued : result.failed).push(r.id);
    // Every row found was written: nothing changed under us, no need to look again.
    if (rows.length === stale.length) break;
  }
  const exhausted = await db.query<{ id: string }>(EXHAUSTED_SQL);
  result.exhaustedAtReady = exhausted.rows.map((r) => r.id);
  return result;
}
