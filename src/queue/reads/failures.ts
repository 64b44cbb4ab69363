/**
 * Failed documents (status 4) for the panel: the latest, with error, class, attempts, source and time,
 * filtered by source and error class; and how many of each class and source there are in all.
 */
import type { Queryable } from '../../db/pg';
import { ERROR_CLASS } from '../error-class';
import { ATTEMPTS, FAILED_STATUS, MAX_ATTEMPTS, SOURCE } from '../ready';

/** $1 = source as SOURCE reads it or NULL, $2 = class or NULL, $3 = how many. */
const LIST = `
SELECT id, ${SOURCE} AS source, document_number, ${ATTEMPTS}::int AS attempts, ${MAX_ATTEMPTS}::int AS max_attempts,
       ocr_error, ocr_last_error_at, ${ERROR_CLASS} AS error_class
  FROM extraction_queue
 WHERE status_id = ${FAILED_STATUS}
   AND ($1::text IS NULL OR ${SOURCE} = $1)
   AND ($2::text IS NULL OR (${ERROR_CLASS}) = $2)
 ORDER BY ocr_last_error_at DESC NULLS LAST, id
 LIMIT $3`;

/** No parameters. Every row at 4, by class and source. */
const COUNTS = `
SELECT ${ERROR_CLASS} AS error_class, ${SOURCE} AS source, count(*)::int AS n
  FROM extraction_queue WHERE status_id = ${FAILED_STATUS}
 GROUP BY 1, 2 ORDER BY 1, 2`;

export interface FailureRow {
  id: string;
  source: string | null;
  document_number: string | null;
  attempts: number;
  max_attempts: number;
  ocr_error: string | null;
  ocr_last_error_at: Date | null;
  error_class: string;
}

export async function failedRows(db: Queryable, filter: { source: string | null; errorClass: string | null }, limit: number): Promise<FailureRow[]> {
  return (await db.query<FailureRow>(LIST, [filter.source, filter.errorClass, limit])).rows;
}

export async function failureCounts(db: Queryable): Promise<{ error_class: string; source: string | null; n: number }[]> {
  return (await db.query<{ error_class: string; source: string | null; n: number }>(COUNTS)).rows;
}
