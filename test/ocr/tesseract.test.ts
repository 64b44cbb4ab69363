import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError } from '../../src/errors';
import { openPdf } from '../../src/ocr/open-pdf';
import type { GreyImage } from '../../src/ocr/pdf';
import { languageDataFile, parseLangs } from '../../src/ocr/language-data';
import { PSM, WORKER_PATH, createRecognizer, toPgm, wordsFromTsv, type Recognizer } from '../../src/ocr/tesseract';

const ACTE1_DIGITAL = path.join(__dirname, '..', 'fixtures', 'synthetic', 'acte1-digital.pdf');

describe('toPgm', () => {
  it('puts a binary PGM (P5) header in front of the raw pixels', () => {
    const pgm = toPgm({ width: 3, height: 2, pixels: Uint8Array.from([0, 1, 2, 253, 254, 255]) });
    expect(pgm.subarray(0, 11).toString('latin1')).toBe('P5\n3 2\n255\n');
    expect([...pgm.subarray(11)]).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('rejects pixels that do not match the size', () => {
    expect(() => toPgm({ width: 3, height: 2, pixels: new Uint8Array(5) })).toThrow(/expected 3×2 = 6/);
    expect(() => toPgm({ width: 0, height: 2, pixels: new Uint8Array(0) })).toThrow(/invalid image size/);
  });
});

describe('the recogniser\'s thread', () => {
  // tesseract.js's own script, wrapped to collect dead page copies (src/ocr/tesseract-worker.cjs). If a
  // tesseract.js release moves the script it wraps, recognition falls back to tesseract.js's own and
  // still works, but the daemon's memory grows (bench:soak): this says so before a release does.
  it('runs the pool\'s worker script, which finds the tesseract.js script it wraps', () => {
    expect(WORKER_PATH).toBe(path.join(__dirname, '..', '..', 'src', 'ocr', 'tesseract-worker.cjs'));
  });
});

describe('wordsFromTsv', () => {
  it('takes the word rows (level 5), drops blank words and truncates confidences as the JSON dump did', () => {
    const tsv = [
      'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      '1\t1\t0\t0\t0\t0\t0\t0\t1815\t2685\t-1\t',
      '4\t1\t1\t1\t1\t0\t571\t630\t1055\t50\t-1\t',
      '5\t1\t1\t1\t1\t1\t238\t75\t374\t24\t95.000000\t ',
      '5\t1\t1\t1\t1\t2\t2222\t694\t228\t55\t94.806847\tPARIS,',
      '5\t1\t1\t1\t1\t3\t2880\t689\t189\t47\t42.749062\tIB58.',
    ].join('\n');
    expect(wordsFromTsv(tsv)).toEqual([
      { text: 'PARIS,', confidence: 94, x0: 2222, y0: 694, x1: 2450, y1: 749, line: 0 },
      { text: 'IB58.', confidence: 42, x0: 2880, y0: 689, x1: 3069, y1: 736, line: 0 },
    ]);
    expect(wordsFromTsv('')).toEqual([]);
  });

  it('numbers the lines from 0 in reading order, a new line for each block, paragraph or line', () => {
    const row = (block: number, par: number, line: number, text: string) => `5\t1\t${block}\t${par}\t${line}\t1\t0\t0\t10\t10\t90\t${text}`;
    const tsv = [row(1, 1, 1, 'a'), row(1, 1, 1, 'b'), row(1, 1, 2, 'c'), row(1, 2, 1, 'd'), row(1, 2, 1, ' '), row(2, 1, 1, 'e')].join('\n');
    expect(wordsFromTsv(tsv).map((w) => [w.text, w.line])).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 1],
      ['d', 2],
      ['e', 3],
    ]);
  });
});

