/**
 * The worker pool of one host, assembled: its environments (environments.ts), N worker slots each with
 * its own OCR thread (worker-slot.ts), the claim order they follow (claiming.ts), the supervisor loop that
 * sets their modes and parks them (supervisor.ts), maintenance (maintenance.ts), the storage breaker of
 * each environment (storage-pauses.ts) and what it publishes in Postgres (registry.ts). Others read it
 * through `snapshot()`. Shutdown is staged and bounded: stop claiming, let running jobs finish within the
 * budget, hand the rest back (6 → 3).
 */
import os from 'node:os';
import type { Config } from '../config';
import { describeUrl } from '../config';
import { limiterFromConfig, type RateLimiter } from '../limiter';
import type { Logger } from '../logger';
import { DEFAULT_SECONDARY_IDLE_MS, SharedRecognizer } from '../ocr/shared-recognizer';
import { parseLangs } from '../ocr/language-data';
import type { Claim } from '../queue/types';
import { SUPERVISED, type AllocationPolicy } from './allocator';
import type { TimeBudgets } from './budget';
import { sampleHost, type HostSample } from './capacity';
import { Claiming } from './claiming';
import { checkEnvironment, closeEnvironments, openEnvironments, type EnvRuntime } from './environments';
import type { JobDeps, JobOutcome, StageMs } from './job';
import { maintain, maintenanceIntervalMs } from './maintenance';
import { Periodic } from './periodic';
import { PoolRegistry, REGISTRY_INTERVAL_MS, workerRecords } from './registry';
import { drainSlots } from './shutdown';
import { STATUS_LINE_INTERVAL_MS, statusLine, takeSnapshot, type PoolSnapshot } from './snapshot';
import { SearchableOutput } from './searchable-output';
import { countOutcome, emptyStats } from './stats';
import { modeOf } from './source-mode';
import { StoragePauses } from './storage-pauses';
import { CAPACITY_INTERVAL_MS, Supervisor } from './supervisor';
import type { LentPage } from './page-share';
import { WorkerSlot, type SlotHost } from './worker-slot';
import { buildSharedWordList } from './word-list';

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

