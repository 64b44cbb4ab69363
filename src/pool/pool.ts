/**
 * The worker pool of one host: environments (a Postgres pool, a storage and a schema state each), N worker
 * slots each with its own OCR thread, a maintenance loop (stale-lease recovery, cadastral plans, schema
 * re-checks), a rebalance loop that sets each slot's preferred mode, and a storage circuit breaker per
 * environment (storage-breaker.ts: claiming pauses while its storage fails as a whole, probed on a
 * backoff, resumed by itself). Shutdown is staged and bounded:
 * stop claiming, let running jobs finish within the budget, hand the rest back (6 → 3).
 */
import os from 'node:os';
import type pg from 'pg';
import type { Config, EnvName } from '../config';
import { describeUrl } from '../config';
import { createPool } from '../db/pg';
import { checkSchema, describeSchemaReport } from '../db/schema';
import { environmentOrder } from '../environments';
import { coerceError } from '../errors';
import { createRateLimiter, type RateLimiter } from '../limiter';
import type { Logger } from '../logger';
import { DEFAULT_SECONDARY_IDLE_MS } from '../ocr/engine';
import { SharedRecognizer } from '../ocr/shared-recognizer';
import { parseLangs } from '../ocr/tesseract';
import type { OcrMode } from '../ocr/types';
import { claim } from '../queue/claim';
import { readyDepth } from '../queue/depth';
import { recoverStale } from '../queue/recover-stale';
import { release } from '../queue/release';
import { skipPlans } from '../queue/skip-plans';
import type { Claim, DocumentSource } from '../queue/types';
import { publishWorkers, pruneDeadWorkers, removeWorkers, type WorkerRecord } from '../queue/workers';
import { clearPause, publishPause, pruneDeadPauses } from '../queue/pauses';
import { createStorage, type ObjectRef, type ObjectStorage } from '../storage';
import { sleep } from '../util/sleep';
import { allocate, assignModes, type Allocation } from './allocator';
import { pastBudget, type TimeBudgets } from './budget';
import { CostModel, decideCapacity, MEMORY_MB_PER_WORKER, sampleHost, type Capacity, type HostSample } from './capacity';
import { Job, STAGES, type JobDeps, type JobOutcome, type StageMs, type StorageGate } from './job';
import { afterFailure, afterProbe, afterSuccess, classifyStorageError, CLOSED, probeDue, type BreakerPolicy, type BreakerState } from './storage-breaker';
import type { OcrThread } from './ocr-thread-host';
import { WorkerSlot, type SlotHost } from './worker-slot';

export interface EnvRuntime {
  name: EnvName;
  db: pg.Pool;
  storage: ObjectStorage | undefined;
  /** Serving only when the schema is complete and storage is configured. */
  serving: boolean;
  problem: string | undefined;
  /** Storage circuit breaker: while `breaker.pause` is set, nothing is claimed from this environment. */
  breaker: BreakerState;
  probing: boolean;
  /** The pause row in ocr_storage_pauses exists (so a resume deletes it). */
  pausePublished: boolean;
  pauseWriteWarned: boolean;
}

export interface PoolStats {
  completed: number;
  failed: number;
  retried: number;
  released: number;
  held: number;
  lost: number;
  pages: number;
  /** Time completed documents spent in each stage, summed, ms. */
  stageMs: StageMs;
}

export interface PoolOptions {
  /** Extra hook for live progress publishing (status server, demo). */
  onProgress?: JobDeps['onProgress'];
  /** Called with each completed document's stage times (the status server's stage histogram). */
  onStages?: (stages: StageMs, pages: number, claim: Claim) => void;
  /** Use this rate limiter instead of building one from REDIS_URL (shared) or a local one. */
  limiter?: RateLimiter;
  /**
   * Baseline for benchmarks only: workers keep the mode they start with and never take the other
   * mode's work (no rebalancing, not work-conserving), as a fixed 1/1 allocation would.
   */
  fixedModes?: boolean;
  /** Host sampler (tests inject a busy host). Default: os-utils. */
  sampleHost?: () => Promise<HostSample>;
}

/** How often the status line is logged. */
const STATUS_INTERVAL_MS = 60_000;
/** How often host headroom is re-measured (each sample takes 1 s of CPU observation). */
const CAPACITY_INTERVAL_MS = 5_000;

