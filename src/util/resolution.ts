/**
 * The two resolutions a page has on its way to tesseract, and their limits, in one place.
 *
 * - **Render resolution** (OCR_DPI): what MuPDF renders a scanned page at. Below 72 a typed page's
 *   letters are a few pixels high; above 600 an A4 page is over 35 MP of pixels for no better reading
 *   (the dev set reads best at 300), and a page past the 120 MP budget (`PAGE_PIXEL_BUDGET`) is rendered
 *   smaller anyway. Checked by the configuration and by the engine.
 * - **Told resolution**: what tesseract is told the image is, from the size of the page's characters
 *   (src/ocr/preprocess.ts). 70 is tesseract's own floor (it replaces anything lower by 70); above 1200
 *   tesseract's layout filters, sized from it, would take body text for specks.
 */
export const RENDER_DPI = { min: 72, max: 600 } as const;
export const TOLD_DPI = { min: 70, max: 1200 } as const;

/**
 * Pixel budget for one page image: 120 MP = 120 MB of grey pixels, which tesseract's 32-bit
 * WebAssembly heap still handles. A page that would render larger is rendered at the highest resolution
 * that fits (an A0 plan at 300 DPI is ≈140 MP; a mistake in a page box can ask for gigapixels), and
 * small text is enlarged only as far as it fits.
 */
export const PAGE_PIXEL_BUDGET = 120_000_000;

export function assertRenderDpi(dpi: number): void {
  if (!Number.isFinite(dpi) || dpi < RENDER_DPI.min || dpi > RENDER_DPI.max) {
    throw new RangeError(`dpi must be between ${RENDER_DPI.min} and ${RENDER_DPI.max}, got ${dpi}`);
  }
}

/** `dpi` within what tesseract is told (`TOLD_DPI`). */
export function toldDpi(dpi: number): number {
  return Math.max(TOLD_DPI.min, Math.min(TOLD_DPI.max, dpi));
}
