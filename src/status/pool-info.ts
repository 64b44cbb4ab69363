/**
 * GET /api/pool: the workers of every host (from the registry), the latest allocation and its reason
 * (from Redis when it is up), each environment's queue counts, throughput, ETA, chart and claim pauses
 * (src/queue/eta.ts decides the ETA), and the running documents.
 */
import type Redis from 'ioredis';
import { coerceError } from '../errors';
import type { LiveFeed } from '../progress/subscriber';
import { readAllocations, type HostAllocation } from './allocation';
import type { StatusRepo } from './repo';

export interface PoolInfoDeps {
  repo: StatusRepo;
  feed: LiveFeed;
  redis: Redis | undefined;
}

/** The body of GET /api/pool: every live worker, the allocation, each queue's counts, the running documents. */
export async function poolInfo(deps: PoolInfoDeps): Promise<Record<string, unknown>> {
  const [workers, allocations] = await Promise.all([deps.repo.workers(), publishedAllocations(deps.redis)]);
  const queue: Record<string, unknown> = {};
  const running: unknown[] = [];
  await Promise.all(
    deps.repo.envNames.map(async (env) => {
      try {
        const [counts, pace] = await Promise.all([deps.repo.queueCounts(env, 1_000), deps.repo.pace(env, 1_000)]);
        queue[env] = { counts, throughput: pace.throughput, eta: pace.eta, chart: pace.chart, pauses: pace.pauses };
        running.push(...(await deps.repo.running(env)));
      } catch (err) {
        queue[env] = { error: `database unavailable: ${coerceError(err).message}` };
      }
    }),
  );
  const workersByMode: Record<string, number> = {};
  for (const w of workers) workersByMode[w.mode] = (workersByMode[w.mode] ?? 0) + 1;
  return {
    generatedAt: new Date().toISOString(),
    workers: workers.map((w) => ({
      id: w.workerId,
      host: w.host,
      pid: w.pid,
      mode: w.mode,
      state: w.state,
      document: w.documentId ? { env: (w.progress?.env as string | undefined) ?? null, id: w.documentId } : null,
      progress: w.progress,
      jobsDone: w.jobsDone,
      startedAt: w.startedAt,
      heartbeatAt: w.heartbeatAt,
    })),
    allocation: {
      source: allocations ? 'redis' : 'registry',
      latest: allocations?.[0] ?? null,
      hosts: allocations ?? [],
      workersByMode,
    },
    queue,
    running,
    live: deps.feed.state(),
  };
}

/** The allocations every host published in Redis, or null when Redis is not there (the registry then speaks). */
async function publishedAllocations(redis: Redis | undefined): Promise<HostAllocation[] | null> {
  if (redis?.status !== 'ready') return null;
  return readAllocations(redis).catch(() => null);
}
