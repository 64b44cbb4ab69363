/** Where a document's searchable PDF is (OCR_SEARCHABLE_PDF), for GET /api/jobs/:env/:id/pdf. */
import type { Queryable } from '../../db/pg';

/** $1 = row id (uuid). */
const SQL = `SELECT status_id, ocr_pdf_path, ocr_pdf_error FROM extraction_queue WHERE id = $1::uuid`;

export interface SearchablePdfRow {
  status_id: number;
  ocr_pdf_path: string | null;
  ocr_pdf_error: string | null;
}

export async function readSearchablePdf(db: Queryable, id: string): Promise<SearchablePdfRow | null> {
  return ((await db.query(SQL, [id])).rows[0] as SearchablePdfRow | undefined) ?? null;
}
