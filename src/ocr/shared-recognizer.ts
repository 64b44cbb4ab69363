/**
 * One all-languages recogniser for the whole process, shared by its OCR threads.
 *
 * Routing (src/ocr/routing.ts) reads every page with the primary language; the second opinion on unsure
 * words (src/ocr/second-opinion.ts) and the rare page in another language need a recogniser loaded with
 * every language. Each OCR thread used to load its own from its first unsure word on, and a busy thread
 * never left it idle long enough to release it: two tesseract instances per thread, each with its
 * WebAssembly heap, its worker thread's V8 heap and malloc arenas (≈100–150 MiB a thread, measured with
 * the second opinion on and off). Here the main thread holds one, started on first use and released
 * after `idleMs` unused, and each OCR thread reaches it through a MessagePort (`RemoteRecognizer`).
 * Requests from all threads are served one at a time, in order: the second opinion is ≈20 % of a
 * thread's recognition time, so the shared one is busy ≈40 % of the time with 2 threads.
 */
import type { MessagePort } from 'node:worker_threads';
import { RetryableError, coerceError } from '../errors';
import type { GreyImage } from './pdf';
import { createRecognizer, type Psm, type Recognition, type RecognizeOptions, type Recognizer } from './tesseract';

interface RecognizeRequest {
  id: number;
  image: GreyImage;
  psm: Psm;
  options: RecognizeOptions;
}

/** How long a model loaded besides the primary one (routing, second opinions) stays loaded unused. */
export const DEFAULT_SECONDARY_IDLE_MS = 5 * 60_000;

type RecognizeReply = { id: number; result: Recognition } | { id: number; error: { message: string; retryable: boolean } };

export interface SharedRecognizerOptions {
  langs: string;
  /** Upper bound for starting the recogniser, ms. */
  timeoutMs: number;
  /** Released after this long with no request, ms. */
  idleMs: number;
  /**
   * Upper bound for one request, ms: past it the recogniser is stopped (and started again for the next
   * request), so that one runaway page cannot hold up every thread's second opinions.
   */
  recognizeTimeoutMs?: number;
  /** How to start it (tests); default `createRecognizer`. */
  create?: (langs: string) => Promise<Recognizer>;
}

/**
 * The main thread's side: one recogniser, started when first asked, served to every connected port.
 * An engine without the pool's (bench, tests) holds one of its own, in its thread, the same way.
 */
export class SharedRecognizer implements Recognizer {
  private recognizer: Recognizer | undefined;
  private starting: Promise<Recognizer> | undefined;
  private inFlight = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private terminated = false;
  /** Times a recogniser was started (for tests and logs). */
  starts = 0;

  constructor(private readonly options: SharedRecognizerOptions) {}

  get langs(): string {
    return this.options.langs;
  }

  /** Until terminated: a recogniser that is not loaded is started when asked. */
  get alive(): boolean {
    return !this.terminated;
  }

  /** Whether a recogniser is loaded now. */
  get loaded(): boolean {
    return !!this.recognizer?.alive;
  }

  /** Serve the requests that come on `port` (the other end is a `RemoteRecognizer`) until it closes. */
  connect(port: MessagePort): void {
    port.on('message', (req: RecognizeRequest) => void this.serve(port, req));
    port.on('close', () => port.removeAllListeners());
    // The pool's own handles keep the process alive; a thread's port must not.
    port.unref();
  }

  /** Recognise in this thread (used by `connect`; also by tests). */
  async recognize(image: GreyImage, psm: Psm, options: RecognizeOptions = {}): Promise<Recognition> {
    if (this.terminated) throw new Error('shared recogniser is terminated');
    clearTimeout(this.idleTimer);
    this.inFlight++;
    try {
      const r = await this.get();
      return await r.recognize(image, psm, options);
    } finally {
      if (--this.inFlight === 0 && !this.terminated) {
        this.idleTimer = setTimeout(() => void this.release(), this.options.idleMs);
        this.idleTimer.unref();
      }
    }
  }

  async terminate(): Promise<void> {
    this.terminated = true;
    await this.release();
  }

  private async serve(port: MessagePort, req: RecognizeRequest): Promise<void> {
    let reply: RecognizeReply;
    try {
      reply = { id: req.id, result: await this.recognize(req.image, req.psm, req.options) };
    } catch (err) {
      reply = { id: req.id, error: { message: coerceError(err).message, retryable: err instanceof RetryableError } };
    }
    try {
      port.postMessage(reply);
    } catch {
      // The thread is gone: nobody is waiting for this reply.
    }
  }

  private get(): Promise<Recognizer> {
    if (this.recognizer?.alive) return Promise.resolve(this.recognizer);
    this.starting ??= (async () => {
      try {
        this.starts++;
        const create =
          this.options.create ??
          ((langs) => createRecognizer({ langs, timeoutMs: this.options.timeoutMs, recognizeTimeoutMs: this.options.recognizeTimeoutMs }));
        const r = await create(this.options.langs);
        if (this.terminated) {
          await r.terminate();
          throw new Error('shared recogniser is terminated');
        }
        this.recognizer = r;
        return r;
      } finally {
        this.starting = undefined;
      }
    })();
    return this.starting;
  }

  private async release(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const r = this.recognizer;
    this.recognizer = undefined;
    await r?.terminate();
  }
}

/** An OCR thread's side: a `Recognizer` whose work is done by the `SharedRecognizer` at the port's other end. */
export class RemoteRecognizer implements Recognizer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Recognition) => void; reject: (e: Error) => void }>();
  private closed = false;

  constructor(
    private readonly port: MessagePort,
    readonly langs: string,
  ) {
    port.on('message', (m: RecognizeReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('result' in m) p.resolve(m.result);
      else p.reject(m.error.retryable ? new RetryableError(m.error.message) : new Error(m.error.message));
    });
    port.on('close', () => {
      this.closed = true;
      for (const p of this.pending.values()) p.reject(new RetryableError('the shared recogniser went away'));
      this.pending.clear();
    });
    port.unref();
  }

  get alive(): boolean {
    return !this.closed;
  }

  recognize(image: GreyImage, psm: Psm, options: RecognizeOptions = {}): Promise<Recognition> {
    if (this.closed) return Promise.reject(new RetryableError('the shared recogniser went away'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      // A copy is handed over (transferred, not cloned again): the caller keeps its image.
      const pixels = image.pixels.slice();
      const req: RecognizeRequest = { id, image: { width: image.width, height: image.height, pixels }, psm, options };
      this.port.postMessage(req, [pixels.buffer as ArrayBuffer]);
    });
  }

  /** The recogniser belongs to the main thread: only this end is closed. */
  async terminate(): Promise<void> {
    this.port.close();
  }
}
