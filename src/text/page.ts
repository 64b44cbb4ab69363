/**
 * The format of a read page, as everything after the OCR engine sees it: words with their boxes, the
 * separator line of `file_content`, and the per-page confidence record stored in `ocr_confidence`.
 * src/ocr/ writes it, src/boost/, src/queue/ and src/pool/ read it.
 */

/** One recognised word with its box in page pixels (used by the boost to rebuild table columns). */
export interface OcrWord {
  text: string;
  confidence: number; // 0..100
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Which text line of the page the word is on, from 0 in reading order (tesseract's block, paragraph and line). */
  line?: number;
}

/** A word on the page, its box in PDF points: origin at the page's top-left as displayed (MuPDF page bounds), x right, y down. */
export interface PdfWord {
  text: string;
  /** 0..100 as tesseract gave it; null for a word of the text layer. */
  confidence: number | null;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  line: number;
}

/** The page's words in PDF points, in reading order; `line` numbers the text lines from 0. */
export interface PageLayout {
  /** The page's size as displayed, points. */
  width: number;
  height: number;
  words: PdfWord[];
}

/** The separator line written before each page's text in `file_content`. */
export function pageSeparator(pageNumber: number): string {
  return `--- Page ${pageNumber} ---`;
}

/**
 * The line written under a page's separator, in `file_content` and `boosted_file_content`, when the page
 * could not be read (past its time budget, not renderable, its thread crashed): the text of that page is
 * missing, not empty. docs/contract.md, "A page that could not be read".
 */
export function unreadPageMarker(reason: string): string {
  return `[page not read: ${reason.replace(/\s+/g, ' ').trim()}]`;
}

export interface PageConfidence {
  pageNumber: number;
  /** Mean word confidence 0..100, one decimal; null for a text-layer page (nothing was recognised). */
  confidence: number | null;
  /** Words the mean is based on. */
  words: number;
  /** Below the threshold (an OCR'd page with no word at all counts as flagged, unless it is blank). */
  flagged: boolean;
  /** No word, and preprocessing found no character-sized ink on the page: a blank page, not a failure. */
  blank?: boolean;
  /** Why the page was taken as empty without being recognised (too small or blank to hold text). */
  empty?: string;
  /** An OCR'd page whose text layer was set aside: why (a stamp on a scan, a garbage OCR layer). */
  textLayer?: string;
  /** The page could not be read: why. It is flagged, its confidence null and its text the unread-page marker. */
  failed?: string;
  /** Degrees clockwise the page was turned to be read upright (sideways or upside-down scans); absent when read as scanned. */
  rotated?: number;
}

export interface DocumentConfidence {
  /** Mean over the OCR'd pages (null when every page came from a text layer). */
  mean: number | null;
  threshold: number;
  pages: PageConfidence[];
  /** 1-based numbers of the flagged pages. */
  flaggedPages: number[];
  flagged: boolean;
}
