/**
 * Everything the status server reads, from Postgres (one small pool per environment, separate from the
 * pool's own so that status traffic never takes a worker's connection) and, for the allocation, Redis.
 */
import type pg from 'pg';
import type { EnvName } from '../config';
import { createPool } from '../db/pg';
import { checkSchema, describeSchemaReport } from '../queue/schema';
import type { Logger } from '../logger';
import { readJobs, readRunningJobs, type JobStatus } from '../progress/job-status';
import { BLOCKED_KEY, statusKey } from '../queue/ready';
import { countWithBlocked } from '../queue/reads/counts';
import { readPage, type PageRead } from '../queue/reads/page';
import type { LiveEnv } from '../progress/publisher';
import { livePauses, type PauseRecord } from '../queue/pauses';
import { liveWorkers, type LiveWorker } from '../queue/workers';
import { readInFlight } from '../check/queries';
import { readSearchablePdf, type SearchablePdfRow } from '../queue/reads/searchable-pdf';
import { readPace } from '../check/operator';
import type { InFlightDocument } from '../check/types';
import { withTimeout } from '../util/timeout';

/** Rows per document_source × status. */
export type QueueCounts = { source: string; status: string; statusId: number; count: number }[];

export class StatusRepo {
  private readonly dbs = new Map<EnvName, pg.Pool>();
  private readonly countsCache = new Map<EnvName, { at: number; value: Promise<QueueCounts> }>();
  private readonly paceCache = new Map<EnvName, { at: number; value: ReturnType<typeof readPace> }>();

  constructor(
    readonly envs: LiveEnv[],
    log: Logger,
  ) {
    for (const e of envs) this.dbs.set(e.name, createPool(e.databaseUrl, log.child({ env: e.name }), { max: 4, application: 'ocr-pool-status' }));
  }

  has(env: string): env is EnvName {
    return this.dbs.has(env as EnvName);
  }

  get envNames(): EnvName[] {
    return [...this.dbs.keys()];
  }

  /** The environment's status connections, for the panel's reads and actions (src/check/operator.ts). */
  database(env: EnvName): pg.Pool {
    return this.db(env);
  }

  /** Throughput, ETA and pauses; `maxAgeMs` lets page polls and scrapes share one read. */
  pace(env: EnvName, maxAgeMs = 0): ReturnType<typeof readPace> {
    const hit = this.paceCache.get(env);
    if (hit && Date.now() - hit.at <= maxAgeMs) return hit.value;
    const value = readPace(this.db(env));
    this.paceCache.set(env, { at: Date.now(), value });
    value.catch(() => this.paceCache.delete(env));
    return value;
  }

  private db(env: EnvName): pg.Pool {
    const db = this.dbs.get(env);
    if (!db) throw new Error(`environment ${env} is not enabled`);
    return db;
  }

  jobs(env: EnvName, ids: string[]): Promise<JobStatus[]> {
    return readJobs(this.db(env), env, ids);
  }

  async job(env: EnvName, id: string): Promise<JobStatus | null> {
    return (await this.jobs(env, [id]))[0] ?? null;
  }

  /** Page `page` of a document, with why it has no row; null when there is no such document. */
  page(env: EnvName, id: string, page: number): Promise<PageRead | null> {
    return readPage(this.db(env), id, page);
  }

  /** Where the document's searchable PDF was written, or why not; null when there is no such document. */
  searchablePdf(env: EnvName, id: string): Promise<SearchablePdfRow | null> {
    return readSearchablePdf(this.db(env), id);
  }

  running(env: EnvName): Promise<JobStatus[]> {
    return readRunningJobs(this.db(env), env);
  }

  /** Documents at 6 (oldest 100), with where their OCR is and since when. */
  async inFlight(env: EnvName): Promise<InFlightDocument[]> {
    return (await readInFlight(this.db(env))).list;
  }

  /** Counts per source × status; `maxAgeMs` 0 reads now (metrics), more lets page polls share one read. */
  queueCounts(env: EnvName, maxAgeMs = 0): Promise<QueueCounts> {
    const hit = this.countsCache.get(env);
    if (hit && Date.now() - hit.at <= maxAgeMs) return hit.value;
    // Rows at 3 the pool cannot take now are 'blocked' (src/queue/reads/counts.ts).
    const value = countWithBlocked(this.db(env))
      .then((rows) => rows.map((x) => ({ source: x.document_source, status: x.blocked ? BLOCKED_KEY : statusKey(Number(x.status_id)), statusId: Number(x.status_id), count: x.n })));
    this.countsCache.set(env, { at: Date.now(), value });
    value.catch(() => this.countsCache.delete(env));
    return value;
  }

  /** Live workers of every host, from the registry of every environment (each pool writes to all of them). */
  async workers(): Promise<LiveWorker[]> {
    const byId = new Map<string, LiveWorker>();
    const results = await Promise.allSettled(this.envNames.map((e) => liveWorkers(this.db(e))));
    for (const r of results) {
      if (r.status !== 'fulfilled') continue;
      for (const w of r.value) {
        const had = byId.get(w.workerId);
        if (!had || had.heartbeatAt < w.heartbeatAt) byId.set(w.workerId, w);
      }
    }
    return [...byId.values()].sort((a, b) => a.workerId.localeCompare(b.workerId, 'en', { numeric: true }));
  }

  /** Pools that paused claiming from this environment because its storage fails as a whole. */
  pauses(env: EnvName): Promise<PauseRecord[]> {
    return livePauses(this.db(env));
  }

  /** Reachable and complete? Both within `timeoutMs`. */
  async check(env: EnvName, timeoutMs = 2_000): Promise<{ ok: boolean; error?: string }> {
    try {
      const report = await answerWithin(checkSchema(this.db(env)), timeoutMs, 'database did not answer');
      return report.ok ? { ok: true } : { ok: false, error: describeSchemaReport(env, report) };
    } catch (err) {
      return { ok: false, error: `${env}: database unreachable: ${(err as Error).message}` };
    }
  }

  async close(): Promise<void> {
    for (const db of this.dbs.values()) await db.end().catch(() => undefined);
  }
}

/** `p`, or an error saying `${what} within ${ms} ms` (e.g. "database did not answer within 2000 ms"). */
export function answerWithin<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(p, ms, () => new Error(`${what} within ${ms} ms`));
}
