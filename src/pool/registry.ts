/**
 * What this pool shows the other processes through each served environment's Postgres (check-ocr-queue,
 * the status server and the deploy script read Postgres only): its workers (ocr_workers, refreshed well
 * inside their TTL) and its storage pauses (ocr_storage_pauses).
 */
import type { EnvName } from '../config';
import type { Logger } from '../logger';
import { clearPause, publishPause } from '../queue/pauses';
import { publishWorkers, removeWorkers, type WorkerRecord } from '../queue/workers';
import type { EnvRuntime } from './environments';
import type { PoolSnapshot } from './snapshot';
import type { Pause } from './storage-breaker';

/** How often the worker registry is refreshed; well inside its TTL (queue/workers.ts). */
export const REGISTRY_INTERVAL_MS = 5_000;

export interface PoolIdentity {
  /** host:pid, the key of this pool's pause rows. */
  poolId: string;
  host: string;
  pid: number;
}

/** This pool's workers as the registry shows them. */
export function workerRecords(snapshot: PoolSnapshot): WorkerRecord[] {
  return snapshot.slots.map((s) => ({
    workerId: s.id,
    host: snapshot.host,
    pid: snapshot.pid,
    mode: s.mode,
    state: s.state,
    documentId: s.job?.documentId ?? null,
    progress: s.job ? { env: s.job.env, ...s.job.progress } : null,
    jobsDone: s.jobsDone,
  }));
}

export class PoolRegistry {
  /** Environments where this pool's pause row exists (so a resume deletes it). */
  private readonly pausePublished = new Set<EnvName>();
  private readonly pauseWriteWarned = new Set<EnvName>();

  constructor(
    private readonly envs: readonly EnvRuntime[],
    private readonly id: PoolIdentity,
    private readonly pauseOf: (env: EnvName) => Pause | null,
    private readonly log: Logger,
  ) {}

  /** Upsert the workers, and refresh the pauses, in every served environment. */
  async publish(workers: WorkerRecord[]): Promise<void> {
    for (const env of this.envs.filter((e) => e.serving)) {
      await publishWorkers(env.db, workers).catch((err) => this.log.warn({ err, env: env.name }, 'could not publish workers'));
      await this.publishPause(env);
    }
  }

  /** Make the pause (or its end) visible to check-ocr-queue and the status server, which read Postgres only. */
  async publishPause(env: EnvRuntime): Promise<void> {
    if (!env.serving) return;
    const p = this.pauseOf(env.name);
    try {
      if (p) {
        await publishPause(env.db, { poolId: this.id.poolId, host: this.id.host, pid: this.id.pid, reason: p.reason, message: p.message, since: new Date(p.since), nextProbeAt: new Date(p.nextProbeAt) });
        this.pausePublished.add(env.name);
      } else if (this.pausePublished.has(env.name)) {
        await clearPause(env.db, this.id.poolId);
        this.pausePublished.delete(env.name);
      }
    } catch (err) {
      // Once per environment: a database without the ocr_storage_pauses table (migration 5 not run) would say it every 5 s.
      if (!this.pauseWriteWarned.has(env.name)) this.log.warn({ err, env: env.name }, 'could not record the storage pause in ocr_storage_pauses (run `npm run migrate`?)');
      this.pauseWriteWarned.add(env.name);
    }
  }

  /** At shutdown: take this pool's workers and pauses out of every served environment. */
  async remove(workerIds: string[]): Promise<void> {
    for (const e of this.envs.filter((x) => x.serving)) {
      await removeWorkers(e.db, workerIds).catch((err) => this.log.warn({ err, env: e.name }, 'could not remove workers from the registry'));
      if (this.pausePublished.has(e.name)) await clearPause(e.db, this.id.poolId).catch(() => undefined);
    }
  }
}
