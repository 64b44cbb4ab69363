/**
 * GET /api/jobs/:env/:id/pages/:n and …/pages/:n.hocr on a real status server and Postgres, with pages
 * written the way a job writes them (claim, the engine's reading of a generated page, pageRow, savePage).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { OcrEngine } from '../../src/ocr/engine';
import type { PageResult } from '../../src/ocr/types';
import { failedPage, pageRow } from '../../src/pool/page-row';
import { claim } from '../../src/queue/claim';
import { complete } from '../../src/queue/complete';
import { savePage } from '../../src/queue/pages';
import { saveProgress } from '../../src/queue/progress';
import type { Claim } from '../../src/queue/types';
import { StatusServer } from '../../src/status/server';
import { hasLetterOrDigit } from '../../src/text/words';
import { createTestDb, seed, type TestDb } from '../helpers/db';
import { iou, parseHocr } from '../helpers/hocr';
import { type KnownWord, wordsScan } from '../helpers/pdfs';
import { getJson } from './helpers';

const TOKEN = 'page-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const LINES = ['Vente chez Monsieur Pierre Tremblay', 'demeurant rue Sherbrooke numero quarante', 'immeuble connu comme lot cinq cents', 'cadastre officiel paroisse Montreal'];
const BUDGET_ERROR = 'TimeBudgetError: page 2 exceeded its 120000 ms budget';

let db: TestDb;
let server: StatusServer;
let base: string;
let engine: OcrEngine;
/** A document being read: page 1 a scan fed turned 90° (OCR'd), 2 failed, 3 a text layer; 4 not read yet. */
let reading: Claim;
let truth: KnownWord[];
/** The ink of each word of the text-layer page. */
let ink: KnownWord[];

async function claimOne(worker: string): Promise<Claim> {
  const [id] = await seed(db.pool, [{ source: 'acte', number: worker }]);
  const c = await claim(db.pool, 'dev', worker, 'acte', 60_000);
  if (!c || c.id !== id) throw new Error('claimed something else');
  return c;
}

async function readOne(pdf: Uint8Array, pageNumber: number): Promise<PageResult> {
  const { pages } = await engine.ocrDocument(pdf, 'acte');
  return { ...pages[0]!, pageNumber };
}

beforeAll(async () => {
  db = await createTestDb();
  engine = await OcrEngine.create({ langs: 'fra', dpi: 300, timeoutMs: 60_000 });
  server = new StatusServer({
    config: { environments: [{ name: 'dev', databaseUrl: db.url }], redisUrl: undefined, httpHost: '127.0.0.1', httpPort: 0, httpToken: TOKEN, pageRowsKeepDays: 7 },
    log: createLogger('silent'),
  });
  base = `http://127.0.0.1:${(await server.start()).port}`;

  const scan = await wordsScan({ lines: LINES, dpi: 300, turn: 90 });
  truth = scan.words;
  const text = await wordsScan({ lines: LINES, dpi: 72 });
  ink = text.words;
  reading = await claimOne('host:1:w1');
  const pages = [await readOne(scan.pdf, 1), failedPage(2, BUDGET_ERROR), await readOne(text.drawn, 3)];
  for (const p of pages) expect(await savePage(db.pool, reading, pageRow(p, 'digest-1'))).toEqual({ applied: true, written: true });
  await saveProgress(db.pool, reading, { stage: 'ocr', page: 4, pages: 4, percent: 80, message: 'page 4 of 4', worker: reading.workerId });
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await engine?.terminate();
  await db?.drop();
});

const pageUrl = (id: string, n: number | string, hocr = false) => `${base}/api/jobs/dev/${id}/pages/${n}${hocr ? '.hocr' : ''}`;

