/**
 * The receiving end of the live channel: one Redis subscriber per process (when REDIS_URL is set) and
 * one Postgres LISTEN connection per environment (always: publishers fall back to NOTIFY whenever Redis
 * fails them). Both reconnect forever; after a reconnect `onResync` runs, since messages sent while a
 * connection was down are lost (pub/sub and NOTIFY are at-most-once) and must be re-read from Postgres.
 */
import pg from 'pg';
import type Redis from 'ioredis';
import type { EnvName } from '../config';
import { describeUrl } from '../config';
import type { Logger } from '../logger';
import { listen } from '../queue/notify';
import { databaseName } from '../queue/reads/catalog';
import { decodeLive, NOTIFY_CHANNEL, redisChannel, type LiveMessage } from './live-message';
import type { LiveEnv } from './publisher';
import { closeRedis, createRedis } from './redis';

export type Transport = 'redis' | 'notify';

export interface LiveFeedOptions {
  envs: LiveEnv[];
  redisUrl?: string;
  log: Logger;
  onMessage: (msg: LiveMessage, via: Transport) => void;
  /** A connection came back: messages may have been missed. */
  onResync?: () => void;
}

export interface LiveFeedState {
  redis: 'off' | 'ready' | 'connecting';
  postgres: Partial<Record<EnvName, 'listening' | 'connecting'>>;
}

export class LiveFeed {
  private redis: Redis | undefined;
  private readonly listeners: PgListener[];
  /** Database name of each environment, learned on its LISTEN connection: Redis messages must match it. */
  private readonly dbNames = new Map<EnvName, string>();
  private readonly channels: Map<string, EnvName>;

  constructor(private readonly opts: LiveFeedOptions) {
    this.channels = new Map(opts.envs.map((e) => [redisChannel(e.name), e.name]));
    this.listeners = opts.envs.map(
      (e) =>
        new PgListener(e, opts.log.child({ env: e.name }), (payload) => this.receive(payload, 'notify', e.name), (db) => {
          this.dbNames.set(e.name, db);
          opts.onResync?.();
        }),
    );
  }

  start(): void {
    for (const l of this.listeners) l.start();
    if (!this.opts.redisUrl) return;
    const r = createRedis(this.opts.redisUrl, 'subscriber', this.opts.log);
    this.redis = r;
    r.on('message', (channel: string, text: string) => {
      const env = this.channels.get(channel);
      if (env) this.receive(text, 'redis', env);
    });
    let first = true;
    r.on('ready', () => {
      if (!first) this.opts.onResync?.();
      first = false;
    });
    r.subscribe(...this.channels.keys()).catch((err: Error) => this.opts.log.debug({ err }, 'redis subscribe failed; retried on reconnect'));
  }

  private receive(text: string, via: Transport, env: EnvName): void {
    const msg = decodeLive(text);
    if (!msg) return;
    const msgEnv = 'job' in msg ? msg.job.env : msg.env;
    if (msgEnv !== env) return;
    const mine = this.dbNames.get(env);
    if (via === 'redis' && mine && msg.db !== mine) return; // another install sharing this Redis
    this.opts.onMessage(msg, via);
  }

  state(): LiveFeedState {
    return {
      redis: !this.redis ? 'off' : this.redis.status === 'ready' ? 'ready' : 'connecting',
      postgres: Object.fromEntries(this.listeners.map((l) => [l.env.name, l.listening ? 'listening' : 'connecting'])),
    };
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.listeners.map((l) => l.stop()));
    await closeRedis(this.redis).catch(() => undefined);
  }
}

/** A dedicated connection LISTENing on one database, reconnected with backoff whenever it drops. */
class PgListener {
  listening = false;
  private client: pg.Client | undefined;
  private stopped = false;
  private retryMs = 500;
  private timer: NodeJS.Timeout | undefined;
  private warned = false;

  constructor(
    readonly env: LiveEnv,
    private readonly log: Logger,
    private readonly onPayload: (payload: string) => void,
    private readonly onConnected: (dbName: string) => void,
  ) {}

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.env.databaseUrl, application_name: 'ocr-pool-status-listen', keepAlive: true, connectionTimeoutMillis: 5_000 });
    this.client = client;
    client.on('notification', (n) => {
      if (n.channel === NOTIFY_CHANNEL && n.payload) this.onPayload(n.payload);
    });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = false;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      if (!this.warned) this.log.warn({ db: describeUrl(this.env.databaseUrl), err: err && { message: err.message } }, 'live progress: LISTEN connection lost; reconnecting');
      this.warned = true;
      this.timer = setTimeout(() => void this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await listen(client, NOTIFY_CHANNEL);
      const db = await databaseName(client);
      if (this.client !== client) return;
      this.listening = true;
      this.retryMs = 500;
      if (this.warned) this.log.info({ db: describeUrl(this.env.databaseUrl) }, 'live progress: LISTEN connection back');
      this.warned = false;
      this.onConnected(db);
    } catch (err) {
      lost(err as Error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    this.listening = false;
    if (c) await c.end().catch(() => undefined);
  }
}