const OTHER: Record<OcrMode, OcrMode> = { index: 'acte', acte: 'index' };
/** How often the worker registry is refreshed; well inside its TTL (queue/workers.ts). */
const REGISTRY_INTERVAL_MS = 5_000;
/** First probe of a paused environment's storage; then doubling up to OCR_STORAGE_PROBE_MAX_MS. */
const STORAGE_PROBE_BASE_MS = 5_000;
/** A probe that hangs (a dead network mount) counts as failed after this. */
const STORAGE_PROBE_TIMEOUT_MS = 15_000;

export class WorkerPool implements SlotHost {
  readonly envs: EnvRuntime[];
  readonly slots: WorkerSlot[] = [];
  readonly stats: PoolStats = {
    completed: 0,
    failed: 0,
    retried: 0,
    released: 0,
    held: 0,
    lost: 0,
    pages: 0,
    stageMs: Object.fromEntries(STAGES.map((s) => [s, 0])) as StageMs,
  };
  readonly pollIntervalMs: number;
  allocation: Allocation | undefined;
  capacity: Capacity | undefined;
  hostSample: HostSample | undefined;
  readonly costs = new CostModel();
  private tick = 0;
  limiter!: RateLimiter;
  private readonly stopCtl = new AbortController();
  private loops: Promise<void>[] = [];
  private stopping: Promise<void> | undefined;
  /** The all-languages recogniser the OCR threads share (src/ocr/shared-recognizer.ts); none with one language. */
  private shared: SharedRecognizer | undefined;
  private readonly host = os.hostname();
  private readonly poolId = `${os.hostname()}:${process.pid}`;
  private readonly breakerPolicy: BreakerPolicy;

  constructor(
    readonly config: Config,
    private readonly log: Logger,
    private readonly options: PoolOptions = {},
  ) {
    this.pollIntervalMs = config.pollIntervalMs;
    this.breakerPolicy = { notFoundTrip: config.storageNotFoundTrip, probeBaseMs: STORAGE_PROBE_BASE_MS, probeMaxMs: config.storageProbeMaxMs };
    this.envs = config.environments.map((e) => {
      let storage: ObjectStorage | undefined;
      let problem: string | undefined;
      try {
        storage = createStorage({
          storageDir: config.storageDir,
          supabaseUrl: e.supabaseUrl,
          supabaseServiceKey: e.supabaseServiceKey,
          timeoutMs: config.storageTimeoutMs,
          env: e.name,
        });
      } catch (err) {
        problem = coerceError(err).message;
      }
      return {
        name: e.name,
        db: createPool(e.databaseUrl, log.child({ env: e.name }), { max: config.poolSize + 4 }),
        storage,
        serving: false,
        problem,
        breaker: CLOSED,
        probing: false,
        pausePublished: false,
        pauseWriteWarned: false,
      };
    });
  }

