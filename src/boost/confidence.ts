/**
 * Per-page confidence: the mean word confidence tesseract reports, kept with the result so nobody takes
 * garbage (handwriting, a bad scan) for clean text. A page below the threshold is flagged; a document is
 * flagged when any of its OCR'd pages is. Flagging never fails a job: the text is still stored.
 */
import type { PageResult } from '../ocr/types';
import type { DocumentConfidence, PageConfidence } from '../text/page';
import { hasLetterOrDigit } from '../text/words';

/**
 * Pages whose mean word confidence is below this are flagged. Typed pages read by tesseract's LSTM model
 * score in the 80s and 90s even when worn or low-resolution; cursive handwriting, which the model was
 * never trained on, scores far lower because most of what it "reads" are guesses.
 */
export const LOW_CONFIDENCE_THRESHOLD = 70;


/** Mean confidence of the page's words, or tesseract's page figure when it returned no words. */
export function meanWordConfidence(page: Pick<PageResult, 'source' | 'confidence' | 'words'>): { confidence: number | null; words: number } {
  if (page.source === 'text-layer') return { confidence: null, words: 0 };
  const words = page.words.filter((w) => hasLetterOrDigit(w.text));
  if (words.length === 0) return { confidence: 0, words: 0 };
  const sum = words.reduce((s, w) => s + w.confidence, 0);
  return { confidence: Math.round((sum / words.length) * 10) / 10, words: words.length };
}

export function pageConfidence(
  pages: ReadonlyArray<Pick<PageResult, 'pageNumber' | 'source' | 'confidence' | 'words' | 'preprocess' | 'empty' | 'textLayer' | 'rotated' | 'failed'>>,
  threshold = LOW_CONFIDENCE_THRESHOLD,
): DocumentConfidence {
  const per: PageConfidence[] = pages.map((p) => {
    if (p.failed !== undefined) return { pageNumber: p.pageNumber, confidence: null, words: 0, flagged: true, failed: p.failed };
    const note = p.textLayer ? { textLayer: p.textLayer } : {};
    if (p.empty) return { pageNumber: p.pageNumber, confidence: null, words: 0, flagged: false, blank: true, empty: p.empty, ...note };
    const m = meanWordConfidence(p);
    const turned = p.rotated ? { rotated: p.rotated } : {};
    if (p.source === 'ocr' && m.words === 0 && p.preprocess && p.preprocess.charHeight === null) {
      return { pageNumber: p.pageNumber, confidence: null, words: 0, flagged: false, blank: true, ...note, ...turned };
    }
    return { pageNumber: p.pageNumber, confidence: m.confidence, words: m.words, flagged: m.confidence !== null && m.confidence < threshold, ...note, ...turned };
  });
  const ocr = per.filter((p) => p.confidence !== null);
  const mean = ocr.length ? Math.round((ocr.reduce((s, p) => s + p.confidence!, 0) / ocr.length) * 10) / 10 : null;
  const flaggedPages = per.filter((p) => p.flagged).map((p) => p.pageNumber);
  return { mean, threshold, pages: per, flaggedPages, flagged: flaggedPages.length > 0 };
}
