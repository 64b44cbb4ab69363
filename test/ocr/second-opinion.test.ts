import { describe, expect, it } from 'vitest';
import { MAX_UNSURE_WORDS, UNSURE_BELOW, acceptSecondOpinion, cropWord, spliceWords, unsureWords } from '../../src/ocr/second-opinion';

const word = (text: string, confidence: number) => ({ text, confidence, x0: 10, y0: 10, x1: 40, y1: 20 });
const FRENCH = { has: (w: string) => ['pouvez', 'à', 'messieurs'].includes(w) };

describe('acceptSecondOpinion', () => {
  it('takes a surer reading', () => {
    expect(acceptSecondOpinion(word('IB58.', 60), word('1858.', 85))).toBe(true);
    expect(acceptSecondOpinion(word('Nessieurs,', 70), word('Messieurs,', 90), FRENCH)).toBe(true);
  });

  it('keeps the first reading when the second is no surer', () => {
    expect(acceptSecondOpinion(word('IB58.', 60), word('1858.', 60))).toBe(false);
  });

  it('never drops accents: the English model has no accented capitals', () => {
    expect(acceptSecondOpinion(word('ÉVALUATION', 70), word('EVALUATION', 95))).toBe(false);
  });

  it('never turns a known word into an unknown one, nor a word into punctuation', () => {
    expect(acceptSecondOpinion(word('pouvez', 70), word('Fouvez', 90), FRENCH)).toBe(false);
    expect(acceptSecondOpinion(word('à', 70), word('B', 90), FRENCH)).toBe(false);
    expect(acceptSecondOpinion(word('1', 40), word('|', 90))).toBe(false);
  });
});

describe('unsureWords', () => {
  it(`picks the words read with less than ${UNSURE_BELOW} confidence that have letters or digits`, () => {
    expect(unsureWords([word('sure', 95), word('unsure', 50), word('—', 10), ...Array.from({ length: 5 }, () => word('ok', 90))])).toEqual([1]);
  });

  it('gives up on a page of scrawl: 40 % of its words unsure', () => {
    expect(unsureWords([word('xq', 30), word('ok', 95)])).toEqual([]);
    const scrawl = Array.from({ length: 12 }, (_, i) => word('xq', i % 3 === 0 ? 95 : 30));
    expect(unsureWords(scrawl)).toEqual([]);
  });

  it(`asks about at most ${MAX_UNSURE_WORDS} words of a dense typed page, its least sure, in reading order`, () => {
    // 90 unsure words among 600 (0.15): a list page, not scrawl. The 10 surest of them (79 %) are left out.
    const words = Array.from({ length: 600 }, (_, i) => word('mot', i < 90 ? (i % 9 === 4 ? 79 : 40 + (i % 9)) : 95));
    const asked = unsureWords(words);
    expect(asked).toHaveLength(MAX_UNSURE_WORDS);
    expect(asked).toEqual([...asked].sort((a, b) => a - b));
    expect(asked.every((i) => words[i]!.confidence < 79)).toBe(true);
  });
});

describe('spliceWords', () => {
  it('replaces words in the page text in reading order, leaving the layout alone', () => {
    const words = [{ text: 'PARIS,' }, { text: 'IB58.' }, { text: 'IB58.' }];
    expect(spliceWords('PARIS, IB58.\n\nIB58.', words, new Map([[2, '1858.']]))).toEqual({ text: 'PARIS, IB58.\n\n1858.', missed: [] });
  });

  it('reports a word it cannot find', () => {
    expect(spliceWords('abc', [{ text: 'xyz' }], new Map([[0, 'x']]))).toEqual({ text: 'abc', missed: [0] });
  });
});

describe('cropWord', () => {
  it('puts the word on white with a margin, blanking its neighbours', () => {
    const image = { width: 10, height: 4, pixels: new Uint8Array(40).fill(0) };
    const crop = cropWord(image, { x0: 2, y0: 1, x1: 5, y1: 3 });
    expect([crop.width, crop.height]).toEqual([3 + 8, 2 + 8]);
    expect(crop.pixels.filter((p) => p === 0).length).toBe(6);
  });
});
