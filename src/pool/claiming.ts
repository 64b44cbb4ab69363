/**
 * A slot's next document: the claim order (claim-order.ts, pure) walked over the environments that may be
 * claimed from, the first row claimed (3 → 6, leased) and the Job that will run it, wired to its
 * environment's database, storage and storage breaker.
 */
import type { Config } from '../config';
import type { RateLimiter } from '../limiter';
import type { Logger } from '../logger';
import { claim } from '../queue/claim';
import { release } from '../queue/release';
import type { Claim } from '../queue/types';
import type { TimeBudgets } from './budget';
import { claimOrder } from './claim-order';
import type { EnvRuntime } from './environments';
import { Job, type JobDeps } from './job';
import type { OcrThread } from './ocr-thread-host';
import type { SearchableOutput } from './searchable-output';
import type { StoragePauses } from './storage-pauses';
import type { WorkerSlot } from './worker-slot';

export interface Claimed {
  claim: Claim;
  makeJob: (thread: OcrThread, log: Logger, freshThread: () => Promise<OcrThread>) => Job;
}

export interface ClaimingDeps {
  config: Pick<Config, 'leaseMs' | 'maxPdfBytes' | 'retryBaseMs' | 'retryMaxMs' | 'maxFailedPagePercent'>;
  envs: readonly EnvRuntime[];
  pauses: Pick<StoragePauses, 'pauseOf' | 'gate'>;
  /** The pool's limiter (built when the pool starts, before any claim). */
  limiter: () => RateLimiter;
  budgets: TimeBudgets;
  onProgress: JobDeps['onProgress'];
  onPage?: JobDeps['onPage'];
  helpWanted?: JobDeps['helpWanted'];
  /** A slot with nothing of its mode takes the other mode's work (the allocation policy's choice). */
  workConserving: boolean;
  /** OCR_SEARCHABLE_PDF: writes each completed document's searchable PDF (undefined: off). */
  searchable?: SearchableOutput;
}

export class Claiming {
  private tick = 0;

  constructor(
    private readonly deps: ClaimingDeps,
    private readonly log: Logger,
  ) {}

  /** Claim the next document for this slot, or null when nothing is ready anywhere it may look. */
  async next(slot: WorkerSlot): Promise<Claimed | null> {
    const { envs, config } = this.deps;
    const open = envs.filter((e) => e.serving && !this.deps.pauses.pauseOf(e.name)).map((e) => e.name);
    for (const { env: name, source } of claimOrder({ open, tick: this.tick++, mode: slot.mode, workConserving: this.deps.workConserving })) {
      const env = envs.find((e) => e.name === name)!;
      const c = await claim(env.db, env.name, slot.id, source, config.leaseMs);
      if (c) return { claim: c, makeJob: (thread, log, freshThread) => new Job(c, this.jobDeps(env, c, thread, log, freshThread)) };
    }
    return null;
  }

  /** Hand an unstarted claim back (6 → 3, attempt not counted). */
  async release(c: Claim): Promise<void> {
    const env = this.deps.envs.find((e) => e.name === c.env)!;
    await release(env.db, c).catch((err) => this.log.warn({ err }, 'could not hand back a claim; its lease will recover it'));
  }

  private jobDeps(env: EnvRuntime, c: Claim, thread: OcrThread, log: Logger, freshThread: () => Promise<OcrThread>): JobDeps {
    const { config } = this.deps;
    return {
      db: env.db,
      storage: env.storage!,
      limiter: this.deps.limiter(),
      thread,
      freshThread,
      log,
      leaseMs: config.leaseMs,
      maxPdfBytes: config.maxPdfBytes,
      backoff: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs },
      budgets: this.deps.budgets,
      onProgress: this.deps.onProgress,
      storageGate: this.deps.pauses.gate(env, c.id),
      maxFailedPagePercent: config.maxFailedPagePercent,
      onPage: this.deps.onPage,
      helpWanted: this.deps.helpWanted,
      ...(this.deps.searchable ? { searchable: this.deps.searchable } : {}),
    };
  }
}