  /** Check every environment, start every worker; resolves when the pool serves (or has nothing to serve yet). */
  async start(): Promise<void> {
    this.limiter =
      this.options.limiter ??
      (await createRateLimiter(
        {
          redisUrl: this.config.redisUrl,
          perMinute: this.config.rateLimitPerMinute,
          maxConcurrent: this.config.rateMaxConcurrent,
          // A download never holds a shared slot longer than its own timeout, even if its process dies.
          jobExpirationMs: this.config.storageTimeoutMs + 10_000,
          commandTimeoutMs: this.config.redisCommandTimeoutMs,
        },
        this.log.child({ component: 'limiter' }),
      ));
    this.log.info(
      {
        environments: this.config.environments.map((e) => ({ env: e.name, db: describeUrl(e.databaseUrl) })),
        storage: this.envs.map((e) => ({ env: e.name, storage: e.storage?.describe() ?? null })),
        poolSize: this.config.poolSize,
        limiter: this.limiter.kind,
      },
      'starting OCR pool',
    );
    if (this.envs.length === 0) this.log.warn('no environment enabled: set DEV_DATABASE_URL, STAGING_DATABASE_URL or PROD_DATABASE_URL');
    await Promise.all(this.envs.map((e) => this.checkEnv(e)));
    const modes = assignModes(
      Array.from({ length: this.config.poolSize }, (_, i): OcrMode => (i % 2 === 0 ? 'index' : 'acte')),
      allocate({ poolSize: this.config.poolSize, minIndex: this.config.minIndexWorkers, minActe: this.config.minActeWorkers, depth: { index: 0, acte: 0 } }),
    );
    if (this.options.fixedModes) {
      // Baseline: minimums first, then alternate; never changed afterwards.
      for (let i = 0; i < modes.length; i++) modes[i] = i < this.config.minIndexWorkers ? 'index' : i < this.config.minIndexWorkers + this.config.minActeWorkers ? 'acte' : i % 2 === 0 ? 'index' : 'acte';
    }
    // One all-languages recogniser for every thread (routed pages, second opinions), not one each.
    if (parseLangs(this.config.langs).length > 1) {
      this.shared = new SharedRecognizer({
        langs: this.config.langs,
        timeoutMs: 120_000,
        idleMs: DEFAULT_SECONDARY_IDLE_MS,
        recognizeTimeoutMs: this.budgets.pageMs,
      });
    }
    for (let i = 0; i < this.config.poolSize; i++) {
      const id = `${this.host}:${process.pid}:w${i}`;
      this.slots.push(
        new WorkerSlot(
          id,
          modes[i]!,
          this,
          { langs: this.config.langs, dpi: this.config.dpi, initTimeoutMs: 120_000, maxMemoryMb: this.config.workerMaxMemoryMb, budgets: this.budgets, shared: this.shared },
          this.log.child({ workerId: id }),
        ),
      );
    }
    await this.maintain();
    await this.measureCapacity();
    await this.rebalance();
    // Engines load in parallel: each takes a few seconds to read its language models.
    await Promise.all(this.slots.map((s) => s.start()));
    this.loops.push(this.every(Math.min(15_000, Math.floor(this.config.leaseMs / 2)), () => this.maintain()));
    if (!this.options.fixedModes) this.loops.push(this.every(this.config.rebalanceIntervalMs, () => this.rebalance()));
    this.loops.push(this.every(CAPACITY_INTERVAL_MS, () => this.measureCapacity()));
    this.loops.push(this.every(STATUS_INTERVAL_MS, async () => this.logStatus()));
    this.loops.push(this.every(1_000, () => this.probeStorage()));
    await this.publishRegistry();
    this.loops.push(this.every(REGISTRY_INTERVAL_MS, () => this.publishRegistry()));
    this.log.info({ workers: this.slots.map((s) => ({ id: s.id, mode: s.mode })), node: process.version }, 'OCR pool serving');
  }

  get budgets(): TimeBudgets {
    return { pageMs: this.config.pageTimeoutMs, documentMs: this.config.documentTimeoutMs };
  }

  /** Running documents past their time budget by more than `graceMs` (their thread should have been stopped). */
  overBudget(now = Date.now(), graceMs = 10_000): { workerId: string; documentId: string; reason: string }[] {
    const out: { workerId: string; documentId: string; reason: string }[] = [];
    for (const s of this.slots) {
      const clock = s.job?.clock;
      if (!s.job || !clock) continue;
      const reason = pastBudget(clock, this.budgets, now, graceMs);
      if (reason) out.push({ workerId: s.id, documentId: s.job.claim.id, reason });
    }
    return out;
  }

  get serving(): boolean {
    return this.envs.some((e) => e.serving);
  }

  async claimNext(slot: WorkerSlot): Promise<{ claim: Claim; makeJob: (t: OcrThread, log: Logger) => Job } | null> {
    const envs = environmentOrder(this.envs.filter((e) => e.serving && !e.breaker.pause).map((e) => e.name), this.tick++);
    // Own mode everywhere first (prod first), then the other mode: an idle worker never sits next to a backlog.
    const sources: DocumentSource[] = this.options.fixedModes ? [slot.mode] : [slot.mode, OTHER[slot.mode]];
    for (const source of sources) {
      for (const name of envs) {
        const env = this.envs.find((e) => e.name === name)!;
        const c = await claim(env.db, env.name, slot.id, source, this.config.leaseMs);
        if (!c) continue;
        return {
          claim: c,
          makeJob: (thread, log) =>
            new Job(c, {
              db: env.db,
              storage: env.storage!,
              limiter: this.limiter,
              thread,
              log,
              leaseMs: this.config.leaseMs,
              maxPdfBytes: this.config.maxPdfBytes,
              backoff: { baseMs: this.config.retryBaseMs, maxMs: this.config.retryMaxMs },
              budgets: this.budgets,
              onProgress: this.options.onProgress,
              storageGate: this.storageGate(env, c),
            }),
        };
      }
    }
    return null;
  }

  /** Parked slots (beyond the host's capacity) take no new job; a running job is never interrupted. */
  mayClaim(slot: WorkerSlot): boolean {
    const active = this.allocation?.active ?? this.slots.length;
    return this.slots.indexOf(slot) < active;
  }

