/**
 * What the pool process adds to the status server: the live publisher fed by the pool's progress hook,
 * the pool-only metrics, the readiness of its workers, and its allocation shared through Redis.
 * A status server that cannot start (port taken) is logged and skipped: OCR goes on without it.
 */
import os from 'node:os';
import type Redis from 'ioredis';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { JobDeps } from '../pool/job';
import type { PoolOptions, WorkerPool } from '../pool/pool';
import { ProgressPublisher } from '../progress/publisher';
import { publishAllocation, removeAllocation } from './allocation';
import { PoolMetrics } from './pool-metrics';
import { StatusServer } from './server';

const ALLOCATION_INTERVAL_MS = 5_000;

/** What the status reads of the pool: its snapshot, nothing live. */
export type PoolView = Pick<WorkerPool, 'snapshot'>;

export interface PoolStatus {
  /** Give this to the pool as `PoolOptions.onProgress`. */
  readonly onProgress: NonNullable<JobDeps['onProgress']>;
  /** Give this to the pool as `PoolOptions.onStages`. */
  readonly onStages: NonNullable<PoolOptions['onStages']>;
  /** Start the HTTP server (before the pool starts, so /healthz answers and /readyz says "starting"). */
  start(pool: PoolView): Promise<void>;
  /** After the pool has stopped: close the server, flush the publisher. */
  stop(): Promise<void>;
  readonly server: StatusServer;
  readonly publisher: ProgressPublisher;
}

export function createPoolStatus(config: Config, log: Logger): PoolStatus {
  let pool: PoolView | undefined;
  const publisher = new ProgressPublisher(
    config.environments.map((e) => ({ name: e.name, databaseUrl: e.databaseUrl })),
    config.redisUrl,
    log.child({ component: 'progress' }),
    undefined,
    { commandTimeoutMs: config.redisCommandTimeoutMs },
  );
  const server = new StatusServer({
    config,
    log,
    pool: {
      workersStarted() {
        const snap = pool?.snapshot();
        const slots = snap?.slots ?? [];
        const starting = slots.filter((s) => s.state === 'starting').length;
        const stopping = slots.filter((s) => s.state === 'stopping' || s.state === 'stopped').length;
        const parked = slots.filter((s) => s.state === 'parked').length;
        const dead = slots.filter((s) => s.state === 'dead').length;
        // A document past its time budget means a worker that should have been freed is not: not ready.
        const over = snap?.overBudget ?? [];
        const ok = slots.length > 0 && starting === 0 && dead === 0 && stopping < slots.length && over.length === 0;
        const detail = `${slots.length} worker(s): ${starting} starting, ${parked} parked (host headroom), ${dead} dead (restarting), ${stopping} stopping`;
        if (over.length === 0) return { ok, detail };
        return { ok, detail: `${detail}; ${over.map((o) => `${o.workerId} document ${o.documentId} ${o.reason}`).join('; ')}` };
      },
    },
  });
  const metrics = new PoolMetrics(server.registry, () => pool?.snapshot(), publisher);
  const poolId = `${os.hostname()}:${process.pid}`;
  const redis: Redis | undefined = server.redis;
  let allocationTimer: NodeJS.Timeout | undefined;

  const shareAllocation = async () => {
    const snap = pool?.snapshot();
    const a = snap?.allocation;
    if (redis?.status !== 'ready' || !a) return;
    await publishAllocation(redis, {
      poolId,
      host: os.hostname(),
      pid: process.pid,
      index: a.index,
      acte: a.acte,
      active: typeof a.active === 'number' ? a.active : null,
      reason: typeof a.reason === 'string' ? a.reason : null,
      capacity: snap?.capacity ?? null,
      at: new Date().toISOString(),
    }).catch((err) => log.debug({ err }, 'could not share the allocation'));
  };

  return {
    server,
    publisher,
    onProgress(claim, p, saved) {
      metrics.observe(claim, p);
      if (p.stage === 'done' || p.stage === 'failed') publisher.committed(claim.env, claim.id);
      else saved?.then((ok) => ok && publisher.committed(claim.env, claim.id));
    },
    onStages(stages, pages) {
      metrics.observeStages(stages, pages);
    },
    async start(p) {
      pool = p;
      try {
        await server.start();
      } catch (err) {
        log.error({ err, host: config.httpHost, port: config.httpPort }, 'status server could not start (OCR_HTTP_PORT in use?); the pool runs without it');
      }
      allocationTimer = setInterval(() => void shareAllocation(), ALLOCATION_INTERVAL_MS);
      allocationTimer.unref();
    },
    async stop() {
      clearInterval(allocationTimer);
      if (redis?.status === 'ready') await removeAllocation(redis, poolId).catch(() => undefined);
      await publisher.stop().catch(() => undefined);
      await server.stop().catch((err) => log.warn({ err }, 'status server stop failed'));
    },
  };
}
