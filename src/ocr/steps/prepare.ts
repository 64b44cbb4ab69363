/**
 * The page as tesseract gets it (src/ocr/preprocess.ts), unless it has nothing to read: a page too small
 * or blank to hold text, before or after preparation, is an empty page, not a failure
 * (src/ocr/unreadable.ts).
 */
import type { PageStep } from '../page-step';
import { always } from '../page-step';
import { psmForPage } from '../layout';
import type { GreyImage, RenderedPage } from '../pdf';
import { prepareForOcr, type PreparedImage } from '../preprocess';
import type { OcrMode } from '../types';
import { fitForRecognizer, unreadablePage } from '../unreadable';

export const prepare: PageStep = {
  name: 'preprocess',
  stage: 'preprocess',
  when: (state) => state.rendered !== undefined,
  run(state) {
    const rendered = state.rendered!;
    const blank = unreadablePage(rendered);
    if (blank) return { ...state, final: 'empty', empty: blank, image: rendered };
    const prepared = prepareImage(rendered, state.page.mode);
    const tooSmall = unreadablePage(prepared.image);
    if (tooSmall) return { ...state, final: 'empty', empty: tooSmall, image: prepared.image };
    return { ...state, ...prepared, psm: state.page.psm ?? psmForPage(state.page.mode, prepared.prepared.report.layout) };
  },
  keep: always,
};

/**
 * Register pages are deskewed; every page is told the resolution its text size implies, and small text
 * is enlarged; then the image is scaled to the recogniser's side limit if need be. Word boxes are in
 * its pixels. Also what a page found turned is read through (src/ocr/steps/orientation.ts).
 */
export function prepareImage(rendered: RenderedPage, mode: OcrMode): { prepared: PreparedImage; image: GreyImage; dpi: number } {
  const prepared = prepareForOcr(rendered, { renderDpi: rendered.dpi, deskew: mode === 'index' });
  return { prepared, ...fitForRecognizer(prepared.image, prepared.dpi) };
}
