import { describe, expect, it } from 'vitest';
import { LOW_CONFIDENCE_THRESHOLD, pageConfidence } from '../../src/boost/confidence';

const w = (text: string, confidence: number) => ({ text, confidence, x0: 0, y0: 0, x1: 1, y1: 1 });
const ocrPage = (pageNumber: number, words: ReturnType<typeof w>[]) => ({ pageNumber, source: 'ocr' as const, confidence: 0, words });

describe('pageConfidence', () => {
  it('is the mean confidence of the words, punctuation aside', () => {
    const r = pageConfidence([ocrPage(1, [w('Vente', 90), w('|', 5), w('de', 80)])]);
    expect(r.pages[0]).toEqual({ pageNumber: 1, confidence: 85, words: 2, flagged: false });
    expect(r.mean).toBe(85);
    expect(r.flagged).toBe(false);
  });

  it.each([
    ['a typed page', [92, 88, 95], false],
    ['a handwritten page', [40, 55, 30], true],
    ['just under the threshold', [LOW_CONFIDENCE_THRESHOLD - 0.5], true],
    ['at the threshold', [LOW_CONFIDENCE_THRESHOLD], false],
    ['an OCR page with no word', [], true],
  ])('%s', (_, confs, flagged) => {
    const r = pageConfidence([ocrPage(1, confs.map((c, i) => w(`mot${i}`, c)))]);
    expect(r.flagged).toBe(flagged);
    expect(r.flaggedPages).toEqual(flagged ? [1] : []);
  });

  it('flags the document when one page is low, and never a text-layer page', () => {
    const r = pageConfidence([
      { pageNumber: 1, source: 'text-layer', confidence: null, words: [] },
      ocrPage(2, [w('lisible', 91)]),
      ocrPage(3, [w('griffonné', 31)]),
    ]);
    expect(r.pages.map((p) => p.confidence)).toEqual([null, 91, 31]);
    expect(r.flaggedPages).toEqual([3]);
    expect(r.mean).toBe(61);
  });

  it('does not flag a blank page (no word, and no character-sized ink found before OCR)', () => {
    const blank = { ...ocrPage(2, []), preprocess: { charHeight: null, estimatedDpi: null, scale: 1, skewDegrees: 0, rotated: false, ruleLinePixels: 0, bilevelShare: 0.1, thickened: false, rules: { rows: [], columns: [] }, ms: 1 } };
    const r = pageConfidence([ocrPage(1, [w('Vente', 90)]), blank]);
    expect(r.pages[1]).toEqual({ pageNumber: 2, confidence: null, words: 0, flagged: false, blank: true });
    expect(r.flagged).toBe(false);
    // Ink but no word read: that is a failure, flagged.
    const unread = { ...blank, preprocess: { ...blank.preprocess, charHeight: 24 } };
    expect(pageConfidence([unread]).flagged).toBe(true);
  });

  it('has no mean when every page came from a text layer', () => {
    expect(pageConfidence([{ pageNumber: 1, source: 'text-layer', confidence: null, words: [] }])).toMatchObject({ mean: null, flagged: false });
  });
});
