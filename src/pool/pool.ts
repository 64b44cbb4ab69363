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
import { createRateLimiter, type RateLimiter } from '../limiter';
import type { Logger } from '../logger';
import type { Claim } from '../queue/types';
import type { WorkerRecord } from '../queue/workers';
import { SUPERVISED, type AllocationPolicy } from './allocator';
import { pastBudget, type TimeBudgets } from './budget';
import { sampleHost, type HostSample } from './capacity';
import { Claiming, type Claimed } from './claiming';
import { checkEnvironment, closeEnvironments, openEnvironments, type EnvRuntime } from './environments';
import { STAGES, type JobDeps, type JobOutcome, type StageMs } from './job';
import { maintain, maintenanceIntervalMs } from './maintenance';
import { Periodic } from './periodic';
import { PoolRegistry, REGISTRY_INTERVAL_MS } from './registry';
import { drainSlots } from './shutdown';
import { StoragePauses } from './storage-pauses';
import { CAPACITY_INTERVAL_MS, Supervisor } from './supervisor';
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
  /** How the supervisor allocates workers to modes. Default: `SUPERVISED` (`allocate`); benchmarks pass a baseline. */
  policy?: AllocationPolicy;
  /** Host sampler (tests inject a busy host). Default: os-utils. */
  sampleHost?: () => Promise<HostSample>;
}

/** How often the status line is logged. */
const STATUS_INTERVAL_MS = 60_000;

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
  private readonly supervisor: Supervisor;
  private readonly claiming: Claiming;
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
    const policy = options.policy ?? SUPERVISED;
    this.supervisor = new Supervisor(config, this.envs, this.slots, policy, options.sampleHost ?? sampleHost, log);
    this.pauses = new StoragePauses(this.envs, config, { changed: (env) => this.registry.publishPause(env), resumed: () => this.slots.forEach((s) => s.poke()) }, log);
    this.registry = new PoolRegistry(this.envs, { poolId: `${this.host}:${process.pid}`, host: this.host, pid: process.pid }, (e) => this.pauses.pauseOf(e), log);
    this.claiming = new Claiming({ config, envs: this.envs, pauses: this.pauses, limiter: () => this.limiter, budgets: this.budgets, onProgress: options.onProgress, workConserving: policy.workConserving }, log);
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
    const modes = this.supervisor.initialModes();
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
    await this.supervisor.measureCapacity();
    await this.supervisor.rebalance();
    // Engines load in parallel: each takes a few seconds to read its language models.
    await Promise.all(this.slots.map((s) => s.start()));
    this.periodic.every(maintenanceIntervalMs(this.config.leaseMs), () => maintain(this.envs, this.config.leaseMs, this.log));
    this.periodic.every(this.config.rebalanceIntervalMs, () => this.supervisor.rebalance());
    this.periodic.every(CAPACITY_INTERVAL_MS, () => this.supervisor.measureCapacity());
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

  get allocation() {
    return this.supervisor.allocation;
  }

  get capacity() {
    return this.supervisor.capacity;
  }

  get hostSample() {
    return this.supervisor.hostSample;
  }

  get costs() {
    return this.supervisor.costs;
  }

  claimNext(slot: WorkerSlot): Promise<Claimed | null> {
    return this.claiming.next(slot);
  }

  /** Parked slots (beyond the host's capacity) take no new job; a running job is never interrupted. */
  mayClaim(slot: WorkerSlot): boolean {
    return this.supervisor.mayClaim(slot);
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

  releaseClaim(c: Claim): Promise<void> {
    return this.claiming.release(c);
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
