/**
 * PDF → per-page text. A page with a usable text layer is read (no OCR); any other page is rendered in
 * grey at `dpi` with MuPDF and recognised with tesseract.js. Pages are handled one at a time: only the
 * current page's image is ever in memory (the PDF bytes themselves are held by MuPDF while it is open).
 */
import { frenchDictionary } from '../boost/french';
import { PermanentError, coerceError } from '../errors';
import {
  candidateTurns,
  centralSample,
  chooseRotation,
  confidentWords,
  GLANCE,
  horizontalShare,
  rotateGrey,
  wantsOrientationCheck,
  wordsInside,
  type Rotation,
} from './orientation';
import { openPdf, type GreyImage, type PdfDocument, type RenderedPage } from './pdf';
import { prepareForOcr, type PreparedImage } from './preprocess';
import { decideTextLayer } from './text-layer';
import { fitForRecognizer, unreadablePage } from './unreadable';
import { rereadWithPrimary, type RereadReport } from './reread';
import { PSM, createRecognizer, parseLangs, type Psm, type Recognition, type Recognizer } from './tesseract';
import type { DocumentResult, OcrMode, OcrWord, PageProgress, PageResult } from './types';

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
   * Re-read, with the first language alone, the words a later language's model won, keeping the new
   * reading only when it adds diacritics (src/ocr/diacritics.ts). Default true; needs 2+ languages.
   */
  rereadDiacritics?: boolean;
  /**
   * Prepare rendered pages before recognition (src/ocr/preprocess.ts): resolution from the measured text
   * size and enlargement of small text (every page), deskew (index pages).
   * Default true; false hands tesseract the rendered pixels as they are (for comparisons).
   */
  preprocess?: boolean;
  /**
   * Pages that read poorly are tried turned a quarter or a half turn (src/ocr/orientation.ts) and read
   * upright when a turn reads better. Default true; false reads every page as it was scanned.
   */
  orientation?: boolean;
}

/** psm 6 (one block) reads register tables far better than psm 3; prose wants automatic layout. */
export const PSM_FOR_MODE: Record<OcrMode, Psm> = {
  index: PSM.SINGLE_BLOCK,
  acte: PSM.AUTO,
};

export class OcrEngine {
  private recognizer: Recognizer | null;
  /** The primary language alone, for re-reads; started on the first page that needs one. */
  private primary: Recognizer | null = null;
  private terminated = false;
  /** `langs` as language codes, primary first. */
  private readonly langCodes: string[];

  private constructor(
    private readonly options: OcrEngineOptions,
    recognizer: Recognizer,
  ) {
    this.recognizer = recognizer;
    this.langCodes = parseLangs(options.langs);
  }

