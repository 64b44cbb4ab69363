/**
 * One kept page of a document (`ocr_pages`, migration 000009) with what a reader needs to say why a page
 * has no row: the document's status, when it completed, how many pages it has and how many are kept.
 * GET /api/jobs/:env/:id/pages/:n (src/status/page-words.ts).
 */
import type { Queryable } from '../../db/pg';

/**
 * $1 = document id, $2 = page. No row: no such document. The page count is the progress's (the pages
 * being read, then read), else the confidence record's (one entry a page).
 */
const SQL = `
SELECT q.status_id, q.ocr_completed_at, q.ocr_error,
       coalesce(CASE WHEN jsonb_typeof(q.ocr_progress->'pages') = 'number' THEN nullif((q.ocr_progress->>'pages')::numeric::int, 0) END,
                CASE WHEN jsonb_typeof(q.ocr_confidence->'pages') = 'array' THEN nullif(jsonb_array_length(q.ocr_confidence->'pages'), 0) END) AS pages,
       (SELECT count(*)::int FROM ocr_pages k WHERE k.document_id = q.id) AS kept,
       p.state, p.error, p.confidence, p.lang, p.rotated, p.detail->>'source' AS source, p.layout
  FROM extraction_queue q
  LEFT JOIN ocr_pages p ON p.document_id = q.id AND p.page = $2
 WHERE q.id = $1`;

export interface PageRead {
  status_id: number;
  ocr_completed_at: Date | null;
  ocr_error: string | null;
  /** Pages of the document, when known. */
  pages: number | null;
  /** Rows the document has in `ocr_pages`. */
  kept: number;
  /** The page's row; null when it has none. */
  row: {
    state: 'done' | 'failed';
    error: string | null;
    confidence: number | null;
    lang: string | null;
    rotated: number | null;
    source: string | null;
    layout: Uint8Array | null;
  } | null;
}

type Row = Omit<PageRead, 'row'> & { state: 'done' | 'failed' | null; layout: Buffer | null } & Omit<NonNullable<PageRead['row']>, 'state' | 'layout'>;

/** Page `page` of document `id`; null when there is no such document. */
export async function readPage(db: Queryable, id: string, page: number): Promise<PageRead | null> {
  const r = (await db.query<Row>(SQL, [id, page])).rows[0];
  if (!r) return null;
  const { status_id, ocr_completed_at, ocr_error, pages, kept, state, layout, ...rest } = r;
  return {
    status_id,
    ocr_completed_at,
    ocr_error,
    pages,
    kept,
    row: state === null ? null : { ...rest, state, layout: layout ? new Uint8Array(layout.buffer, layout.byteOffset, layout.byteLength) : null },
  };
}
