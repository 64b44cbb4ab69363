/**
 * One claimed document, start to finish: download (through the shared rate limiter), OCR in the slot's
 * thread, complete — with a heartbeat renewing the lease and progress persisted as it goes. Every write
 * is fenced; a job whose claim was lost stops and writes nothing more. A job's writes take one lane, one
 * statement at a time: when another client holds its row locked, one statement of that job waits (at
 * most the pool's lock timeout, then it is retried or skipped), never a pile of heartbeats and progress
 * writes each holding a pooled connection that the other workers need.
 */
import type pg from 'pg';
import { isLockTimeout, isTransientDbError } from '../db/pg';
import { withDbRetry } from '../db/retry';
import { coerceError, PermanentError, RetryableError, TimeBudgetError } from '../errors';
import type { DocumentConfidence } from '../text/page';
import type { Logger } from '../logger';
import type { RateLimiter } from '../limiter';
import { REFINEMENTS } from '../ocr/page-steps';
import type { OcrMode, PageProgress, PageResult, RefinementMs } from '../ocr/types';
import { complete } from '../queue/complete';
import { fail } from '../queue/fail';
import { heartbeat } from '../queue/heartbeat';
import { forgetOtherDigests, loadPages, savePage } from '../queue/pages';
import { saveProgress, type Progress, type Stage } from '../queue/progress';
import { release, type ReleaseOptions, type ReleaseResult } from '../queue/release';
import type { Claim, FencedResult } from '../queue/types';
import { decideFailure, formatError, type BackoffPolicy } from '../retry';
import { notAPdf, parseStoragePath, type ObjectRef, type ObjectStorage } from '../storage';
import { refundOnRelease, type DocumentClock, type TimeBudgets } from './budget';
import { summarise } from './document-summary';
import type { Opened, OcrThread } from './ocr-thread-host';
import { failedPage, pageFromRow, pageRow } from './page-row';
import { type LentPage, PageShare } from './page-share';
import { pageVerdict } from './page-verdict';
import type { SearchableOutput } from './searchable-output';
import { modeOf } from './source-mode';

/** The pool's storage circuit breaker, as a job sees it (see storage-breaker.ts). */
export interface StorageGate {
  /** A download failed: 'hold' hands the document back unspent (the environment's storage is at fault). */
  failed(err: unknown, ref: ObjectRef): 'hold' | 'as-usual';
  succeeded(): void;
}

/** What became of one page of a job: read now, failed now, or kept from an earlier attempt. */
export type PageOutcome = 'read' | 'failed' | 'resumed';

export interface JobDeps {
  db: pg.Pool;
  storage: ObjectStorage;
  limiter: RateLimiter;
  /** The slot's OCR thread when the job starts. */
  thread: OcrThread;
  /** The slot's thread, replaced when it died (a page past its budget, a crash): the job goes on in it. */
  freshThread: () => Promise<OcrThread>;
  log: Logger;
  leaseMs: number;
  maxPdfBytes: number;
  backoff: BackoffPolicy;
  /** Page and document time budgets (also enforced by the OCR thread's host). */
  budgets: TimeBudgets;
  /**
   * Called with every progress change (for live publishing); Postgres is written regardless. `saved`,
   * when given, resolves once this change is committed to Postgres (true) or was not written (false):
   * live publishers wait for it so that what they announce is already what any reader finds in
   * Postgres. The final `done` / `failed` changes are reported after their write, without `saved`.
   */
  onProgress?: (claim: Claim, p: Progress, saved?: Promise<boolean>) => void;
  storageGate?: StorageGate;
  /** A document more than this share of whose pages could not be read fails (→ 4) instead of completing. */
  maxFailedPagePercent: number;
  /** OCR_SEARCHABLE_PDF: the writer of the searchable PDF, after the document completes (undefined: off). */
  searchable?: SearchableOutput;
  /** Each page's outcome, as it is settled (the pool's counters). */
  onPage?: (outcome: PageOutcome) => void;
  /** The document has pages left to lend to idle slots (`lendPage`): wake them. */
  helpWanted?: () => void;
}

/** Where a completed document's time went, ms (see `STAGES`). */
export type StageMs = Record<StageName, number>;
/** The stages of a completed document, in order: download (rate limiter + storage) to the final write. */
export const STAGES = ['download', 'render', 'preprocess', 'recognition', 'boost', 'database'] as const;
export type StageName = (typeof STAGES)[number];

