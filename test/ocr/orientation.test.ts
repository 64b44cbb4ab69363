import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageConfidence } from '../../src/boost/confidence';
import { score } from '../../src/demo/metrics';
import { OcrEngine } from '../../src/ocr/engine';
import { joinPages } from '../../src/ocr/file-content';
import {
  candidateTurns,
  centralSample,
  chooseRotation,
  horizontalShare,
  rotateGrey,
  standingWordsShare,
  wantsOrientationCheck,
  type Rotation,
} from '../../src/ocr/orientation';
import { loadMupdf } from '../../src/ocr/mupdf';
import { AS_SCANNED } from '../../src/ocr/page-steps';
import type { GreyImage } from '../../src/ocr/pdf';
import { imagePdf, turnPages } from '../helpers/pdfs';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'orientation');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));

/** A 3×2 image whose pixels are 1..6, row by row. */
const tiny: GreyImage = { width: 3, height: 2, pixels: Uint8Array.from([1, 2, 3, 4, 5, 6]) };

describe('rotateGrey', () => {
  it('turns clockwise by quarter turns', () => {
    // 1 2 3      90°: 4 1     180°: 6 5 4     270°: 3 6
    // 4 5 6           5 2           3 2 1          2 5
    //                 6 3                          1 4
    expect(rotateGrey(tiny, 90)).toEqual({ width: 2, height: 3, pixels: Uint8Array.from([4, 1, 5, 2, 6, 3]) });
    expect(rotateGrey(tiny, 180)).toEqual({ width: 3, height: 2, pixels: Uint8Array.from([6, 5, 4, 3, 2, 1]) });
    expect(rotateGrey(tiny, 270)).toEqual({ width: 2, height: 3, pixels: Uint8Array.from([3, 6, 2, 5, 1, 4]) });
    expect(rotateGrey(tiny, 0)).toBe(tiny);
  });

  it('comes back to the start after four quarter turns', () => {
    let img = tiny;
    for (let i = 0; i < 4; i++) img = rotateGrey(img, 90);
    expect(img).toEqual(tiny);
  });
});

describe('centralSample', () => {
  it('is a centred square, whose box says where it was taken', () => {
    const img: GreyImage = { width: 3000, height: 2000, pixels: Uint8Array.from({ length: 6_000_000 }, (_, i) => i % 251) };
    const s = centralSample(img, 'square', 0.5);
    expect(s).toMatchObject({ width: 1000, height: 1000, box: { x0: 1000, y0: 500, x1: 2000, y1: 1500 } });
    expect(s.pixels[0]).toBe(img.pixels[500 * 3000 + 1000]);
  });

  it('takes a small page whole across its shorter side, so the sample holds enough words', () => {
    const img: GreyImage = { width: 100, height: 60, pixels: new Uint8Array(6000) };
    expect(centralSample(img, 'square', 0.5)).toMatchObject({ width: 60, height: 60, box: { x0: 20, y0: 0, x1: 80, y1: 60 } });
  });

  it('is a band along the lines when their direction is known, which a quarter turn makes the other band', () => {
    const img: GreyImage = { width: 3000, height: 2000, pixels: new Uint8Array(6_000_000) };
    expect(centralSample(img, 'across', 0.5)).toMatchObject({ width: 1000, height: 400, box: { x0: 1000, y0: 800, x1: 2000, y1: 1200 } });
    expect(centralSample(img, 'down', 0.5)).toMatchObject({ width: 400, height: 1000, box: { x0: 1300, y0: 500, x1: 1700, y1: 1500 } });
    const turned = rotateGrey(img, 90);
    expect(centralSample(turned, 'across', 0.5)).toMatchObject({ width: 1000, height: 400 });
  });
});

