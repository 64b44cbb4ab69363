/**
 * Image preparation before tesseract, on 8-bit grey pixels (no native libraries, a few hundred ms a page).
 *
 * - **Text size → resolution.** The DPI a PDF page is rendered at says nothing about the scan inside it:
 *   a 1024-px-wide scan placed on a 300 DPI page box holds text at ~125 DPI. Tesseract's layout analysis
 *   (psm 3) sizes its noise and line filters from the resolution it is told, and drops small text that it
 *   believes is specks; it also reads small glyphs worse. So the size of the page's characters is
 *   measured (connected components of a locally thresholded copy), tesseract is given the resolution that
 *   size implies, and a page whose characters are too small is enlarged first. Measured on the dev set:
 *   a 125 DPI prose page went from 0.26 to 0.07 CER.
 * - **Deskew** (register pages): the skew of text lines is estimated from the bottoms of character-sized
 *   components (projection profile, ±6°) and the page is rotated back. With psm 6 a skew of one degree
 *   merges neighbouring table rows into one line.
 * - **Thickening** (near-bilevel pages, i.e. 1-bit scans and photocopies): the ink gains a pixel
 *   (`thickenInk`), restoring strokes the scanner's threshold broke.
 *
 * Rule-line removal (painting table rules with the paper tone) was tried here and dropped: on the dev set
 * it lost bag-of-words F1 on every register page (0.617 → 0.387 on the hard synthetic register, 0.685 →
 * 0.602 on a typed table), because painting the rules also erased strokes and left debris that tesseract
 * read as letters. Its code is in git history (src/ocr/preprocess.ts before the split).
 *
 * The measurements are in ./page-analysis, the pixel operations in ./image-transforms; this file decides.
 * Everything is pure and synchronous (pixels in, pixels out); `prepareForOcr` is what the engine calls.
 */
import { resize, rotate, thickenInk } from './image-transforms';
import { type LayoutCues, layoutCues } from './layout-cues';
import { BILEVEL_SHARE, estimateSkew, inkComponents, textSize, tones } from './page-analysis';
import type { GreyImage } from './pdf';
import { PAGE_PIXEL_BUDGET, toldDpi } from '../util/resolution';

export interface PreprocessReport {
  /** Measured character height in the rendered image, px (null: too few characters to tell). */
  charHeight: number | null;
  /** Resolution implied by the character height (null when unknown). */
  estimatedDpi: number | null;
  /** Enlargement applied (1 = none). */
  scale: number;
  /** Skew measured, degrees (positive: text lines descend to the right); 0 when deskew is off. */
  skewDegrees: number;
  /** True when the page was rotated to undo the skew. */
  rotated: boolean;
  /** Share of the rendered page within 10 grey levels of black or white (1-bit scans: ≈0.96). */
  bilevelShare: number;
  /** True when the ink was thickened by a pixel (a near-bilevel page; see `thickenInk`). */
  thickened: boolean;
  /** What the ink says of the page's layout (src/ocr/layout.ts); null when too little text to tell. */
  layout?: LayoutCues | null;
  /** Time spent, ms. */
  ms: number;
}

export interface PreparedImage {
  image: GreyImage;
  /** The resolution to tell tesseract. */
  dpi: number;
  report: PreprocessReport;
}

export interface PrepareOptions {
  /** Resolution the page was rendered at (used when the text size cannot be measured). */
  renderDpi: number;
  /** Estimate skew and rotate the page back (register pages). */
  deskew?: boolean;
  /** Thicken the ink of near-bilevel pages (see `thickenInk`). Default true. */
  thickenBilevel?: boolean;
}

/**
 * Character height (median component height, px) that body text has at 300 DPI, measured against
 * tesseract's own resolution estimate on typewritten and printed pages (10–12 pt type).
 */
export const CHAR_HEIGHT_AT_300_DPI = 21;
/** Below this estimated resolution the page is enlarged (tesseract reads small glyphs poorly). */
export const MIN_TEXT_DPI = 220;
/** The resolution an enlarged page is brought to. */
export const TARGET_TEXT_DPI = 300;
/** The estimated resolution replaces the render resolution only when they differ by more than this factor. */
export const DPI_TRUST_RATIO = 1.25;
/** Never enlarge more than this. */
export const MAX_SCALE = 3;
/** Skews smaller than this are left alone (rotation blurs a little). */
export const MIN_SKEW_DEGREES = 0.12;

export function prepareForOcr(input: GreyImage, options: PrepareOptions): PreparedImage {
  const started = performance.now();
  let image = input;
  const { paper, bilevel } = tones(image);
  let comps = inkComponents(image);
  const size = textSize(comps, image.width, image.height);
  const charHeight = size ? size.charHeight : null;
  const layout = charHeight ? layoutCues(comps, image.width, image.height, charHeight) : null;
  const estimatedDpi = charHeight ? Math.round((charHeight / CHAR_HEIGHT_AT_300_DPI) * 300) : null;

  let skewDegrees = 0;
  let rotated = false;
  if (options.deskew && charHeight) {
    skewDegrees = estimateSkew(comps, charHeight);
    if (Math.abs(skewDegrees) >= MIN_SKEW_DEGREES) {
      image = rotate(image, -skewDegrees, paper);
      rotated = true;
    }
  }

  comps = []; // free

  let scale = 1;
  let dpi = options.renderDpi;
  if (estimatedDpi) {
    // The estimate is only as good as the assumed body-text size (±20 % between faces): near the render
    // resolution it is noise, and overriding it cost 1.5 points of CER on a 204 DPI bilevel deed.
    if (estimatedDpi / options.renderDpi > DPI_TRUST_RATIO || options.renderDpi / estimatedDpi > DPI_TRUST_RATIO) dpi = estimatedDpi;
    if (estimatedDpi < MIN_TEXT_DPI) {
      const wanted = Math.min(MAX_SCALE, TARGET_TEXT_DPI / estimatedDpi);
      const fits = Math.sqrt(PAGE_PIXEL_BUDGET / (image.width * image.height));
      scale = Math.round(Math.min(wanted, fits) * 100) / 100;
      if (scale > 1.05) {
        image = resize(image, scale);
        dpi = Math.round(estimatedDpi * scale);
      } else {
        scale = 1;
      }
    }
  }
  // Last, so that the pixel it adds is a pixel at the resolution tesseract reads.
  const thickened = options.thickenBilevel !== false && charHeight !== null && bilevel >= BILEVEL_SHARE;
  if (thickened) image = thickenInk(image);
  dpi = toldDpi(dpi);
  return {
    image,
    dpi,
    report: {
      charHeight,
      estimatedDpi,
      scale,
      skewDegrees,
      rotated,
      bilevelShare: Math.round(bilevel * 1000) / 1000,
      thickened,
      layout,
      ms: Math.round(performance.now() - started),
    },
  };
}
