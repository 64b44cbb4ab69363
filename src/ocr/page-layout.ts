/**
 * A page's words in PDF points (`PageLayout`): where each word the page's reading found stands on the
 * page as displayed, for hOCR (src/ocr/hocr.ts) and a searchable PDF's invisible text. The reading's
 * pixel boxes (`PageResult.words`) stay as they are for the boost; these are placed back through
 * everything done to the render (src/ocr/page-geometry.ts).
 */
import { boxToPage, imageToPage, type ImagePlacement } from './page-geometry';
import type { PageState, ReadState } from './page-state';
import type { OcrWord, PageLayout, PdfWord } from '../text/page';

/** The layout of a page after its steps: its text layer's words, its reading's words placed back, or none (an empty page). */
export function pageLayout(state: PageState): PageLayout | undefined {
  if (state.final === 'text-layer') return state.layout;
  const page = state.rendered?.page;
  if (!page) return undefined;
  if (state.final === 'empty' || !state.reading || !state.prepared || !state.image || !state.rendered) {
    return { width: page.widthPt, height: page.heightPt, words: [] };
  }
  return readingLayout(state as ReadState);
}

function readingLayout(state: ReadState): PageLayout {
  const { report, image: prepared } = state.prepared;
  const placement: ImagePlacement = {
    rendered: state.rendered,
    turn: state.rotated ?? 0,
    deskew: report.rotated ? -report.skewDegrees : 0,
    scale: report.scale,
    prepared,
    read: state.image,
  };
  return placeWords(state.reading.words, placement);
}

/** `words`, pixel boxes of the image read, as words on the page. */
export function placeWords(words: readonly OcrWord[], placement: ImagePlacement): PageLayout {
  const toPage = imageToPage(placement);
  const { page } = placement.rendered;
  const placed: PdfWord[] = [];
  let line = 0;
  for (const w of words) {
    // A reading without line numbers (a recogniser's crop) keeps its words on the line before.
    line = w.line ?? line;
    placed.push({ text: w.text, confidence: w.confidence, ...boxToPage(toPage, w, page), line });
  }
  return { width: page.widthPt, height: page.heightPt, words: placed };
}
