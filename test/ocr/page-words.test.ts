import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcrEngine } from '../../src/ocr/engine';
import { pageHocr } from '../../src/ocr/hocr';
import type { PageLayout, PdfWord } from '../../src/text/page';
import type { OcrMode, PageResult } from '../../src/ocr/types';
import { hasLetterOrDigit } from '../../src/text/words';
import { iou, parseHocr } from '../helpers/hocr';
import { type KnownWord, type WordsScanSpec, wordsScan, LINE_OF, WORD_LINES } from '../helpers/pdfs';

const LINES = WORD_LINES;

/** Each stored word with the true word its box overlaps most, and by how much. */
function matched(stored: readonly PdfWord[], truth: readonly KnownWord[]) {
  return stored.map((w) => {
    const best = truth.map((t) => ({ truth: t, iou: iou(w, t) })).reduce((a, b) => (b.iou > a.iou ? b : a));
    return { stored: w, ...best };
  });
}

/** The layout's words as text, a string per line. */
const lineTexts = (words: ReadonlyArray<Pick<PdfWord, 'text' | 'line'>>) => {
  const lines = new Map<number, string[]>();
  for (const w of words) lines.set(w.line, [...(lines.get(w.line) ?? []), w.text]);
  return [...lines.values()].map((l) => l.join(' '));
};

/** hOCR of `layout` at 300 DPI gives the layout's words, boxes, confidences and lines. */
function expectHocrOf(layout: PageLayout): void {
  const { page, words } = parseHocr(pageHocr(layout, { pageNumber: 1 }));
  const px = 300 / 72;
  expect(page.scanRes).toEqual([300, 300]);
  expect(page.bbox).toEqual([0, 0, Math.ceil(layout.width * px), Math.ceil(layout.height * px)]);
  expect(words.map((w) => w.text)).toEqual(layout.words.map((w) => w.text));
  words.forEach((w, i) => {
    const l = layout.words[i]!;
    expect(w.conf).toBe(l.confidence === null ? null : Math.round(l.confidence));
    // Rounded outwards to whole pixels: the pixel box holds the word's box and is at most a pixel larger.
    for (const [k, round] of [['x0', Math.floor], ['y0', Math.floor], ['x1', Math.ceil], ['y1', Math.ceil]] as const) expect(w[k]).toBe(round(l[k] * px));
  });
  // The same words on the same lines.
  const byLine = new Map<string, string[]>();
  for (const w of words) byLine.set(w.line, [...(byLine.get(w.line) ?? []), w.text]);
  expect([...byLine.values()].map((l) => l.join(' '))).toEqual(lineTexts(layout.words));
}

let engine: OcrEngine;
beforeAll(async () => {
  engine = await OcrEngine.create({ langs: 'fra', dpi: 300, timeoutMs: 30_000 });
}, 60_000);
afterAll(async () => {
  await engine?.terminate();
});

async function read(pdf: Uint8Array, mode: OcrMode): Promise<PageResult> {
  const { pages } = await engine.ocrDocument(pdf, mode);
  expect(pages).toHaveLength(1);
  return pages[0]!;
}

