/**
 * The main thread's handle on one OCR thread: start it, open one document at a time and have it read
 * one page per request, relay its progress, watch each page's budget, and turn its death (crash, out of
 * memory, terminate) into a RetryableError for the request it was serving. A dead thread is not reused:
 * the worker slot starts a fresh one (the job asks for it and goes on with its next page).
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import type { SharedRecognizer } from '../ocr/shared-recognizer';
import { PermanentError, RetryableError, TimeBudgetError } from '../errors';
import type { OcrMode, PageProgress, PageResult } from '../ocr/types';
import { advanceClock, checkBudgets, type DocumentClock, type TimeBudgets } from './budget';
import { spawn } from './spawn-thread';
import type { FinishOutput, FromThread, ThreadInit } from './thread-protocol';

export interface OcrThreadOptions extends ThreadInit {
  /** JS heap limit of the thread (resourceLimits): a runaway document kills its thread, not the pool. */
  maxMemoryMb: number;
  /** Page and document time budgets; past one the thread is terminated and the job fails. */
  budgets?: TimeBudgets;
  /**
   * Each line the thread writes to stderr (leptonica's "Error in pixSauvolaBinarizeTiled…" from the wasm,
   * a boost failure), for the JSON log; without it they go to this process's stderr as before.
   */
  onStderr?: (line: string) => void;
  /** Replace the thread after a job that left MuPDF's heap above this (default RECYCLE_HEAP_BYTES). */
  recycleHeapBytes?: number;
  /** The process's all-languages recogniser, lent to the thread instead of it loading its own. */
  shared?: SharedRecognizer;
}

/** Call `onLine` with each non-empty line of `stream` (a partial last line when it ends). */
export function relayLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).trimEnd();
      buf = buf.slice(i + 1);
      if (line) onLine(line);
    }
    // A runaway writer without newlines must not grow this buffer without bound.
    if (buf.length > 64_000) {
      onLine(buf.slice(0, 2_000));
      buf = '';
    }
  });
  stream.on('end', () => buf.trim() && onLine(buf.trim()));
}

/**
 * MuPDF's WebAssembly memory never shrinks: after a decompression bomb (2.8 GiB seen) the thread would
 * keep it for good. A thread whose heap grew past this is replaced after its job. A 300 DPI A4 page
 * leaves ≈ 22 MiB, the 120 MP page budget ≈ 120 MiB.
 */
export const RECYCLE_HEAP_BYTES = 512 * 2 ** 20;

/**
 * Young-generation size of an OCR thread's JS heap. V8 sizes it from the old-generation limit (2 GiB by
 * default) and lets it grow under the allocation rate of a page (pixels, word lists, the boost) to
 * 64 MiB, which it then keeps: with 16 it costs a few more scavenges of short-lived objects.
 */
export const YOUNG_GENERATION_MB = 16;

export function recycleAfterJob(mupdfHeapBytes: number | undefined, limit = RECYCLE_HEAP_BYTES): boolean {
  return (mupdfHeapBytes ?? 0) > limit;
}

/** Error class names that add nothing to the message. */
const GENERIC_NAMES = new Set(['Error', 'RetryableError', 'PermanentError']);

/** A document opened in the thread: how many pages it has, and the SHA-256 of its bytes (hex). */
export interface Opened {
  pages: number;
  digest: string;
}

/** One request to the thread and how its answer is taken. */
interface Request {
  jobId: number;
  resolve: (m: FromThread) => void;
  reject: (e: Error) => void;
  onProgress?: (p: PageProgress) => void;
}

