/**
 * PDF → per-page text. Each page goes through the page steps (src/ocr/page-steps.ts): its text layer
 * when it stands for the page, otherwise rendered in grey at `dpi` with MuPDF and recognised with
 * tesseract.js, then refined. Pages are handled one at a time: only the current page's image is ever in
 * memory (the PDF bytes themselves are held by MuPDF while it is open).
 */
import { PermanentError } from '../errors';
import { assertRenderDpi } from '../util/resolution';
import { parseLangs } from './language-data';
import { openPdf } from './open-pdf';
import type { PdfDocument } from './pdf';
import { newPageState, type PageContext } from './page-state';
import { pageResult } from './page-result';
import { runSteps, type PageStep } from './page-step';
import { PAGE_STEPS } from './page-steps';
import { DEFAULT_SECONDARY_IDLE_MS, SharedRecognizer } from './shared-recognizer';
import { createRecognizer, type Psm, type Recognizer } from './tesseract';
import type { DocumentResult, OcrMode, PageProgress, PageResult } from './types';

export interface OcrEngineOptions {
  /** Tesseract languages, primary first, e.g. `fra+eng` (OCR_LANGS). */
  langs: string;
  /** Render resolution for OCR'd pages (OCR_DPI; `RENDER_DPI` range). */
  dpi: number;
  /** Upper bound for starting a tesseract worker, ms. */
  timeoutMs: number;
  /**
   * The languages every page is read with first; default the first of `langs` (language routing,
   * src/ocr/routing.ts). `langs` itself reads every page with all of them at once, the way before
   * routing (benches compare with it): no page then has another language to be routed to.
   */
  primary?: string;
  /**
   * Every page read with this page segmentation mode, whatever its layout (benches compare layouts with
   * it); default: chosen per page (src/ocr/layout.ts).
   */
  psm?: Psm;
  /** How a page is read; default `PAGE_STEPS`. Benches and tests pass another list (`AS_SCANNED`). */
  steps?: readonly PageStep[];
  /**
   * A recogniser for all of `langs` held elsewhere (the pool's main thread, shared by its OCR threads:
   * src/ocr/shared-recognizer.ts), for routed pages and second opinions. Without it, the engine holds its
   * own, started on first use and released after `secondaryIdleMs` unused (default 5 minutes).
   */
  shared?: Recognizer;
  secondaryIdleMs?: number;
  /**
   * Called after each page of a document, before the next one is read (the OCR thread runs a full
   * collection there: a page's images are MiBs of ArrayBuffers that V8 is in no hurry to free).
   */
  betweenPages?: () => void;
}

import { PSM_FOR_MODE } from './layout';

export { PSM_FOR_MODE };

/** A PDF opened by `OcrEngine.open`: read its pages (0-based `index`), then close it. */
export interface OpenDocument {
  readonly pageCount: number;
  readPage(index: number, onProgress?: (p: PageProgress) => void): Promise<PageResult>;
  close(): void;
}

export class OcrEngine {
  private terminated = false;
  private readonly steps: readonly PageStep[];
  private readonly langCodes: string[];
  /** Languages of `langs` the primary reading does not have. */
  private readonly others: string[];
  /** Every language: the shared recogniser while it answers, else the engine's own (`owned`). */
  private readonly all: Recognizer;
  /** Started on first use only: with a shared recogniser, never in the common case. */
  private readonly owned: SharedRecognizer;

  private constructor(
    private readonly options: OcrEngineOptions,
    /** The model every page is read with first; loaded as long as the engine lives. */
    private readonly primary: Recognizer,
  ) {
    this.steps = options.steps ?? PAGE_STEPS;
    this.langCodes = parseLangs(options.langs);
    const read = parseLangs(primary.langs);
    this.others = this.langCodes.filter((l) => !read.includes(l));
    this.owned = new SharedRecognizer({ langs: options.langs, timeoutMs: options.timeoutMs, idleMs: options.secondaryIdleMs ?? DEFAULT_SECONDARY_IDLE_MS });
    this.all = everyLanguage(options.langs, options.shared, this.owned);
  }

