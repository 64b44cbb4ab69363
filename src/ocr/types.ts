import type { Rotation } from './orientation';
import type { PreprocessReport } from './preprocess';
import type { RereadReport } from './reread';

/** Which kind of document a job is: register pages (tables) or deeds (prose). */
export type OcrMode = 'index' | 'acte';

/** One recognised word with its box in page pixels (used by the boost to rebuild table columns). */
export interface OcrWord {
  text: string;
  confidence: number; // 0..100
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** The language model that read it (`fra`, `eng`, …), when several were loaded. */
  lang?: string;
}

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
  /** Why the page's text layer was set aside and the scan OCR'd (src/ocr/text-layer.ts). */
  textLayer?: string;
  /** Words re-read by the first language for their diacritics (OCR'd pages with 2+ languages). */
  reread?: RereadReport;
  /**
   * How far, in degrees clockwise, the page was turned to be read upright (src/ocr/orientation.ts);
   * absent when it was read as scanned. Word boxes, width and height are those of the turned page.
   */
  rotated?: Rotation;
}

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
