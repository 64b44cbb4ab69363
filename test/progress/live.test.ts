/**
 * The live channel end to end inside one process, on real Postgres and Redis: what the publisher sends is
 * the committed row with its version, through Redis while it answers and through NOTIFY otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { readJob } from '../../src/progress/job-status';
import type { LiveMessage } from '../../src/progress/live-message';
import { ProgressPublisher } from '../../src/progress/publisher';
import { LiveFeed, type Transport } from '../../src/progress/subscriber';
import { claim } from '../../src/queue/claim';
import { complete } from '../../src/queue/complete';
import { saveProgress, type Progress } from '../../src/queue/progress';
import type { Claim } from '../../src/queue/types';
import { DocumentHub } from '../../src/status/hub';
import { createTestDb, seed, type TestDb } from '../helpers/db';
import { freePort, privateRedis } from '../helpers/redis-server';

const log = createLogger('silent');
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

interface Received {
  msg: LiveMessage;
  via: Transport;
}

function feed(redisUrl?: string) {
  const got: Received[] = [];
  let resyncs = 0;
  const f = new LiveFeed({ envs: [{ name: 'dev', databaseUrl: db.url }], redisUrl, log, onMessage: (msg, via) => got.push({ msg, via }), onResync: () => resyncs++ });
  f.start();
  return { f, got, resyncs: () => resyncs };
}

async function until(pred: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function claimOne(source = 'acte'): Promise<Claim> {
  await seed(db.pool, [{ source }]);
  const c = await claim(db.pool, 'dev', 'test-host:1:w0', source as 'acte', 60_000);
  if (!c) throw new Error('nothing claimed');
  return c;
}

const progress = (c: Claim, page: number, pages = 5): Progress => ({ stage: 'ocr', page, pages, percent: page * 10, message: `page ${page} of ${pages}`, worker: c.workerId });

const versionsOf = (got: Received[], id: string) => got.map((g) => ('job' in g.msg ? g.msg.job : g.msg)).filter((j) => j.id === id).map((j) => j.version);

describe('live progress', () => {
  it('publishes the committed state with its version through Redis', async () => {
    const { f, got } = feed(REDIS);
    const pub = new ProgressPublisher([{ name: 'dev', databaseUrl: db.url }], REDIS, log);
    try {
      await until(() => f.state().redis === 'ready' && f.state().postgres.dev === 'listening', 10_000, 'feed ready');
      const c = await claimOne();
      await until(() => (pub as any).redis.status === 'ready', 5_000, 'publisher ready');
      await saveProgress(db.pool, c, progress(c, 1));
      pub.committed('dev', c.id);
      await until(() => got.some((g) => 'job' in g.msg && g.msg.job.id === c.id), 5_000, 'the message');
      const m = got.find((g) => 'job' in g.msg && g.msg.job.id === c.id)!;
      expect(m.via).toBe('redis');
      const row = await readJob(db.pool, 'dev', c.id);
      expect(m.msg).toMatchObject({ job: { version: row!.version, progress: { stage: 'ocr', page: 1, pages: 5 }, status: { id: 6 } } });
      expect(pub.counters).toMatchObject({ redis: 1, notify: 0, errors: 0 });
    } finally {
      await pub.stop();
      await f.stop();
    }
  });

  it('without REDIS_URL goes through Postgres NOTIFY', async () => {
    const { f, got } = feed(undefined);
    const pub = new ProgressPublisher([{ name: 'dev', databaseUrl: db.url }], undefined, log);
    try {
      await until(() => f.state().postgres.dev === 'listening', 10_000, 'LISTEN');
      expect(f.state().redis).toBe('off');
      const c = await claimOne();
      await saveProgress(db.pool, c, progress(c, 2));
      pub.committed('dev', c.id);
      await until(() => versionsOf(got, c.id).length === 1, 5_000, 'the NOTIFY');
      expect(got.at(-1)!.via).toBe('notify');
      expect(pub.counters).toMatchObject({ redis: 0, notify: 1 });
    } finally {
      await pub.stop();
      await f.stop();
    }
  });

  it('with REDIS_URL pointing at nothing, falls back to NOTIFY at once and keeps working', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const { f, got } = feed(dead);
    const pub = new ProgressPublisher([{ name: 'dev', databaseUrl: db.url }], dead, log);
    try {
      await until(() => f.state().postgres.dev === 'listening', 10_000, 'LISTEN');
      const c = await claimOne();
      const t0 = Date.now();
      for (let p = 1; p <= 3; p++) {
        await saveProgress(db.pool, c, progress(c, p));
        pub.committed('dev', c.id);
        await until(() => versionsOf(got, c.id).length === p, 5_000, `page ${p}`);
      }
      // Not waiting on Redis: a publish that tried it first would wait out its 2 s command timeout per page.
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(got.every((g) => g.via === 'notify')).toBe(true);
      expect(f.state().redis).toBe('connecting');
    } finally {
      await pub.stop();
      await f.stop();
    }
  });

  it('survives Redis stopping and coming back mid-run: NOTIFY meanwhile, Redis again after', async () => {
    const redis = await privateRedis();
    const { f, got, resyncs } = feed(redis.url);
    const pub = new ProgressPublisher([{ name: 'dev', databaseUrl: db.url }], redis.url, log);
    try {
      await until(() => f.state().redis === 'ready' && f.state().postgres.dev === 'listening' && (pub as any).redis.status === 'ready', 10_000, 'ready');
      const c = await claimOne();
      const step = async (p: number) => {
        await saveProgress(db.pool, c, progress(c, p));
        pub.committed('dev', c.id);
        await until(() => versionsOf(got, c.id).length === p, 8_000, `page ${p}`);
        return got.at(-1)!.via;
      };
      expect(await step(1)).toBe('redis');
      await redis.stop();
      expect(await step(2)).toBe('notify');
      await redis.start();
      await until(() => f.state().redis === 'ready' && (pub as any).redis.status === 'ready', 15_000, 'redis back');
      expect(await step(3)).toBe('redis');
      expect(resyncs()).toBeGreaterThanOrEqual(1); // the feed asks for a re-read after reconnecting
      const vs = versionsOf(got, c.id);
      expect([...vs].sort((a, b) => a - b)).toEqual(vs);
    } finally {
      await pub.stop();
      await f.stop();
      await redis.stop();
    }
  });

  it('coalesces bursts: versions strictly increase, none twice, and the last one is what Postgres holds', async () => {
    const { f, got } = feed(REDIS);
    const pub = new ProgressPublisher([{ name: 'dev', databaseUrl: db.url }], REDIS, log);
    try {
      await until(() => f.state().redis === 'ready' && (pub as any).redis.status === 'ready', 10_000, 'ready');
      const c = await claimOne();
      for (let p = 1; p <= 30; p++) {
        await saveProgress(db.pool, c, progress(c, p, 30));
        pub.committed('dev', c.id);
      }
      const last = (await readJob(db.pool, 'dev', c.id))!.version;
      await until(() => versionsOf(got, c.id).at(-1) === last, 5_000, 'the last version');
      const vs = versionsOf(got, c.id);
      expect(new Set(vs).size).toBe(vs.length);
      expect([...vs].sort((a, b) => a - b)).toEqual(vs);
      // The final write is published too, and the publisher then forgets the document.
      await complete(db.pool, c, { fileContent: 'x', boostedFileContent: 'x', progress: { ...progress(c, 30, 30), stage: 'done', percent: 100 } });
      pub.committed('dev', c.id);
      await until(() => got.some((g) => 'job' in g.msg && g.msg.job.id === c.id && g.msg.job.final === 'done'), 5_000, 'done');
      await until(() => pub.tracked === 0, 2_000, 'nothing tracked');
    } finally {
      await pub.stop();
      await f.stop();
    }
  });

  it('sends a document too large for NOTIFY as "changed", and the hub reads the rest from Postgres', async () => {
    const { f, got } = feed(undefined);
    const pub = new ProgressPublisher([{ name: 'dev', databaseUrl: db.url }], undefined, log);
    const hub = new DocumentHub({ jobs: (env, ids) => Promise.all(ids.map((id) => readJob(db.pool, env, id))).then((j) => j.filter((x) => x !== null)) }, log, 60_000);
    try {
      await until(() => f.state().postgres.dev === 'listening', 10_000, 'LISTEN');
      const c = await claimOne();
      await db.pool.query(`UPDATE extraction_queue SET document_number = repeat('n', 9000) WHERE id = $1`, [c.id]);
      const seen: number[] = [];
      hub.watch('dev', c.id, (j) => seen.push(j.version));
      await saveProgress(db.pool, c, progress(c, 1));
      pub.committed('dev', c.id);
      await until(() => got.length > 0, 5_000, 'the doorbell');
      expect(got[0]!.msg).toMatchObject({ partial: true, id: c.id });
      hub.ingest(got[0]!.msg);
      await until(() => seen.length === 1, 5_000, 'the full status');
      expect(seen[0]).toBe((got[0]!.msg as any).version);
    } finally {
      hub.stop();
      await pub.stop();
      await f.stop();
    }
  });
});
