import { describe, expect, it } from 'vitest';
import { textDirection } from '../../src/ocr/invisible-text';
import type { PdfWord } from '../../src/text/page';

/** Words of `line` at the given centres, 20×10 pt (`standing`: 10×20). */
const words = (line: number, centres: [number, number][], standing = false): PdfWord[] =>
  centres.map(([x, y], i) => {
    const [hw, hh] = standing ? [5, 10] : [10, 5];
    return { text: `w${line}.${i}`, confidence: 90, x0: x - hw, y0: y - hh, x1: x + hw, y1: y + hh, line };
  });

describe('textDirection', () => {
  it('is the way the lines run, from their first word to their last, to the nearest quarter turn', () => {
    expect(textDirection([...words(0, [[100, 100], [200, 103]]), ...words(1, [[100, 130], [200, 133]])])).toBe(0);
    expect(textDirection([...words(0, [[500, 100], [497, 200]], true), ...words(1, [[470, 100], [467, 200]], true)])).toBe(90);
    expect(textDirection(words(0, [[200, 700], [100, 700]]))).toBe(180);
    expect(textDirection(words(0, [[100, 700], [100, 600]], true))).toBe(270);
  });

  it('without a line of two words: down the page when most words stand, else across', () => {
    expect(textDirection([...words(0, [[100, 100]], true), ...words(1, [[130, 100]], true)])).toBe(90);
    expect(textDirection([...words(0, [[100, 100]]), ...words(1, [[100, 130]])])).toBe(0);
  });
});