  onOutcome(slot: WorkerSlot, outcome: JobOutcome, c: Claim): void {
    switch (outcome.kind) {
      case 'completed':
        this.stats.completed++;
        this.stats.pages += outcome.pages;
        this.costs.record(c.documentSource === 'acte' ? 'acte' : 'index', { pages: outcome.pages, ms: outcome.ms });
        for (const s of STAGES) this.stats.stageMs[s] += outcome.stages[s];
        this.options.onStages?.(outcome.stages, outcome.pages, c);
        break;
      case 'failed':
        if (outcome.status === 4) this.stats.failed++;
        else this.stats.retried++;
        break;
      case 'released':
        this.stats.released++;
        break;
      case 'held':
        this.stats.held++;
        break;
      case 'lost':
        this.stats.lost++;
        break;
    }
  }

  async releaseClaim(c: Claim): Promise<void> {
    const env = this.envs.find((e) => e.name === c.env)!;
    await release(env.db, c).catch((err) => this.log.warn({ err }, 'could not hand back a claim; its lease will recover it'));
  }

  /** Graceful, bounded, idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const budget = this.config.shutdownTimeoutMs;
    const busy = this.slots.filter((s) => s.job).length;
    this.log.info({ busy, budgetMs: budget }, 'stopping: no new claims; running documents get the shutdown budget');
    this.stopCtl.abort();
    for (const s of this.slots) s.requestStop();
    const all = Promise.all(this.slots.map((s) => s.stopped()));
    const finished = await Promise.race([all.then(() => true), sleep(budget).then(() => false)]);
    if (!finished) {
      const left = this.slots.filter((s) => s.job);
      this.log.warn({ documents: left.map((s) => s.job!.claim.id) }, 'shutdown budget spent: handing unfinished documents back (6 → 3)');
      await Promise.all(left.map((s) => s.abortJob()));
      await all;
    }
    await Promise.allSettled(this.loops);
    await this.shared?.terminate().catch((err) => this.log.warn({ err }, 'stopping the shared recogniser failed'));
    for (const e of this.envs.filter((x) => x.serving)) {
      await removeWorkers(e.db, this.slots.map((x) => x.id)).catch((err) => this.log.warn({ err, env: e.name }, 'could not remove workers from the registry'));
      if (e.pausePublished) await clearPause(e.db, this.poolId).catch(() => undefined);
    }
    // Each clean-up step on its own: one failing must not skip the others (BullMQ's close()).
    await this.limiter?.stop().catch((err) => this.log.warn({ err }, 'limiter stop failed'));
    for (const e of this.envs) await e.db.end().catch((err) => this.log.warn({ err, env: e.name }, 'closing Postgres pool failed'));
    this.log.info({ stats: this.stats }, 'OCR pool stopped');
  }

  /** This host's workers as the registry shows them. */
  workers(): WorkerRecord[] {
    return this.slots.map((s) => ({
      workerId: s.id,
      host: this.host,
      pid: process.pid,
      mode: s.mode,
      state: s.state,
      documentId: s.job?.claim.id ?? null,
      progress: s.job ? { env: s.job.claim.env, ...s.job.progress } : null,
      jobsDone: s.jobsDone,
    }));
  }

  private async publishRegistry(): Promise<void> {
    const records = this.workers();
    for (const env of this.envs.filter((e) => e.serving)) {
      await publishWorkers(env.db, records).catch((err) => this.log.warn({ err, env: env.name }, 'could not publish workers'));
      await this.publishPause(env);
    }
  }

  /** The environments whose claiming is paused, and why. */
  pauses(): { env: EnvName; reason: string; message: string; since: Date; nextProbeAt: Date }[] {
    return this.envs.flatMap((e) => {
      const p = e.breaker.pause;
      return p ? [{ env: e.name, reason: p.reason, message: p.message, since: new Date(p.since), nextProbeAt: new Date(p.nextProbeAt) }] : [];
    });
  }

