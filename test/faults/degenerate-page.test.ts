/**
 * Pages with nothing to read: a blank 1×1 pt page and a 200 in × 1 pt strip made tesseract throw
 * "Unexpected end of JSON input", retried as if transient until the whole document failed. They are now
 * empty pages, noted in ocr_confidence, and the document completes. What the recogniser's wasm writes to
 * stderr reaches the JSON log as lines of its own.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { relayLines } from '../../src/pool/ocr-thread-host';
import { fitForRecognizer, unreadablePage } from '../../src/ocr/unreadable';
import { row, type TestDb } from '../helpers/db';
import { startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import { deedLines, makePdf } from '../helpers/pdfs';

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

const grey = (width: number, height: number, fill = 255) => ({ width, height, pixels: new Uint8Array(width * height).fill(fill) });

describe('degenerate pages', () => {
  it('a page too small or too flat to hold text is empty; one too long for tesseract is scaled to fit', () => {
    expect(unreadablePage(grey(5, 5, 0))).toBe('too small to hold text (5×5 px)');
    expect(unreadablePage(grey(60_000, 5))).toBe('too small to hold text (60000×5 px)');
    expect(unreadablePage(grey(2480, 3508))).toBe('blank (one flat tone, 2480×3508 px)');
    const inked = grey(100, 100);
    inked.pixels[5_050] = 0;
    expect(unreadablePage(inked)).toBeNull();
    const long = fitForRecognizer(grey(40, 60_000), 300);
    expect([long.image.width, long.image.height, long.dpi]).toEqual([21, 32_000, 160]);
    expect(fitForRecognizer(inked, 300).image).toBe(inked);
  });

  it('a document with a 1×1 pt page and a 200 in × 1 pt page besides a text page completes at 5', async () => {
    storage.put('actes/degenerate.pdf', await makePdf([{ width: 1, height: 1 }, { width: 200 * 72, height: 1 }, { lines: deedLines(8) }]));
    const { rows } = await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) VALUES ('acte', 'degenerate.pdf', 3) RETURNING id`);
    const id = rows[0].id;
    const daemon = startDaemon({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '1' });
    try {
      await waitFor(async () => [4, 5].includes((await row(db.pool, id)).status_id), 120_000, 'the document to end');
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    const r = await row(db.pool, id);
    expect({ status: r.status_id, attempts: r.ocr_attempts, error: r.ocr_error }).toEqual({ status: 5, attempts: 1, error: null });
    expect(r.file_content).toMatch(/^--- Page 1 ---\n\n--- Page 2 ---\n\n--- Page 3 ---\nacte /);
    expect(r.ocr_confidence.pages.slice(0, 2)).toEqual([
      { pageNumber: 1, confidence: null, words: 0, flagged: false, blank: true, empty: 'too small to hold text (5×5 px)' },
      { pageNumber: 2, confidence: null, words: 0, flagged: false, blank: true, empty: 'too small to hold text (60000×5 px)' },
    ]);
    expect(r.ocr_confidence.flagged).toBe(false);
    // Every line the daemon printed is JSON.
    expect(daemon.lines.filter((l) => l.unparsed)).toEqual([]);
  }, 200_000);

  it("a thread's stderr arrives line by line (what the pool logs as 'OCR thread wrote to stderr')", async () => {
    const w = new Worker(
      `process.stderr.write('Error in pixSauvolaBinarizeTiled: whsize must be >= 2\\nWarn'); process.stderr.write('ing: half a line\\n');`,
      { eval: true, stderr: true },
    );
    const lines: string[] = [];
    relayLines(w.stderr, (l) => lines.push(l));
    await new Promise((r) => w.on('exit', r));
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual(['Error in pixSauvolaBinarizeTiled: whsize must be >= 2', 'Warning: half a line']);
  });
});