  static async create(options: OcrEngineOptions): Promise<OcrEngine> {
    if (!Number.isFinite(options.dpi) || options.dpi < 72 || options.dpi > 1200) {
      throw new RangeError(`dpi must be between 72 and 1200, got ${options.dpi}`);
    }
    const recognizer = await createRecognizer({
      langs: options.langs,
      timeoutMs: options.timeoutMs,
      recognizeTimeoutMs: options.pageTimeoutMs,
    });
    return new OcrEngine(options, recognizer);
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
        // MuPDF is synchronous: let timers (lease heartbeat, progress publishing) run between pages.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return { pages };
    } finally {
      doc.close();
    }
  }

  /** Stop the tesseract worker. Idempotent; `ocrDocument` throws afterwards. */
  async terminate(): Promise<void> {
    this.terminated = true;
    const r = this.recognizer;
    const p = this.primary;
    this.recognizer = null;
    this.primary = null;
    await Promise.all([r?.terminate(), p?.terminate()]);
  }

  private async readPage(
    doc: PdfDocument,
    index: number,
    mode: OcrMode,
    psm: Psm,
    progress: (p: Omit<PageProgress, 'pages'>) => void,
  ): Promise<PageResult> {
    const pageNumber = index + 1;
    const info = doc.pageInfo(index);
    const layer = decideTextLayer(doc, index, info, this.langCodes);
    if (layer.use) {
      return { pageNumber, text: info.text, source: 'text-layer', confidence: null, words: [], width: 0, height: 0 };
    }
    const textLayer = layer.note ? { textLayer: layer.note } : {};
    const rendered = doc.renderGrey(index, this.options.dpi);
    const empty = unreadablePage(rendered);
    if (empty) return { pageNumber, text: '', source: 'ocr', confidence: null, words: [], width: rendered.width, height: rendered.height, empty, ...textLayer };
    let { prepared, image, dpi } = this.prepare(rendered, mode);
    const tooSmall = unreadablePage(image);
    if (tooSmall) return { pageNumber, text: '', source: 'ocr', confidence: null, words: [], width: image.width, height: image.height, empty: tooSmall, ...textLayer };
    progress({ stage: 'ocr', page: pageNumber });
    const recognizer = await this.liveRecognizer();
    let r = await this.recognizeOnce(recognizer, image, psm, dpi);
    let rotated: Rotation = 0;
    if (this.options.orientation !== false && wantsOrientationCheck(r.words)) {
      const turn = await findRotation(recognizer, image, dpi, r);
      if (turn !== 0) {
        const turnedPage: RenderedPage = { ...rendered, ...rotateGrey(rendered, turn) };
        const { prepared: turnedPrepared, image: turnedImage, dpi: turnedDpi } = this.prepare(turnedPage, mode);
        const again = await this.recognizeOnce(recognizer, turnedImage, psm, turnedDpi);
        // The sample said so; the whole page must agree before its reading is replaced. A first reading
        // of vertical text can be nearly as confident as the upright one (and still worse), hence 0.9.
        if (confidentWords(again.words) >= Math.max(1, TURNED_READING_SHARE * confidentWords(r.words))) {
          [r, image, dpi, prepared, rotated] = [again, turnedImage, turnedDpi, turnedPrepared, turn];
          progress({ stage: 'ocr', page: pageNumber, rotated: turn });
        }
      }
    }
    const reread = await this.rereadDiacritics(image, r, dpi);
    r = reread.recognition;
    return {
      pageNumber,
      text: r.text,
      source: 'ocr',
      confidence: r.confidence,
      words: r.words,
      width: image.width,
      height: image.height,
      ...(prepared ? { preprocess: prepared.report } : {}),
      ...(reread.report ? { reread: reread.report } : {}),
      ...textLayer,
      ...(rotated ? { rotated } : {}),
    };
  }

  /**
   * The page as tesseract gets it. Register pages are deskewed; every page is told the resolution its
   * text size implies, and small text is enlarged (`prepared` is undefined with `preprocess: false`);
   * then the image is scaled to the recogniser's side limit if need be. Word boxes are in its pixels.
   */
  private prepare(rendered: RenderedPage, mode: OcrMode): { prepared: PreparedImage | undefined; image: GreyImage; dpi: number } {
    const prepared =
      this.options.preprocess === false
        ? undefined
        : prepareForOcr(rendered, {
            renderDpi: rendered.dpi,
            deskew: mode === 'index',
            // Rule-line removal is kept out: on the dev set it lost bag-of-words F1 on every register page
            // (0.617 → 0.387 on the hard synthetic register, 0.685 → 0.602 on a typed table), because
            // painting the rules also erased strokes and left debris that tesseract read as letters.
            removeRuleLines: false,
            maxPixels: this.options.maxPixels,
          });
    return { prepared, ...fitForRecognizer(prepared?.image ?? rendered, prepared?.dpi ?? rendered.dpi) };
  }

  /**
   * One reading of a page. Otsu's global threshold can lose every character on tinted, low-contrast
   * paper (one dev page: 0 words, then 86 % word recall with Sauvola). A page that reads as (nearly)
   * empty gets a second, local-threshold pass; the pass with more readable words wins. Costs one extra
   * pass on blank pages.
   */
  private async recognizeOnce(recognizer: Recognizer, image: GreyImage, psm: Psm, dpi: number): Promise<Recognition> {
    const r = await recognizer.recognize(image, psm, { dpi });
    const readable = readableWordCount(r.words);
    if (readable >= MIN_READABLE_WORDS) return r;
    const retry = await recognizer.recognize(image, psm, { dpi, thresholding: 'sauvola' });
    return readableWordCount(retry.words) > readable ? retry : r;
  }

  private async rereadDiacritics(image: GreyImage, r: Recognition, dpi: number): Promise<{ recognition: Recognition; report?: RereadReport }> {
    const [first, ...others] = this.langCodes;
    if (this.options.rereadDiacritics === false || others.length === 0) return { recognition: r };
    // The French word list is the boost's, loaded once per thread; other primary languages go without.
    const words = first === 'fra' ? frenchDictionary() : undefined;
    const primary = async () => {
      if (!this.primary?.alive) {
        this.primary = await createRecognizer({ langs: first!, timeoutMs: this.options.timeoutMs, recognizeTimeoutMs: this.options.pageTimeoutMs });
      }
      return this.primary;
    };
    try {
      return await rereadWithPrimary(image, r, first!, primary, dpi, words);
    } catch (err) {
      // A refinement, not the reading: the page keeps tesseract's text. A timed-out re-read stopped its
      // worker, which the next page replaces.
      return { recognition: r, report: { reread: 0, changed: 0, failed: coerceError(err).message } };
    }
  }

  /** A page timeout kills the worker; start a fresh one for the next page or document. */
  private async liveRecognizer(): Promise<Recognizer> {
    if (this.terminated) throw new Error('OCR engine is terminated');
    if (this.recognizer?.alive) return this.recognizer;
    this.recognizer = await createRecognizer({
      langs: this.options.langs,
      timeoutMs: this.options.timeoutMs,
      recognizeTimeoutMs: this.options.pageTimeoutMs,
    });
    return this.recognizer;
  }
}