  private storageGate(env: EnvRuntime, c: Claim): StorageGate {
    return {
      failed: (err: unknown, ref: ObjectRef) => {
        const message = coerceError(err).message;
        const r = afterFailure(env.breaker, { fault: classifyStorageError(err, ref.bucket), documentId: c.id, bucket: ref.bucket, message, now: Date.now() }, this.breakerPolicy);
        env.breaker = r.state;
        if (r.tripped) {
          const p = r.state.pause!;
          this.log.error(
            { env: env.name, reason: p.reason, err: { message: p.message }, nextProbeInMs: p.nextProbeAt - p.since },
            `${env.name}: storage is failing for the whole environment (${p.reason}): claiming paused; its documents stay at 3, attempts unspent, and resume by themselves once storage answers`,
          );
          void this.publishPause(env);
        }
        return r.verdict;
      },
      succeeded: () => {
        env.breaker = afterSuccess(env.breaker);
      },
    };
  }

  /** Probe the storage of paused environments whose probe is due; resume those that answer. */
  private async probeStorage(): Promise<void> {
    await Promise.all(
      this.envs.map(async (env) => {
        if (!env.storage || env.probing || !probeDue(env.breaker, Date.now())) return;
        env.probing = true;
        const buckets = env.breaker.pause!.buckets;
        let ok = false;
        let error: string | undefined;
        const deadline = AbortSignal.timeout(STORAGE_PROBE_TIMEOUT_MS);
        try {
          await Promise.race([
            env.storage.probe(buckets, { signal: deadline }),
            new Promise((_, reject) => deadline.addEventListener('abort', () => reject(new Error(`no answer within ${STORAGE_PROBE_TIMEOUT_MS} ms`)), { once: true })),
          ]);
          ok = true;
        } catch (err) {
          error = coerceError(err).message;
        } finally {
          env.probing = false;
        }
        const since = env.breaker.pause?.since ?? Date.now();
        const r = afterProbe(env.breaker, ok, Date.now(), this.breakerPolicy);
        env.breaker = r.state;
        if (r.resumed) {
          this.log.info({ env: env.name, pausedMs: Date.now() - since }, `${env.name}: storage answers again: claiming resumed`);
          await this.publishPause(env);
          this.slots.forEach((s) => s.poke());
        } else if (r.state.pause) {
          this.log.debug({ env: env.name, err: { message: error }, nextProbeInMs: r.state.pause.nextProbeAt - Date.now() }, `${env.name}: storage still failing`);
        }
      }),
    );
  }

  /** Make the pause (or its end) visible to check-ocr-queue and the status server, which read Postgres only. */
  private async publishPause(env: EnvRuntime): Promise<void> {
    if (!env.serving) return;
    const p = env.breaker.pause;
    try {
      if (p) {
        await publishPause(env.db, { poolId: this.poolId, host: this.host, pid: process.pid, reason: p.reason, message: p.message, since: new Date(p.since), nextProbeAt: new Date(p.nextProbeAt) });
        env.pausePublished = true;
      } else if (env.pausePublished) {
        await clearPause(env.db, this.poolId);
        env.pausePublished = false;
      }
    } catch (err) {
      // Once per environment: a database without the ocr_storage_pauses table (migration 5 not run) would say it every 5 s.
      if (!env.pauseWriteWarned) this.log.warn({ err, env: env.name }, 'could not record the storage pause in ocr_storage_pauses (run `npm run migrate`?)');
      env.pauseWriteWarned = true;
    }
  }

  private every(ms: number, fn: () => Promise<void>): Promise<void> {
    const signal = this.stopCtl.signal;
    return (async () => {
      while (!signal.aborted) {
        await sleep(ms, signal);
        if (signal.aborted) break;
        await fn().catch((err) => this.log.error({ err }, 'periodic task failed'));
      }
    })();
  }

  private async checkEnv(env: EnvRuntime): Promise<void> {
    if (!env.storage) {
      env.serving = false;
      if (env.problem) this.log.error({ env: env.name }, `${env.name}: not served: ${env.problem}`);
      return;
    }
    try {
      const report = await checkSchema(env.db);
      const was = env.serving;
      env.serving = report.ok;
      env.problem = report.ok ? undefined : describeSchemaReport(env.name, report);
      if (!report.ok) this.log.error({ env: env.name, ...report }, env.problem!);
      else if (!was) this.log.info({ env: env.name }, `${env.name}: schema complete, serving`);
    } catch (err) {
      env.serving = false;
      env.problem = `${env.name}: database unreachable: ${coerceError(err).message}`;
      this.log.error({ env: env.name, err }, env.problem);
    }
  }

