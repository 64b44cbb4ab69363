/**
 * One limiter for every worker on every host: bottleneck clustered through Redis, made to survive what
 * bottleneck 2.19.5 does not survive on its own (docs/contract.md, "What the code relies on from its dependencies"):
 *  - Redis 7's `ERR ` prefix blocking its self-repair: fixed by ./bottleneck-redis7 (applied at import);
 *  - a crashed process holding its slots forever: every job gets an `expiration`, after which Redis frees it;
 *  - reservoir refreshes only seen on heartbeats (default 5 s): heartbeat every second;
 *  - Redis down (at start or mid-run): calls go through a local limiter at once, so work goes on, and
 *    calls already queued on the shared limiter are moved to the local one; a probe rejoins when Redis is back;
 *  - Redis frozen (connection open, no replies: SIGSTOP, a partition): every command has a deadline
 *    (`commandTimeoutMs`), so a frozen Redis fails like a closed one instead of holding every download
 *    forever; a call that already ran does not wait for bottleneck to free its slot in Redis;
 *  - a limiter that keeps failing for another reason is rebuilt (new connection, new client id).
 */
import Bottleneck from 'bottleneck';
import Redis from 'ioredis';
import { coerceError } from '../errors';
import type { Logger } from '../logger';
import { describeUrl } from '../config';
import './bottleneck-redis7';
import { withTimeout } from '../util/timeout';
import { createLocalBottleneck } from './local';
import type { LimiterCounters, LimiterOptions, RateLimiter } from './types';

export interface RedisLimiterOptions extends LimiterOptions {
  redisUrl: string;
  /** Shared key prefix: every process with the same id shares the limits. */
  id: string;
  /** After this, a running job's slot is freed in Redis even if its process died (must exceed the call's own timeout). */
  jobExpirationMs: number;
  heartbeatMs?: number;
  probeIntervalMs?: number;
  connectTimeoutMs?: number;
  /** Deadline of one Redis command (REDIS_COMMAND_TIMEOUT_MS): past it, Redis counts as down. */
  commandTimeoutMs?: number;
}

interface Pending {
  started: boolean;
  abandoned: boolean;
  moveToLocal(): void;
}

export class RedisRateLimiter implements RateLimiter {
  readonly counters: LimiterCounters = { shared: 0, local: 0, fallbacks: 0, rejoins: 0 };
  private shared: Bottleneck | undefined;
  private client: Redis | undefined;
  private connection: Bottleneck.IORedisConnection | undefined;
  private readonly local: Bottleneck;
  private degraded = true;
  private stopped = false;
  private probe: NodeJS.Timeout | undefined;
  private probing = false;
  private readonly pending = new Set<Pending>();

  constructor(
    private readonly opts: RedisLimiterOptions,
    private readonly log: Logger,
  ) {
    this.local = createLocalBottleneck(opts);
  }

  get kind(): 'local' | 'redis' {
    return this.degraded ? 'local' : 'redis';
  }

  async start(): Promise<void> {
    try {
      await this.connect();
      this.degraded = false;
      this.log.info({ redis: describeUrl(this.opts.redisUrl), id: this.opts.id }, 'rate limiter shared through Redis');
    } catch (err) {
      this.log.warn({ err: { message: coerceError(err).message }, redis: describeUrl(this.opts.redisUrl) }, 'Redis unreachable: using a local rate limiter until it returns');
    }
    const every = this.opts.probeIntervalMs ?? 2_000;
    this.probe = setInterval(() => void this.checkHealth(), every);
    this.probe.unref();
  }

