/**
 * One worker of the pool: an explicit state machine (pg-boss's model) that claims a document, runs it
 * in its own OCR thread, and repeats. Its mode (index | acte) is only read between jobs, so a mode
 * change never interrupts a document. A dead OCR thread is replaced before the next claim.
 */
import { coerceError, TimeBudgetError } from '../errors';
import type { Logger } from '../logger';
import type { OcrMode, PageResult } from '../ocr/types';
import type { Claim } from '../queue/types';
import { formatError } from '../retry';
import { sleep } from '../util/sleep';
import type { Job, JobOutcome } from './job';
import { OcrThread, type OcrThreadOptions } from './ocr-thread-host';
import { failedPage } from './page-row';
import type { LentPage } from './page-share';

/**
 * `dead`: the slot's loop met an error it did not expect (a bug, not a database or a document): it says so
 * on every health surface (registry, /readyz, check-ocr-queue) until its loop is started again.
 */
export type SlotState = 'starting' | 'idle' | 'busy' | 'parked' | 'stopping' | 'stopped' | 'dead';

/** Before a dead loop is started again, and the longest wait between failed claims (ms). */
export const SLOT_RESTART_MS = 1_000;
export const CLAIM_BACKOFF_MAX_MS = 5_000;
/** While claims keep failing, one warning per this long (ms), with how many failed meanwhile. */
const CLAIM_FAILURE_LOG_MS = 30_000;

/** The wait after `failures` claims failed in a row: the poll interval doubled per failure, at most 5 s. */
export function claimBackoffMs(failures: number, pollIntervalMs: number): number {
  if (failures <= 0) return pollIntervalMs;
  return Math.min(Math.max(pollIntervalMs, CLAIM_BACKOFF_MAX_MS), pollIntervalMs * 2 ** Math.min(failures, 16));
}

export interface SlotHost {
  /** Claim the next document for this slot, or null when nothing is ready anywhere. */
  claimNext(slot: WorkerSlot): Promise<{ claim: Claim; makeJob: (thread: OcrThread, log: Logger, freshThread: () => Promise<OcrThread>) => Job } | null>;
  onOutcome(slot: WorkerSlot, outcome: JobOutcome, claim: Claim): void;
  releaseClaim(claim: Claim): Promise<void>;
  /** False while the slot is parked (host short of headroom): it takes no new job. */
  mayClaim(slot: WorkerSlot): boolean;
  /** With nothing to claim: a page of a document another slot of this process is reading, to read for it. */
  lendPage?(slot: WorkerSlot): LentPage | undefined;
  readonly pollIntervalMs: number;
}

export class WorkerSlot {
  state: SlotState = 'starting';
  /** Wanted mode; applied when the current job (if any) is over. */
  mode: OcrMode;
  job: Job | undefined;
  jobsDone = 0;
  /** Pages this slot read for documents other slots hold (idle workers help). */
  pagesHelped = 0;
  /** The document this slot is reading a page of for another slot, while it does. */
  helping: string | undefined;
  threadRestarts = 0;
  /** Times the loop died of an unexpected error and was started again. */
  loopRestarts = 0;
  /** Claims failed in a row (database unreachable): the slot backs off, and says so once in a while. */
  private claimFailures = 0;
  private claimFailureLoggedAt = 0;
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
    this.loopDone = first.then(() => this.serve());
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

  /**
   * The loop, kept alive: an error that escapes it (none should: jobs and claims catch their own) marks
   * the slot dead, is logged, and the loop starts again after a pause, so a slot never sits reporting
   * `idle` while it serves nothing.
   */
  private async serve(): Promise<void> {
    const stop = this.stopCtl.signal;
    for (;;) {
      try {
        await this.loop();
        return;
      } catch (err) {
        this.state = 'dead';
        this.loopRestarts++;
        this.log.error({ err, restarts: this.loopRestarts }, 'worker loop died of an unexpected error; starting it again');
        await sleep(SLOT_RESTART_MS, stop);
        if (stop.aborted) {
          this.state = 'stopped';
          return;
        }
      }
    }
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
        this.claimSucceeded();
      } catch (err) {
        this.claimFailed(err);
      }
      if (stop.aborted) {
        // A claim that raced the stop request is handed straight back, attempt not counted.
        if (next) await this.host.releaseClaim(next.claim);
        break;
      }
      if (!next) {
        const lent = this.host.lendPage?.(this);
        if (lent) {
          await this.help(thread, lent);
          continue;
        }
        // Nothing to help with any more: the document a helper kept open goes.
        if (thread.openKey) thread.close();
        this.wake = new AbortController();
        await sleep(claimBackoffMs(this.claimFailures, this.host.pollIntervalMs), AbortSignal.any([stop, this.wake.signal]));
        continue;
      }
      await this.runJob(next.makeJob(thread, this.log.child({ env: next.claim.env, documentId: next.claim.id }), () => this.ensureThread()), next.claim);
    }
    this.state = 'stopped';
  }

  /**
   * Read one page of another slot's document in this slot's thread and hand it over; the job that holds
   * the document's claim keeps it. A page this thread fails on is failed as in the job's own thread; a
   * page not read because the document could not be opened here, or because the pool is stopping, is
   * handed back unread.
   */
  private async help(thread: OcrThread, lent: LentPage): Promise<void> {
    this.state = 'busy';
    this.helping = lent.documentId;
    let page: PageResult | null = null;
    let opened = thread.openKey === lent.key;
    try {
      if (!opened) {
        await thread.open(lent.pdf, lent.mode, lent.startedAt, lent.key);
        opened = true;
      }
      page = (await thread.readPage(lent.index, lent.total)).page;
      this.pagesHelped++;
      this.log.debug({ documentId: lent.documentId, page: lent.index + 1, pages: lent.total }, 'read a page of a document another worker holds');
    } catch (thrown) {
      const err = coerceError(thrown);
      const documentWide = err instanceof TimeBudgetError && err.scope === 'document';
      page = opened && !documentWide && !this.stopCtl.signal.aborted ? failedPage(lent.index + 1, formatError(err)) : null;
    } finally {
      lent.settle(page);
      this.helping = undefined;
      if (this.state === 'busy') this.state = 'idle';
    }
  }

  private claimSucceeded(): void {
    if (this.claimFailures === 0) return;
    this.log.info({ failedClaims: this.claimFailures }, 'claiming again: the database answers');
    this.claimFailures = 0;
    this.claimFailureLoggedAt = 0;
  }

  private claimFailed(err: unknown): void {
    this.claimFailures++;
    const now = Date.now();
    if (now - this.claimFailureLoggedAt < CLAIM_FAILURE_LOG_MS) return;
    this.claimFailureLoggedAt = now;
    this.log.warn({ err, failedClaims: this.claimFailures }, 'claim failed (database unavailable?); retrying with backoff');
  }

  private async runJob(job: Job, claim: Claim): Promise<void> {
    this.state = 'busy';
    this.job = job;
    try {
      let outcome: JobOutcome;
      try {
        outcome = await job.run();
      } catch (err) {
        // Job.run settles every ending itself; an error here is a bug. The row is left to its lease
        // (recovered → 3, or → 4 when its attempts are spent), and this slot goes on serving.
        this.log.error({ err }, 'job ended with an unexpected error; its row is left to its lease');
        outcome = { kind: 'abandoned', reason: coerceError(err).message };
      }
      this.jobsDone++;
      this.host.onOutcome(this, outcome, claim);
    } finally {
      this.job = undefined;
      if (this.state === 'busy') this.state = 'idle';
    }
  }
}
