/**
 * One worker of the pool: an explicit state machine (pg-boss's model) that claims a document, runs it
 * in its own OCR thread, and repeats. Its mode (index | acte) is only read between jobs, so a mode
 * change never interrupts a document. A dead OCR thread is replaced before the next claim.
 */
import type { Logger } from '../logger';
import type { OcrMode } from '../ocr/types';
import type { Claim } from '../queue/types';
import { sleep } from '../util/sleep';
import type { Job, JobOutcome } from './job';
import { OcrThread, type OcrThreadOptions } from './ocr-thread-host';

export type SlotState = 'starting' | 'idle' | 'busy' | 'parked' | 'stopping' | 'stopped';

export interface SlotHost {
  /** Claim the next document for this slot, or null when nothing is ready anywhere. */
  claimNext(slot: WorkerSlot): Promise<{ claim: Claim; makeJob: (thread: OcrThread, log: Logger) => Job } | null>;
  onOutcome(slot: WorkerSlot, outcome: JobOutcome, claim: Claim): void;
  releaseClaim(claim: Claim): Promise<void>;
  /** False while the slot is parked (host short of headroom): it takes no new job. */
  mayClaim(slot: WorkerSlot): boolean;
  readonly pollIntervalMs: number;
}

export class WorkerSlot {
  state: SlotState = 'starting';
  /** Wanted mode; applied when the current job (if any) is over. */
  mode: OcrMode;
  job: Job | undefined;
  jobsDone = 0;
  threadRestarts = 0;
  private thread: OcrThread | undefined;
  private readonly stopCtl = new AbortController();
  private loopDone: Promise<void> | undefined;
  private wake: AbortController = new AbortController();

  constructor(
    readonly id: string,
    mode: OcrMode,
    private readonly host: SlotHost,
    private readonly threadOptions: OcrThreadOptions,
    private readonly log: Logger,
  ) {
    this.mode = mode;
  }

  /** Resolves once the OCR thread is loaded (or failed to load once; the loop keeps retrying). */
  async start(): Promise<void> {
    const first = this.ensureThread().catch((err) => this.log.error({ err }, 'OCR thread failed to start; will retry'));
    this.loopDone = first.then(() => this.loop());
    await first;
  }

  /** Cut an idle sleep short (new work announced, mode changed). */
  poke(): void {
    this.wake.abort();
  }

  /** Stop claiming; the running job (if any) goes on until it ends or `abortJob` is called. */
  requestStop(): void {
    if (this.state !== 'stopped') this.state = 'stopping';
    this.stopCtl.abort();
    this.wake.abort();
  }

  async abortJob(): Promise<void> {
    await this.job?.abortForShutdown();
  }

  async stopped(): Promise<void> {
    await this.loopDone;
    await this.thread?.terminate('pool stopped');
  }

  private async ensureThread(): Promise<OcrThread> {
    if (this.thread?.alive) return this.thread;
    const replacing = !!this.thread;
    if (replacing) this.threadRestarts++;
    if (this.thread?.recycled) this.log.info({ mupdfHeapMb: Math.round(this.thread.recycled / 2 ** 20) }, 'OCR thread recycled after a large page: its memory is returned');
    // What the recogniser writes to stderr (leptonica, from the wasm) becomes JSON log lines, not raw text
    // between them.
    const t = new OcrThread({ ...this.threadOptions, onStderr: (line) => this.log.warn({ stderr: line.slice(0, 2_000) }, 'OCR thread wrote to stderr') });
    this.thread = t;
    await t.start();
    if (replacing) this.log.warn({ threadId: t.threadId, restarts: this.threadRestarts }, 'OCR thread replaced');
    else this.log.debug({ threadId: t.threadId }, 'OCR thread ready');
    return t;
  }

  private async loop(): Promise<void> {
    const stop = this.stopCtl.signal;
    while (!stop.aborted) {
      let thread: OcrThread;
      try {
        thread = await this.ensureThread();
      } catch (err) {
        this.log.error({ err }, 'OCR thread failed to start; retrying');
        await sleep(5_000, stop);
        continue;
      }
      if (!this.host.mayClaim(this)) {
        this.state = 'parked';
        this.wake = new AbortController();
        await sleep(this.host.pollIntervalMs, AbortSignal.any([stop, this.wake.signal]));
        continue;
      }
      this.state = 'idle';
      let next: Awaited<ReturnType<SlotHost['claimNext']>> = null;
      try {
        next = await this.host.claimNext(this);
      } catch (err) {
        this.log.warn({ err }, 'claim failed (database unavailable?)');
      }
      if (stop.aborted) {
        // A claim that raced the stop request is handed straight back, attempt not counted.
        if (next) await this.host.releaseClaim(next.claim);
        break;
      }
      if (!next) {
        this.wake = new AbortController();
        await sleep(this.host.pollIntervalMs, AbortSignal.any([stop, this.wake.signal]));
        continue;
      }
      await this.runJob(next.makeJob(thread, this.log.child({ env: next.claim.env, documentId: next.claim.id })), next.claim);
    }
    this.state = 'stopped';
  }

  private async runJob(job: Job, claim: Claim): Promise<void> {
    this.state = 'busy';
    this.job = job;
    try {
      const outcome = await job.run();
      this.jobsDone++;
      this.host.onOutcome(this, outcome, claim);
    } finally {
      this.job = undefined;
      if (this.state === 'busy') this.state = 'idle';
    }
  }
}