export class OcrThread {
  private worker: Worker | undefined;
  private nextJobId = 1;
  private current: Request | undefined;
  private dead: Error | undefined;
  private clock: DocumentClock | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly opts: OcrThreadOptions) {}

  get alive(): boolean {
    return !!this.worker && !this.dead;
  }

  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** Resolves once the engine is loaded and the thread can take a job. */
  start(): Promise<void> {
    const init: ThreadInit = { langs: this.opts.langs, dpi: this.opts.dpi, initTimeoutMs: this.opts.initTimeoutMs, wordTables: this.opts.wordTables };
    let channel: MessageChannel | undefined;
    if (this.opts.shared?.langs === this.opts.langs) {
      channel = new MessageChannel();
      this.opts.shared.connect(channel.port1);
      init.sharedPort = channel.port2;
    }
    const worker = spawn('ocr-thread', {
      workerData: init,
      transferList: channel ? [channel.port2] : [],
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxMemoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      stdout: false,
      stderr: !!this.opts.onStderr,
    });
    this.worker = worker;
    if (this.opts.onStderr) relayLines(worker.stderr, this.opts.onStderr);
    return new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (m: FromThread) => {
        if (m.type === 'ready') {
          started = true;
          resolve();
        } else if (m.type === 'init-failed') {
          this.die(new RetryableError(`OCR engine failed to start: ${m.error.message}`));
          reject(this.dead);
        } else this.onMessage(m);
      });
      const onDeath = (err: Error) => {
        this.die(err);
        if (!started) reject(err);
      };
      worker.on('error', (err) => onDeath(new RetryableError(`OCR thread crashed: ${err.message}`, { cause: err })));
      worker.on('exit', (code) => onDeath(new RetryableError(`OCR thread exited (code ${code})`)));
    });
  }

  /**
   * Open `pdf` in the thread, which keeps it open for `readPage` until `finish` or `close`. `startedAt`
   * is when the document's reading began (Date.now()), kept across the threads that read it: the
   * document budget counts from it. The thread gets a copy: the caller keeps its bytes, to open them
   * again in a fresh thread when this one dies on a page.
   */
  async open(pdf: Uint8Array, mode: OcrMode, startedAt = Date.now(), key?: string): Promise<Opened> {
    this.openKey = undefined;
    const copy = pdf.slice();
    const now = Date.now();
    const m = await this.request({ startedAt, page: 0, pages: 0, stage: 'opening', pageStartedAt: now }, undefined, (jobId) =>
      this.worker!.postMessage({ type: 'open', jobId, pdf: copy, mode }, [copy.buffer as ArrayBuffer]),
    );
    if (m.type !== 'opened') throw new Error(`OCR thread answered ${m.type} to open`);
    this.docStartedAt = startedAt;
    this.openKey = key;
    return { pages: m.pages, digest: m.digest };
  }

  /** Read page `index` (0-based) of the open document of `pages` pages, under the page budget. */
  async readPage(index: number, pages: number, onProgress?: (p: PageProgress) => void): Promise<{ page: PageResult; cpuMs: number }> {
    const clock = { startedAt: this.docStartedAt ?? Date.now(), page: index + 1, pages, stage: 'rendering', pageStartedAt: Date.now() };
    const m = await this.request(clock, onProgress, (jobId) => this.worker!.postMessage({ type: 'page', jobId, index }));
    if (m.type !== 'page') throw new Error(`OCR thread answered ${m.type} to page`);
    return { page: m.page, cpuMs: m.cpuMs };
  }

  /** Join and boost `pages` (every page of the document, in order) and close the open document. */
  /** `original`: build the searchable PDF from it too (OCR_SEARCHABLE_PDF). */
  async finish(mode: OcrMode, pages: PageResult[], original?: Uint8Array): Promise<{ output: FinishOutput; cpuMs: number }> {
    const last = pages.length;
    const clock = { startedAt: this.docStartedAt ?? Date.now(), page: last, pages: last, stage: 'boost', pageStartedAt: Date.now() };
    this.openKey = undefined;
    const m = await this.request(clock, undefined, (jobId) => this.worker!.postMessage({ type: 'finish', jobId, mode, pages, ...(original ? { original } : {}) }));
    this.docStartedAt = undefined;
    if (m.type !== 'result') throw new Error(`OCR thread answered ${m.type} to finish`);
    this.recycleIfBloated(m.mupdfHeapBytes);
    return { output: m.output, cpuMs: m.cpuMs };
  }

  /** Close the open document, if any, without boosting (the job ends otherwise). */
  close(): void {
    this.docStartedAt = undefined;
    this.openKey = undefined;
    if (this.worker && !this.dead && !this.current) this.worker.postMessage({ type: 'close', jobId: this.nextJobId++ });
  }

  private request(clock: DocumentClock, onProgress: ((p: PageProgress) => void) | undefined, post: (jobId: number) => void): Promise<FromThread> {
    if (!this.worker || this.dead) return Promise.reject(this.dead ?? new Error('OCR thread not started'));
    if (this.current) return Promise.reject(new Error('OCR thread is busy'));
    const jobId = this.nextJobId++;
    return new Promise<FromThread>((resolve, reject) => {
      this.current = { jobId, resolve, reject, onProgress };
      this.clock = clock;
      this.armWatchdog();
      post(jobId);
    });
  }

  /** Where the thread's current request is and since when (undefined when idle, between pages too). */
  get jobClock(): DocumentClock | undefined {
    return this.current ? this.clock : undefined;
  }

  /** The key the open document was opened with (`open`), until it is closed. */
  openKey: string | undefined;

  /** When the document being read began, kept from `open` to `finish`. */
  private docStartedAt: number | undefined;

  /** Stop the thread now, whatever it is doing; a running job fails with `reason` (or `err`). */
  async terminate(reason = 'OCR thread terminated', err: Error = new RetryableError(reason)): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.die(err);
    // Terminate interrupts WebAssembly too: test/faults/poison-pdf.test.ts stops threads stuck in MuPDF's
    // rendering of 100 000 fills at their budget.
    await w.terminate().catch(() => undefined);
  }

  /**
   * Checked from this (main) thread's event loop, which stays free however busy MuPDF or tesseract is in
   * the OCR thread: at the earlier of the page and document deadlines, re-armed on every new page.
   */
  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    const budgets = this.opts.budgets;
    if (!budgets || !this.clock || !this.current) return;
    const verdict = checkBudgets(this.clock, budgets, Date.now());
    if (verdict.over) {
      const err = new TimeBudgetError(verdict.message);
      err.scope = verdict.scope;
      void this.terminate(verdict.message, err);
      return;
    }
    this.watchdog = setTimeout(() => this.armWatchdog(), verdict.recheckInMs);
    this.watchdog.unref();
  }

  private onMessage(m: FromThread): void {
    const job = this.current;
    if (!job || !('jobId' in m) || m.jobId !== job.jobId) return;
    if (m.type === 'progress') {
      if (this.clock) {
        const newPage = m.progress.page !== this.clock.page;
        this.clock = advanceClock(this.clock, m.progress, Date.now());
        if (newPage) this.armWatchdog();
      }
      job.onProgress?.(m.progress);
    } else if (m.type === 'error') {
      this.settle();
      this.recycleIfBloated(m.mupdfHeapBytes);
      const err = m.error.permanent ? new PermanentError(m.error.message) : new RetryableError(m.error.message);
      // The thread's own class name says more than ours (a TypeError is a bug, not a hiccup); ours is
      // added once by formatError, so it is not repeated here ("RetryableError: RetryableError: …").
      if (!m.error.permanent && m.error.name && !GENERIC_NAMES.has(m.error.name)) err.name = m.error.name;
      job.reject(err);
    } else {
      this.settle();
      job.resolve(m);
    }
  }

  private settle(): void {
    this.current = undefined;
    clearTimeout(this.watchdog);
  }

  /** Between jobs: the slot starts a fresh thread before its next claim, and the memory goes back. */
  private recycleIfBloated(heapBytes: number | undefined): void {
    if (!recycleAfterJob(heapBytes, this.opts.recycleHeapBytes)) return;
    this.recycled = heapBytes;
    void this.terminate(`recycled: MuPDF heap grew to ${Math.round((heapBytes ?? 0) / 2 ** 20)} MiB`);
  }

  /** Heap size that made this thread be recycled after its last job, if it was. */
  recycled: number | undefined;

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    clearTimeout(this.watchdog);
    const job = this.current;
    this.current = undefined;
    job?.reject(err);
  }
}