describe('GET /api/jobs/:env/:id/pages/:n', () => {
  it('an OCR’d page: its words in PDF points, each box over its true box (IoU ≥ 0.7), on the page as displayed', async () => {
    const { status, body } = await getJson(pageUrl(reading.id, 1), auth);
    expect(status).toBe(200);
    expect(body).toMatchObject({ env: 'dev', id: reading.id, page: 1, pages: 4, state: 'done', source: 'ocr', unit: 'pt', origin: 'top-left', lang: 'fra', rotated: 270 });
    expect(body.error).toBeUndefined();
    // Fed turned, the scan's page is as wide as an A4 page is high: the page as displayed, in points (a
    // whole number of 300 DPI pixels, so a fraction of a point off A4's 842 × 595).
    expect(Math.abs(body.width - 842)).toBeLessThan(0.5);
    expect(Math.abs(body.height - 595)).toBeLessThan(0.5);
    expect(body.confidence).toBeGreaterThan(70);
    const words = (body.words as { text: string; x0: number; y0: number; x1: number; y1: number; line: number; confidence: number }[]).filter((w) => hasLetterOrDigit(w.text));
    expect(words.length).toBeGreaterThanOrEqual(truth.length * 0.9);
    for (const w of words) {
      const best = Math.max(...truth.map((t) => iou(w, t)));
      expect(best, `'${w.text}' at ${JSON.stringify(w)}`).toBeGreaterThanOrEqual(0.7);
      expect(w.confidence).toBeGreaterThan(0);
    }
    const read = words.filter((w) => truth.some((t) => t.text === w.text));
    expect(read.length).toBeGreaterThanOrEqual(truth.length * 0.9);
    expect(new Set(read.map((w) => w.line)).size).toBe(LINES.length);
  });

  it('…pages/1.hocr: hOCR an hOCR tool reads to the same words, boxes in pixels at 300 DPI, the page’s language', async () => {
    const res = await fetch(pageUrl(reading.id, 1, true), { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/vnd.hocr+html; charset=utf-8');
    const hocr = await res.text();
    expect(hocr).toContain('lang="fr"');
    const { page, words } = parseHocr(hocr);
    const json = (await getJson(pageUrl(reading.id, 1), auth)).body;
    const px = 300 / 72;
    expect(page.scanRes).toEqual([300, 300]);
    const [x0, y0, x1, y1] = page.bbox as [number, number, number, number];
    expect([x0, y0]).toEqual([0, 0]);
    expect(Math.abs(x1 - json.width * px)).toBeLessThanOrEqual(1);
    expect(Math.abs(y1 - json.height * px)).toBeLessThanOrEqual(1);
    expect(words.map((w) => w.text)).toEqual(json.words.map((w: { text: string }) => w.text));
    words.forEach((w, i) => {
      const j = json.words[i];
      // The JSON's points are rounded to hundredths, the hOCR's pixels outwards from the exact points.
      expect(Math.abs(w.x0 - j.x0 * px)).toBeLessThanOrEqual(1);
      expect(Math.abs(w.y1 - j.y1 * px)).toBeLessThanOrEqual(1);
      expect(w.conf).toBe(Math.round(j.confidence));
    });
  });

  it('a page that could not be read answers state failed with its error, and no words; its hOCR is refused saying why', async () => {
    const { status, body } = await getJson(pageUrl(reading.id, 2), auth);
    expect(status).toBe(200);
    expect(body).toMatchObject({ page: 2, pages: 4, state: 'failed', error: BUDGET_ERROR, source: 'ocr', confidence: null, width: null, height: null, words: [] });
    const hocr = await getJson(pageUrl(reading.id, 2, true), auth);
    expect(hocr.status).toBe(404);
    expect(hocr.body).toMatchObject({ error: 'no_words' });
    expect(hocr.body.message).toContain(BUDGET_ERROR);
  });

  it('a text-layer page gives MuPDF’s words in the same form, without confidences', async () => {
    const { status, body } = await getJson(pageUrl(reading.id, 3), auth);
    expect(status).toBe(200);
    expect(body).toMatchObject({ page: 3, state: 'done', source: 'text-layer', confidence: null, width: 595, height: 842 });
    const lines = new Map<number, string[]>();
    for (const w of body.words) lines.set(w.line, [...(lines.get(w.line) ?? []), w.text]);
    expect([...lines.values()].map((l) => l.join(' '))).toEqual(LINES);
    expect(body.words.every((w: { confidence: unknown }) => w.confidence === null)).toBe(true);
    // Each word's box (the font's, ascender to descender) holds the word's ink.
    for (const t of ink) {
      const w = body.words.find((x: { text: string }) => x.text === t.text);
      expect([w.x0 <= t.x0 + 0.5, w.y0 <= t.y0 + 0.5, w.x1 >= t.x1 - 0.5, w.y1 >= t.y1 - 0.5], `'${t.text}' at ${JSON.stringify(w)} vs ${JSON.stringify(t)}`).toEqual([true, true, true, true]);
    }
    const hocr = parseHocr(await (await fetch(pageUrl(reading.id, 3, true), { headers: auth })).text());
    expect(hocr.words.map((w) => w.text)).toEqual(body.words.map((w: { text: string }) => w.text));
    expect(hocr.words.every((w) => w.conf === null)).toBe(true);
  });

  it('a page without a row: 404 no_page saying whether it is not read yet or out of range', async () => {
    const notYet = await getJson(pageUrl(reading.id, 4), auth);
    expect(notYet.status).toBe(404);
    expect(notYet.body).toMatchObject({ error: 'no_page', message: 'page 4: not read yet: the document is being read; 3 page(s) of it kept' });
    const beyond = await getJson(pageUrl(reading.id, 5, true), auth);
    expect(beyond.body).toMatchObject({ error: 'no_page', message: 'page 5: out of range: the document has 4 page(s)' });
  });

  it('a page of a document completed longer ago than OCR_PAGE_ROWS_KEEP_DAYS: 404 no_page, pruned', async () => {
    const c = await claimOne('host:1:w2');
    await complete(db.pool, c, { fileContent: 'x', boostedFileContent: 'x', progress: { stage: 'done', page: 2, pages: 2, percent: 100 } });
    await db.pool.query(`UPDATE extraction_queue SET ocr_completed_at = now() - interval '8 days' WHERE id = $1`, [c.id]);
    const { status, body } = await getJson(pageUrl(c.id, 1), auth);
    expect(status).toBe(404);
    expect(body.error).toBe('no_page');
    expect(body.message).toMatch(/^page 1: pruned: page rows are deleted 7 day\(s\) after completion .* completed \d{4}-/);
    // Two days after completion the rows would still be there: not pruned, none were kept.
    await db.pool.query(`UPDATE extraction_queue SET ocr_completed_at = now() - interval '2 days' WHERE id = $1`, [c.id]);
    expect((await getJson(pageUrl(c.id, 1), auth)).body.message).toMatch(/^page 1: no row kept: the document completed .* \(read before pages were kept/);
  });

  it('answers 400 for a bad page number or id, 404 not_found for no such document, 401 without the token', async () => {
    for (const n of ['0', 'abc', '1.5', '-1', '01', '9999999999']) {
      const r = await getJson(pageUrl(reading.id, n), auth);
      expect([n, r.status, r.body.error]).toEqual([n, 400, 'invalid_page']);
    }
    expect((await getJson(pageUrl('not-a-uuid', 1), auth)).body).toMatchObject({ status: 400, error: 'invalid_id' });
    expect((await getJson(pageUrl('00000000-0000-4000-8000-000000000000', 1, true), auth)).body).toMatchObject({ status: 404, error: 'not_found' });
    expect((await getJson(pageUrl(reading.id, 1))).status).toBe(401);
    expect((await getJson(`${base}/api/jobs/nowhere/${reading.id}/pages/1`, auth)).body).toMatchObject({ status: 404, error: 'unknown_env' });
  });
});
