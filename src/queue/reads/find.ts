/**
 * Find documents by id or by document_number as the registry writes it: whitespace (the no-break spaces
 * too) and case do not matter, so "12 345 678", "12345678" and "12 345 678" are one number. The
 * expression is the one migration 000008 indexes, written the same way so the index serves it.
 */
import type { Queryable } from '../../db/pg';

/** SQL: a document number without whitespace, lower case (the index's expression). */
const NORMALISED = `lower(regexp_replace(document_number, U&'[[:space:]\\00A0\\202F]+', '', 'g'))`;

/** The query as the index holds numbers. Pure; JavaScript's \s covers U+00A0 and U+202F. */
export function normaliseNumber(q: string): string {
  return q.replace(/\s+/g, '').toLowerCase();
}

const COLUMNS = `id, document_source, document_number, status_id, supabase_path, created_at, updated_at,
                 ocr_attempts, ocr_max_attempts, ocr_worker_id, ocr_started_at, ocr_completed_at,
                 ocr_error, ocr_last_error_at, ocr_next_attempt_at, ocr_error_history, ocr_progress,
                 ocr_confidence, file_content, boosted_file_content`;

/** $1 = id (uuid) or NULL, $2 = normalised number or NULL, $3 = how many. */
const SQL = `
SELECT ${COLUMNS} FROM extraction_queue
 WHERE ($1::uuid IS NOT NULL AND id = $1::uuid)
    OR ($2::text IS NOT NULL AND ${NORMALISED} = $2)
 ORDER BY created_at DESC, id
 LIMIT $3`;

export interface FoundRow {
  id: string;
  document_source: string | null;
  document_number: string | null;
  status_id: number;
  supabase_path: string | null;
  created_at: Date;
  updated_at: Date;
  ocr_attempts: number | null;
  ocr_max_attempts: number | null;
  ocr_worker_id: string | null;
  ocr_started_at: Date | null;
  ocr_completed_at: Date | null;
  ocr_error: string | null;
  ocr_last_error_at: Date | null;
  ocr_next_attempt_at: Date | null;
  ocr_error_history: unknown;
  ocr_progress: unknown;
  ocr_confidence: unknown;
  file_content: string | null;
  boosted_file_content: string | null;
}

export async function findRows(db: Queryable, by: { id: string | null; number: string | null }, limit: number): Promise<FoundRow[]> {
  return (await db.query<FoundRow>(SQL, [by.id, by.number, limit])).rows;
}