/**
 * The quarter turn that makes a poorly read page upright, or 0. The middle of the page is read at the
 * turns its ink allows (src/ocr/orientation.ts), as one block: psm 6 has no vertical-text mode, so only
 * the upright turn reads well (psm 3 also reads a page turned 90° clockwise, which would tie with it).
 * The page as it came is judged from its first reading, inside the same square, without the words it
 * read as vertical text.
 */
async function findRotation(recognizer: Recognizer, image: GreyImage, dpi: number, first: Recognition): Promise<Rotation> {
  const turns = candidateTurns(horizontalShare(centralSample(image)));
  // Lines across: a wide band; up or down: a high one, which the quarter turns make wide.
  const shape = turns.length === 3 ? 'square' : turns[0] === 180 ? 'across' : 'down';
  if (shape === 'across') {
    const glance = await recognizer.recognize(rotateGrey(centralSample(image, shape, undefined, GLANCE), 180), PSM.SINGLE_BLOCK, { dpi });
    if (confidentWords(glance.words) === 0) return 0;
  }
  const sample = centralSample(image, shape);
  // Words read as vertical text (standing boxes) do not count: the sample's block reading could not read them.
  const lying = wordsInside(first.words, sample.box).filter((w) => w.x1 - w.x0 >= w.y1 - w.y0);
  const counts: Record<Rotation, number> = { 0: confidentWords(lying), 90: 0, 180: 0, 270: 0 };
  for (const turn of turns) {
    const read = await recognizer.recognize(rotateGrey(sample, turn), PSM.SINGLE_BLOCK, { dpi });
    counts[turn] = confidentWords(read.words);
  }
  return chooseRotation(counts);
}

/** A turned page's reading replaces the first when it has at least this share of its confident words. */
export const TURNED_READING_SHARE = 0.9;

/** Below this many readable words an OCR'd page is retried with Sauvola binarisation. */
export const MIN_READABLE_WORDS = 5;

/** Words of two or more letters/digits recognised with confidence ≥ 60. */
export function readableWordCount(words: ReadonlyArray<Pick<OcrWord, 'text' | 'confidence'>>): number {
  let n = 0;
  for (const w of words) if (w.confidence >= 60 && (w.text.match(/[\p{L}\p{N}]/gu) ?? []).length >= 2) n++;
  return n;
}

/** The separator line written before each page's text in `file_content`. */
export function pageSeparator(pageNumber: number): string {
  return `--- Page ${pageNumber} ---`;
}

/**
 * `file_content`: for each page, a line `--- Page N ---` followed by the page's text (trailing whitespace
 * removed); pages separated by one blank line; the whole ends with a single `\n`. Example:
 * `--- Page 1 ---\nfirst page\n\n--- Page 2 ---\nsecond page\n`. An empty page is just its separator line.
 */
export function joinPages(pages: ReadonlyArray<Pick<PageResult, 'pageNumber' | 'text'>>): string {
  if (pages.length === 0) return '';
  return (
    pages
      .map((p) => {
        const text = p.text.replace(/\s+$/u, '');
        return text ? `${pageSeparator(p.pageNumber)}\n${text}` : pageSeparator(p.pageNumber);
      })
      .join('\n\n') + '\n'
  );
}
