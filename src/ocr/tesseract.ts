/**
 * tesseract.js 7 recogniser, fully offline.
 *
 * Nothing is downloaded: the language data is the `@tesseract.js-data/<lang>` packages' (staged by
 * src/ocr/language-data.ts), and `cacheMethod: 'none'` keeps tesseract.js from writing
 * `*.traineddata` caches into the working directory.
 *
 * Images go in as binary PGM (P5): a 15-byte header in front of the raw grey pixels, which Leptonica
 * reads directly — no PNG encoding (≈0.2 s a page saved).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Tesseract from 'tesseract.js';
import { RetryableError, coerceError } from '../errors';
import type { OcrWord } from '../text/page';
import { toldDpi } from '../util/resolution';
import { withTimeout } from '../util/timeout';
import { parseLangs, stageLanguageData } from './language-data';
import type { GreyImage } from './pdf';

/** Tesseract page segmentation modes used here (the full list is in tesseract.js `PSM`). */
export const PSM = {
  /** Fully automatic page segmentation: prose (actes). */
  AUTO: 3,
  /** One uniform block of text: register tables (index), far better than AUTO on them. */
  SINGLE_BLOCK: 6,
  /** One line of text: a single word cropped from a page, read again (src/ocr/second-opinion.ts). */
  SINGLE_LINE: 7,
} as const;
export type Psm = (typeof PSM)[keyof typeof PSM];

export interface RecognizerOptions {
  /** Tesseract language string, e.g. `fra+eng`; each needs an installed `@tesseract.js-data/<lang>`. */
  langs: string;
  /** Upper bound for starting the worker and loading its data (createWorker hangs forever without data). */
  timeoutMs: number;
  /** Optional upper bound for one `recognize` call; on expiry the worker is terminated (RetryableError). */
  recognizeTimeoutMs?: number;
}

/**
 * Binarisation before recognition. `otsu` (tesseract's default, global) is best on most pages here;
 * `sauvola` (local) rescues low-contrast pages on tinted paper where Otsu finds no text at all.
 */
export type Thresholding = 'otsu' | 'sauvola';
const THRESHOLDING: Record<Thresholding, string> = { otsu: '0', sauvola: '2' };

export interface RecognizeOptions {
  /** Resolution the image was rendered at, passed to tesseract (PGM carries none). Default 300. */
  dpi?: number;
  /** Default `otsu`. */
  thresholding?: Thresholding;
}

export interface Recognition {
  /** Tesseract's plain-text output (lines separated by `\n`, paragraphs by a blank line). */
  text: string;
  /** Mean word confidence 0..100. */
  confidence: number;
  /** Every recognised word with its box in image pixels, in reading order. */
  words: OcrWord[];
}

export interface Recognizer {
  readonly langs: string;
  /** False once terminated, or after a recognise timeout killed the worker. */
  readonly alive: boolean;
  recognize(image: GreyImage, psm: Psm, options?: RecognizeOptions): Promise<Recognition>;
  terminate(): Promise<void>;
}

/** Tesseract's diagnostics ("Detected 41 diacritics", …) go to this file inside the worker instead of stderr. */
const QUIET: Record<string, string> = { debug_file: '/dev/null' };

/**
 * tesseract.js's worker script with collections between pages (src/ocr/tesseract-worker.cjs, next to this
 * file in src/ and dist/). It loads tesseract.js's own scripts by their paths inside the package: should
 * a tesseract.js release move them, tesseract.js's own script is used, without the collections. (An
 * error while a worker thread loads is not caught by tesseract.js: it would take the process down.)
 */
export const WORKER_PATH = ((): string | undefined => {
  const wrapper = path.join(__dirname, 'tesseract-worker.cjs');
  try {
    require.resolve('tesseract.js/src/worker-script/node/index.js');
    require.resolve('tesseract.js/src/worker-script/index.js');
  } catch {
    return undefined;
  }
  return existsSync(wrapper) ? wrapper : undefined;
})();

/** Wrap grey pixels in a binary PGM (P5) header: Leptonica reads it directly, no PNG round trip. */
export function toPgm(image: GreyImage): Buffer {
  const { width, height, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`invalid image size ${width}×${height}`);
  }
  if (pixels.byteLength !== width * height) {
    throw new RangeError(`image has ${pixels.byteLength} bytes, expected ${width}×${height} = ${width * height}`);
  }
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1');
  // In shared memory: tesseract.js hands a SharedArrayBuffer to its thread as it is, where any other
  // buffer is copied once by tesseract.js and once more by postMessage (see `recognizeNow`).
  const out = Buffer.from(new SharedArrayBuffer(header.length + pixels.byteLength));
  header.copy(out, 0);
  out.set(pixels, header.length);
  return out;
}

/**
 * Start a tesseract.js worker (a worker thread) with the given languages, offline.
 *
 * Fails with a plain Error when a language is not installed, when the worker reports an error while
 * loading, or when it is not ready within `timeoutMs`. Caveat: tesseract.js gives no handle on a worker
 * whose start never completes, so after a timeout its thread may stay alive (and keep the process
 * alive); a process whose recogniser cannot start should exit and be replaced.
 */