describe('an OCR’d page’s words in PDF points', () => {
  it.each([
    // What preprocessing did to the page, so that each case tests the undoing it names.
    ['upright', { dpi: 300 }, 'acte', (p: PageResult) => expect(p.rotated ?? 0).toBe(0)],
    ['turned 90°', { dpi: 300, turn: 90 }, 'acte', (p: PageResult) => expect(p.rotated).toBe(270)],
    ['skewed 2° (deskewed)', { dpi: 300, skew: 2 }, 'index', (p: PageResult) => expect(p.preprocess).toMatchObject({ rotated: true })],
    [
      'a 150 DPI scan on a page box sized for 300 DPI (enlarged)',
      { dpi: 150, pageDpi: 300, size: 10 },
      'acte',
      (p: PageResult) => expect(p.preprocess!.scale).toBeGreaterThan(1),
    ],
  ] as const)('%s: every word box overlaps its true box with IoU ≥ 0.7, and the hOCR gives the same words', async (_name, spec: Omit<WordsScanSpec, 'lines'>, mode, done) => {
    const { pdf, words: truth } = await wordsScan({ lines: LINES, ...spec });
    const page = await read(pdf, mode);
    done(page);
    const layout = page.layout!;
    expect(layout.words.length).toBe(page.words.length);
    const m = matched(
      layout.words.filter((w) => hasLetterOrDigit(w.text)),
      truth,
    );
    const worst = m.reduce((a, b) => (b.iou < a.iou ? b : a));
    expect(worst.iou, `'${worst.stored.text}' at ${JSON.stringify(worst.stored)} vs '${worst.truth.text}' at ${JSON.stringify(worst.truth)}`).toBeGreaterThanOrEqual(0.7);
    // The box is the right word's: read as it was written, on its line.
    const right = m.filter((x) => x.stored.text === x.truth.text);
    expect(right.length).toBeGreaterThanOrEqual(0.9 * truth.length);
    for (const x of right) expect(x.stored.line).toBe(LINE_OF.get(x.truth.text));
    expectHocrOf(layout);
  }, 120_000);
});

describe('a text-layer page’s words in PDF points', () => {
  it.each([
    ['upright', {}],
    ['drawn turned 90°', { turn: 90 }],
  ] as const)('%s: MuPDF’s words, each box holding its ink, on their lines; the hOCR gives the same words', async (_name, spec) => {
    const { drawn, words: truth } = await wordsScan({ lines: LINES, dpi: 72, ...spec });
    const page = await read(drawn, 'acte');
    expect(page.source).toBe('text-layer');
    const layout = page.layout!;
    expect(lineTexts(layout.words)).toEqual(LINES);
    expect(layout.words.every((w) => w.confidence === null)).toBe(true);
    // The text layer's box is the font's (ascender to descender), larger than the ink: it holds the ink…
    for (const t of truth) {
      const w = layout.words.find((x) => x.text === t.text)!;
      expect(w.x0).toBeLessThanOrEqual(t.x0 + 0.5);
      expect(w.y0).toBeLessThanOrEqual(t.y0 + 0.5);
      expect(w.x1).toBeGreaterThanOrEqual(t.x1 - 0.5);
      expect(w.y1).toBeGreaterThanOrEqual(t.y1 - 0.5);
      // …by no more than the font's height (12 pt type) around it: a word's box, not its line's.
      expect(w.x1 - w.x0).toBeLessThanOrEqual(t.x1 - t.x0 + 12);
      expect(w.y1 - w.y0).toBeLessThanOrEqual(t.y1 - t.y0 + 12);
    }
    expectHocrOf(layout);
  });
});

describe('pageHocr', () => {
  it('escapes what markup would take for its own, and leaves x_wconf out for words that were not recognised', () => {
    const words: PdfWord[] = [
      { text: 'a&b<c>', confidence: 87.6, x0: 10, y0: 10, x1: 40, y1: 20, line: 0 },
      { text: '"l\'acte"', confidence: null, x0: 10, y0: 30, x1: 40, y1: 40, line: 1 },
    ];
    const { words: parsed } = parseHocr(pageHocr({ width: 100, height: 100, words }, { pageNumber: 3 }));
    expect(parsed.map((w) => [w.text, w.conf])).toEqual([
      ['a&b<c>', 88],
      ['"l\'acte"', null],
    ]);
    expect(new Set(parsed.map((w) => w.line)).size).toBe(2);
  });

  it('writes a page without words as an empty ocr_page', () => {
    const { page, words } = parseHocr(pageHocr({ width: 72, height: 144, words: [] }, { pageNumber: 1 }));
    expect(page).toEqual({ bbox: [0, 0, 300, 600], scanRes: [300, 300] });
    expect(words).toEqual([]);
  });
});
