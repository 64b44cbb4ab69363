/**
 * Whether a scanned page's text layer can stand for the page, or the scan must be OCR'd.
 *
 * `hasUsableTextLayer` only looks at the text: a ~370-character certification stamp on a scanned deed
 * passed it and the scan was never read; an invisible OCR layer of garbage over a scan passed it with
 * 0 % of its words right. On a scanned page (mostly image) the layer must also
 *   - cover the ink: little of the page's dark pixels lies outside the layer's line boxes, measured on
 *     a coarse render (a stamp covers a corner; a real OCR layer covers every line), and
 *   - read as language: most of its words are dictionary words (the French word list, src/text/french-words.ts).
 * Pages that are not scans keep the text-only rule.
 */
import { frenchDictionary } from '../text/french-words';
import type { GreyImage, PageInfo, PdfDocument } from './pdf';

/** Resolution of the coarse render that measures the ink: an A4 page is 298×421 px, a few ms. */
export const INK_DPI = 36;
/** Darker than this (0..255) is ink. */
const INK_LEVEL = 128;
/** Line boxes are widened by this much (points) on each side: glyphs overhang their line's box. */
const BOX_MARGIN_PT = 3;
/** More of the ink than this outside the text layer: the layer does not stand for the page. */
export const MAX_INK_OUTSIDE = 0.5;
/** Fewer of the layer's words than this in the dictionary: it does not read as language. */
export const MIN_DICTIONARY_SHARE = 0.5;
/** Below this many words the dictionary share says nothing. */
const MIN_WORDS = 8;

export interface TextLayerDecision {
  use: boolean;
  /** Why a scanned page's text layer was set aside (and the scan OCR'd), for the per-page record. */
  note?: string;
}

/** Share (0..1) of the ink of `image` that lies outside `boxes` (points from the top-left, at `dpi`). */
export function inkOutsideShare(image: GreyImage, boxes: readonly [number, number, number, number][], dpi: number): number {
  const { width, height, pixels } = image;
  const inside = new Uint8Array(width * height);
  const s = dpi / 72;
  for (const [x0, y0, x1, y1] of boxes) {
    const px0 = Math.max(0, Math.floor((x0 - BOX_MARGIN_PT) * s));
    const py0 = Math.max(0, Math.floor((y0 - BOX_MARGIN_PT) * s));
    const px1 = Math.min(width, Math.ceil((x1 + BOX_MARGIN_PT) * s));
    const py1 = Math.min(height, Math.ceil((y1 + BOX_MARGIN_PT) * s));
    for (let y = py0; y < py1; y++) inside.fill(1, y * width + px0, y * width + Math.max(px0, px1));
  }
  let ink = 0;
  let outside = 0;
  for (let i = 0; i < pixels.length; i++) {
    if (pixels[i]! >= INK_LEVEL) continue;
    ink++;
    if (!inside[i]) outside++;
  }
  return ink === 0 ? 0 : outside / ink;
}

/** Share (0..1) of the words of three letters or more that `has` knows; null when there are too few. */
export function dictionaryShare(text: string, has: (word: string) => boolean): number | null {
  const words = text.match(/\p{L}{3,}/gu) ?? [];
  if (words.length < MIN_WORDS) return null;
  const known = words.filter((w) => has(w) || has(w.toLowerCase())).length;
  return known / words.length;
}

/** The rule, pure: a scanned page's layer is used only when it covers the ink and reads as language. */
export function judgeScannedTextLayer(m: { inkOutside: number; dictionary: number | null }): TextLayerDecision {
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  if (m.inkOutside > MAX_INK_OUTSIDE) {
    return { use: false, note: `text layer ignored: ${pct(m.inkOutside)} of the ink lies outside it (a stamp or header on a scan)` };
  }
  if (m.dictionary !== null && m.dictionary < MIN_DICTIONARY_SHARE) {
    return { use: false, note: `text layer ignored: ${pct(m.dictionary)} of its words are dictionary words (a garbage OCR layer)` };
  }
  return { use: true };
}

/** Decide for page `index`: the text-only rule, then, on a scanned page, ink coverage and language. */
export function decideTextLayer(doc: PdfDocument, index: number, info: PageInfo, langs: readonly string[]): TextLayerDecision {
  if (!hasUsableTextLayer(info.text, { imageCoverage: info.imageCoverage })) return { use: false };
  if (info.imageCoverage < 0.5) return { use: true };
  const coarse = doc.renderGrey(index, INK_DPI);
  const inkOutside = inkOutsideShare(coarse, info.textBoxes, coarse.dpi);
  // Only French has a word list here: a layer in another language is judged on its ink alone.
  const dictionary = langs[0] === 'fra' ? dictionaryShare(info.text, (w) => frenchDictionary().has(w)) : null;
  return judgeScannedTextLayer({ inkOutside, dictionary });
}

/**
 * Is this text layer real text, worth using instead of OCR? Pure, so it is table-tested.
 *
 * - at least 20 letters or digits, and at least 3 words of two or more letters: a page number, a
 *   stamp or a few stray glyphs left by a scanner are not a text layer;
 * - letters and digits make at least half of the visible characters, and replacement / private-use /
 *   control characters (a font without a usable encoding) at most 10 %;
 * - on a page mostly covered by an image (`imageCoverage` ≥ 0.5, i.e. a scan), at least 200 letters or
 *   digits: a digital header or "copie certifiée" stamp on top of a scanned deed must not hide the
 *   scan from OCR. A real OCR layer over a scan (a searchable PDF) passes easily.
 */
export function hasUsableTextLayer(text: string, options: { imageCoverage?: number } = {}): boolean {
  const visible = text.replace(/\s+/gu, '');
  if (visible.length === 0) return false;
  const alnum = (visible.match(/[\p{L}\p{N}]/gu) ?? []).length;
  const bad = (visible.match(/[\uFFFD\p{Co}\p{Cc}\p{Cs}]/gu) ?? []).length;
  const words = (text.match(/\p{L}{2,}/gu) ?? []).length;
  const minAlnum = (options.imageCoverage ?? 0) >= 0.5 ? 200 : 20;
  if (alnum < minAlnum) return false;
  if (words < 3) return false;
  if (alnum / visible.length < 0.5) return false;
  if (bad / visible.length > 0.1) return false;
  return true;
}
