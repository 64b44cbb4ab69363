/** Messages between the pool's main thread and an OCR thread. */
import type { DocumentConfidence } from '../boost/confidence';
import type { OcrMode, PageProgress } from '../ocr/types';

export interface ThreadInit {
  langs: string;
  dpi: number;
  initTimeoutMs: number;
}

export type ToThread = { type: 'job'; jobId: number; pdf: Uint8Array; mode: OcrMode };

export interface JobOutput {
  fileContent: string;
  boostedFileContent: string;
  pages: number;
  ocrPages: number;
  textLayerPages: number;
  /** Mean OCR confidence per page (null for text-layer pages). */
  pageConfidence: (number | null)[];
  /** Per-page mean word confidence and low-confidence flags, stored in `ocr_confidence`. */
  confidence: DocumentConfidence;
  /** Words whose accents the French re-read restored (src/ocr/reread.ts), over all pages. */
  accentsRestored: number;
  /** Why a page's re-read could not run, one entry per such page (its text stays as tesseract read it). */
  rereadFailures: string[];
}

export type FromThread =
  | { type: 'ready' }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'progress'; jobId: number; progress: PageProgress }
  | { type: 'result'; jobId: number; output: JobOutput; cpuMs: number; mupdfHeapBytes?: number }
  | { type: 'error'; jobId: number; error: SerializedError; mupdfHeapBytes?: number };

export interface SerializedError {
  name: string;
  message: string;
  permanent: boolean;
}