export type JobOutcome =
  | { kind: 'completed'; pages: number; ms: number; cpuMs: number; stages: StageMs; refinements: RefinementMs; searchablePdf?: 'written' | 'failed' }
  | { kind: 'failed'; status: 3 | 4; error: string }
  | { kind: 'released' }
  /** Handed back (6 → 3, attempt not spent) because the environment's storage is failing as a whole. */
  | { kind: 'held'; reason: string }
  | { kind: 'lost' }
  /**
   * Its ending could not be written (the database stayed unreachable, or failed in a way no write could
   * survive): nothing more is written, and the row is left to its lease (→ 3, or → 4 when its attempts are
   * spent), as if this worker had died. The slot goes on serving.
   */
  | { kind: 'abandoned'; reason: string };

/** Raised inside a job when it must stop: its claim was lost, or the pool is shutting down. */
class Abort extends Error {
  constructor(readonly why: 'lost' | 'shutdown') {
    super(why);
  }
}

/** Raised inside a job whose download met an environment-wide storage failure. */
class HeldBack extends Error {}

/** A write of this job that could not land before its deadline: the database is not answering. */
class WriteGaveUp extends Error {
  constructor(readonly during: string, cause: unknown) {
    super(`${during}: ${coerceError(cause).message}`, { cause });
  }
}

export class Job {
  private abortReason: 'lost' | 'shutdown' | undefined;
  private readonly abortCtl = new AbortController();
  /** The tail of the job's write lane (never rejects). */
  private lane: Promise<unknown> = Promise.resolve();
  private beating = false;
  /** The newest progress not yet written, and the lane entry that will write it. */
  private pendingProgress: Progress | undefined;
  private progressWrite: Promise<FencedResult> | undefined;
  /** Set once the job's ending is being written: progress still queued is dropped. */
  private ending = false;
  private lastProgressWrite = 0;
  readonly startedAt = Date.now();
  progress: Progress;
  /** The OCR thread the job reads in now: the slot's, replaced by a fresh one after a page killed it. */
  private thread: OcrThread;
  /** The pages left while they are being read, shared with helpers. */
  private share: PageShare | undefined;
  /** Resolves when the job is aborted (claim lost, shutdown). */
  private readonly aborted = new Promise<void>((resolve) => this.abortCtl.signal.addEventListener('abort', () => resolve(), { once: true }));

  constructor(
    readonly claim: Claim,
    private readonly deps: JobDeps,
  ) {
    this.progress = { stage: 'claimed', page: 0, pages: 0, percent: 0, worker: claim.workerId };
    this.thread = deps.thread;
  }

  /** Where the job's OCR is and since when; undefined before the OCR starts and after it ends. */
  get clock(): DocumentClock | undefined {
    return this.thread.jobClock;
  }

  /** Stop the job for shutdown: the OCR thread is terminated and the row handed back (6 → 3). */
  abortForShutdown(): Promise<void> {
    return this.abort('shutdown');
  }

  private async abort(why: 'lost' | 'shutdown'): Promise<void> {
    if (this.abortReason) return;
    this.abortReason = why;
    this.abortCtl.abort();
    await this.thread.terminate(why === 'lost' ? 'claim lost' : 'shutdown');
  }

