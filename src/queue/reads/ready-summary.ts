/**
 * Rows at 3, each in exactly one class, in this order: no PDF path, attempts exhausted, waiting for
 * backoff, ready (../ready.ts: the claim's own predicate). Cadastral plans at 3 are always "ready": the
 * pool passes them to 5 without a claim, path and attempts do not matter to it. For check-ocr-queue.
 */
import type { Queryable } from '../../db/pg';
import { ATTEMPTS_LEFT, HAS_PDF, IN_BACKOFF, IS_PLAN, READY_FOR_POOL, READY_STATUS } from '../ready';

/** Per source. No parameters. */
const SQL = `
WITH r AS (
  SELECT document_source,
         ${IS_PLAN} AS plan,
         ${HAS_PDF} AS has_path,
         NOT ${ATTEMPTS_LEFT} AS exhausted,
         ${IN_BACKOFF} AS backoff,
         ${READY_FOR_POOL} AS ready,
         ocr_next_attempt_at
    FROM extraction_queue
   WHERE status_id = ${READY_STATUS}
)
SELECT coalesce(document_source, '') AS source,
       count(*) FILTER (WHERE ready)::int AS ready,
       count(*) FILTER (WHERE NOT plan AND NOT has_path)::int AS no_path,
       count(*) FILTER (WHERE NOT plan AND has_path AND exhausted)::int AS exhausted,
       count(*) FILTER (WHERE NOT plan AND has_path AND NOT exhausted AND backoff)::int AS backoff,
       min(ocr_next_attempt_at) FILTER (WHERE NOT plan AND has_path AND NOT exhausted AND backoff) AS next_retry_at
  FROM r
 GROUP BY coalesce(document_source, '')
 ORDER BY 1`;

export interface ReadyClasses {
  source: string;
  ready: number;
  no_path: number;
  exhausted: number;
  backoff: number;
  next_retry_at: Date | null;
}

export async function readyClasses(db: Queryable): Promise<ReadyClasses[]> {
  return (await db.query<ReadyClasses>(SQL)).rows;
}
