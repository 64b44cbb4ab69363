/**
 * The pool as others may see it: one read-only, plain-data picture taken on demand. The status server's
 * readiness and metrics, the worker registry, the status log line, the demo and the benchmarks read it;
 * nothing outside the pool reads its live objects.
 */
import type { EnvName } from '../config';
import type { LimiterCounters, RateLimiter } from '../limiter/types';
import type { OcrMode } from '../ocr/types';
import type { Progress } from '../queue/progress';
import type { Allocation } from './allocator';
import { pastBudget, type TimeBudgets } from './budget';
import type { Capacity, CostModel, HostSample, ModeCost } from './capacity';
import type { EnvRuntime } from './environments';
import { copyStats, type PoolStats } from './stats';
import type { Pause } from './storage-breaker';
import type { SlotState, WorkerSlot } from './worker-slot';

export interface SlotSnapshot {
  readonly id: string;
  readonly mode: OcrMode;
  readonly state: SlotState;
  /** False while the slot is parked (beyond the host's capacity): it takes no new job. */
  readonly mayClaim: boolean;
  readonly jobsDone: number;
  /** Pages it read for documents other slots hold (idle workers help), since the pool started. */
  readonly pagesHelped?: number;
  readonly job: { readonly env: EnvName; readonly documentId: string; readonly progress: Readonly<Progress> } | null;
}

export interface EnvSnapshot {
  readonly name: EnvName;
  readonly serving: boolean;
  readonly problem: string | null;
  /** Claiming from it is paused while its storage fails as a whole. */
  readonly pause: { readonly reason: string; readonly message: string; readonly since: Date; readonly nextProbeAt: Date } | null;
}

export interface OverBudget {
  readonly workerId: string;
  readonly documentId: string;
  readonly reason: string;
}

export interface PoolSnapshot {
  readonly host: string;
  readonly pid: number;
  readonly slots: readonly SlotSnapshot[];
  readonly stats: Readonly<PoolStats>;
  /** The rate limiter calls go through, once the pool has started. */
  readonly limiter: { readonly kind: RateLimiter['kind']; readonly counters: Readonly<LimiterCounters> } | undefined;
  /** The allocation in force (undefined before the first rebalance). */
  readonly allocation: Readonly<Allocation> | undefined;
  readonly capacity: Readonly<Capacity> | undefined;
  readonly hostSample: Readonly<HostSample> | undefined;
  readonly costs: Readonly<Record<OcrMode, ModeCost>>;
  readonly environments: readonly EnvSnapshot[];
  /** Running documents past their time budget by more than 10 s (their thread should have been stopped). */
  readonly overBudget: readonly OverBudget[];
}

/** What a snapshot is taken from: the pool's live parts. */
export interface SnapshotSources {
  host: string;
  pid: number;
  slots: readonly WorkerSlot[];
  mayClaim(slot: WorkerSlot): boolean;
  envs: readonly EnvRuntime[];
  pauseOf(env: EnvName): Pause | null;
  stats: PoolStats;
  limiter: RateLimiter | undefined;
  allocation: Allocation | undefined;
  capacity: Capacity | undefined;
  hostSample: HostSample | undefined;
  costs: CostModel;
  budgets: TimeBudgets;
}

const BUDGET_GRACE_MS = 10_000;

export function takeSnapshot(src: SnapshotSources, now = Date.now()): PoolSnapshot {
  const overBudget: OverBudget[] = [];
  for (const s of src.slots) {
    const clock = s.job?.clock;
    if (!s.job || !clock) continue;
    const reason = pastBudget(clock, src.budgets, now, BUDGET_GRACE_MS);
    if (reason) overBudget.push({ workerId: s.id, documentId: s.job.claim.id, reason });
  }
  return {
    host: src.host,
    pid: src.pid,
    slots: src.slots.map((s) => ({
      id: s.id,
      mode: s.mode,
      state: s.state,
      mayClaim: src.mayClaim(s),
      jobsDone: s.jobsDone,
      pagesHelped: s.pagesHelped,
      job: s.job ? { env: s.job.claim.env, documentId: s.job.claim.id, progress: { ...s.job.progress } } : null,
    })),
    stats: copyStats(src.stats),
    limiter: src.limiter && { kind: src.limiter.kind, counters: { ...src.limiter.counters } },
    allocation: src.allocation && { ...src.allocation },
    capacity: src.capacity && { ...src.capacity },
    hostSample: src.hostSample && { ...src.hostSample },
    costs: { index: src.costs.get('index'), acte: src.costs.get('acte') },
    environments: src.envs.map((e) => {
      const p = src.pauseOf(e.name);
      return {
        name: e.name,
        serving: e.serving,
        problem: e.problem ?? null,
        pause: p && { reason: p.reason, message: p.message, since: new Date(p.since), nextProbeAt: new Date(p.nextProbeAt) },
      };
    }),
    overBudget,
  };
}

/** How often the pool logs its status line. */
export const STATUS_LINE_INTERVAL_MS = 60_000;

/** The status line logged once a minute: what the pool decided and why, who does what, limiter and capacity. */
export function statusLine(s: PoolSnapshot): Record<string, unknown> {
  const byModeState: Record<string, number> = {};
  for (const slot of s.slots) {
    const state = slot.job ? 'busy' : slot.mayClaim ? slot.state : 'parked';
    byModeState[`${slot.mode}:${state}`] = (byModeState[`${slot.mode}:${state}`] ?? 0) + 1;
  }
  const paused = s.environments.filter((e) => e.pause);
  return {
    allocation: s.allocation,
    workers: byModeState,
    inFlight: s.slots.flatMap((slot) => (slot.job ? [{ env: slot.job.env, id: slot.job.documentId, progress: `${slot.job.progress.page}/${slot.job.progress.pages}` }] : [])),
    limiter: s.limiter && { kind: s.limiter.kind, ...s.limiter.counters },
    ...(paused.length ? { storagePaused: paused.map((e) => ({ env: e.name, reason: e.pause!.reason, since: e.pause!.since })) } : {}),
    capacity: s.capacity,
    host: s.hostSample && { cpuUsedPercent: Math.round(s.hostSample.cpuUsedPercent), freeRamMb: Math.round(s.hostSample.freeRamMb) },
    stats: s.stats,
    costs: s.costs,
  };
}