  async run(): Promise<JobOutcome> {
    const { claim, deps } = this;
    const log = deps.log;
    const beat = setInterval(() => void this.beat(), Math.max(1000, Math.floor(deps.leaseMs / 3)));
    try {
      this.setProgress('downloading', 0, 0, 'downloading PDF');
      const downloadStart = performance.now();
      const ref = parseStoragePath(claim.supabasePath, claim.documentSource);
      let pdf: Uint8Array;
      try {
        pdf = await deps.limiter.schedule(() => deps.storage.fetch(ref, { maxBytes: deps.maxPdfBytes, signal: this.abortCtl.signal }));
      } catch (err) {
        if (!this.abortReason && deps.storageGate?.failed(err, ref) === 'hold') throw new HeldBack(coerceError(err).message);
        throw err;
      }
      deps.storageGate?.succeeded();
      const downloadMs = performance.now() - downloadStart;
      this.throwIfAborted();
      const notPdf = notAPdf(pdf);
      if (notPdf) throw new PermanentError(notPdf);
      this.setProgress('rendering', 0, 0, `PDF downloaded (${pdf.byteLength} bytes)`);

      const mode = modeOf(claim.documentSource);
      const read = await this.readPages(pdf, mode);
      const verdict = pageVerdict(read.pages, deps.maxFailedPagePercent);
      if (!verdict.complete) throw new PermanentError(verdict.message);
      this.setProgress('saving', read.pages.length, read.pages.length, 'saving text');
      let finished: Awaited<ReturnType<OcrThread['finish']>>;
      try {
        if (!this.thread.alive) this.thread = await deps.freshThread();
        finished = await this.thread.finish(mode, read.pages, deps.searchable ? pdf : undefined);
      } catch (err) {
        this.throwIfAborted();
        throw err;
      }
      this.throwIfAborted();
      const out = { ...summarise(read.pages), ...finished.output };
      const cpuMs = read.cpuMs + finished.cpuMs;
      const unread = out.failedPages ? `, ${out.failedPages} could not be read` : '';
      const done: Progress = {
        stage: 'done',
        page: out.pages,
        pages: out.pages,
        percent: 100,
        worker: claim.workerId,
        message: `${out.ocrPages} page(s) OCR'd, ${out.textLayerPages} read from the text layer${unread}`,
      };
      const dbStart = performance.now();
      const res = await this.write('complete', () =>
        complete(deps.db, claim, {
          fileContent: out.fileContent,
          boostedFileContent: out.boostedFileContent,
          progress: { ...done, ocrPages: out.ocrPages, textLayerPages: out.textLayerPages, pageConfidence: out.pageConfidence },
          confidence: out.confidence,
        }),
      );
      const databaseMs = performance.now() - dbStart;
      if (!res.applied) return this.lost('complete');
      this.progress = done;
      deps.onProgress?.(claim, done);
      // The text is done and written: what follows cannot change that, only say where its searchable copy is.
      const built = out.searchablePdf ?? (out.searchableError ? { error: out.searchableError } : undefined);
      const searchable = deps.searchable && built ? (await deps.searchable.save(deps, claim, ref, built)).kind : undefined;
      const ms = Date.now() - this.startedAt;
      const stages: StageMs = { download: downloadMs, ...out.stageMs, boost: out.boostMs, database: databaseMs };
      log.info(
        {
          pages: out.pages,
          ocrPages: out.ocrPages,
          ms,
          cpuMs: Math.round(cpuMs),
          ...(read.resumed ? { pagesResumed: read.resumed } : {}),
          ...(out.failedPages ? { failedPages: out.failedPages } : {}),
          // Per-stage cost of this document, ms; what is not in them is queueing and messaging.
          stages: Object.fromEntries(STAGES.map((s) => [s, Math.round(stages[s])])),
          // Of the recognition stage, ms: what the refinements cost on this document; the rest is the first reading.
          refinements: Object.fromEntries(REFINEMENTS.map((k) => [k, Math.round(out.refinementMs[k] ?? 0)])),
          passes: out.passes,
          langs: out.langs,
          wordsReread: out.secondOpinion.asked,
          wordsChanged: out.secondOpinion.changed,
          ...(out.secondOpinion.failures.length ? { secondOpinionFailures: out.secondOpinion.failures } : {}),
          confidence: out.confidence?.mean,
          flaggedPages: out.confidence?.flaggedPages,
          ...(rotatedPages(out.confidence).length ? { rotatedPages: rotatedPages(out.confidence) } : {}),
        },
        out.confidence?.flagged ? 'document completed, low OCR confidence' : 'document completed',
      );
      return { kind: 'completed', pages: out.pages, ms, cpuMs, stages, refinements: out.refinementMs, ...(searchable ? { searchablePdf: searchable } : {}) };
    } catch (thrown) {
      if (thrown instanceof Abort || this.abortReason) return this.onAbort();
      if (thrown instanceof HeldBack) return this.onHold(thrown.message);
      if (thrown instanceof WriteGaveUp) return this.abandon(thrown);
      const err = coerceError(thrown);
      const decision = decideFailure(err, claim.attempt, deps.backoff, Math.random(), claim.previousError);
      let res: Awaited<ReturnType<typeof fail>>;
      try {
        res = await this.write('fail', () => fail(deps.db, claim, decision));
      } catch (writeErr) {
        return this.abandon(writeErr, err);
      }
      if (!res.applied) return this.lost('fail');
      const failed: Progress = { ...this.progress, stage: 'failed', message: res.error };
      this.progress = failed;
      deps.onProgress?.(claim, failed);
      log[res.status === 4 ? 'error' : 'warn'](
        { err: { name: err.name, message: err.message }, status: res.status, retryInMs: res.status === 3 ? decision.backoffMs : undefined },
        res.status === 4 ? 'document failed' : 'document failed, will retry',
      );
      return { kind: 'failed', status: res.status, error: res.error };
    } finally {
      clearInterval(beat);
      this.thread.close();
    }
  }

