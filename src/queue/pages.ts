/**
 * A claimed document's pages, one row each in `ocr_pages` (migration 000009, docs/contract.md), written
 * as each page is read. The write is fenced by the document's claim like every other: a worker that
 * lost its claim writes no page. A page already written (by an earlier attempt of the same bytes) is
 * never written again: the insert does nothing, and says so.
 *
 * The fence is checked, not held: a page whose claim is lost between the check and the commit still
 * lands, but it is a reading of the same bytes (same digest), which the next claim may use as it is.
 */
import type { Queryable } from '../db/pg';
import { DONE_STATUS } from './ready';
import { FENCE, fenceParams } from './fence';
import type { Claim, FencedResult } from './types';

export interface PageRow {
  page: number;
  digest: string;
  state: 'done' | 'failed';
  text: string;
  words: Uint8Array | null;
  confidence: number | null;
  lang: string | null;
  rotated: number | null;
  refinements: string[] | null;
  timings: Record<string, unknown> | null;
  error: string | null;
  detail: Record<string, unknown>;
  /** The page's words in PDF points (src/text/word-codec.ts), for the text layers and hOCR built from the pages. */
  layout: Uint8Array | null;
}

/** $1-$3 = the fence, $4 = page, $5 = digest, $6 = state, $7 = text, $8 = words, $9 = confidence, $10 = lang,
 * $11 = rotated, $12 = refinements, $13 = timings, $14 = error, $15 = detail, $16 = layout. */
const SAVE = `
WITH fence AS (SELECT 1 FROM extraction_queue WHERE ${FENCE}),
ins AS (
  INSERT INTO ocr_pages (document_id, page, digest, state, text, words, confidence, lang, rotated, refinements, timings, error, detail, layout, attempt, worker_id)
  SELECT $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15::jsonb, $16, $3, $2 FROM fence
  ON CONFLICT (document_id, page) DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*)::int FROM fence) AS held, (SELECT count(*)::int FROM ins) AS written`;

export type SavePageResult = FencedResult & { written?: boolean };

/** Keep one page; `written` false when the page had a row already. */
export async function savePage(db: Queryable, claim: Claim, row: PageRow): Promise<SavePageResult> {
  const { rows } = await db.query<{ held: number; written: number }>(SAVE, [
    ...fenceParams(claim),
    row.page,
    row.digest,
    row.state,
    stripNul(row.text),
    bytea(row.words),
    row.confidence,
    row.lang,
    row.rotated,
    row.refinements,
    row.timings ? JSON.stringify(row.timings) : null,
    row.error,
    JSON.stringify(row.detail),
    bytea(row.layout),
  ]);
  if (rows[0]!.held !== 1) return { applied: false, reason: 'lost' };
  return { applied: true, written: rows[0]!.written === 1 };
}

/** $1-$3 = the fence, $4 = digest: rows of other bytes of this document (its PDF was replaced). */
const FORGET = `
DELETE FROM ocr_pages
 WHERE document_id = $1 AND digest <> $4
   AND EXISTS (SELECT 1 FROM extraction_queue WHERE ${FENCE})`;

/** Drop the page rows read from other bytes than `digest`: they are not this PDF's. Fenced. */
export async function forgetOtherDigests(db: Queryable, claim: Claim, digest: string): Promise<number> {
  const r = await db.query(FORGET, [...fenceParams(claim), digest]);
  return r.rowCount ?? 0;
}

const LOAD = `
SELECT page, digest, state, text, words, confidence, lang, rotated, refinements, timings, error, detail, layout
  FROM ocr_pages WHERE document_id = $1 AND digest = $2 ORDER BY page`;

/** The pages of `documentId` already kept for these bytes, in page order. */
export async function loadPages(db: Queryable, documentId: string, digest: string): Promise<PageRow[]> {
  const { rows } = await db.query<PageRow & { words: Buffer | null; layout: Buffer | null }>(LOAD, [documentId, digest]);
  return rows.map((r) => ({ ...r, words: bytes(r.words), layout: bytes(r.layout) }));
}

/**
 * $1 = days. Rows of documents completed (5) more than that long ago, and of documents no longer in the
 * queue. Driven from ocr_pages, which holds recent documents only, not from the whole queue.
 */
const PRUNE = `
DELETE FROM ocr_pages p
 WHERE p.document_id IN (
   SELECT d.document_id FROM (SELECT DISTINCT document_id FROM ocr_pages) d
     LEFT JOIN extraction_queue q ON q.id = d.document_id
    WHERE q.id IS NULL
       OR (q.status_id = ${DONE_STATUS} AND q.ocr_completed_at < now() - make_interval(days => $1::int)))`;

/** Delete the page rows nobody needs any more (see PRUNE); how many. */
export async function prunePages(db: Queryable, keepDays: number): Promise<number> {
  const r = await db.query(PRUNE, [keepDays]);
  return r.rowCount ?? 0;
}

const bytea = (b: Uint8Array | null): Buffer | null => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : null);
const bytes = (b: Buffer | null): Uint8Array | null => (b ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : null);

/** Postgres text cannot hold NUL; OCR of a broken page can produce one. */
function stripNul(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
}
