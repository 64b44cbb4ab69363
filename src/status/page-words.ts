/**
 * A page's words as the status server serves them (docs/contract.md, "Routes of the status server"):
 * GET /api/jobs/:env/:id/pages/:n as JSON and …/pages/:n.hocr as hOCR, both from the page's row in
 * `ocr_pages`, whose layout holds the words in PDF points with the page's own top-left origin (the render's
 * scaling and preprocessing's enlargement, deskew and turn already undone; a text layer's words from
 * MuPDF's structured text). A page without a row answers 404 `no_page` saying why, as far as the
 * document's row tells: not read yet, out of range, or pruned after OCR_PAGE_ROWS_KEEP_DAYS.
 */
import type { ServerResponse } from 'node:http';
import type { EnvName } from '../config';
import { pageHocr } from '../ocr/hocr';
import { isUuid } from '../progress/job-status';
import type { PageRead } from '../queue/reads/page';
import { DONE_STATUS, FAILED_STATUS, READY_STATUS, RUNNING_STATUS, statusKey } from '../queue/ready';
import type { PdfWord } from '../text/page';
import { decodeLayout } from '../text/word-codec';
import { HttpError, sendJson, sendText } from './http';

export interface PageWordsRequest {
  env: EnvName;
  id: string;
  /** The page number as it stands in the path. */
  page: string;
  hocr: boolean;
}

export interface PageWordsDeps {
  read: (env: EnvName, id: string, page: number) => Promise<PageRead | null>;
  /** OCR_PAGE_ROWS_KEEP_DAYS, to tell a pruned page from one never kept; unknown when absent. */
  keepDays?: number;
}

interface PageWordsView {
  env: EnvName;
  id: string;
  page: number;
  pages: number | null;
  state: 'done' | 'failed';
  error?: string;
  source: 'ocr' | 'text-layer';
  /** The page as displayed, points; null when it was not rendered (a failed page). */
  width: number | null;
  height: number | null;
  unit: 'pt';
  origin: 'top-left';
  confidence: number | null;
  lang?: string;
  rotated?: number;
  words: { text: string; confidence: number | null; x0: number; y0: number; x1: number; y1: number; line: number }[];
}

const HOCR_CONTENT_TYPE = 'text/vnd.hocr+html; charset=utf-8';

export async function servePageWords(res: ServerResponse, req: PageWordsRequest, deps: PageWordsDeps): Promise<void> {
  if (!isUuid(req.id)) throw new HttpError(400, 'invalid_id', `document id must be a UUID, got ${JSON.stringify(req.id.slice(0, 60))}`);
  const n = pageNumber(req.page);
  const id = req.id.toLowerCase();
  const read = await deps.read(req.env, id, n);
  if (!read) throw new HttpError(404, 'not_found', `no document ${id} in ${req.env}`);
  if (!read.row) throw new HttpError(404, 'no_page', `page ${n}: ${missingPage(read, n, deps.keepDays)}`);
  if (!req.hocr) return sendJson(res, 200, pageWords(req.env, id, n, read));
  const { row } = read;
  if (!row.layout) {
    throw new HttpError(404, 'no_words', `page ${n} has no words to place: ${row.state === 'failed' ? `it was not read (${row.error ?? 'no reason kept'})` : 'it was not rendered'}`);
  }
  const lang = hocrLang(row.lang);
  sendText(res, 200, HOCR_CONTENT_TYPE, pageHocr(decodeLayout(row.layout), { pageNumber: n, ...(lang ? { lang } : {}) }));
}

/** A 1-based page number from the path; 400 for anything else. */
export function pageNumber(s: string): number {
  const n = /^[1-9]\d{0,8}$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new HttpError(400, 'invalid_page', `page must be a number from 1, got ${JSON.stringify(s.slice(0, 20))}`);
  return n;
}

/** Why page `n` has no row, as far as the document's row tells. */
export function missingPage(read: Omit<PageRead, 'row'>, n: number, keepDays?: number, now = Date.now()): string {
  if (read.pages !== null && n > read.pages) return `out of range: the document has ${read.pages} page(s)`;
  const kept = read.kept ? `; ${read.kept} page(s) of it kept` : '';
  switch (read.status_id) {
    case DONE_STATUS: {
      const at = read.ocr_completed_at;
      const ageDays = at ? (now - at.getTime()) / 86_400_000 : null;
      if (read.kept === 0 && keepDays && ageDays !== null && ageDays >= keepDays) {
        return `pruned: page rows are deleted ${keepDays} day(s) after completion (OCR_PAGE_ROWS_KEEP_DAYS), and the document completed ${at!.toISOString()}`;
      }
      return `no row kept: the document completed${at ? ` ${at.toISOString()}` : ''}${kept}${read.kept === 0 ? ' (read before pages were kept, or its rows were deleted)' : ''}`;
    }
    case RUNNING_STATUS:
      return `not read yet: the document is being read${kept}`;
    case READY_STATUS:
      return `not read yet: the document waits to be read${kept}`;
    case FAILED_STATUS:
      return `not read: the document failed${read.ocr_error ? ` (${read.ocr_error})` : ''}${kept}`;
    default:
      return `not read yet: the document is at status ${read.status_id} (${statusKey(read.status_id)})`;
  }
}

/** The JSON answer for a page that has a row. */
export function pageWords(env: EnvName, id: string, n: number, read: PageRead): PageWordsView {
  const row = read.row!;
  const layout = row.layout ? decodeLayout(row.layout) : null;
  return {
    env,
    id,
    page: n,
    pages: read.pages,
    state: row.state,
    ...(row.state === 'failed' ? { error: row.error ?? 'not read' } : {}),
    source: row.source === 'text-layer' ? 'text-layer' : 'ocr',
    width: layout ? hundredths(layout.width) : null,
    height: layout ? hundredths(layout.height) : null,
    unit: 'pt',
    origin: 'top-left',
    confidence: row.confidence === null ? null : tenths(row.confidence),
    ...(row.lang ? { lang: row.lang } : {}),
    ...(row.rotated !== null ? { rotated: row.rotated } : {}),
    words: (layout?.words ?? []).map(word),
  };
}

/** A hundredth of a point (0.0035 mm) is finer than any scan; the stored doubles take ~35 % more (1,000 words: 127 kB, not 94). */
function word(w: PdfWord): PageWordsView['words'][number] {
  return {
    text: w.text,
    confidence: w.confidence === null ? null : tenths(w.confidence),
    x0: hundredths(w.x0),
    y0: hundredths(w.y0),
    x1: hundredths(w.x1),
    y1: hundredths(w.y1),
    line: w.line,
  };
}

const hundredths = (v: number) => Math.round(v * 100) / 100;
const tenths = (v: number) => Math.round(v * 10) / 10;

/** Tesseract's model names as BCP 47 tags for hOCR's `lang`; a page read with two models has no one language. */
const BCP47: Record<string, string> = { fra: 'fr', eng: 'en', deu: 'de', spa: 'es', ita: 'it', por: 'pt', nld: 'nl' };

function hocrLang(lang: string | null): string | undefined {
  return lang ? BCP47[lang] : undefined;
}