  /**
   * Every page of the document, each read once and kept (a row in ocr_pages) as soon as it is read: the
   * pages an earlier attempt kept for the same bytes are not read again. A page that overruns its
   * budget, cannot be rendered or kills its thread is kept as failed, with why, and the document goes
   * on in a fresh thread. Pages not started are lent to idle slots (`lendPage`). Returns the pages as
   * kept, in order.
   */
  private async readPages(pdf: Uint8Array, mode: OcrMode): Promise<{ pages: PageResult[]; resumed: number; cpuMs: number }> {
    const { deps, claim } = this;
    const startedAt = Date.now();
    const opened = await this.openIn(pdf, mode, startedAt);
    const { digest, pages: total } = opened;
    await this.pageWrite('pages', () => forgetOtherDigests(deps.db, claim, digest));
    const kept = new Set((await this.pageWrite('pages', () => loadPages(deps.db, claim.id, digest))).map((r) => r.page));
    if (kept.size) {
      deps.log.info({ pages: total, pagesKept: kept.size, pagesLeft: total - kept.size }, 'resuming: pages read by an earlier attempt are not read again');
      for (let i = 0; i < kept.size; i++) deps.onPage?.('resumed');
    }
    let cpuMs = 0;
    const keep = (page: PageResult) => this.keepPage(page, digest);
    const todo = Array.from({ length: total }, (_, i) => i).filter((i) => !kept.has(i + 1));
    const share = new PageShare(todo, { key: this.openKey, documentId: claim.id, total, pdf, mode, startedAt }, (page) => keep(page).catch(() => undefined));
    this.share = share;
    if (todo.length > 1) deps.helpWanted?.();
    try {
      for (;;) {
        this.throwIfAborted();
        const index = share.take();
        if (index === undefined) {
          // Every page is taken: wait for the pages idle slots are still reading for this document.
          if (share.onLoan === 0) break;
          await Promise.race([share.settled(), this.aborted]);
          continue;
        }
        if (!this.thread.alive) {
          this.thread = await deps.freshThread();
          await this.openIn(pdf, mode, startedAt);
        }
        let page: PageResult;
        try {
          const r = await this.thread.readPage(index, total, (p) => this.onPage(p));
          page = r.page;
          cpuMs += r.cpuMs;
        } catch (thrown) {
          this.throwIfAborted();
          const err = coerceError(thrown);
          if (err instanceof TimeBudgetError && err.scope === 'document') throw err;
          page = failedPage(index + 1, formatError(err));
        }
        await keep(page);
        this.throwIfAborted();
      }
    } finally {
      share.close();
      this.share = undefined;
    }
    const rows = await this.pageWrite('pages', () => loadPages(deps.db, claim.id, digest));
    if (rows.length !== total) throw new RetryableError(`${rows.length} of ${total} page(s) kept for this document after reading it`);
    return { pages: rows.map(pageFromRow), resumed: kept.size, cpuMs };
  }

  /**
   * Keep one page (read by the job's thread or a helper's): its row, under the claim. A lost claim
   * aborts the job; a page arriving after the job was aborted is dropped.
   */
  private async keepPage(page: PageResult, digest: string): Promise<void> {
    if (this.abortReason) return;
    if (page.failed !== undefined) {
      this.deps.log.warn({ page: page.pageNumber, reason: page.failed }, 'page could not be read: kept as failed, the document goes on');
    }
    const res = await this.pageWrite('page', () => savePage(this.deps.db, this.claim, pageRow(page, digest)));
    if (!res.applied) {
      await this.abort('lost');
      return;
    }
    this.deps.onPage?.(page.failed === undefined ? 'read' : 'failed');
  }

