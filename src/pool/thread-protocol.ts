/** Messages between the pool's main thread and an OCR thread. */
import type { MessagePort } from 'node:worker_threads';
import type { WordTables } from '../text/compact-dictionary';
import type { DocumentConfidence } from '../text/page';
import type { OcrMode, PageProgress, RefinementMs } from '../ocr/types';

export interface ThreadInit {
  langs: string;
  dpi: number;
  initTimeoutMs: number;
  /** The pool's all-languages recogniser (src/ocr/shared-recognizer.ts), reached through this port. */
  sharedPort?: MessagePort;
  /** The French word list, built once for the process (src/pool/word-list.ts); without it the thread builds its own. */
  wordTables?: WordTables;
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
  /** Time spent in the thread's stages over all pages, ms. */
  stageMs: ThreadStageMs;
  /** Of `stageMs.recognition`, what each refinement took over all pages, ms. */
  refinementMs: RefinementMs;
  /** Tesseract passes by kind over all pages (`fra`, `fra/sauvola`, `eng`): what the refinements cost. */
  passes: Record<string, number>;
  /** OCR'd pages by the language model whose reading was kept. */
  langs: Record<string, number>;
  /** Unsure words read again by every language (src/ocr/second-opinion.ts), and how many changed. */
  secondOpinion: { asked: number; changed: number; failures: string[] };
}

export interface ThreadStageMs {
  render: number;
  preprocess: number;
  recognition: number;
  boost: number;
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
