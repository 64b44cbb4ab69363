/**
 * The main thread's handle on one OCR thread: start it, give it one document at a time, relay its
 * progress, and turn its death (crash, out of memory, terminate) into a RetryableError for the job it
 * was running. A dead thread is not reused: the worker slot starts a fresh one.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PermanentError, RetryableError } from '../errors';
import type { OcrMode, PageProgress } from '../ocr/types';
import type { FromThread, JobOutput, ThreadInit } from './thread-protocol';

export interface OcrThreadOptions extends ThreadInit {
  /** JS heap limit of the thread (resourceLimits): a runaway document kills its thread, not the pool. */
  maxMemoryMb: number;
}

/** Start a worker thread from this package's source or build, whichever is running. */
function spawn(name: string, options: ConstructorParameters<typeof Worker>[1]): Worker {
  const js = path.join(__dirname, `${name}.js`);
  if (existsSync(js)) return new Worker(js, options);
  // Running from TypeScript source (tests, tsx): load tsx's CommonJS hook inside the thread first.
  const ts = path.join(__dirname, `${name}.ts`);
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(ts)});`, { ...options, eval: true });
}

export interface JobResult {
  output: JobOutput;
  cpuMs: number;
}

export class OcrThread {
  private worker: Worker | undefined;
  private nextJobId = 1;
  private current:
    | { jobId: number; resolve: (r: JobResult) => void; reject: (e: Error) => void; onProgress?: (p: PageProgress) => void }
    | undefined;
  private dead: Error | undefined;

  constructor(private readonly opts: OcrThreadOptions) {}

  get alive(): boolean {
    return !!this.worker && !this.dead;
  }

  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** Resolves once the engine is loaded and the thread can take a job. */
  start(): Promise<void> {
    const init: ThreadInit = { langs: this.opts.langs, dpi: this.opts.dpi, initTimeoutMs: this.opts.initTimeoutMs };
    const worker = spawn('ocr-thread', {
      workerData: init,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxMemoryMb },
      stdout: false,
      stderr: false,
    });
    this.worker = worker;
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

  run(pdf: Uint8Array, mode: OcrMode, onProgress?: (p: PageProgress) => void): Promise<JobResult> {
    if (!this.worker || this.dead) return Promise.reject(this.dead ?? new Error('OCR thread not started'));
    if (this.current) return Promise.reject(new Error('OCR thread is busy'));
    const jobId = this.nextJobId++;
    return new Promise<JobResult>((resolve, reject) => {
      this.current = { jobId, resolve, reject, onProgress };
      // Transfer, not copy: a 200 MB PDF is handed over without doubling memory.
      const copy = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? pdf : pdf.slice();
      this.worker!.postMessage({ type: 'job', jobId, pdf: copy, mode }, [copy.buffer as ArrayBuffer]);
    });
  }

  /** Stop the thread now, whatever it is doing; a running job fails with `reason`. */
  async terminate(reason = 'OCR thread terminated'): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.die(new RetryableError(reason));
    await w.terminate().catch(() => undefined);
  }

  private onMessage(m: FromThread): void {
    const job = this.current;
    if (!job || !('jobId' in m) || m.jobId !== job.jobId) return;
    if (m.type === 'progress') {
      job.onProgress?.(m.progress);
    } else if (m.type === 'result') {
      this.current = undefined;
      job.resolve({ output: m.output, cpuMs: m.cpuMs });
    } else if (m.type === 'error') {
      this.current = undefined;
      const err = m.error.permanent ? new PermanentError(m.error.message) : new RetryableError(m.error.message);
      if (!m.error.permanent && m.error.name && m.error.name !== 'Error') err.message = `${m.error.name}: ${m.error.message}`;
      job.reject(err);
    }
  }

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    const job = this.current;
    this.current = undefined;
    job?.reject(err);
  }
}
