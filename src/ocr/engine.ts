/**
 * PDF → per-page text. A page with a usable text layer is read (no OCR); any other page is rendered in
 * grey at `dpi` with MuPDF and recognised with tesseract.js. Pages are handled one at a time: only the
 * current page's image is ever in memory (the PDF bytes themselves are held by MuPDF while it is open).
 */
import { PermanentError, coerceError } from '../errors';
import { findRotation, TURNED_READING_SHARE } from './find-rotation';
import { confidentWords, rotateGrey, wantsOrientationCheck, type Rotation } from './orientation';
import { openPdf } from './open-pdf';
import type { GreyImage, PdfDocument, RenderedPage } from './pdf';
import { prepareForOcr, type PreparedImage } from './preprocess';
import { fitsBetter, routeTo } from './routing';
import { readableWordCount, wantsSauvolaRetry } from './sauvola-retry';
import { secondOpinion, unsureWords, type SecondOpinionReport } from './second-opinion';
import { DEFAULT_SECONDARY_IDLE_MS } from './shared-recognizer';
import { parseLangs } from './language-data';
import { PSM, createRecognizer, type Psm, type Recognition, type Recognizer } from './tesseract';
import { decideTextLayer } from './text-layer';
import { fitForRecognizer, unreadablePage } from './unreadable';
import { noRefinementMs, type DocumentResult, type OcrMode, type PageProgress, type PageResult, type Refinement, type RefinementMs } from './types';
import { frenchDictionary } from '../text/french-words';

export interface OcrEngineOptions {
  /** Tesseract languages, e.g. `fra+eng` (OCR_LANGS). */
  langs: string;
  /** Render resolution for OCR'd pages (OCR_DPI), 72..1200. */
  dpi: number;
  /** Upper bound for starting the tesseract worker, ms. */
  timeoutMs: number;
  /** Optional upper bound for recognising one page, ms (the worker is restarted on the next document). */
  pageTimeoutMs?: number;
  /** Pixel budget per rendered page (see `OpenPdfOptions.maxPixels`). */
  maxPixels?: number;
  /**
   * Language routing (src/ocr/routing.ts): read each page with the first language alone and with another
   * only when the page shows it is in that language. Default true; false reads every page with all of
   * `langs` at once (one tesseract pass with every model, the way before routing, for comparisons).
   */
  routing?: boolean;
  /** A model loaded for routing is released after this long unused, ms. Default 5 minutes. */
  secondaryIdleMs?: number;
  /**
   * A recogniser for all of `langs` held elsewhere (the pool's main thread, shared by its OCR threads:
   * src/ocr/shared-recognizer.ts), used for routed pages and second opinions instead of loading one here.
   */
  shared?: Recognizer;
  /**
   * Pages that read poorly are tried turned a quarter or a half turn (src/ocr/orientation.ts) and read
   * upright when a turn reads better. Default true; false reads every page as it was scanned.
   */
  orientation?: boolean;
  /**
   * Called after each page of a document, before the next one is read (the OCR thread runs a full
   * collection there: a page's images are MiBs of ArrayBuffers that V8 is in no hurry to free).
   */
  betweenPages?: () => void;
}

/** psm 6 (one block) reads register tables far better than psm 3; prose wants automatic layout. */
export const PSM_FOR_MODE: Record<OcrMode, Psm> = {
  index: PSM.SINGLE_BLOCK,
  acte: PSM.AUTO,
};

export class OcrEngine {
  /**
   * Loaded models by language string. The one every page is read with (the primary language, or all of
   * `langs` without routing) stays loaded; another is loaded when a page is routed to it and released
   * after `secondaryIdleMs` unused, so a thread holds one model in the common case.
   */
  private readonly recognizers = new Map<string, Recognizer>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private terminated = false;
  /** `langs` as language codes, primary first. */
  private readonly langCodes: string[];
  /** The language string every page is read with first. */
  private readonly first: string;

  private constructor(private readonly options: OcrEngineOptions) {
    this.langCodes = parseLangs(options.langs);
    this.first = options.routing === false ? options.langs : this.langCodes[0]!;
  }

  static async create(options: OcrEngineOptions): Promise<OcrEngine> {
    if (!Number.isFinite(options.dpi) || options.dpi < 72 || options.dpi > 1200) {
      throw new RangeError(`dpi must be between 72 and 1200, got ${options.dpi}`);
    }
    const engine = new OcrEngine(options);
    await engine.recognizer(engine.first);
    return engine;
  }

  /** Language strings of the models loaded now (for tests and memory accounting). */
  get loadedModels(): string[] {
    return [...this.recognizers.keys()];
  }

