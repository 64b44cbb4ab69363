/** The last errors written to ocr_error, newest first: check-ocr-queue. */
import type { Queryable } from '../../db/pg';
import { ATTEMPTS, MAX_ATTEMPTS } from '../ready';

/** $1 = how many. */
const SQL = `
SELECT id, coalesce(document_source, '') AS document_source, document_number, status_id,
       ${ATTEMPTS}::int AS attempts, ${MAX_ATTEMPTS}::int AS max_attempts,
       ocr_error, ocr_last_error_at
  FROM extraction_queue
 WHERE ocr_error IS NOT NULL
 ORDER BY ocr_last_error_at DESC NULLS LAST, id
 LIMIT $1`;

export interface ErrorRow {
  id: string;
  document_source: string;
  document_number: string | null;
  status_id: number;
  attempts: number;
  max_attempts: number;
  ocr_error: string;
  ocr_last_error_at: Date | null;
}

export async function recentErrors(db: Queryable, limit: number): Promise<ErrorRow[]> {
  return (await db.query<ErrorRow>(SQL, [limit])).rows;
}
