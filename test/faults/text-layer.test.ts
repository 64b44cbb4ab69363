/**
 * A scanned page's text layer is trusted only where it stands for the page: a certification stamp on a
 * scanned deed (enough text to pass the text-only rule) hid the scan from OCR; an invisible garbage OCR
 * layer over a scan was taken as the page's text. Both scans are now OCR'd, with the reason noted per
 * page; a searchable PDF whose invisible layer is right is still read, not OCR'd.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcrEngine } from '../../src/ocr/engine';
import { dictionaryShare, inkOutsideShare, judgeScannedTextLayer } from '../../src/ocr/text-layer';
import { pageConfidence } from '../../src/boost/confidence';
import { row, type TestDb } from '../helpers/db';
import { startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import { scannedPdf } from '../helpers/pdfs';

// Plain ASCII: the test fonts are simple fonts without an encoding for accents.
const WORDS = ['acte', 'vente', 'immeuble', 'cadastre', 'lot', 'notaire', 'servitude', 'prix', 'terrain', 'maison', 'contrat', 'partie', 'droit'];
const SCAN = Array.from({ length: 30 }, (_, i) => Array.from({ length: 11 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' '));
const lineY = (i: number) => 842 - 40 - i * 12; // where makePdf puts line i

/** ~370 characters of certification, in small type along the bottom of the page. */
const STAMP = [
  'Copie certifiee conforme a l original depose au registre foncier de la circonscription,',
  'delivree par l officier de la publicite des droits le douze mars deux mille vingt-quatre,',
  'pour valoir ce que de droit, sous le numero de reference indique en marge du present acte,',
  'avec les mentions de publication et d inscription portees au registre des droits reels.',
].map((text, i) => ({ x: 300, y: 60 - i * 9, size: 5, text }));

function garbage(n: number, seed: number): string {
  let x = seed;
  const letters = 'qxzjkwvbhgfdtrplmnc';
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Array.from({ length: 4 + (x % 5) }, (_, k) => letters[(x >> (k * 3)) % letters.length]).join('');
  }).join(' ');
}

let engine: OcrEngine;
beforeAll(async () => {
  engine = await OcrEngine.create({ langs: 'fra+eng', dpi: 300, timeoutMs: 120_000 });
}, 180_000);
afterAll(async () => engine?.terminate());

describe('the rule', () => {
  it.each([
    [{ inkOutside: 0.05, dictionary: 0.9 }, true, undefined],
    [{ inkOutside: 0.05, dictionary: null }, true, undefined],
    [{ inkOutside: 0.9, dictionary: 0.95 }, false, 'text layer ignored: 90 % of the ink lies outside it (a stamp or header on a scan)'],
    [{ inkOutside: 0.1, dictionary: 0.02 }, false, 'text layer ignored: 2 % of its words are dictionary words (a garbage OCR layer)'],
  ])('%j → use %s', (m, use, note) => {
    expect(judgeScannedTextLayer(m)).toEqual(note ? { use, note } : { use });
  });

  it('ink outside the boxes, and words in the dictionary', () => {
    const image = { width: 72, height: 72, pixels: new Uint8Array(72 * 72).fill(255) };
    image.pixels.fill(0, 0, 72 * 10); // rows 0-9: ink
    image.pixels.fill(0, 72 * 60, 72 * 70); // rows 60-69: ink
    // Boxes are widened by 3 pt: [0, 7] covers rows 0-9, half the ink.
    expect(inkOutsideShare(image, [[0, 0, 72, 7]], 72)).toBe(0.5);
    expect(inkOutsideShare(image, [[0, 0, 72, 7], [0, 62, 72, 68]], 72)).toBe(0);
    const known = new Set(['acte', 'vente', 'notaire']);
    expect(dictionaryShare('acte vente notaire acte vente notaire acte vente', (w) => known.has(w))).toBe(1);
    expect(dictionaryShare('acte qxzj vente kwvb notaire hgfd acte trpl', (w) => known.has(w))).toBe(0.5);
    expect(dictionaryShare('acte vente', (w) => known.has(w))).toBeNull();
  });
});

describe('scanned pages with a text layer', () => {
  it('a scan with a certification stamp: the scan is OCR\'d, the stamp noted', async () => {
    const pdf = await scannedPdf([{ lines: SCAN }], 200, { lines: STAMP });
    const [page] = (await engine.ocrDocument(pdf, 'acte')).pages;
    expect(page!.source).toBe('ocr');
    expect(page!.textLayer).toMatch(/^text layer ignored: \d+ % of the ink lies outside it/);
    expect(page!.text.split(/\s+/).filter((w) => w === 'notaire').length).toBeGreaterThan(10);
    expect(page!.text).toContain(SCAN[0]);
    expect(pageConfidence([page!]).pages[0]).toMatchObject({ textLayer: page!.textLayer });
  }, 120_000);

  it('a scan under an invisible garbage OCR layer: the scan is OCR\'d', async () => {
    const pdf = await scannedPdf([{ lines: SCAN }], 200, { invisible: true, lines: SCAN.map((_, i) => ({ x: 36, y: lineY(i), size: 10, text: garbage(12, i + 1) })) });
    const [page] = (await engine.ocrDocument(pdf, 'acte')).pages;
    expect(page!.source).toBe('ocr');
    expect(page!.textLayer).toMatch(/^text layer ignored: \d+ % of its words are dictionary words/);
    expect(page!.text).toMatch(/cadastre/);
    expect(page!.text).not.toMatch(/qxz/);
  }, 120_000);

  it('a searchable scan whose invisible layer is right is read, not OCR\'d', async () => {
    const pdf = await scannedPdf([{ lines: SCAN }], 200, { invisible: true, lines: SCAN.map((text, i) => ({ x: 36, y: lineY(i), size: 10, text })) });
    const [page] = (await engine.ocrDocument(pdf, 'acte')).pages;
    expect(page!.source).toBe('text-layer');
    expect(page!.text).toContain(SCAN[0]);
  }, 60_000);
});

describe('in the pool', () => {
  let db: TestDb;
  let storage: TempStorage;
  useDbAndStorage((d, s) => ([db, storage] = [d, s]));

  // The row itself: the stamped scan completes (5) with the scan's words in file_content, not the stamp
  // alone, and ocr_confidence says why its text layer was set aside; a plain scan behind it completes too.
  it('a stamped scan ends at 5 with the scan OCR\'d; a document queued behind it completes', async () => {
    storage.put('actes/stamped.pdf', await scannedPdf([{ lines: SCAN }], 200, { lines: STAMP }));
    storage.put('actes/plain.pdf', await scannedPdf([{ lines: SCAN.slice(0, 10) }], 200));
    const insert = async (p: string) =>
      (await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) VALUES ('acte', $1, 3) RETURNING id`, [p])).rows[0].id as string;
    const stamped = await insert('stamped.pdf');
    const plain = await insert('plain.pdf');
    const daemon = startDaemon({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '1' });
    try {
      await waitFor(async () => (await row(db.pool, plain)).status_id === 5, 150_000, 'the document behind the stamped scan');
      const r = await row(db.pool, stamped);
      expect({ status: r.status_id, error: r.ocr_error }).toEqual({ status: 5, error: null });
      expect(r.file_content.split(/\s+/).filter((w: string) => w === 'notaire').length).toBeGreaterThan(10);
      expect(r.ocr_confidence.pages[0].textLayer).toMatch(/^text layer ignored: \d+ % of the ink lies outside it/);
    } finally {
      await daemon.stop('SIGINT');
    }
  }, 200_000);
});
