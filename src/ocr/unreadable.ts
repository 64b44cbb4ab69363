/**
 * Pages with nothing to read, decided before the recogniser sees them. A 1×1 pt page renders to 5×5 px
 * and a 200 in × 1 pt strip to 60000×5: tesseract (leptonica's Sauvola binarisation) fails on both
 * with "Unexpected end of JSON input", which used to be retried three times and fail the whole document.
 * Such a page is an empty page, noted as such, not a failure.
 */
import type { GreyImage } from './pdf';
import { resize } from './image-transforms';

/** Below this many pixels on either side no line of text fits (1.4 mm at 300 DPI). */
export const MIN_TEXT_PIXELS = 16;
/** Darkest and lightest pixel closer than this: one flat tone, no ink. */
export const MIN_INK_CONTRAST = 24;

/** Why `image` cannot hold text ("too small …", "blank …"), or null when it should be recognised. */
export function unreadablePage(image: GreyImage): string | null {
  const { width, height, pixels } = image;
  if (width < MIN_TEXT_PIXELS || height < MIN_TEXT_PIXELS) return `too small to hold text (${width}×${height} px)`;
  let lo = 255;
  let hi = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (hi - lo >= MIN_INK_CONTRAST) return null;
  }
  return `blank (one flat tone, ${width}×${height} px)`;
}

/** Tesseract refuses an image over 32767 px on a side ("Image too large"), seen as a JSON parse error. */
export const RECOGNIZER_MAX_SIDE = 32_000;

/**
 * `image` scaled down, if need be, so that its longest side fits the recogniser (a 120 in scroll at
 * 300 DPI is 36 000 px long), with the resolution that scale implies.
 */
export function fitForRecognizer(image: GreyImage, dpi: number): { image: GreyImage; dpi: number } {
  const longest = Math.max(image.width, image.height);
  if (longest <= RECOGNIZER_MAX_SIDE) return { image, dpi };
  const scale = RECOGNIZER_MAX_SIDE / longest;
  return { image: resize(image, scale), dpi: Math.max(1, Math.round(dpi * scale)) };
}
