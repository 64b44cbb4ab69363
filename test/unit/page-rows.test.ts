import { describe, expect, it } from 'vitest';
import { boostDocument } from '../../src/boost';
import { pageConfidence } from '../../src/boost/confidence';
import { joinPages } from '../../src/ocr/file-content';
import type { PageResult } from '../../src/ocr/types';
import { failedPage, pageFromRow, pageRow } from '../../src/pool/page-row';
import { pageVerdict } from '../../src/pool/page-verdict';
import type { OcrWord } from '../../src/text/page';
import { decodeLayout, decodeWords, encodeLayout, encodeWords } from '../../src/text/word-codec';

/** A dense register page: ~1,000 words with boxes and tesseract's float confidences. */
function registerWords(n: number): OcrWord[] {
  const texts = ['Dupont', 'Jean-Pierre', '12', 'rue', 'de', 'l’Église', 'hypothèque', '1 234,56', 'ŒUVRE', '§'];
  return Array.from({ length: n }, (_, i) => ({
    text: texts[i % texts.length]!,
    confidence: Math.fround(50 + ((i * 37) % 4999) / 100),
    x0: (i * 53) % 2400,
    y0: Math.floor(i / 10) * 34,
    x1: ((i * 53) % 2400) + 80,
    y1: Math.floor(i / 10) * 34 + 30,
  }));
}

const read = (pageNumber: number, words: OcrWord[], extra: Partial<PageResult> = {}): PageResult => ({
  pageNumber,
  text: words.map((w) => w.text).join(' '),
  source: 'ocr',
  confidence: 91,
  words,
  width: 2480,
  height: 3508,
  lang: 'fra',
  passes: ['fra', 'fra/sauvola'],
  timings: { renderMs: 310, preprocessMs: 120, recognitionMs: 2400, refinementMs: { sauvola: 800, secondOpinion: 0 } },
  preprocess: { charHeight: 30 } as PageResult['preprocess'],
  ...extra,
});

describe('a page’s words as bytes (ocr_pages.words)', () => {
  it('come back exactly: text, boxes and tesseract’s 32-bit confidences', () => {
    const words = registerWords(1_000);
    expect(decodeWords(encodeWords(words))).toEqual(words);
  });

  it('take ~20 bytes a word on a dense register page, a fifth of the same words as JSON', () => {
    const words = registerWords(1_000);
    const bytes = encodeWords(words).byteLength;
    expect(bytes).toBeLessThan(25_000);
    expect(bytes * 4).toBeLessThan(JSON.stringify(words).length);
  });

  it('keep each word’s line when the words have one', () => {
    const words = registerWords(30).map((w, i) => ({ ...w, line: Math.floor(i / 10) }));
    expect(decodeWords(encodeWords(words))).toEqual(words);
    expect(encodeWords(words).byteLength).toBe(encodeWords(registerWords(30)).byteLength + 60);
  });

  it('a page layout in PDF points comes back exactly, at ~45 bytes a word, under half its JSON', () => {
    const words = registerWords(300).map((w, i) => ({ ...w, x0: w.x0 * 0.24 + 0.1234567, y0: w.y0 * 0.24, x1: w.x1 * 0.24, y1: w.y1 * 0.24, line: Math.floor(i / 10) }));
    const layout = { width: 595.2756, height: 841.8898, words: [...words, { text: 'lot', confidence: null, x0: 1.5, y0: 2.5, x1: 3.5, y1: 4.5, line: 30 }] };
    const bytes = encodeLayout(layout);
    expect(decodeLayout(bytes)).toEqual(layout);
    expect(bytes.byteLength * 2).toBeLessThan(JSON.stringify(layout).length);
  });

  it('keep boxes past 65 535 px (a huge plan) and an empty page', () => {
    const wide = [{ text: 'lot', confidence: 90, x0: 70_000, y0: 10, x1: 70_200, y1: 40 }];
    expect(decodeWords(encodeWords(wide))).toEqual(wide);
    expect(decodeWords(encodeWords([]))).toEqual([]);
  });
});

