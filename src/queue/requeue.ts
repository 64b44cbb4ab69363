/**
 * Requeue failed documents (4 → 3), one by id or every one of an error class: attempts reset, backoff
 * cleared, so the next claim takes them. The error they had is not lost: it is appended, with when it was
 * written, the attempts it took and who requeued it, to ocr_error_history (migration 000008) before
 * ocr_error is cleared. A row that is not at 4 any more (a concurrent requeue, the extractor reset it) is
 * left alone. Its pages that could not be read (ocr_pages, state failed) are forgotten, so that the
 * next claim tries them again; its pages read are kept and not read again. Each call writes its audit row (ocr_operator_actions) in the same statement, so an action
 * and its record cannot part.
 */
import type { Queryable } from '../db/pg';
import { ERROR_CLASS } from './error-class';
import { FAILED_STATUS, READY_STATUS, SOURCE } from './ready';

/** SET list of a requeue; $2 = actor. */
const REQUEUE_SET = `
       status_id = ${READY_STATUS},
       ocr_error_history = coalesce(q.ocr_error_history, '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
                             'error', q.ocr_error, 'at', q.ocr_last_error_at, 'attempts', q.ocr_attempts,
                             'requeuedAt', now(), 'requeuedBy', $2::text)),
       ocr_error = NULL,
       ocr_last_error_at = NULL,
       ocr_attempts = 0,
       ocr_next_attempt_at = NULL,
       ocr_lease_expires_at = NULL,
       ocr_worker_id = NULL,
       ocr_progress = jsonb_build_object('stage', 'requeued', 'page', 0, 'pages', 0, 'percent', 0,
                                         'message', 'requeued by ' || $2::text, 'updatedAt', now()),
       updated_at = now()`;

/** $1 = id, $2 = actor, $3 = env (audit). Returns the row's status after (3 when requeued) or before (when not at 4). */
const ONE = `
WITH moved AS (
  UPDATE extraction_queue q SET ${REQUEUE_SET}
   WHERE q.id = $1 AND q.status_id = ${FAILED_STATUS}
  RETURNING q.id, q.document_source
), unfail AS (
  DELETE FROM ocr_pages WHERE document_id IN (SELECT id FROM moved) AND state = 'failed'
), audit AS (
  INSERT INTO ocr_operator_actions (actor, action, env, document_id, source, count)
  SELECT $2, 'requeue', $3, $1, (SELECT document_source FROM moved), (SELECT count(*)::int FROM moved)
)
SELECT (SELECT count(*)::int FROM moved) AS moved,
       (SELECT status_id FROM extraction_queue WHERE id = $1) AS status_before`;

/**
 * $1 = error class, $2 = actor, $3 = env (audit), $4 = source as SOURCE reads it, or NULL for every source.
 * Classified in the statement, so the rows moved are exactly the class's rows at 4 at that moment.
 */
const BY_CLASS = `
WITH moved AS (
  UPDATE extraction_queue q SET ${REQUEUE_SET}
   WHERE q.id IN (SELECT id FROM extraction_queue
                   WHERE status_id = ${FAILED_STATUS} AND (${ERROR_CLASS}) = $1
                     AND ($4::text IS NULL OR ${SOURCE} = $4)
                   FOR UPDATE SKIP LOCKED)
     AND q.status_id = ${FAILED_STATUS}
  RETURNING q.id
), unfail AS (
  DELETE FROM ocr_pages WHERE document_id IN (SELECT id FROM moved) AND state = 'failed'
), audit AS (
  INSERT INTO ocr_operator_actions (actor, action, env, source, error_class, count)
  SELECT $2, 'requeue-class', $3, $4, $1, count(*)::int FROM moved
)
SELECT count(*)::int AS moved FROM moved`;

export type RequeueOneResult = { requeued: true } | { requeued: false; status: number | null };

/** Requeue one document; when it is not at 4, says where it is (null: no such row). */
export async function requeueOne(db: Queryable, env: string, id: string, actor: string): Promise<RequeueOneResult> {
  const { rows } = await db.query<{ moved: number; status_before: number | null }>(ONE, [id, actor, env]);
  const r = rows[0]!;
  // status_before is read in the same snapshot as the update, i.e. before it: 4 when it moved.
  return r.moved > 0 ? { requeued: true } : { requeued: false, status: r.status_before };
}

/** Requeue every document at 4 of `errorClass` (of `source` when given). Returns how many moved. */
export async function requeueClass(db: Queryable, env: string, errorClass: string, source: string | null, actor: string): Promise<number> {
  const { rows } = await db.query<{ moved: number }>(BY_CLASS, [errorClass, actor, env, source]);
  return rows[0]!.moved;
}
