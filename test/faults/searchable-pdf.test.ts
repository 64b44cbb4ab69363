/**
 * OCR_SEARCHABLE_PDF on a real daemon: a scanned deed's searchable PDF is written beside it, served by the
 * status server, renders as the scan did, and pdf.js finds its words; a born-digital deed gets none. A
 * storage that refuses every write (a read-only volume) costs no document its text: all end at 5, the
 * reason is on each row, logged once, shown by check-ocr-queue and counted in /metrics.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../src/check/format';
import { runCheck } from '../../src/check/run';
import { FIXTURES, startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import type { TestDb } from '../helpers/db';
import { deedLines, scannedPdf } from '../helpers/pdfs';
import { statusUrl } from '../status/helpers';
import { textCer } from '../helpers/text-cer';

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

const isRoot = process.getuid?.() === 0;
const work = mkdtempSync(path.join(os.tmpdir(), 'ocr-searchable-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function insert(key: string): Promise<string> {
  const { rows } = await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) VALUES ('acte', $1, 3) RETURNING id`, [key]);
  return rows[0].id;
}
const rowOf = async (id: string) =>
  (await db.pool.query('SELECT status_id, file_content, ocr_pdf_path, ocr_pdf_error FROM extraction_queue WHERE id = $1', [id])).rows[0];

/** Every page of `pdf` rasterised by poppler at 100 DPI, grey. */
function rasters(pdf: Uint8Array, name: string): Buffer[] {
  const dir = path.join(work, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'in.pdf'), pdf);
  execFileSync('pdftoppm', ['-r', '100', '-gray', path.join(dir, 'in.pdf'), path.join(dir, 'p')]);
  return readdirSync(dir)
    .filter((f) => f.startsWith('p-'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f)));
}

/** The words pdf.js reads on each page, as a browser's viewer would search them. */
async function pdfjsWords(pdf: Uint8Array): Promise<string[][]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const standardFontDataUrl = path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts/');
  const task = pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, standardFontDataUrl });
  const doc = await task.promise;
  const out: string[][] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    const text = content.items.map((it) => ('str' in it ? it.str + (it.hasEOL ? '\n' : '') : '')).join('');
    out.push(text.split(/\s+/).filter(Boolean));
  }
  await task.destroy();
  return out;
}

/**
 * Deed-like lines in plain ASCII: the page generator draws with a simple font, in which accented letters
 * come out as two glyphs (è as Â and a quote) that tesseract reads as two half-lines in either order.
 */
function plainLines(n: number, seed: number): string[] {
  const words = ['acte', 'de', 'vente', 'immeuble', 'cadastre', 'lot', 'notaire', 'servitude', 'prix', 'Tremblay', 'paroisse', 'quittance'];
  return Array.from({ length: n }, (_, i) => Array.from({ length: 12 }, (_, j) => words[(i * 7 + j * 3 + seed) % words.length]).join(' '));
}