export class WorkerPool {
  private readonly envs: EnvRuntime[];
  private readonly slots: WorkerSlot[] = [];
  private readonly stats = emptyStats();
  private readonly supervisor: Supervisor;
  private readonly pauses: StoragePauses;
  private readonly registry: PoolRegistry;
  private readonly claiming: Claiming;
  /** What the slots ask of the pool. */
  private readonly slotHost: SlotHost;
  private readonly periodic: Periodic;
  private limiter: RateLimiter | undefined;
  private stopping: Promise<void> | undefined;
  /** The all-languages recogniser the OCR threads share (src/ocr/shared-recognizer.ts); none with one language. */
  private shared: SharedRecognizer | undefined;
  private readonly host = os.hostname();
  private readonly budgets: TimeBudgets;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    private readonly options: PoolOptions = {},
  ) {
    const policy = options.policy ?? SUPERVISED;
    this.budgets = { pageMs: config.pageTimeoutMs, documentMs: config.documentTimeoutMs };
    this.envs = openEnvironments(config, log);
    this.periodic = new Periodic(log);
    this.supervisor = new Supervisor(config, this.envs, this.slots, policy, options.sampleHost ?? sampleHost, log);
    this.pauses = new StoragePauses(this.envs, config, { changed: (env) => this.registry.publishPause(env), resumed: () => this.poke() }, log);
    this.registry = new PoolRegistry(this.envs, { poolId: `${this.host}:${process.pid}`, host: this.host, pid: process.pid }, (e) => this.pauses.pauseOf(e), log);
    this.slotHost = {
      pollIntervalMs: config.pollIntervalMs,
      claimNext: (slot) => this.claiming.next(slot),
      releaseClaim: (c) => this.claiming.release(c),
      mayClaim: (slot) => this.supervisor.mayClaim(slot),
      lendPage: (slot) => this.lendPage(slot),
      onOutcome: (_slot, outcome, c) => this.countOutcome(outcome, c),
    };
    // One writer for the pool: it logs a failing storage's cause once, whatever document meets it.
    const searchable = config.searchablePdfPath ? new SearchableOutput({ template: config.searchablePdfPath }, log.child({ component: 'searchable-pdf' })) : undefined;
    this.claiming = new Claiming({ config, envs: this.envs, pauses: this.pauses, limiter: () => this.limiter!, budgets: this.budgets, onProgress: options.onProgress, onPage: (o) => this.stats.pageOutcomes[o]++, helpWanted: () => this.poke(), workConserving: policy.workConserving, searchable }, log);
  }

  /** Check every environment, start every worker; resolves when the pool serves (or has nothing to serve yet). */
  async start(): Promise<void> {
    const { config, log } = this;
    this.limiter = this.options.limiter ?? (await limiterFromConfig(config, log.child({ component: 'limiter' })));
    log.info(
      {
        environments: config.environments.map((e) => ({ env: e.name, db: describeUrl(e.databaseUrl) })),
        storage: this.envs.map((e) => ({ env: e.name, storage: e.storage?.describe() ?? null })),
        poolSize: config.poolSize,
        limiter: this.limiter.kind,
      },
      'starting OCR pool',
    );
    if (this.envs.length === 0) log.warn('no environment enabled: set DEV_DATABASE_URL, STAGING_DATABASE_URL or PROD_DATABASE_URL');
    await Promise.all(this.envs.map((e) => checkEnvironment(e, log)));
    // One all-languages recogniser for every thread (routed pages, second opinions), not one each.
    if (parseLangs(config.langs).length > 1) {
      this.shared = new SharedRecognizer({ langs: config.langs, timeoutMs: 120_000, idleMs: DEFAULT_SECONDARY_IDLE_MS, recognizeTimeoutMs: this.budgets.pageMs });
    }
    const wordTables = await buildSharedWordList(120_000).catch((err) => {
      log.warn({ err }, 'the shared French word list could not be built: each OCR thread builds its own');
      return undefined;
    });
    const threadOptions = { langs: config.langs, dpi: config.dpi, initTimeoutMs: 120_000, maxMemoryMb: config.workerMaxMemoryMb, budgets: this.budgets, shared: this.shared, wordTables };
    this.supervisor.initialModes().forEach((mode, i) => {
      const id = `${this.host}:${process.pid}:w${i}`;
      this.slots.push(new WorkerSlot(id, mode, this.slotHost, threadOptions, log.child({ workerId: id })));
    });
    await maintain(this.envs, config.leaseMs, log, config.pageRowsKeepDays);
    await this.supervisor.measureCapacity();
    await this.supervisor.rebalance();
    // Engines load in parallel: each takes a few seconds to read its language models.
    await Promise.all(this.slots.map((s) => s.start()));
    this.periodic.every(maintenanceIntervalMs(config.leaseMs), () => maintain(this.envs, config.leaseMs, log, config.pageRowsKeepDays));
    this.periodic.every(config.rebalanceIntervalMs, () => this.supervisor.rebalance());
    this.periodic.every(CAPACITY_INTERVAL_MS, () => this.supervisor.measureCapacity());
    this.periodic.every(STATUS_LINE_INTERVAL_MS, async () => log.info(statusLine(this.snapshot()), 'status'));
    this.periodic.every(1_000, () => this.pauses.probe());
    await this.publishRegistry();
    this.periodic.every(REGISTRY_INTERVAL_MS, () => this.publishRegistry());
    log.info({ workers: this.slots.map((s) => ({ id: s.id, mode: s.mode })), node: process.version }, 'OCR pool serving');
  }

  /** A read-only picture of the pool now (plain data, a fresh copy each call). */
  snapshot(): PoolSnapshot {
    const { allocation, capacity, hostSample, costs } = this.supervisor;
    const { host, slots, envs, stats, limiter, budgets } = this;
    return takeSnapshot({ host, pid: process.pid, slots, mayClaim: (s) => this.supervisor.mayClaim(s), envs, pauseOf: (e) => this.pauses.pauseOf(e), stats, limiter, allocation, capacity, hostSample, costs, budgets });
  }

  /** New work announced: idle slots look for it now rather than at their next poll. */
  /** A page of a document another slot is reading, for `slot` (idle, nothing to claim) to read. */
  private lendPage(slot: WorkerSlot): LentPage | undefined {
    for (const s of this.slots) {
      const lent = s !== slot ? s.job?.lendPage() : undefined;
      if (lent) return lent;
    }
    return undefined;
  }

  poke(): void {
    for (const s of this.slots) s.poke();
  }

  private countOutcome(outcome: JobOutcome, c: Claim): void {
    countOutcome(this.stats, outcome);
    if (outcome.kind !== 'completed') return;
    this.supervisor.costs.record(modeOf(c.documentSource), { pages: outcome.pages, ms: outcome.ms });
    this.options.onStages?.(outcome.stages, outcome.pages, c);
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
    await this.shared?.terminate().catch((err) => this.log.warn({ err }, 'stopping the shared recogniser failed'));
    await this.limiter?.stop().catch((err) => this.log.warn({ err }, 'limiter stop failed'));
    await closeEnvironments(this.envs, this.log);
    this.log.info({ stats: this.stats }, 'OCR pool stopped');
  }

  private publishRegistry(): Promise<void> {
    return this.registry.publish(workerRecords(this.snapshot()));
  }
}
