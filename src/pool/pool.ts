/**
 * The worker pool of one host: environments (a Postgres pool, a storage and a schema state each), N worker
 * slots each with its own OCR thread, a maintenance loop (stale-lease recovery, cadastral plans, schema
 * re-checks), a rebalance loop that sets each slot's preferred mode, and a storage circuit breaker per
 * environment (storage-breaker.ts: claiming pauses while its storage fails as a whole, probed on a
 * backoff, resumed by itself). Shutdown is staged and bounded:
 * stop claiming, let running jobs finish within the budget, hand the rest back (6 → 3).
 */
import os from 'node:os';
import type { Config } from '../config';
import { describeUrl } from '../config';
import { claimOrder } from './claim-order';
import { createRateLimiter, type RateLimiter } from '../limiter';
import type { Logger } from '../logger';
import type { OcrMode } from '../ocr/types';
import { claim } from '../queue/claim';
import { readyDepth } from '../queue/depth';
import { release } from '../queue/release';
import type { Claim } from '../queue/types';
import type { WorkerRecord } from '../queue/workers';
import { allocate, assignModes, type Allocation } from './allocator';
import { pastBudget, type TimeBudgets } from './budget';
import { CostModel, decideCapacity, MEMORY_MB_PER_WORKER, sampleHost, type Capacity, type HostSample } from './capacity';
import { checkEnvironment, closeEnvironments, openEnvironments, type EnvRuntime } from './environments';
import { Job, STAGES, type JobDeps, type JobOutcome, type StageMs } from './job';
import { maintain, maintenanceIntervalMs } from './maintenance';
import type { OcrThread } from './ocr-thread-host';
import { Periodic } from './periodic';
import { PoolRegistry, REGISTRY_INTERVAL_MS } from './registry';
import { drainSlots } from './shutdown';
import { StoragePauses } from './storage-pauses';
import { WorkerSlot, type SlotHost } from './worker-slot';

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
  private readonly periodic: Periodic;
  private stopping: Promise<void> | undefined;
  private readonly host = os.hostname();
  private readonly pauses: StoragePauses;
  private readonly registry: PoolRegistry;

  constructor(
    readonly config: Config,
    private readonly log: Logger,
    private readonly options: PoolOptions = {},
  ) {
    this.pollIntervalMs = config.pollIntervalMs;
    this.envs = openEnvironments(config, log);
    this.periodic = new Periodic(log);
    this.pauses = new StoragePauses(this.envs, config, { changed: (env) => this.registry.publishPause(env), resumed: () => this.slots.forEach((s) => s.poke()) }, log);
    this.registry = new PoolRegistry(this.envs, { poolId: `${this.host}:${process.pid}`, host: this.host, pid: process.pid }, (e) => this.pauses.pauseOf(e), log);
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
    await Promise.all(this.envs.map((e) => checkEnvironment(e, this.log)));
    const modes = assignModes(
      Array.from({ length: this.config.poolSize }, (_, i): OcrMode => (i % 2 === 0 ? 'index' : 'acte')),
      allocate({ poolSize: this.config.poolSize, minIndex: this.config.minIndexWorkers, minActe: this.config.minActeWorkers, depth: { index: 0, acte: 0 } }),
    );
    if (this.options.fixedModes) {
      // Baseline: minimums first, then alternate; never changed afterwards.
      for (let i = 0; i < modes.length; i++) modes[i] = i < this.config.minIndexWorkers ? 'index' : i < this.config.minIndexWorkers + this.config.minActeWorkers ? 'acte' : i % 2 === 0 ? 'index' : 'acte';
    }
    for (let i = 0; i < this.config.poolSize; i++) {
      const id = `${this.host}:${process.pid}:w${i}`;
      this.slots.push(
        new WorkerSlot(
          id,
          modes[i]!,
          this,
          { langs: this.config.langs, dpi: this.config.dpi, initTimeoutMs: 120_000, maxMemoryMb: this.config.workerMaxMemoryMb, budgets: this.budgets },
          this.log.child({ workerId: id }),
        ),
      );
    }
    await maintain(this.envs, this.config.leaseMs, this.log);
    await this.measureCapacity();
    await this.rebalance();
    // Engines load in parallel: each takes a few seconds to read its language models.
    await Promise.all(this.slots.map((s) => s.start()));
    this.periodic.every(maintenanceIntervalMs(this.config.leaseMs), () => maintain(this.envs, this.config.leaseMs, this.log));
    if (!this.options.fixedModes) this.periodic.every(this.config.rebalanceIntervalMs, () => this.rebalance());
    this.periodic.every(CAPACITY_INTERVAL_MS, () => this.measureCapacity());
    this.periodic.every(STATUS_INTERVAL_MS, async () => this.logStatus());
    this.periodic.every(1_000, () => this.pauses.probe());
    await this.publishRegistry();
    this.periodic.every(REGISTRY_INTERVAL_MS, () => this.publishRegistry());
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
    const open = this.envs.filter((e) => e.serving && !this.pauses.pauseOf(e.name)).map((e) => e.name);
    for (const { env: name, source } of claimOrder({ open, tick: this.tick++, mode: slot.mode, workConserving: !this.options.fixedModes })) {
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
            storageGate: this.pauses.gate(env, c.id),
          }),
      };
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
    this.periodic.stop();
    await drainSlots(this.slots, this.config.shutdownTimeoutMs, this.log);
    await this.periodic.settled();
    // Each clean-up step on its own: one failing must not skip the others (BullMQ's close()).
    await this.registry.remove(this.slots.map((x) => x.id));
    await this.limiter?.stop().catch((err) => this.log.warn({ err }, 'limiter stop failed'));
    await closeEnvironments(this.envs, this.log);
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
    await this.registry.publish(this.workers());
  }

  /** The environments whose claiming is paused, and why. */
  storagePauses(): { env: string; reason: string; message: string; since: Date; nextProbeAt: Date }[] {
    return this.envs.flatMap((e) => {
      const p = this.pauses.pauseOf(e.name);
      return p ? [{ env: e.name, reason: p.reason, message: p.message, since: new Date(p.since), nextProbeAt: new Date(p.nextProbeAt) }] : [];
    });
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
        ...(this.storagePauses().length ? { storagePaused: this.storagePauses().map((p) => ({ env: p.env, reason: p.reason, since: p.since })) } : {}),
        capacity: this.capacity,
        host: this.hostSample && { cpuUsedPercent: Math.round(this.hostSample.cpuUsedPercent), freeRamMb: Math.round(this.hostSample.freeRamMb) },
        stats: this.stats,
        costs: { index: this.costs.get('index'), acte: this.costs.get('acte') },
      },
      'status',
    );
  }
}