describe('deciding', () => {
  const word = (text: string, confidence: number, w = 60, h = 20) => ({ text, confidence, x0: 0, y0: 0, x1: w, y1: h });

  it('leaves a confidently read page with lying words alone (upright pages pay nothing)', () => {
    expect(wantsOrientationCheck(Array.from({ length: 40 }, () => word('notaire', 91)))).toBe(false);
  });

  it('checks a page read with little confidence, or whose words stand on end', () => {
    expect(wantsOrientationCheck(Array.from({ length: 40 }, () => word('nqtlre', 45)))).toBe(true);
    // psm 3 reads a page turned 90° as vertical text, confidently: its boxes are taller than wide.
    const standing = Array.from({ length: 40 }, () => word('notaire', 91, 20, 60));
    expect(standingWordsShare(standing)).toBe(1);
    expect(wantsOrientationCheck(standing)).toBe(true);
    expect(wantsOrientationCheck([])).toBe(true);
  });

  it('turns only when one turn reads clearly better than the page as it came', () => {
    expect(chooseRotation({ 0: 1, 90: 0, 180: 24, 270: 0 })).toBe(180);
    expect(chooseRotation({ 0: 0, 90: 30, 180: 1, 270: 2 })).toBe(90);
    expect(chooseRotation({ 0: 10, 90: 0, 180: 15, 270: 0 })).toBe(0); // not twice as good
    expect(chooseRotation({ 0: 0, 90: 0, 180: 3, 270: 0 })).toBe(0); // too few words to say
  });

  it('tries only the turns the direction of the lines allows', () => {
    expect(candidateTurns(0.9)).toEqual([180]);
    expect(candidateTurns(0.1)).toEqual([90, 270]);
    expect(candidateTurns(0.5)).toEqual([180, 90, 270]);
    expect(candidateTurns(null)).toEqual([180, 90, 270]);
  });

  it('tells lines across from lines up and down on a typed page', async () => {
    const mupdf = await loadMupdf();
    const pix = new mupdf.Image(fixture('discours.jpg')).toPixmap();
    const page: GreyImage = { width: pix.getWidth(), height: pix.getHeight(), pixels: Uint8Array.from(pix.getPixels()) };
    expect(horizontalShare(page)).toBeGreaterThan(0.65);
    expect(horizontalShare(rotateGrey(page, 180))).toBeGreaterThan(0.65);
    expect(horizontalShare(rotateGrey(page, 90))).toBeLessThan(0.35);
    expect(horizontalShare(rotateGrey(page, 270))).toBeLessThan(0.35);
  });
});

describe('OcrEngine reads pages scanned sideways or upside down (issue 16)', () => {
  let engine: OcrEngine;
  beforeAll(async () => {
    engine = await OcrEngine.create({ langs: 'fra+eng', dpi: 200, timeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await engine?.terminate();
  });

  // Each typed page turned by 90, 180 and 270 degrees reads within 1.1× the CER of the upright page.
  it.each(['discours', 'lettre'])('%s: every turn reads as well as upright, and says how it was turned', async (name) => {
    const pdf = await imagePdf(fixture(`${name}.jpg`), 200);
    const truth = readFileSync(path.join(FIXTURES, `${name}.txt`), 'utf8');
    const upright = await engine.ocrDocument(pdf, 'acte');
    expect(upright.pages[0]!.rotated).toBeUndefined();
    const uprightCer = score(truth, joinPages(upright.pages)).cer;
    expect(uprightCer).toBeLessThan(0.1);

    for (const scanned of [90, 180, 270] as Rotation[]) {
      const progress: unknown[] = [];
      const turned = await engine.ocrDocument(await turnPages(pdf, scanned), 'acte', (p) => progress.push(p));
      const page = turned.pages[0]!;
      const cer = score(truth, joinPages(turned.pages)).cer;
      // Turned back by the complement of how it was scanned.
      expect({ scanned, rotated: page.rotated }).toEqual({ scanned, rotated: (360 - scanned) % 360 });
      expect(cer, `${name} scanned ${scanned}°: CER ${cer} vs ${uprightCer} upright`).toBeLessThanOrEqual(1.1 * uprightCer);
      // Recorded with the page's confidence (the ocr_confidence column) and in its progress.
      expect(pageConfidence(turned.pages).pages[0]).toMatchObject({ pageNumber: 1, rotated: page.rotated });
      expect(progress).toContainEqual({ stage: 'ocr', page: 1, pages: 1, rotated: page.rotated });
      // The samples and the turned page's reading are timed as the orientation's cost, within recognition.
      const { recognitionMs, refinementMs } = page.timings!;
      expect(refinementMs!.orientation).toBeGreaterThan(0);
      expect(refinementMs!.orientation).toBeLessThan(recognitionMs);
    }
  }, 300_000);

  it('reads a page as it came when asked not to look at its orientation', async () => {
    const plain = await OcrEngine.create({ langs: 'fra+eng', dpi: 200, timeoutMs: 60_000, steps: AS_SCANNED });
    try {
      const pdf = await turnPages(await imagePdf(fixture('lettre.jpg'), 200), 180);
      const r = await plain.ocrDocument(pdf, 'acte');
      expect(r.pages[0]!.rotated).toBeUndefined();
      // Upside down, tesseract reads noise: this is what the check is for.
      expect(score(readFileSync(path.join(FIXTURES, 'lettre.txt'), 'utf8'), joinPages(r.pages)).cer).toBeGreaterThan(0.5);
    } finally {
      await plain.terminate();
    }
  }, 120_000);
});