  static async create(options: OcrEngineOptions): Promise<OcrEngine> {
    assertRenderDpi(options.dpi);
    const primary = await createRecognizer({ langs: options.primary ?? parseLangs(options.langs)[0]!, timeoutMs: options.timeoutMs });
    return new OcrEngine(options, primary);
  }

  /** Language strings of the models this engine holds loaded now (for tests and memory accounting). */
  get loadedModels(): string[] {
    return [...(this.primary.alive ? [this.primary.langs] : []), ...(this.owned.loaded ? [this.owned.langs] : [])];
  }

  /**
   * Read every page of `pdf`. Progress, for page p of n (1-based): `{ stage: 'rendering', page: p }`
   * before the page is read or rendered, then `{ stage: 'ocr', page: p }` before it is recognised (OCR'd
   * pages only), and once more with `rotated` when it was read turned. `onProgress` must not throw.
   * Input problems throw `PermanentError`; an OCR failure or timeout throws `RetryableError`.
   */
  async ocrDocument(pdf: Uint8Array, mode: OcrMode, onProgress?: (p: PageProgress) => void): Promise<DocumentResult> {
    const doc = await this.open(pdf, mode);
    try {
      const pages: PageResult[] = [];
      for (let i = 0; i < doc.pageCount; i++) {
        pages.push(await doc.readPage(i, onProgress));
        if (i + 1 < doc.pageCount) this.options.betweenPages?.();
        // MuPDF is synchronous: let timers (lease heartbeat, progress publishing) run between pages.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return { pages };
    } finally {
      doc.close();
    }
  }

  /**
   * Open `pdf` to read its pages one at a time, in any order (the pool reads a document page by page and
   * keeps each page as it is read: src/pool/job.ts). Progress as for `ocrDocument`, per page.
   */
  async open(pdf: Uint8Array, mode: OcrMode): Promise<OpenDocument> {
    if (this.terminated) throw new Error('OCR engine is terminated');
    if (PSM_FOR_MODE[mode] === undefined) throw new PermanentError(`unknown OCR mode '${String(mode)}' (expected index or acte)`);
    const doc = await openPdf(pdf);
    const total = doc.pageCount;
    return {
      pageCount: total,
      readPage: (index, onProgress) => this.readPage(doc, index, mode, (p) => onProgress?.({ ...p, pages: total })),
      close: () => doc.close(),
    };
  }

  /** Stop the tesseract workers. Idempotent; `ocrDocument` throws afterwards. */
  async terminate(): Promise<void> {
    this.terminated = true;
    await Promise.all([this.primary.terminate(), this.owned.terminate()]);
  }

  private async readPage(doc: PdfDocument, index: number, mode: OcrMode, progress: PageContext['progress']): Promise<PageResult> {
    const page: PageContext = {
      doc,
      index,
      mode,
      psm: this.options.psm,
      dpi: this.options.dpi,
      langCodes: this.langCodes,
      primary: this.primary,
      others: this.others,
      all: this.all,
      progress,
    };
    return pageResult(await runSteps(this.steps, newPageState(page)), this.steps);
  }
}

/**
 * A recogniser for every language: the one lent to the engine (the pool's, through a port) while it is
 * there, else the engine's own. A thread whose port closed (the pool shutting down) still finishes its page.
 */
function everyLanguage(langs: string, shared: Recognizer | undefined, own: Recognizer): Recognizer {
  const pick = () => (shared?.alive && shared.langs === langs ? shared : own);
  return {
    langs,
    get alive() {
      return pick().alive;
    },
    recognize: (image, psm, options) => pick().recognize(image, psm, options),
    // Each is stopped by its owner: the pool's by the pool, the engine's own by the engine.
    terminate: async () => undefined,
  };
}
