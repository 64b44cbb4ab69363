/**
 * One document's row as every reader of its status sees it (src/progress/job-status.ts maps it): the
 * status API, SSE events, the live channel.
 */
import type { Queryable } from '../../db/pg';
import { RUNNING_STATUS } from '../ready';

const COLUMNS = `id, document_source, document_number, status_id, ocr_progress, ocr_attempts, ocr_max_attempts,
                 ocr_worker_id, ocr_started_at, ocr_completed_at, ocr_error, ocr_last_error_at,
                 ocr_next_attempt_at, ocr_lease_expires_at`;

/** $1 = row ids (uuids). */
const BY_IDS = `SELECT ${COLUMNS} FROM extraction_queue WHERE id = ANY($1::uuid[])`;

/** Documents at 6 (in OCR): served by the partial index on status 6, cheap however large the table. $1 = how many. */
const RUNNING = `SELECT ${COLUMNS} FROM extraction_queue WHERE status_id = ${RUNNING_STATUS} ORDER BY ocr_started_at NULLS LAST, id LIMIT $1`;

/** A row of COLUMNS. Optional where a reader (a test, an older schema) may lack the column. */
export interface JobRow {
  id: string;
  document_source: string | null;
  document_number?: string | null;
  status_id: number;
  ocr_progress?: unknown;
  ocr_attempts?: number | null;
  ocr_max_attempts?: number | null;
  ocr_worker_id?: string | null;
  ocr_started_at?: Date | string | null;
  ocr_completed_at?: Date | string | null;
  ocr_error?: string | null;
  ocr_last_error_at?: Date | string | null;
  ocr_next_attempt_at?: Date | string | null;
  ocr_lease_expires_at?: Date | string | null;
}

export async function jobRows(db: Queryable, ids: string[]): Promise<JobRow[]> {
  return (await db.query<JobRow>(BY_IDS, [ids])).rows;
}

export async function runningJobRows(db: Queryable, limit: number): Promise<JobRow[]> {
  return (await db.query<JobRow>(RUNNING, [limit])).rows;
}