  async schedule<T>(fn: () => Promise<T>): Promise<T> {
    const shared = this.shared;
    if (this.degraded || !shared) return this.runLocal(fn);
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (ok: boolean, v: unknown) => {
        if (settled) return;
        settled = true;
        this.pending.delete(entry);
        if (ok) resolve(v as T);
        else reject(v);
      };
      const entry: Pending = {
        started: false,
        abandoned: false,
        moveToLocal: () => {
          entry.abandoned = true;
          this.runLocal(fn).then((v) => finish(true, v), (e) => finish(false, e));
        },
      };
      this.pending.add(entry);
      shared
        .schedule({ expiration: this.opts.jobExpirationMs }, async () => {
          // Moved to the local limiter while it waited here: give the shared slot straight back.
          if (entry.abandoned) return undefined;
          entry.started = true;
          this.counters.shared++;
          // Settle as soon as the call itself has: bottleneck resolves only after freeing the slot in
          // Redis, which a frozen Redis would hold for a whole command timeout.
          try {
            const v = await fn();
            finish(true, v);
            return v;
          } catch (err) {
            finish(false, err);
            throw err;
          }
        })
        .then(
          (v) => finish(true, v),
          (err) => {
            if (entry.abandoned) return;
            if (entry.started) return finish(false, err); // the call itself failed (or outlived its expiration)
            // The limiter failed before running the call: Redis trouble. The call must still run.
            this.fallback(err);
            if (!entry.abandoned) entry.moveToLocal();
          },
        );
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.probe) clearInterval(this.probe);
    await this.local.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await this.teardown();
  }

  private runLocal<T>(fn: () => Promise<T>): Promise<T> {
    this.counters.local++;
    return this.local.schedule(fn);
  }

  private fallback(err: unknown): void {
    if (this.degraded || this.stopped) return;
    this.degraded = true;
    this.counters.fallbacks++;
    this.log.warn({ err: { message: coerceError(err).message } }, 'shared rate limiter failed (Redis down or not answering): continuing on a local limiter');
    for (const p of [...this.pending]) if (!p.started && !p.abandoned) p.moveToLocal();
  }

  private async connect(): Promise<void> {
    await this.teardown();
    const client = new Redis(this.opts.redisUrl, {
      // Fail fast while Redis is down instead of queueing commands: the local limiter takes over.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: this.opts.connectTimeoutMs ?? 2_000,
      // Without it a frozen Redis (open connection, no replies) holds every call forever and nothing fails.
      commandTimeout: this.opts.commandTimeoutMs ?? 3_000,
      retryStrategy: (n) => Math.min(n * 500, 5_000),
      lazyConnect: false,
    });
    client.on('error', () => undefined); // reported through the limiter's own failures, not as crashes
    this.client = client;
    await timedOut(
      new Promise<void>((resolve, reject) => {
        client.once('ready', resolve);
        client.once('end', () => reject(new Error('Redis connection ended')));
      }),
      this.opts.connectTimeoutMs ?? 2_000,
      'Redis connection',
    );
    const interval = this.opts.intervalMs ?? 60_000;
    const connection = new Bottleneck.IORedisConnection({ client });
    this.connection = connection;
    connection.on('error', (e) => this.onLimiterError(e));
    const limiter = new Bottleneck({
      id: this.opts.id,
      datastore: 'ioredis',
      connection,
      clearDatastore: false,
      maxConcurrent: this.opts.maxConcurrent,
      reservoir: this.opts.perMinute,
      reservoirRefreshAmount: this.opts.perMinute,
      reservoirRefreshInterval: interval,
      heartbeatInterval: this.opts.heartbeatMs ?? 1_000,
    });
    limiter.on('error', (e) => this.onLimiterError(e));
    this.shared = limiter;
    await timedOut(limiter.ready(), this.opts.connectTimeoutMs ?? 2_000, 'shared limiter');
    // Settings already in Redis win over the constructor's (bottleneck's init keeps them); apply ours, but
    // leave the current reservoir alone so a restarting process does not refill it.
    await limiter.updateSettings({
      maxConcurrent: this.opts.maxConcurrent,
      reservoirRefreshAmount: this.opts.perMinute,
      reservoirRefreshInterval: interval,
    });
  }

  private onLimiterError(e: unknown): void {
    // Heartbeat failures land here while no call is in flight: notice the outage early.
    this.log.debug({ err: { message: coerceError(e).message } }, 'shared limiter error');
    this.fallback(e);
  }

  private async checkHealth(): Promise<void> {
    if (this.stopped || this.probing || !this.degraded) return;
    this.probing = true;
    try {
      if (this.shared && this.client?.status === 'ready') {
        await timedOut(this.shared.running(), this.opts.commandTimeoutMs ?? 3_000, 'shared limiter probe');
      } else {
        await this.connect();
      }
      this.degraded = false;
      this.counters.rejoins++;
      this.log.info('Redis is back: rate limiter shared again');
    } catch (err) {
      // A shared limiter that answers errors while Redis itself answers is broken: rebuild it next time.
      if (this.client?.status === 'ready') await this.teardown();
      this.log.debug({ err: { message: coerceError(err).message } }, 'Redis still unavailable');
    } finally {
      this.probing = false;
    }
  }

  private async teardown(): Promise<void> {
    const connection = this.connection;
    const client = this.client;
    this.shared = undefined;
    this.client = undefined;
    this.connection = undefined;
    // Through the connection, not limiter.disconnect(): with a shared connection bottleneck unsubscribes
    // without awaiting, which is an unhandled rejection when Redis is down. This stops the heartbeats
    // (an old limiter must not keep reporting errors) and drops both clients without a round trip.
    if (connection) await Promise.resolve(connection.disconnect(false)).catch(() => undefined);
    client?.disconnect();
  }
}

/** `p`, or an error saying `${what} timed out after ${ms} ms`. */
function timedOut<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(Promise.resolve(p), ms, () => new Error(`${what} timed out after ${ms} ms`));
}
