/**
 * Publishes each document's progress on the live channel, from the pool process.
 *
 * What is published is never the in-memory progress: once a progress write has committed, the document's
 * row is read back and its status (with the version the write stamped, see version.ts) goes out. So a
 * live event and a later read of Postgres always agree, and every event id can be resumed from.
 * Read-backs are serialised and coalesced per document: when writes commit faster than they are read,
 * the next read-back publishes the newest state once, and a version is never published twice.
 *
 * Transport: Redis pub/sub (REDIS_URL) while Redis answers; Postgres NOTIFY when there is no Redis or it
 * fails, so progress keeps flowing through a Redis outage. Status servers listen on both. A Redis that
 * stops answering (frozen, partitioned: the connection stays open) fails one publish by its command
 * deadline; after that Redis is skipped, and one PING at a time tells when it answers again. Each turn is
 * logged once. Publishing never throws into the job: at worst an event is late (status servers also re-read
 * the documents they are watching every few seconds).
 */
import type pg from 'pg';
import type Redis from 'ioredis';
import type { EnvName } from '../config';
import { createPool } from '../db/pg';
import type { Logger } from '../logger';
import { notify } from '../queue/notify';
import { databaseName } from '../queue/reads/catalog';
import { readJob, type JobStatus } from './job-status';
import { encodeLive, NOTIFY_CHANNEL, NOTIFY_MAX_BYTES, redisChannel } from './live-message';
import { closeRedis, createRedis, REDIS_COMMAND_TIMEOUT_MS } from './redis';

export interface LiveEnv {
  name: EnvName;
  databaseUrl: string;
}

export interface PublisherCounters {
  redis: number;
  notify: number;
  errors: number;
}

interface DocState {
  running: boolean;
  dirty: boolean;
  published: number;
  touched: number;
}

/** A document not written for this long is forgotten (its job ended without a final write: lost, released). */
const FORGET_AFTER_MS = 15 * 60_000;

export class ProgressPublisher {
  readonly counters: PublisherCounters = { redis: 0, notify: 0, errors: 0 };
  private readonly dbs = new Map<EnvName, pg.Pool>();
  private readonly dbNames = new Map<EnvName, Promise<string>>();
  private readonly redis: Redis | undefined;
  private readonly docs = new Map<string, DocState>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pruneTimer: NodeJS.Timeout;
  private stopped = false;
  /** Redis did not answer a publish in time: NOTIFY only, until a PING comes back. */
  private redisSilent = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly commandTimeoutMs: number;

  constructor(
    envs: LiveEnv[],
    redisUrl: string | undefined,
    private readonly log: Logger,
    /** Called with every status this process published (metrics). */
    private readonly onPublished?: (job: JobStatus) => void,
    opts: { commandTimeoutMs?: number } = {},
  ) {
    this.commandTimeoutMs = opts.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS;
    for (const e of envs) this.dbs.set(e.name, createPool(e.databaseUrl, log.child({ env: e.name }), { max: 2, application: 'ocr-pool-progress' }));
    this.redis = redisUrl ? createRedis(redisUrl, 'publisher', log, this.commandTimeoutMs) : undefined;
    if (!redisUrl) log.info('REDIS_URL not set: live progress goes through Postgres NOTIFY');
    this.pruneTimer = setInterval(() => this.prune(), 60_000);
    this.pruneTimer.unref();
  }

  /** A progress write of this document has committed (or its final write has): publish its state. */
  committed(env: EnvName, id: string): void {
    if (this.stopped || !this.dbs.has(env)) return;
    const key = `${env}:${id}`;
    let s = this.docs.get(key);
    if (!s) {
      s = { running: false, dirty: false, published: 0, touched: Date.now() };
      this.docs.set(key, s);
    }
    s.touched = Date.now();
    if (s.running) {
      s.dirty = true;
      return;
    }
    s.running = true;
    const state = s;
    const run = (async () => {
      do {
        state.dirty = false;
        await this.publishOnce(env, id, state);
      } while (state.dirty && !this.stopped);
      state.running = false;
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async publishOnce(env: EnvName, id: string, s: DocState): Promise<void> {
    const db = this.dbs.get(env)!;
    try {
      const job = await readJob(db, env, id);
      if (!job || job.version <= s.published) return;
      s.published = job.version;
      await this.send(db, env, job);
      if (job.final) this.docs.delete(`${env}:${id}`);
      this.onPublished?.(job);
    } catch (err) {
      this.counters.errors++;
      this.log.debug({ err, env, documentId: id }, 'could not publish progress');
    }
  }

  private async send(db: pg.Pool, env: EnvName, job: JobStatus): Promise<void> {
    const dbName = await this.dbName(env, db);
    if (this.redis && this.redis.status === 'ready' && !this.redisSilent) {
      try {
        await this.redis.publish(redisChannel(env), encodeLive(dbName, job));
        this.counters.redis++;
        return;
      } catch (err) {
        this.redisFailed(err);
      }
    }
    await notify(db, NOTIFY_CHANNEL, encodeLive(dbName, job, NOTIFY_MAX_BYTES));
    this.counters.notify++;
  }

  private redisFailed(err: unknown): void {
    // A closed connection is reported by createRedis (and skipped while not ready); a command that times
    // out on an open one is only seen here. Any other refusal stays a per-message fallback: a PING would
    // succeed and the next publish fail again.
    const timedOut = /timed out/i.test((err as Error)?.message ?? '');
    if (!timedOut || this.redisSilent || this.stopped || this.redis?.status !== 'ready') {
      this.log.debug({ err }, 'redis publish failed; using Postgres NOTIFY');
      return;
    }
    this.redisSilent = true;
    this.log.warn(
      { err: { message: (err as Error)?.message }, commandTimeoutMs: this.commandTimeoutMs },
      'live progress: Redis is not answering; publishing through Postgres NOTIFY until it does',
    );
    const probe = async () => {
      if (this.stopped || !this.redis) return;
      try {
        await this.redis.ping();
        this.redisSilent = false;
        this.log.info('live progress: Redis answers again; publishing through Redis');
      } catch {
        this.probeTimer = setTimeout(() => void probe(), this.commandTimeoutMs);
        this.probeTimer.unref();
      }
    };
    this.probeTimer = setTimeout(() => void probe(), this.commandTimeoutMs);
    this.probeTimer.unref();
  }

  /** Whether publishes go to Redis right now (false: Postgres NOTIFY). */
  get viaRedis(): boolean {
    return !!this.redis && this.redis.status === 'ready' && !this.redisSilent;
  }

  /** The database's own name travels with Redis messages, so two installs sharing a Redis never mix. */
  private dbName(env: EnvName, db: pg.Pool): Promise<string> {
    let p = this.dbNames.get(env);
    if (!p) {
      p = databaseName(db);
      p.catch(() => this.dbNames.delete(env));
      this.dbNames.set(env, p);
    }
    return p;
  }

  private prune(): void {
    const cutoff = Date.now() - FORGET_AFTER_MS;
    for (const [k, s] of this.docs) if (!s.running && s.touched < cutoff) this.docs.delete(k);
  }

  /** Documents being tracked (tests: nothing leaks). */
  get tracked(): number {
    return this.docs.size;
  }

  /** Finish what is in flight (bounded), then close connections. Idempotent. */
  async stop(timeoutMs = 3_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.pruneTimer);
    clearTimeout(this.probeTimer);
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    await closeRedis(this.redis).catch(() => undefined);
    for (const db of this.dbs.values()) await db.end().catch(() => undefined);
  }
}
