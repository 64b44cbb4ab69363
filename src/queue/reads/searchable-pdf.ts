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

/** Searchable PDFs written and not written over the last day (the partial index on ocr_pdf_at), and the last failure. */
const LAST_DAY = `SELECT count(*) FILTER (WHERE ocr_pdf_path IS NOT NULL)::int AS written,
                         count(*) FILTER (WHERE ocr_pdf_error IS NOT NULL)::int AS failed
                    FROM extraction_queue WHERE ocr_pdf_at > now() - interval '1 day'`;
const LAST_FAILURE = `SELECT id, ocr_pdf_error, ocr_pdf_at FROM extraction_queue
                       WHERE ocr_pdf_at > now() - interval '1 day' AND ocr_pdf_error IS NOT NULL
                       ORDER BY ocr_pdf_at DESC LIMIT 1`;

export interface SearchablePdfSummary {
  written: number;
  failed: number;
  lastFailure: { id: string; error: string; at: string } | null;
}

export async function readSearchablePdfSummary(db: Queryable): Promise<SearchablePdfSummary> {
  const counts = (await db.query(LAST_DAY)).rows[0] as { written: number; failed: number };
  const last = (await db.query(LAST_FAILURE)).rows[0] as { id: string; ocr_pdf_error: string; ocr_pdf_at: Date } | undefined;
  return { ...counts, lastFailure: last ? { id: last.id, error: last.ocr_pdf_error, at: last.ocr_pdf_at.toISOString() } : null };
}
