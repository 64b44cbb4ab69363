/**
 * Which language model read each word, from tesseract's hOCR. With several languages loaded
 * (`fra+eng`) tesseract reads every word with each model and keeps one reading; hOCR is the only
 * output that says which (`lang` on the paragraph, repeated on a word only when the word differs).
 * The JSON `blocks` tesseract.js returns carry no language, so words are matched to hOCR by their box.
 */

/** `x0 y0 x1 y1`, the key both outputs share. */
export function boxKey(box: { x0: number; y0: number; x1: number; y1: number }): string {
  return `${box.x0} ${box.y0} ${box.x1} ${box.y1}`;
}

const TAG = /<(\w+)\s([^>]*\bclass='(ocr_par|ocrx_word)'[^>]*)>/g;
const ATTR_LANG = /\blang='([^']+)'/;
const ATTR_BBOX = /\bbbox (\d+) (\d+) (\d+) (\d+)/;

/**
 * Map from word box (`boxKey`) to the language code that read it. A word without its own `lang`
 * inherits its paragraph's; a paragraph without one gets `fallback` (the first language loaded).
 */
export function wordLanguages(hocr: string, fallback: string): Map<string, string> {
  const out = new Map<string, string>();
  let paragraph = fallback;
  for (const m of hocr.matchAll(TAG)) {
    const attrs = m[2]!;
    const lang = ATTR_LANG.exec(attrs)?.[1];
    if (m[3] === 'ocr_par') {
      paragraph = lang ?? fallback;
      continue;
    }
    const bbox = ATTR_BBOX.exec(attrs);
    if (!bbox) continue;
    out.set(`${bbox[1]} ${bbox[2]} ${bbox[3]} ${bbox[4]}`, lang ?? paragraph);
  }
  return out;
}