  /**
   * A page of this document for an idle slot of the same process to read in its own thread, or
   * undefined when none is left (src/pool/page-share.ts).
   */
  lendPage(): LentPage | undefined {
    return this.abortReason ? undefined : this.share?.lend();
  }

  /** Which opened document this job is, for a helper's thread: the claim, attempt included. */
  private get openKey(): string {
    return `${this.claim.env}:${this.claim.id}:${this.claim.attempt}`;
  }

  /** Open the PDF in the job's thread; a failure is the document's. */
  private async openIn(pdf: Uint8Array, mode: OcrMode, startedAt: number): Promise<Opened> {
    try {
      return await this.thread.open(pdf, mode, startedAt, this.openKey);
    } catch (err) {
      this.throwIfAborted();
      throw err;
    }
  }

  private async onAbort(): Promise<JobOutcome> {
    if (this.abortReason === 'lost') return this.lost('heartbeat');
    const runningMs = Date.now() - this.startedAt;
    const refund = refundOnRelease(runningMs, this.deps.budgets);
    const p = this.progress;
    const reason = refund
      ? 'handed back on shutdown'
      : `interrupted by shutdown after ${Math.round(runningMs / 1000)} s (page ${p.page} of ${p.pages}, ${p.stage}); ` +
        `the attempt counts: it ran longer than the page time budget of ${Math.round(this.deps.budgets.pageMs / 1000)} s`;
    const res = await this.handBack({ reason, refund });
    if (!res.applied) return this.lost('release');
    if (refund) this.deps.log.info('document handed back (6 → 3) on shutdown, attempt not counted');
    else this.deps.log.warn({ runningMs, status: res.status }, `document handed back (6 → ${res.status}) on shutdown, attempt counted`);
    return { kind: 'released' };
  }

  private async onHold(reason: string): Promise<JobOutcome> {
    const res = await this.handBack({ reason: `storage paused: ${reason}`.slice(0, 500), refund: true });
    if (!res.applied) return this.lost('release');
    this.deps.log.info({ reason }, 'document handed back (6 → 3), attempt not spent: the environment’s storage is failing');
    return { kind: 'held', reason };
  }

  /** 6 → 3 (or 4 when an unrefunded attempt was the last), fenced; a failed write leaves the row to its lease. */
  private handBack(opts: ReleaseOptions): Promise<ReleaseResult> {
    return this.write('release', () => release(this.deps.db, this.claim, opts)).catch((err) => {
      this.deps.log.error({ err }, 'could not hand the document back; its lease will expire and recover it');
      return { applied: false as const, reason: 'lost' as const };
    });
  }

  private abandon(err: unknown, failure?: Error): JobOutcome {
    const reason = coerceError(err).message;
    this.deps.log.error(
      { err, ...(failure ? { failure: { name: failure.name, message: failure.message } } : {}) },
      'could not write the document’s ending; it is left to its lease (→ 3, or → 4 when its attempts are spent)',
    );
    return { kind: 'abandoned', reason };
  }

  private lost(during: string): JobOutcome {
    this.deps.log.warn({ during }, 'claim lost: the row was re-claimed or changed by someone else; nothing written');
    return { kind: 'lost' };
  }

  private throwIfAborted(): void {
    if (this.abortReason) throw new Abort(this.abortReason);
  }

  /**
   * A write that must land: retried through a Postgres restart for as long as the lease lasts (a later
   * write would be safe, being fenced, but the row may by then be another worker's). What still fails
   * is a `WriteGaveUp`: the job ends `abandoned` and the row is left to its lease.
   */
  private async write<T>(during: string, fn: () => Promise<T>): Promise<T> {
    this.ending = true;
    return this.pageWrite(during, fn);
  }