describe('language data', () => {
  it('finds the best_int data of the installed languages', () => {
    expect(languageDataFile('fra')).toMatch(/@tesseract\.js-data\/fra\/4\.0\.0_best_int\/fra\.traineddata\.gz$/);
    expect(languageDataFile('eng')).toMatch(/@tesseract\.js-data\/eng\/4\.0\.0_best_int\/eng\.traineddata\.gz$/);
  });

  it('says clearly when a language is not installed or malformed', () => {
    expect(() => languageDataFile('deu')).toThrow("no language data for 'deu': npm package @tesseract.js-data/deu is not installed");
    expect(() => languageDataFile('../x')).toThrow(/invalid tesseract language code/);
    expect(() => parseLangs('fra++eng')).toThrow(/invalid language list/);
    expect(() => parseLangs('fra+fra')).toThrow(/repeats a language/);
    expect(parseLangs('fra+eng')).toEqual(['fra', 'eng']);
  });

  it('fails fast (no hang) when a language is missing', async () => {
    const started = Date.now();
    await expect(createRecognizer({ langs: 'fra+deu', timeoutMs: 30_000 })).rejects.toThrow(/@tesseract\.js-data\/deu is not installed/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('recognizer', () => {
  let recognizer: Recognizer;
  let page: GreyImage;

  beforeAll(async () => {
    recognizer = await createRecognizer({ langs: 'fra+eng', timeoutMs: 30_000 });
    const doc = await openPdf(readFileSync(ACTE1_DIGITAL));
    try {
      page = doc.renderGrey(0, 200);
    } finally {
      doc.close();
    }
  }, 60_000);

  afterAll(async () => {
    await recognizer?.terminate();
  });

  it('reads raw grey pixels (PGM) in French with word boxes', async () => {
    const r = await recognizer.recognize(page, PSM.AUTO, { dpi: 200 });
    expect(r.text).toContain('GÉRARD');
    expect(r.text).toMatch(/LEFÈVRE/);
    expect(r.confidence).toBeGreaterThan(80);
    expect(r.words.length).toBeGreaterThan(100);
    for (const w of r.words) {
      expect(w.x0).toBeGreaterThanOrEqual(0);
      expect(w.y0).toBeGreaterThanOrEqual(0);
      expect(w.x1).toBeLessThanOrEqual(page.width);
      expect(w.y1).toBeLessThanOrEqual(page.height);
      expect(w.x1).toBeGreaterThan(w.x0);
      expect(w.y1).toBeGreaterThan(w.y0);
      expect(w.confidence).toBeGreaterThanOrEqual(0);
      expect(w.confidence).toBeLessThanOrEqual(100);
    }
    const first = r.words.find((w) => w.text === 'VENTE');
    expect(first).toBeDefined();
    expect(first!.y0).toBeLessThan(page.height / 5); // the title is at the top of the page
  }, 60_000);

  it('survives degenerate images and keeps working', async () => {
    const tiny = await recognizer.recognize({ width: 1, height: 1, pixels: Uint8Array.of(255) }, PSM.SINGLE_BLOCK);
    expect(tiny.words).toEqual([]);
    const black = await recognizer.recognize({ width: 64, height: 64, pixels: new Uint8Array(64 * 64) }, PSM.AUTO, { thresholding: 'sauvola' });
    expect(black.text.trim()).toBe('');
    const again = await recognizer.recognize(page, PSM.SINGLE_BLOCK, { dpi: 200 });
    expect(again.text).toContain('GÉRARD');
  }, 60_000);

  it('stops a page that takes too long and refuses work afterwards', async () => {
    const slow = await createRecognizer({ langs: 'fra', timeoutMs: 30_000, recognizeTimeoutMs: 50 });
    try {
      const err = await slow.recognize(page, PSM.AUTO, { dpi: 200 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RetryableError);
      expect(String(err)).toMatch(/longer than 50 ms/);
      expect(slow.alive).toBe(false);
      await expect(slow.recognize(page, PSM.AUTO)).rejects.toThrow(/terminated/);
    } finally {
      await slow.terminate();
    }
  }, 60_000);
});
