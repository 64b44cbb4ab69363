/**
 * A read page ↔ its row in `ocr_pages` (src/queue/pages.ts). Every page of a completed document is
 * assembled from its row, whether it was read in this attempt or an earlier one, so a document resumed
 * after a crash gets exactly the text and confidence of one read in one go.
 */
import { meanWordConfidence } from '../boost/confidence';
import type { PageResult } from '../ocr/types';
import type { PageRow } from '../queue/pages';
import { decodeLayout, decodeWords, encodeLayout, encodeWords } from '../text/word-codec';

/** The row of `page`, read from the PDF of `digest`. */
export function pageRow(page: PageResult, digest: string): PageRow {
  const { pageNumber, text, words, failed, layout, ...detail } = page;
  const refinementMs = page.timings?.refinementMs ?? {};
  return {
    page: pageNumber,
    digest,
    state: failed === undefined ? 'done' : 'failed',
    text,
    words: words.length ? encodeWords(words) : null,
    confidence: failed === undefined ? meanWordConfidence(page).confidence : null,
    lang: page.lang ?? null,
    rotated: page.rotated ?? null,
    refinements: failed === undefined ? Object.keys(refinementMs).filter((k) => (refinementMs[k] ?? 0) > 0) : null,
    timings: page.timings ? { ...page.timings } : null,
    error: failed ?? null,
    detail: detail as unknown as Record<string, unknown>,
    layout: layout ? encodeLayout(layout) : null,
  };
}

/** The page a row keeps, as the boost and `ocr_confidence` take it. */
export function pageFromRow(row: PageRow): PageResult {
  const detail = row.detail as unknown as Omit<PageResult, 'pageNumber' | 'text' | 'words' | 'failed' | 'layout'>;
  return {
    ...detail,
    ...(row.layout ? { layout: decodeLayout(row.layout) } : {}),
    pageNumber: row.page,
    text: row.text,
    words: row.words ? decodeWords(row.words) : [],
    ...(row.state === 'failed' ? { failed: row.error ?? 'not read' } : {}),
  };
}

/** A page that could not be read: no text, no words, and why. */
export function failedPage(pageNumber: number, reason: string): PageResult {
  return { pageNumber, text: '', source: 'ocr', confidence: null, words: [], width: 0, height: 0, failed: reason };
}