  /** A write of the job on its way (a page), retried like `write`; heartbeats and progress go on. */
  private async pageWrite<T>(during: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.inLane(() =>
        withDbRetry(fn, {
          deadline: this.claim.leaseExpiresAt.getTime() + this.deps.leaseMs,
          retryable: retryableWrite,
          onRetry: (err, n) =>
            this.deps.log.warn(
              { err, attempt: n, during },
              isLockTimeout(err) ? 'row locked by another client, retrying write' : 'database unavailable, retrying write',
            ),
        }),
      );
    } catch (err) {
      // A statement the database refused (bad text, a constraint) is the document's failure, not an outage.
      throw retryableWrite(err) ? new WriteGaveUp(during, err) : err;
    }
  }

  /** Run `fn` after the job's earlier writes have settled; its result is the caller's alone. */
  private inLane<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn);
    this.lane = run.catch(() => undefined);
    return run;
  }

  private async beat(): Promise<void> {
    // One beat at a time: while the last one still waits (a locked row), the next one would only queue.
    if (this.beating || this.ending) return;
    this.beating = true;
    try {
      const res = await this.inLane(() => heartbeat(this.deps.db, this.claim, this.deps.leaseMs));
      if (res.applied) this.claim.leaseExpiresAt = new Date(Date.now() + this.deps.leaseMs);
      else await this.abort('lost');
    } catch (err) {
      // Postgres briefly unreachable, or the row locked by another client past the lock timeout: the
      // lease has slack (we renew every third of it); try next beat.
      this.deps.log.warn({ err }, isLockTimeout(err) ? 'heartbeat waited too long: the row is locked by another client' : 'heartbeat failed');
    } finally {
      this.beating = false;
    }
  }

  /** Queue the newest progress for Postgres: progress changes that pile up behind a slow write coalesce. */
  private writeProgress(snapshot: Progress): Promise<FencedResult> {
    this.pendingProgress = snapshot;
    this.progressWrite ??= this.inLane(async () => {
      const latest = this.pendingProgress;
      this.pendingProgress = undefined;
      this.progressWrite = undefined;
      if (!latest || this.ending) return { applied: false, reason: 'lost' } as FencedResult;
      return saveProgress(this.deps.db, this.claim, latest);
    });
    return this.progressWrite;
  }

  private onPage(p: PageProgress): void {
    // Page i is being read: pages before it are done. Downloading counts as the first 5 %.
    const percent = Math.min(99, Math.round(5 + (90 * (p.page - 1)) / Math.max(1, p.pages)));
    if (p.rotated) this.deps.log.info({ page: p.page, rotated: p.rotated }, 'page read turned: it was scanned sideways or upside down');
    this.setProgress(p.stage === 'ocr' ? 'ocr' : 'rendering', p.page, p.pages, pageMessage(p), percent);
  }

  private setProgress(stage: Stage, page: number, pages: number, message: string, percent?: number): void {
    const prev = this.progress;
    this.progress = { stage, page, pages, percent: percent ?? prev.percent, message, worker: this.claim.workerId };
    // Postgres gets every stage and page change, at most ~2 writes a second per job, in order.
    const now = Date.now();
    const changed = stage !== prev.stage || page !== prev.page || message !== prev.message;
    if (!changed && now - this.lastProgressWrite < 500) {
      this.deps.onProgress?.(this.claim, this.progress, Promise.resolve(false));
      return;
    }
    this.lastProgressWrite = now;
    const snapshot = this.progress;
    const write = this.writeProgress(snapshot);
    write.catch((err) => this.deps.log.debug({ err }, 'progress write failed'));
    this.deps.onProgress?.(this.claim, snapshot, write.then((r) => r.applied, () => false));
  }
}

/** `[{ page: 2, rotated: 90 }]`: the pages read turned, for the completion log line. */
export function rotatedPages(confidence: DocumentConfidence | null | undefined): Array<{ page: number; rotated: number }> {
  return (confidence?.pages ?? []).flatMap((p) => (p.rotated ? [{ page: p.pageNumber, rotated: p.rotated }] : []));
}

/** A job's write is worth another try while the database is away or another client holds its row. */
function retryableWrite(err: unknown): boolean {
  return isTransientDbError(err) || isLockTimeout(err);
}

/** The progress message for a page: `page 2 of 5`, and how it was turned when it was read turned. */
export function pageMessage(p: PageProgress): string {
  const turned = p.rotated ? `, turned ${p.rotated}° (scanned ${p.rotated === 180 ? 'upside down' : 'sideways'})` : '';
  return `page ${p.page} of ${p.pages}${turned}`;
}
