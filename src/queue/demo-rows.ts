/**
 * The demo's own rows (`npm run demo`, src/demo/): seeded at 3, watched until final, read back for the
 * summary, deleted from a database of one's own. Nothing else uses these.
 */
import type { Queryable } from '../db/pg';
import { DONE_STATUS, FAILED_STATUS, READY_STATUS } from './ready';

/** One row, ready for OCR. $1 = source, $2 = document number, $3 = PDF path, $4 = age (s): older is claimed first. */
const SEED = `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, created_at, updated_at)
              VALUES ($1, $2, $3, ${READY_STATUS}, now() - make_interval(secs => $4), now())
              RETURNING id`;

/** $1 = row ids. */
const DELETE = 'DELETE FROM extraction_queue WHERE id = ANY($1::uuid[])';

/** $1 = row ids. */
const STATUSES = 'SELECT id, status_id FROM extraction_queue WHERE id = ANY($1::uuid[])';

/** Rows at 4 or 5, of all. $1 = row ids, or NULL for every row. */
const FINISHED = `SELECT count(*) FILTER (WHERE status_id IN (${FAILED_STATUS}, ${DONE_STATUS}))::int AS final, count(*)::int AS total
                    FROM extraction_queue WHERE $1::uuid[] IS NULL OR id = ANY($1::uuid[])`;

/** What the summary shows of each row. $1 = row ids. */
const FINAL_ROWS = `SELECT id, status_id, file_content, boosted_file_content, ocr_error, ocr_attempts, ocr_started_at,
                           coalesce(ocr_completed_at, CASE WHEN status_id = ${FAILED_STATUS} THEN ocr_last_error_at END) AS finished_at, ocr_progress
                      FROM extraction_queue WHERE id = ANY($1::uuid[])`;

export async function seedRow(db: Queryable, source: string, documentNumber: string, supabasePath: string, ageSeconds: number): Promise<string> {
  const { rows } = await db.query<{ id: string }>(SEED, [source, documentNumber, supabasePath, ageSeconds]);
  return rows[0]!.id;
}

export async function deleteRows(db: Queryable, ids: string[]): Promise<void> {
  await db.query(DELETE, [ids]);
}

export async function rowStatuses(db: Queryable, ids: string[]): Promise<{ id: string; status_id: number }[]> {
  return (await db.query<{ id: string; status_id: number }>(STATUSES, [ids])).rows;
}

export async function countFinished(db: Queryable, ids: string[] | null): Promise<{ final: number; total: number } | undefined> {
  return (await db.query<{ final: number; total: number }>(FINISHED, [ids])).rows[0];
}

export interface DemoFinalRow {
  id: string;
  status_id: number;
  file_content: string | null;
  boosted_file_content: string | null;
  ocr_error: string | null;
  ocr_attempts: number | null;
  ocr_started_at: Date | null;
  finished_at: Date | null;
  ocr_progress: { pages?: number; ocrPages?: number; textLayerPages?: number } | null;
}

export async function finalRows(db: Queryable, ids: string[]): Promise<DemoFinalRow[]> {
  return (await db.query<DemoFinalRow>(FINAL_ROWS, [ids])).rows;
}