  /** Recover expired leases, pass cadastral plans through, re-check environments that were not serving. */
  private async maintain(): Promise<void> {
    for (const env of this.envs) {
      if (!env.serving) await this.checkEnv(env);
      if (!env.serving) continue;
      try {
        const r = await recoverStale(env.db, this.config.leaseMs);
        if (r.requeued.length || r.failed.length || r.exhaustedAtReady.length) this.log.warn({ env: env.name, ...r }, 'recovered stale documents');
        await pruneDeadWorkers(env.db);
        await pruneDeadPauses(env.db).catch(() => undefined);
        const plans = await skipPlans(env.db);
        if (plans.length) this.log.info({ env: env.name, count: plans.length }, 'cadastral plans marked done without OCR');
      } catch (err) {
        this.log.warn({ env: env.name, err }, 'maintenance failed (database unavailable?)');
      }
    }
  }

  private async rebalance(): Promise<void> {
    const depth = { index: 0, acte: 0 };
    for (const env of this.envs.filter((e) => e.serving)) {
      try {
        const d = await readyDepth(env.db);
        depth.index += d.index ?? 0;
        depth.acte += d.acte ?? 0;
      } catch (err) {
        this.log.warn({ env: env.name, err }, 'could not read queue depth');
      }
    }
    const target = allocate({
      poolSize: this.config.poolSize,
      minIndex: this.config.minIndexWorkers,
      minActe: this.config.minActeWorkers,
      depth,
      capacity: this.capacity?.workers,
      secondsPerDocument: { index: this.costs.get('index').secondsPerDocument, acte: this.costs.get('acte').secondsPerDocument },
      previous: this.allocation,
    });
    if (this.options.fixedModes) target.active = this.slots.length || this.config.poolSize;
    this.allocation = target;
    if (this.slots.length && !this.options.fixedModes) {
      const modes = assignModes(this.slots.map((s) => s.mode), target);
      modes.forEach((m, i) => {
        const s = this.slots[i]!;
        if (s.mode !== m) {
          s.mode = m;
          s.poke();
        }
      });
    }
    this.log.info(
      { depth, allocation: { index: target.index, acte: target.acte, active: target.active }, capacity: this.capacity, reason: target.reason },
      `allocation: ${target.reason}`,
    );
    // Slots that were parked and may run again wake up now rather than at their next poll.
    this.slots.forEach((s) => this.mayClaim(s) && s.poke());
  }

  private async measureCapacity(): Promise<void> {
    const sample = await (this.options.sampleHost ?? sampleHost)();
    this.hostSample = sample;
    const busy = this.slots.filter((s) => s.job).length;
    const next = decideCapacity({
      poolSize: this.config.poolSize,
      ...sample,
      reserveCpuPercent: this.config.reserveCpuPercent,
      reserveRamPercent: this.config.reserveRamPercent,
      busy,
      memoryMbPerWorker: MEMORY_MB_PER_WORKER,
    });
    const changed = next.workers !== this.capacity?.workers;
    this.capacity = next;
    if (changed && this.allocation && !this.options.fixedModes) {
      // Park or resume at once: waiting for the next rebalance could mean 30 s over the reserve.
      this.log.info({ capacity: next, host: sample }, `capacity ${next.workers}/${this.config.poolSize}: ${next.reason}`);
      await this.rebalance();
    }
  }

  /** One line a minute: what the pool decided and why, who does what, limiter and capacity. */
  logStatus(): void {
    const byModeState: Record<string, number> = {};
    for (const s of this.slots) {
      const state = s.job ? 'busy' : this.mayClaim(s) ? s.state : 'parked';
      byModeState[`${s.mode}:${state}`] = (byModeState[`${s.mode}:${state}`] ?? 0) + 1;
    }
    this.log.info(
      {
        allocation: this.allocation,
        workers: byModeState,
        inFlight: this.slots.filter((s) => s.job).map((s) => ({ env: s.job!.claim.env, id: s.job!.claim.id, progress: `${s.job!.progress.page}/${s.job!.progress.pages}` })),
        limiter: { kind: this.limiter.kind, ...this.limiter.counters },
        ...(this.pauses().length ? { storagePaused: this.pauses().map((p) => ({ env: p.env, reason: p.reason, since: p.since })) } : {}),
        capacity: this.capacity,
        host: this.hostSample && { cpuUsedPercent: Math.round(this.hostSample.cpuUsedPercent), freeRamMb: Math.round(this.hostSample.freeRamMb) },
        stats: this.stats,
        costs: { index: this.costs.get('index'), acte: this.costs.get('acte') },
      },
      'status',
    );
  }
}