describe('searchable PDFs written by the daemon', () => {
  it('a scanned deed gets one beside it, served, pixel-identical, searchable; a born-digital one gets none', { timeout: 300_000 }, async () => {
    const scan = await scannedPdf([{ lines: plainLines(12, 1) }, { lines: plainLines(12, 2) }], 300);
    storage.put('actes/2024/scan.pdf', scan);
    storage.put('actes/digital.pdf', path.join(FIXTURES, 'synthetic', 'acte1-digital.pdf'));
    const scanId = await insert('actes/2024/scan.pdf');
    const digitalId = await insert('digital.pdf');
    const daemon = startDaemon({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '2', SERVER_RESERVE_CPU_PERCENT: '0', OCR_SEARCHABLE_PDF: 'true' });
    try {
      const base = await statusUrl(daemon);
      await waitFor(async () => (await rowOf(scanId)).ocr_pdf_path && (await rowOf(digitalId)).status_id === 5, 240_000, 'both documents done, the PDF recorded');
      const row = await rowOf(scanId);
      expect(row).toMatchObject({ status_id: 5, ocr_pdf_path: 'actes/2024/scan.ocr.pdf', ocr_pdf_error: null });
      expect(await rowOf(digitalId)).toMatchObject({ status_id: 5, ocr_pdf_path: null, ocr_pdf_error: null });

      const res = await fetch(`${base}/api/jobs/dev/${scanId}/pdf`);
      expect(res.status).toBe(200);
      const out = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(out)).toEqual(readFileSync(path.join(storage.dir, 'actes', '2024', 'scan.ocr.pdf')));
      expect(Buffer.from(readFileSync(path.join(storage.dir, 'actes', '2024', 'scan.pdf')))).toEqual(Buffer.from(scan)); // source untouched

      const before = rasters(scan, 'in');
      const after = rasters(out, 'out');
      expect(after.length).toBe(2);
      for (let i = 0; i < before.length; i++) expect(after[i]!.equals(before[i]!)).toBe(true);

      writeFileSync(path.join(work, 'out.pdf'), out);
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(work, 'out.pdf'), '-']).toString('utf8');
      const measured = textCer(text, row.file_content);
      process.stdout.write(`searchable PDF: pdftotext vs file_content CER ${(100 * measured).toFixed(2)} %\n`);
      expect(measured).toBeLessThanOrEqual(0.01);

      const words = await pdfjsWords(out);
      for (const [i, page] of words.entries()) for (const w of ['cadastre', 'notaire', 'quittance']) expect(page, `page ${i + 1}: ${w}`).toContain(w);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });

  it.skipIf(!isRoot)('a read-only storage: every document done with its text, the reason on the row, logged once, shown and counted', { timeout: 300_000 }, async () => {
    await db.pool.query('TRUNCATE extraction_queue');
    const ro = path.join(work, 'ro');
    mkdirSync(ro);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', ro]);
    try {
      mkdirSync(path.join(ro, 'actes'));
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        writeFileSync(path.join(ro, 'actes', `s${i}.pdf`), await scannedPdf([{ lines: deedLines(6, i) }], 200));
        ids.push(await insert(`s${i}.pdf`));
      }
      execFileSync('mount', ['-o', 'remount,ro', ro]);
      const daemon = startDaemon({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: ro, OCR_WORKER_POOL_SIZE: '2', SERVER_RESERVE_CPU_PERCENT: '0', OCR_SEARCHABLE_PDF: 'true' });
      try {
        const base = await statusUrl(daemon);
        await waitFor(async () => (await Promise.all(ids.map(rowOf))).every((r) => r.ocr_pdf_error), 240_000, 'every document done, its PDF refused');
        for (const id of ids) {
          const r = await rowOf(id);
          expect(r.status_id).toBe(5);
          expect(r.file_content).toMatch(/cadastre/);
          expect(r.ocr_pdf_error).toMatch(/^StorageWriteRefusedError: local storage refused the write of actes\/s\d\.ocr\.pdf \(EROFS\)$/);
        }
        expect(daemon.lines.filter((l) => /searchable PDF not written/.test(l.msg) && l.level === 'error')).toHaveLength(1);
        const metrics = await (await fetch(`${base}/metrics`)).text();
        expect(metrics).toMatch(/^ocr_searchable_pdf_total\{outcome="failed"\} 3$/m);
        const report = await runCheck({ env: { DEV_DATABASE_URL: db.url } });
        expect(report.exitCode).toBe(0);
        const text = formatReport(report);
        expect(text).toMatch(/searchable PDFs, last day: 0 written, 3 not written/);
        expect(text).toMatch(/3 searchable PDF\(s\) not written in the last day \(their text is done\)/);
      } finally {
        expect(await daemon.stop()).toBe(0);
      }
    } finally {
      execFileSync('umount', ['-l', ro]);
    }
  });
});
