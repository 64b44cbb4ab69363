/**
 * Progress is shared state: the pool runs in one process (the real daemon), the status server in another
 * (`node dist/status/server.js`), and an SSE client of the second sees the pages of a document OCR'd by
 * the first, whichever way the live events travel: Redis, Postgres NOTIFY (no REDIS_URL), a REDIS_URL
 * where nothing listens, or a Redis that stops in the middle of the document.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db';
import { FIXTURES, startDaemon, tempStorage, type Daemon } from '../helpers/daemon';
import { freePort, privateRedis, type PrivateRedis } from '../helpers/redis-server';
import { getJson, openSse, parsePrometheus, startStatusServer, statusUrl, type Proc, type SseClient, type SseEvent } from './helpers';

const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PDF = path.join(FIXTURES, 'pdf', 'tapus-prose-3pages.pdf');

let storage: ReturnType<typeof tempStorage>;
beforeAll(() => {
  storage = tempStorage();
  storage.put('actes/prose3.pdf', PDF);
});
afterAll(() => storage?.remove());

interface Setup {
  db: TestDb;
  daemon: Daemon;
  status: Proc;
  statusBase: string;
  poolBase: string;
  redis?: PrivateRedis;
}

async function setUp(redisEnv: Record<string, string>, redis?: PrivateRedis): Promise<Setup> {
  const db = await createTestDb();
  const env = { DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '1', OCR_HTTP_PORT: '0', ...redisEnv };
  const daemon = startDaemon(env);
  const status = startStatusServer(env);
  const [statusBase, poolBase] = await Promise.all([statusUrl(status), statusUrl(daemon, 120_000)]);
  await daemon.waitForLog((l) => l.msg === 'OCR pool serving', 120_000);
  return { db, daemon, status, statusBase, poolBase, redis };
}

async function tearDown(s: Setup | undefined): Promise<void> {
  if (!s) return;
  const [poolExit, statusExit] = await Promise.all([s.daemon.stop('SIGINT'), s.status.stop('SIGINT')]);
  await s.redis?.stop();
  await s.db.drop();
  expect(poolExit).toBe(0);
  expect(statusExit).toBe(0);
}

/** A document the pool does not see yet (status 1); `release` makes it ready for OCR (1 → 3). */
async function pendingDocument(db: TestDb, number: string) {
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id) VALUES ('acte', $1, 'prose3.pdf', 1) RETURNING id`,
    [number],
  );
  const id: string = rows[0].id;
  return { id, release: () => db.pool.query(`UPDATE extraction_queue SET status_id = 3 WHERE id = $1`, [id]) };
}

const pagesSeen = (events: SseEvent[]) => events.filter((e) => e.event === 'progress' && e.data.progress?.pages === 3).map((e) => e.data.progress.page as number);
const idsOf = (c: SseClient) => c.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));

/** The core check: snapshot, pages rising to 3, a final done, ids strictly increasing; returns the client. */
async function watchToDone(base: string, s: Setup, number: string, during?: (sse: SseClient) => Promise<void>): Promise<SseClient> {
  const doc = await pendingDocument(s.db, number);
  const sse = await openSse(`${base}/api/jobs/dev/${doc.id}/events`);
  expect(sse.status).toBe(200);
  await sse.waitFor((e) => e.event === 'snapshot');
  expect(sse.events[0]).toMatchObject({ event: 'snapshot', data: { status: { name: 'pending' }, progress: null } });
  await doc.release();
  await sse.waitFor((e) => e.event === 'progress' && e.data.progress?.page >= 1, 60_000);
  await during?.(sse);
  const done = await sse.waitFor((e) => e.event === 'done', 120_000);
  await sse.ended;
  expect(done.data).toMatchObject({ id: doc.id, final: 'done', status: { id: 5 }, progress: { stage: 'done', page: 3, pages: 3, percent: 100 } });
  const pages = pagesSeen(sse.events);
  expect(Math.max(...pages)).toBe(3);
  expect([...pages].sort()).toEqual(pages); // the page count only rises
  const ids = idsOf(sse);
  for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
  expect(sse.events.at(-1)!.event).toBe('done');
  return sse;
}

async function liveMessages(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const s of parsePrometheus(text).samples) if (s.name === 'ocr_live_messages_total') out[s.labels.transport!] = s.value;
  return out;
}

describe('pool in one process, status server in another', () => {
  describe('with Redis', () => {
    let s: Setup | undefined;
    beforeAll(async () => {
      s = await setUp({ REDIS_URL: REDIS });
    }, 180_000);
    afterAll(() => tearDown(s), 60_000);

    it('an SSE client of the status server sees the page count rise to 3 and a final done', async () => {
      await watchToDone(s!.statusBase, s!, 'R-1');
      const m = await liveMessages(s!.statusBase);
      expect(m.redis).toBeGreaterThan(0);
      expect(m.notify ?? 0).toBe(0);
    }, 180_000);

    it('both processes answer the same for the same document', async () => {
      const { rows } = await s!.db.pool.query(`SELECT id FROM extraction_queue WHERE document_number = 'R-1'`);
      const path = `/api/jobs/dev/${rows[0].id}`;
      const [a, b] = await Promise.all([getJson(`${s!.statusBase}${path}`), getJson(`${s!.poolBase}${path}`)]);
      expect(a.status).toBe(200);
      expect(a.body).toEqual(b.body);
      const [pa, pb] = await Promise.all([getJson(`${s!.statusBase}/api/pool`), getJson(`${s!.poolBase}/api/pool`)]);
      expect(pa.body.workers.map((w: any) => [w.id, w.mode])).toEqual(pb.body.workers.map((w: any) => [w.id, w.mode]));
      expect(pa.body.workers).toHaveLength(1);
      expect(pa.body.allocation.source).toBe('redis');
      const pick = (a: any) => a && { host: a.host, pid: a.pid, index: a.index, acte: a.acte };
      expect(pick(pa.body.allocation.latest)).toEqual(pick(pb.body.allocation.latest));
      expect(pa.body.allocation.latest).toMatchObject({ reason: expect.any(String) });
      const [ra, rb] = await Promise.all([getJson(`${s!.statusBase}/readyz`), getJson(`${s!.poolBase}/readyz`)]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      // Pool-only metrics live in the pool process.
      const poolMetrics = parsePrometheus(await (await fetch(`${s!.poolBase}/metrics`)).text()).samples;
      expect(poolMetrics.find((x) => x.name === 'ocr_jobs_total' && x.labels.outcome === 'completed')?.value).toBe(1);
      expect(poolMetrics.filter((x) => x.name === 'ocr_pages_total').map((x) => [x.labels.outcome, x.value])).toEqual([
        ['read', 3],
        ['failed', 0],
        ['resumed', 0],
      ]);
      expect(poolMetrics.find((x) => x.name === 'ocr_page_duration_seconds_count')?.value).toBe(3);
      expect(poolMetrics.find((x) => x.name === 'ocr_job_duration_seconds_count')?.value).toBe(1);
      // One observation per completed document and stage: its time in that stage per page.
      const stage = (name: string, stage: string) => poolMetrics.find((x) => x.name === name && x.labels.stage === stage)?.value;
      for (const st of ['download', 'render', 'preprocess', 'recognition', 'boost', 'database']) {
        expect(stage('ocr_stage_duration_seconds_count', st)).toBe(1);
      }
      expect(stage('ocr_stage_duration_seconds_sum', 'recognition')).toBeGreaterThan(0);
    }, 60_000);

    it('a client that reconnects with Last-Event-ID mid-document loses nothing and gets nothing twice', async () => {
      const doc = await pendingDocument(s!.db, 'R-2');
      const first = await openSse(`${s!.statusBase}/api/jobs/dev/${doc.id}/events`);
      await first.waitFor((e) => e.event === 'snapshot');
      await doc.release();
      await first.waitFor((e) => e.event === 'progress' && e.data.progress?.page === 1, 60_000);
      first.close();
      await first.ended;
      const last = Math.max(...idsOf(first));
      // Away for a page.
      const until = Date.now() + 60_000;
      while ((await s!.db.pool.query(`SELECT (ocr_progress->>'page')::int AS p FROM extraction_queue WHERE id = $1`, [doc.id])).rows[0].p < 2) {
        if (Date.now() > until) throw new Error('page 2 never came');
        await new Promise((r) => setTimeout(r, 100));
      }
      const second = await openSse(`${s!.statusBase}/api/jobs/dev/${doc.id}/events`, { 'last-event-id': String(last) });
      expect(second.status).toBe(200);
      const firstBack = await second.waitFor(() => true, 10_000);
      expect(Number(firstBack.id)).toBeGreaterThan(last);
      expect(firstBack.data.progress.page).toBeGreaterThanOrEqual(2); // the newest state, not a replay of page 1
      await second.waitFor((e) => e.event === 'done', 120_000);
      await second.ended;
      const all = [...idsOf(first), ...idsOf(second)];
      expect(new Set(all).size).toBe(all.length);
      for (let i = 1; i < all.length; i++) expect(all[i]).toBeGreaterThan(all[i - 1]!);
      expect(second.events.some((e) => e.event === 'snapshot')).toBe(false);
      expect(Math.max(...pagesSeen([...first.events, ...second.events]))).toBe(3);
      // The finished document: a client resuming from the done event is told to stop.
      const again = await fetch(`${s!.statusBase}/api/jobs/dev/${doc.id}/events`, { headers: { 'last-event-id': String(Math.max(...all)) } });
      expect(again.status).toBe(204);
    }, 180_000);
  });

  describe('without REDIS_URL (Postgres LISTEN/NOTIFY)', () => {
    let s: Setup | undefined;
    beforeAll(async () => {
      s = await setUp({});
    }, 180_000);
    afterAll(() => tearDown(s), 60_000);

    it('the same: pages rise to 3, then done', async () => {
      await watchToDone(s!.statusBase, s!, 'N-1');
      const m = await liveMessages(s!.statusBase);
      expect(m.notify).toBeGreaterThan(0);
      expect(m.redis ?? 0).toBe(0);
      const pool = await getJson(`${s!.statusBase}/api/pool`);
      expect(pool.body.allocation).toMatchObject({ source: 'registry', latest: null, workersByMode: expect.any(Object) });
    }, 180_000);
  });

  describe('with REDIS_URL where no Redis listens', () => {
    let s: Setup | undefined;
    beforeAll(async () => {
      s = await setUp({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    }, 180_000);
    afterAll(() => tearDown(s), 60_000);

    it('the daemon keeps working and progress goes through NOTIFY', async () => {
      await watchToDone(s!.statusBase, s!, 'D-1');
      const m = await liveMessages(s!.statusBase);
      expect(m.notify).toBeGreaterThan(0);
      const ready = await getJson(`${s!.statusBase}/readyz`);
      expect(ready.body.live).toEqual({ redis: 'connecting', postgres: { dev: 'listening' } });
    }, 180_000);
  });

  describe('with Redis stopping in the middle of the document', () => {
    let s: Setup | undefined;
    beforeAll(async () => {
      const redis = await privateRedis();
      s = await setUp({ REDIS_URL: redis.url }, redis);
    }, 180_000);
    afterAll(() => tearDown(s), 60_000);

    it('events switch to NOTIFY and the client still sees every page and done', async () => {
      await watchToDone(s!.statusBase, s!, 'S-1', async () => {
        expect((await liveMessages(s!.statusBase)).redis).toBeGreaterThan(0);
        await s!.redis!.stop();
      });
      const m = await liveMessages(s!.statusBase);
      expect(m.notify).toBeGreaterThan(0);
      const { rows } = await s!.db.pool.query(`SELECT status_id FROM extraction_queue WHERE document_number = 'S-1'`);
      expect(rows[0].status_id).toBe(5);
    }, 180_000);
  });
});
