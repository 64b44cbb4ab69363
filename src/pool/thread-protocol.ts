/** Messages between the pool's main thread and an OCR thread. */
import type { MessagePort } from 'node:worker_threads';
import type { WordTables } from '../text/compact-dictionary';
import type { DocumentConfidence } from '../text/page';
import type { OcrMode, PageProgress, PageResult } from '../ocr/types';

export interface ThreadInit {
  langs: string;
  dpi: number;
  initTimeoutMs: number;
  /** The pool's all-languages recogniser (src/ocr/shared-recognizer.ts), reached through this port. */
  sharedPort?: MessagePort;
  /** The French word list, built once for the process (src/pool/word-list.ts); without it the thread builds its own. */
  wordTables?: WordTables;
}

/**
 * A document is read page by page: `open` it once (the thread keeps it open), then one `page` message
 * per page to read, in any order, then `finish` (the boost, from the pages as they were kept, and the
 * document is closed) or `close`. Every message carries its own request id; the thread answers each
 * `open`, `page` and `finish` once, and at most one is outstanding.
 */
export type ToThread =
  | { type: 'open'; jobId: number; pdf: Uint8Array; mode: OcrMode }
  | { type: 'page'; jobId: number; index: number }
  /** `original`: the PDF's bytes, when a searchable copy is to be built from the pages' words (OCR_SEARCHABLE_PDF). */
  | { type: 'finish'; jobId: number; mode: OcrMode; pages: PageResult[]; original?: Uint8Array }
  | { type: 'close'; jobId: number };

/** What `finish` gives: the document's two texts and its confidence, from every page. */
export interface FinishOutput {
  fileContent: string;
  boostedFileContent: string;
  /** Per-page mean word confidence and low-confidence flags, stored in `ocr_confidence`. */
  confidence: DocumentConfidence;
  boostMs: number;
  /** The original PDF with the OCR'd pages' words as invisible text, when asked for and a page was OCR'd. */
  searchablePdf?: Uint8Array;
  /** Why the searchable PDF could not be built (the text is not affected). */
  searchableError?: string;
  /** Time spent building it, ms. */
  searchableMs?: number;
}

export type FromThread =
  | { type: 'ready' }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'progress'; jobId: number; progress: PageProgress }
  /** `open` done: the document's page count and the SHA-256 of its bytes (hex). */
  | { type: 'opened'; jobId: number; pages: number; digest: string }
  | { type: 'page'; jobId: number; page: PageResult; cpuMs: number }
  | { type: 'result'; jobId: number; output: FinishOutput; cpuMs: number; mupdfHeapBytes?: number }
  | { type: 'error'; jobId: number; error: SerializedError; mupdfHeapBytes?: number };

export interface SerializedError {
  name: string;
  message: string;
  permanent: boolean;
}