  /**
   * Read every page of `pdf`. Progress, for page p of n (1-based): `{ stage: 'rendering', page: p }`
   * before the page is read or rendered, then `{ stage: 'ocr', page: p }` before it is recognised (OCR'd
   * pages only). `onProgress` must not throw. Input problems throw `PermanentError`; an OCR failure or
   * timeout throws `RetryableError`.
   */
  async ocrDocument(pdf: Uint8Array, mode: OcrMode, onProgress?: (p: PageProgress) => void): Promise<DocumentResult> {
    if (this.terminated) throw new Error('OCR engine is terminated');
    const psm = PSM_FOR_MODE[mode];
    if (psm === undefined) throw new PermanentError(`unknown OCR mode '${String(mode)}' (expected index or acte)`);

    const doc = await openPdf(pdf, { maxPixels: this.options.maxPixels });
    try {
      const pages: PageResult[] = [];
      const total = doc.pageCount;
      for (let i = 0; i < total; i++) {
        const pageNumber = i + 1;
        onProgress?.({ stage: 'rendering', page: pageNumber, pages: total });
        pages.push(await this.readPage(doc, i, mode, psm, (p) => onProgress?.({ ...p, pages: total })));
        if (i + 1 < total) this.options.betweenPages?.();
        // MuPDF is synchronous: let timers (lease heartbeat, progress publishing) run between pages.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return { pages };
    } finally {
      doc.close();
    }
  }

  /** Stop the tesseract workers. Idempotent; `ocrDocument` throws afterwards. */
  async terminate(): Promise<void> {
    this.terminated = true;
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    const all = [...this.recognizers.values()];
    this.recognizers.clear();
    await Promise.all(all.map((r) => r.terminate()));
  }

  private async readPage(
    doc: PdfDocument,
    index: number,
    mode: OcrMode,
    psm: Psm,
    progress: (p: Omit<PageProgress, 'pages'>) => void,
  ): Promise<PageResult> {
    const pageNumber = index + 1;
    let t = performance.now();
    const lap = () => {
      const now = performance.now();
      const ms = now - t;
      t = now;
      return ms;
    };
    const info = doc.pageInfo(index);
    const layer = decideTextLayer(doc, index, info, this.langCodes);
    if (layer.use) {
      const timings = { renderMs: lap(), preprocessMs: 0, recognitionMs: 0 };
      return { pageNumber, text: info.text, source: 'text-layer', confidence: null, words: [], width: 0, height: 0, timings };
    }
    const textLayer = layer.note ? { textLayer: layer.note } : {};
    const rendered = doc.renderGrey(index, this.options.dpi);
    const renderMs = lap();
    const blank = (img: GreyImage, why: string): PageResult => ({
      pageNumber,
      text: '',
      source: 'ocr',
      confidence: null,
      words: [],
      width: img.width,
      height: img.height,
      empty: why,
      ...textLayer,
      timings: { renderMs, preprocessMs: lap(), recognitionMs: 0 },
    });
    const empty = unreadablePage(rendered);
    if (empty) return blank(rendered, empty);
    let { prepared, image, dpi } = this.prepare(rendered, mode);
    const tooSmall = unreadablePage(image);
    if (tooSmall) return blank(image, tooSmall);
    let preprocessMs = lap();
    let recognitionMs = 0;
    const refinementMs = noRefinementMs();
    progress({ stage: 'ocr', page: pageNumber });
    const passes: string[] = [this.first];
    let lang = this.first;
    const primary = await this.recognizer(this.first);
    let r = await this.recognizeOnce(primary, image, psm, dpi, passes, refinementMs);
    let rotated: Rotation = 0;
    if (this.options.orientation !== false && wantsOrientationCheck(r.words)) {
      const turn = await timed(refinementMs, 'orientation', () => findRotation(primary, image, dpi, r));
      if (turn !== 0) {
        const turnedPage: RenderedPage = { ...rendered, ...rotateGrey(rendered, turn) };
        recognitionMs += lap();
        const turned = this.prepare(turnedPage, mode);
        preprocessMs += lap();
        passes.push(`${this.first}/turned ${turn}`);
        // All of it the orientation's cost, a Sauvola retry of the turned page included.
        const again = await timed(refinementMs, 'orientation', () => this.recognizeOnce(primary, turned.image, psm, turned.dpi, passes, noRefinementMs()));
        // The sample said so; the whole page must agree before its reading is replaced. A first reading
        // of vertical text can be nearly as confident as the upright one (and still worse), hence 0.9.
        if (confidentWords(again.words) >= Math.max(1, TURNED_READING_SHARE * confidentWords(r.words))) {
          [r, image, dpi, prepared, rotated] = [again, turned.image, turned.dpi, turned.prepared, turn];
          progress({ stage: 'ocr', page: pageNumber, rotated: turn });
        }
      }
    }
    const routed = this.options.routing === false ? false : routeTo(r.words, this.first, this.langCodes.slice(1)) !== null;
    const all = this.options.langs;
    let opinion: SecondOpinionReport | undefined;
    if (routed) {
      // The page is in another language: read it with every model, as tesseract would have without routing.
      passes.push(all);
      const again = await timed(refinementMs, 'routed', () => this.withRecognizer(all, (rec) => rec.recognize(image, psm, { dpi })));
      if (fitsBetter(again, r)) {
        r = again;
        lang = all;
      }
    } else if (this.options.routing !== false && this.langCodes.length > 1) {
      const unsure = unsureWords(r.words);
      if (unsure.length > 0) {
        passes.push(`${all}/words`);
        // The French word list is the boost's, loaded once per thread; other primary languages go without.
        const words = this.first === 'fra' ? frenchDictionary() : undefined;
        const first = r;
        try {
          const second = await timed(refinementMs, 'secondOpinion', () => this.withRecognizer(all, (rec) => secondOpinion(image, first, unsure, rec, dpi, words)));
          r = second.recognition;
          opinion = second.report;
        } catch (err) {
          // A refinement, not the reading: the page keeps the primary reading.
          opinion = { asked: unsure.length, changed: 0, failed: coerceError(err).message };
        }
      }
    }
    recognitionMs += lap();
    return {
      pageNumber,
      text: r.text,
      source: 'ocr',
      confidence: r.confidence,
      words: r.words,
      width: image.width,
      height: image.height,
      lang,
      passes,
      ...(opinion ? { secondOpinion: opinion } : {}),
      timings: { renderMs, preprocessMs, recognitionMs, refinementMs },
      ...(prepared ? { preprocess: prepared.report } : {}),
      ...textLayer,
      ...(rotated ? { rotated } : {}),
    };
  }

  /**
   * The page as tesseract gets it. Register pages are deskewed; every page is told the resolution its
   * text size implies, and small text is enlarged (src/ocr/preprocess.ts); then the image is scaled to
   * the recogniser's side limit if need be. Word boxes are in its pixels.
   */
  private prepare(rendered: RenderedPage, mode: OcrMode): { prepared: PreparedImage; image: GreyImage; dpi: number } {
    const prepared = prepareForOcr(rendered, { renderDpi: rendered.dpi, deskew: mode === 'index', maxPixels: this.options.maxPixels });
    return { prepared, ...fitForRecognizer(prepared.image, prepared.dpi) };
  }

  /**
   * One reading of a page with the first model. Otsu's global threshold can lose every character on
   * tinted, low-contrast paper (one dev page: 0 words, then 86 % word recall with Sauvola). A page that
   * reads as (nearly) empty gets a second, local-threshold pass; the pass with more readable words wins.
   * A page where tesseract found words but could read few of them is handwriting or noise, which Sauvola
   * does not fix: no second pass (see `wantsSauvolaRetry`).
   */
  private async recognizeOnce(
    recognizer: Recognizer,
    image: GreyImage,
    psm: Psm,
    dpi: number,
    passes: string[],
    refinementMs: RefinementMs,
  ): Promise<Recognition> {
    const r = await recognizer.recognize(image, psm, { dpi });
    if (!wantsSauvolaRetry(r.words)) return r;
    passes.push(`${this.first}/sauvola`);
    const retry = await timed(refinementMs, 'sauvola', () => recognizer.recognize(image, psm, { dpi, thresholding: 'sauvola' }));
    return readableWordCount(retry.words) > readableWordCount(r.words) ? retry : r;
  }

  /**
   * The recogniser for `langs`, started if needed (a page timeout kills a worker: the next page gets a
   * fresh one).
   */
  private async recognizer(langs: string): Promise<Recognizer> {
    if (this.terminated) throw new Error('OCR engine is terminated');
    const live = this.recognizers.get(langs);
    if (live?.alive) return live;
    const started = await createRecognizer({
      langs,
      timeoutMs: this.options.timeoutMs,
      recognizeTimeoutMs: this.options.pageTimeoutMs,
    });
    if (this.terminated) {
      await started.terminate();
      throw new Error('OCR engine is terminated');
    }
    this.recognizers.set(langs, started);
    return started;
  }

  /** Use a routed-to model, then release it once it has gone unused for `secondaryIdleMs`. */
  private async withRecognizer<T>(langs: string, use: (r: Recognizer) => Promise<T>): Promise<T> {
    const shared = this.options.shared;
    if (shared?.alive && shared.langs === langs) return use(shared);
    clearTimeout(this.idleTimers.get(langs));
    this.idleTimers.delete(langs);
    try {
      return await use(await this.recognizer(langs));
    } finally {
      if (!this.terminated) {
        const timer = setTimeout(() => {
          this.idleTimers.delete(langs);
          const r = this.recognizers.get(langs);
          this.recognizers.delete(langs);
          void r?.terminate();
        }, this.options.secondaryIdleMs ?? DEFAULT_SECONDARY_IDLE_MS);
        timer.unref();
        this.idleTimers.set(langs, timer);
      }
    }
  }
}

/** Run `run`, adding the time it took to `into[refinement]`, failed or not. */
async function timed<T>(into: RefinementMs, refinement: Refinement, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    into[refinement] += performance.now() - started;
  }
}
