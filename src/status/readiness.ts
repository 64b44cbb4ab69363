/**
 * GET /readyz: the databases answer (and are migrated), the workers are started; paused environments
 * are named with their reason. Inside a pool process the pool's probe speaks for its workers; alone, the
 * registry and the documents past their time budget do.
 */
import type { ServerResponse } from 'node:http';
import type { Config } from '../config';
import type { LiveFeed } from '../progress/subscriber';
import { inFlightPastBudget } from '../check/health';
import { sendJson } from './http';
import { answerWithin, type StatusRepo } from './repo';

/** What the pool process tells its status server: whether its workers are up. */
export interface PoolProbe {
  workersStarted(): { ok: boolean; detail: string };
}

export interface ReadyzDeps {
  repo: StatusRepo;
  feed: LiveFeed;
  pool: PoolProbe | undefined;
  config: Partial<Pick<Config, 'pageTimeoutMs' | 'documentTimeoutMs'>>;
}

/** Answer GET /readyz: 200 when ready, 503 with what is missing otherwise. */
export async function readyz(res: ServerResponse, deps: ReadyzDeps): Promise<void> {
  const databases = Object.fromEntries(await Promise.all(deps.repo.envNames.map(async (e) => [e, await deps.repo.check(e)] as const)));
  let workers: { ok: boolean; detail: string };
  if (deps.pool) workers = deps.pool.workersStarted();
  else {
    const live = await answerWithin(deps.repo.workers(), 2_000, 'registry did not answer').catch(() => []);
    workers = { ok: live.length > 0, detail: `${live.length} live worker(s) in the registry` };
    // Alone, this server speaks for every host: a document past its time budget anywhere is a worker
    // that is not being freed. (Inside a pool, the probe above covers that pool's own documents.)
    const over = await pastBudget(deps);
    if (over.length > 0) workers = { ok: false, detail: `${workers.detail}; ${over.length} document(s) past their time budget: ${over.slice(0, 5).join('; ')}` };
  }
  const dbOk = deps.repo.envNames.length > 0 && Object.values(databases).every((d) => d.ok);
  const ready = dbOk && workers.ok;
  // A paused environment does not make this process unready (it serves the others, and resumes by
  // itself), but it is named here with its reason; check-ocr-queue counts it as unhealthy.
  const storagePaused: Record<string, { host: string; pid: number; reason: string; message: string; since: Date }[]> = {};
  await Promise.all(
    deps.repo.envNames.map(async (e) => {
      const list = await answerWithin(deps.repo.pauses(e), 2_000, 'pauses not read').catch(() => []);
      if (list.length) storagePaused[e] = list.map((p) => ({ host: p.host, pid: p.pid, reason: p.reason, message: p.message, since: p.since }));
    }),
  );
  sendJson(res, ready ? 200 : 503, { ready, databases, workers, storagePaused, live: deps.feed.state() });
}

/** The documents in flight past their page or document time budget, in every environment. */
async function pastBudget(deps: ReadyzDeps): Promise<string[]> {
  const { pageTimeoutMs, documentTimeoutMs } = deps.config;
  if (!pageTimeoutMs || !documentTimeoutMs) return [];
  const budgets = { pageMs: pageTimeoutMs, documentMs: documentTimeoutMs };
  const per = await Promise.all(
    deps.repo.envNames.map(async (env) => {
      const docs = await answerWithin(deps.repo.inFlight(env), 2_000, 'database did not answer').catch(() => []);
      return docs.flatMap((d) => {
        const why = inFlightPastBudget(d, budgets);
        return why ? [`${env} ${d.id} (${d.worker ?? '?'}) ${why}`] : [];
      });
    }),
  );
  return per.flat();
}
