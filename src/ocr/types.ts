import type { Rotation } from './orientation';
import type { PreprocessReport } from './preprocess';
import type { SecondOpinionReport } from './second-opinion';
import type { OcrWord, PageLayout } from '../text/page';

/** Which kind of document a job is: register pages (tables) or deeds (prose). */
export type OcrMode = 'index' | 'acte';

export interface PageResult {
  /** 1-based. */
  pageNumber: number;
  text: string;
  /** `text-layer`: read from the PDF, no OCR; `ocr`: rendered and recognised. */
  source: 'text-layer' | 'ocr';
  /** Mean word confidence 0..100 for OCR'd pages; null for text-layer pages. */
  confidence: number | null;
  words: OcrWord[];
  /** Size in pixels of the image that was recognised (0 for text-layer pages); word boxes are in it. */
  width: number;
  height: number;
  /** What was done to the rendered image before recognition (OCR'd pages; see src/ocr/preprocess.ts). */
  preprocess?: PreprocessReport;
  /** Why the page was not recognised: too small or blank to hold text (src/ocr/unreadable.ts). Its text is ''. */
  empty?: string;
  /**
   * The page could not be read, and why: it overran its time budget, MuPDF could not render it, or its
   * thread crashed on it. Its text is '' and it has no words; `file_content` shows `unreadPageMarker`.
   */
  failed?: string;
  /** Why the page's text layer was set aside and the scan OCR'd (src/ocr/text-layer.ts). */
  textLayer?: string;
  /**
   * How far, in degrees clockwise, the page was turned to be read upright (src/ocr/orientation.ts);
   * absent when it was read as scanned. Word boxes, width and height are those of the turned page.
   */
  rotated?: Rotation;
  /**
   * OCR'd pages whose text stands in two or more wide columns without a ruled grid (src/ocr/layout.ts):
   * read with automatic layout; a register page so laid out is a list, not a table (the boost does not
   * rebuild rows across its columns).
   */
  textColumns?: true;
  /** OCR'd pages: the language model whose reading the page keeps (`fra`, `eng`, or `fra+eng` without routing). */
  lang?: string;
  /**
   * OCR'd pages: every tesseract pass run on the page, in order: `fra`, `fra/sauvola` (retry of a
   * near-empty page), `fra+eng` (the page is in another language), `fra+eng/words` (unsure words re-read).
   */
  passes?: string[];
  /** Unsure words read again by every language (src/ocr/second-opinion.ts). */
  secondOpinion?: SecondOpinionReport;
  /** Time spent on this page in each stage, ms (a text-layer page's reading counts as its render). */
  timings?: PageTimings;
  /**
   * The page's words in PDF points (src/ocr/page-layout.ts): OCR'd pages with the render's scaling and
   * preprocessing's enlargement, deskew and turn undone; text-layer pages from MuPDF's structured text.
   * Absent for a page that was not rendered (nothing to place words on).
   */
  layout?: PageLayout;
}

export interface PageTimings {
  renderMs: number;
  preprocessMs: number;
  /** Every tesseract pass on the page: the first reading and its refinements. */
  recognitionMs: number;
  /**
   * Pages that were read: how much of `recognitionMs` each refinement step took (0 when it did not run);
   * the rest is the first reading. What a refinement costs decides whether it pays back (docs/benchmarks.md).
   */
  refinementMs?: RefinementMs;
}

/**
 * Time of each refinement of a page, ms, by step name: the readings a page may get besides the first
 * (`REFINEMENTS`, src/ocr/page-steps.ts).
 */
export type RefinementMs = Record<string, number>;

export interface DocumentResult {
  pages: PageResult[];
}

/** Emitted before each page is processed and once when it is done. */
export interface PageProgress {
  stage: 'rendering' | 'ocr';
  /** 1-based page being processed. */
  page: number;
  pages: number;
  /** Sent once more, after `ocr`, when the page was found sideways or upside down and read turned. */
  rotated?: number;
}
