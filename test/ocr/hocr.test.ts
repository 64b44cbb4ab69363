import { describe, expect, it } from 'vitest';
import { boxKey, wordLanguages } from '../../src/ocr/hocr';

// The shape tesseract 5 writes (tesseract.js 7): `lang` on the paragraph, and on a word only when it differs.
const HOCR = `<div class='ocr_page' id='page_1' title='image ""; bbox 0 0 2480 3509; ppageno 0'>
 <div class='ocr_carea' id='block_1_1' title="bbox 760 378 1748 422">
  <p class='ocr_par' id='par_1_1' lang='fra' title="bbox 760 378 1748 422">
   <span class='ocr_line' id='line_1_1' title="bbox 760 378 1748 422; baseline 0 -9">
    <span class='ocrx_word' id='word_1_1' title='bbox 760 378 889 422; x_wconf 96'>Jean</span>
    <span class='ocrx_word' id='word_1_2' title='bbox 856 467 1076 507; x_wconf 90' lang='eng'>VALLIERE,</span>
   </span>
  </p>
  <p class='ocr_par' id='par_1_2' lang='eng' title="bbox 700 900 1200 950">
   <span class='ocr_line' id='line_1_2' title="bbox 700 900 1200 950; baseline 0 -9">
    <span class='ocrx_word' id='word_1_3' title='bbox 700 900 1000 950; x_wconf 90'><strong>EVALUATION</strong></span>
    <span class='ocrx_word' id='word_1_4' title='bbox 1010 900 1200 950; x_wconf 91' lang='fra'>foncière</span>
   </span>
  </p>
  <p class='ocr_par' id='par_1_3' title="bbox 700 1000 1200 1050">
    <span class='ocrx_word' id='word_1_5' title='bbox 700 1000 800 1050; x_wconf 91'>sans</span>
  </p>
 </div>
</div>`;

describe('wordLanguages', () => {
  it("gives each word its own lang, else its paragraph's, else the fallback", () => {
    const langs = wordLanguages(HOCR, 'fra');
    expect(langs.get(boxKey({ x0: 760, y0: 378, x1: 889, y1: 422 }))).toBe('fra');
    expect(langs.get(boxKey({ x0: 856, y0: 467, x1: 1076, y1: 507 }))).toBe('eng');
    expect(langs.get(boxKey({ x0: 700, y0: 900, x1: 1000, y1: 950 }))).toBe('eng');
    expect(langs.get(boxKey({ x0: 1010, y0: 900, x1: 1200, y1: 950 }))).toBe('fra');
    expect(langs.get(boxKey({ x0: 700, y0: 1000, x1: 800, y1: 1050 }))).toBe('fra');
    expect(langs.size).toBe(5);
  });

  it('finds nothing in empty output', () => {
    expect(wordLanguages('', 'fra').size).toBe(0);
  });
});