describe('a page ↔ its row', () => {
  it('a read page comes back as it was read, with its mean confidence and the refinements that ran', () => {
    const layout = { width: 595, height: 842, words: [{ text: 'Dupont', confidence: 91.5, x0: 36.2, y0: 40, x1: 70.8, y1: 52, line: 0 }] };
    const page = read(3, registerWords(40), { rotated: 90, layout });
    const row = pageRow(page, 'abc');
    // The layout in its own column, as bytes, not in detail.
    expect(row.layout).toBeInstanceOf(Uint8Array);
    expect(row.detail).not.toHaveProperty('layout');
    expect(row).toMatchObject({ page: 3, digest: 'abc', state: 'done', error: null, lang: 'fra', rotated: 90, refinements: ['sauvola'] });
    expect(row.confidence).toBe(pageConfidence([page]).pages[0]!.confidence);
    // Through JSON, as Postgres keeps `detail`.
    expect(pageFromRow({ ...row, detail: JSON.parse(JSON.stringify(row.detail)) })).toEqual(page);
  });

  it('a failed page is kept with its reason and comes back failed', () => {
    const row = pageRow(failedPage(4, 'TimeBudgetError: page 4 exceeded the page time budget of 3 s (rendering)'), 'abc');
    expect(row).toMatchObject({ state: 'failed', text: '', words: null, confidence: null, error: 'TimeBudgetError: page 4 exceeded the page time budget of 3 s (rendering)' });
    expect(pageFromRow(row).failed).toBe('TimeBudgetError: page 4 exceeded the page time budget of 3 s (rendering)');
  });
});

describe('a page that could not be read', () => {
  const pages = [read(1, registerWords(12)), failedPage(2, 'OCR thread crashed: out of memory'), read(3, registerWords(12))];

  it('shows in file_content and boosted_file_content as a marker under its separator', () => {
    expect(joinPages(pages)).toContain('--- Page 2 ---\n[page not read: OCR thread crashed: out of memory]\n\n--- Page 3 ---\n');
    const boosted = boostDocument('index', pages, { dictionary: null });
    expect(boosted.text).toContain('--- Page 2 ---\n[page not read: OCR thread crashed: out of memory]\n\n--- Page 3 ---\n');
  });

  it('is flagged in ocr_confidence with its reason, and does not count in the mean', () => {
    const c = pageConfidence(pages);
    expect(c.pages[1]).toEqual({ pageNumber: 2, confidence: null, words: 0, flagged: true, failed: 'OCR thread crashed: out of memory' });
    expect(c.flaggedPages).toContain(2);
    expect(c.mean).toBe(pageConfidence([pages[0]!, pages[2]!]).mean);
  });
});

describe('does the document complete without its unread pages?', () => {
  const ok = (n: number) => ({ pageNumber: n });
  const bad = (n: number) => ({ pageNumber: n, failed: `why ${n}` });

  it.each([
    ['no page failed', [ok(1), ok(2)], 50, true],
    ['1 of 10 failed', [bad(1), ...[2, 3, 4, 5, 6, 7, 8, 9, 10].map(ok)], 50, true],
    ['exactly half failed: not more than half', [bad(1), ok(2)], 50, true],
    ['a one-page document whose page failed', [bad(1)], 50, false],
    ['2 of 3 failed', [bad(1), bad(2), ok(3)], 50, false],
    ['0 %: any failed page fails the document', [bad(1), ok(2), ok(3)], 0, false],
    ['100 %: never', [bad(1)], 100, true],
  ])('%s', (_name, pages, percent, complete) => {
    expect(pageVerdict(pages, percent).complete).toBe(complete);
  });

  it('says which pages and why when it fails', () => {
    expect(pageVerdict([bad(1), bad(2), ok(3)], 50)).toEqual({ complete: false, message: '2 of 3 page(s) could not be read (more than 50 %): page 1: why 1; page 2: why 2' });
  });
});