export async function createRecognizer(options: RecognizerOptions): Promise<Recognizer> {
  const { langs, timeoutMs } = options;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  const codes = parseLangs(langs);
  const staged = stageLanguageData(codes);

  let ready = false;
  let failStart: ((err: Error) => void) | undefined;
  const startFailed = new Promise<never>((_, reject) => {
    failStart = reject;
  });
  startFailed.catch(() => {}); // only observed through the race below

  let worker: Tesseract.Worker;
  try {
    const creating = Tesseract.createWorker(codes.join('+'), Tesseract.OEM.LSTM_ONLY, {
      langPath: staged.langPath,
      ...(WORKER_PATH ? { workerPath: WORKER_PATH } : {}),
      gzip: true,
      cacheMethod: 'none',
      // Without an errorHandler tesseract.js rethrows every job error on its message port, which kills
      // the process (e.g. on an unreadable image). Job errors also reject the job's own promise, which is
      // where they are handled; during start-up they fail the start at once instead of waiting the timeout.
      errorHandler: (err: unknown) => {
        if (!ready) failStart?.(new Error(`tesseract worker failed to start (langs ${langs}): ${coerceError(err).message}`));
      },
      logger: () => {},
    });
    try {
      worker = await withTimeout(
        Promise.race([creating, startFailed]),
        timeoutMs,
        () => new Error(`tesseract worker did not start within ${timeoutMs} ms (langs ${langs}, data ${staged.langPath})`),
      );
      ready = true;
    } catch (err) {
      // The start is abandoned: if the worker shows up after all, stop it.
      creating.then(
        (w) => void w.terminate(),
        () => {},
      );
      throw err;
    }
  } finally {
    staged.cleanup(); // the worker has read its data by now (or never will)
  }
  try {
    await worker.setParameters(QUIET);
  } catch (err) {
    await worker.terminate();
    throw new Error(`cannot set tesseract parameters: ${coerceError(err).message}`, { cause: err });
  }
  return new TesseractRecognizer(worker, langs, options.recognizeTimeoutMs);
}

class TesseractRecognizer implements Recognizer {
  private worker: Tesseract.Worker | null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Worker-wide parameters as last set, to skip redundant setParameters round trips. */
  private current: Record<string, string> = {};

  constructor(
    worker: Tesseract.Worker,
    readonly langs: string,
    private readonly recognizeTimeoutMs: number | undefined,
  ) {
    this.worker = worker;
  }

  get alive(): boolean {
    return this.worker !== null;
  }

  /** One page at a time: parameters (psm, dpi, thresholding) are worker-wide, so calls are serialised. */
  recognize(image: GreyImage, psm: Psm, options: RecognizeOptions = {}): Promise<Recognition> {
    const run = this.queue.then(() => this.recognizeNow(image, psm, options));
    this.queue = run.catch(() => {});
    return run;
  }

  private async recognizeNow(image: GreyImage, psm: Psm, options: RecognizeOptions): Promise<Recognition> {
    const worker = this.worker;
    if (!worker) throw new Error('tesseract recogniser is terminated');
    const pgm = toPgm(image);
    const wanted: Record<string, string> = {
      tessedit_pageseg_mode: String(psm),
      // PGM carries no resolution; without this tesseract guesses ("Estimating resolution as …").
      user_defined_dpi: String(toldDpi(Math.round(options.dpi ?? 300))),
      thresholding_method: THRESHOLDING[options.thresholding ?? 'otsu'],
    };
    const changed = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => this.current[k] !== v));
    if (Object.keys(changed).length > 0) {
      await worker.setParameters(changed);
      Object.assign(this.current, changed);
    }
    // Words from the TSV output, not `blocks`: tesseract.js builds `blocks` from a JSON dump of every
    // paragraph, line, word and symbol (with its choices), parses it and clones it across threads, for
    // the word boxes and confidences the TSV gives directly (see `wordsFromTsv`).
    // The SharedArrayBuffer itself, not the Buffer over it: tesseract.js copies a Buffer, not this.
    const job = worker.recognize(pgm.buffer as unknown as Tesseract.ImageLike, {}, { text: true, blocks: false, tsv: true });
    let result: Tesseract.RecognizeResult;
    try {
      result = this.recognizeTimeoutMs
        ? await withTimeout(job, this.recognizeTimeoutMs, () => {
            // The job cannot be cancelled: kill the worker so it stops using the CPU.
            void this.terminate();
            return new RetryableError(`OCR of one page took longer than ${this.recognizeTimeoutMs} ms; the tesseract worker was stopped`);
          })
        : await job;
    } catch (err) {
      if (err instanceof RetryableError) throw err;
      throw new RetryableError(`tesseract failed on a ${image.width}×${image.height} image: ${coerceError(err).message}`, { cause: err });
    }
    const page = result.data;
    return { text: page.text ?? '', confidence: page.confidence ?? 0, words: wordsFromTsv(page.tsv ?? '') };
  }

  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

/**
 * The words of tesseract's TSV output (level 5 rows: `5 page block par line word left top width height
 * conf text`), as `blocks` gave them: the same words in the same order, blank ones left out, confidence
 * truncated to an integer as tesseract's JSON dump does (checked word for word on two dev pages).
 */
export function wordsFromTsv(tsv: string): OcrWord[] {
  const words: OcrWord[] = [];
  // Lines numbered in the order they come, by their block, paragraph and line numbers (each restarts within its parent).
  let lineKey = '';
  let line = -1;
  for (const row of tsv.split('\n')) {
    if (!row.startsWith('5\t')) continue;
    const f = row.split('\t');
    const text = f.slice(11).join('\t');
    if (text.trim() === '') continue;
    const key = `${f[2]}/${f[3]}/${f[4]}`;
    if (key !== lineKey) {
      lineKey = key;
      line++;
    }
    const [left, top, width, height, conf] = [f[6], f[7], f[8], f[9], f[10]].map(Number) as [number, number, number, number, number];
    words.push({ text, confidence: Math.trunc(conf), x0: left, y0: top, x1: left + width, y1: top + height, line });
  }
  return words;
}
