/**
 * The status server in this process, on a real Postgres and Redis, with progress written the way jobs
 * write it (claim, saveProgress, complete) and published by the real publisher. The daemon itself is
 * exercised in two-process.test.ts.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { readJob } from '../../src/progress/job-status';
import { ProgressPublisher } from '../../src/progress/publisher';
import { claim } from '../../src/queue/claim';
import { complete } from '../../src/queue/complete';
import { saveProgress, type Progress } from '../../src/queue/progress';
import type { Claim } from '../../src/queue/types';
import { publishWorkers } from '../../src/queue/workers';
import { ALLOCATION_KEY, publishAllocation } from '../../src/status/allocation';
import { StatusServer } from '../../src/status/server';
import { createTestDb, seed, type TestDb } from '../helpers/db';
import { getJson, openSse, parsePrometheus, type SseClient } from './helpers';

const log = createLogger('silent');
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 's3cret-token';
const auth = { authorization: `Bearer ${TOKEN}` };

let db: TestDb;
let server: StatusServer;
let base: string;
let publisher: ProgressPublisher;
let redis: Redis;

beforeAll(async () => {
  db = await createTestDb();
  server = new StatusServer({
    config: { environments: [{ name: 'dev', databaseUrl: db.url }], redisUrl: REDIS, httpHost: '127.0.0.1', httpPort: 0, httpToken: TOKEN },
    log,
    heartbeatMs: 200,
    reconcileMs: 60_000, // live messages only: the re-read safety net must not hide a publishing bug
  });
  const addr = await server.start();
  base = `http://127.0.0.1:${addr.port}`;
  publisher = new ProgressPublisher([{ name: 'dev', databaseUrl: db.url }], REDIS, log);
  redis = new Redis(REDIS);
  await until(() => server.feed.state().redis === 'ready' && server.feed.state().postgres.dev === 'listening', 10_000);
});
afterAll(async () => {
  await publisher?.stop();
  await server?.stop();
  redis?.disconnect();
  await db?.drop();
});

async function until(pred: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let workerN = 0;
async function claimOne(): Promise<Claim> {
  const [id] = await seed(db.pool, [{ source: 'acte', number: `A-${randomUUID().slice(0, 6)}` }]);
  const c = await claim(db.pool, 'dev', `test-host:1:w${workerN++}`, 'acte', 60_000);
  if (!c || c.id !== id) throw new Error('claimed something else');
  return c;
}

/** What a job does for page `page`: write its progress, then (committed) publish it. */
async function page(c: Claim, n: number, pages = 3): Promise<number> {
  const p: Progress = { stage: 'ocr', page: n, pages, percent: Math.round(5 + (90 * (n - 1)) / pages), message: `page ${n} of ${pages}`, worker: c.workerId };
  await saveProgress(db.pool, c, p);
  publisher.committed('dev', c.id);
  return (await readJob(db.pool, 'dev', c.id))!.version;
}

async function finish(c: Claim, pages = 3): Promise<number> {
  await complete(db.pool, c, { fileContent: 'raw', boostedFileContent: 'boosted', progress: { stage: 'done', page: pages, pages, percent: 100, worker: c.workerId } });
  publisher.committed('dev', c.id);
  return (await readJob(db.pool, 'dev', c.id))!.version;
}

const ids = (c: SseClient) => c.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));

describe('requests it refuses, with a JSON error', () => {
  it.each([
    ['no token', '/api/pool', {}, 401, 'missing_token'],
    ['a wrong token', '/api/pool', { authorization: 'Bearer nope' }, 401, 'invalid_token'],
    ['a wrong query token', '/api/pool?token=nope', {}, 401, 'invalid_token'],
    ['no token on metrics', '/metrics', {}, 401, 'missing_token'],
    ['no token on events', `/api/jobs/dev/${randomUUID()}/events`, {}, 401, 'missing_token'],
    ['an unknown environment', `/api/jobs/qa/${randomUUID()}`, auth, 404, 'unknown_env'],
    ['an environment not enabled here', `/api/jobs/prod/${randomUUID()}`, auth, 404, 'unknown_env'],
    ['an unknown environment (events)', `/api/jobs/qa/${randomUUID()}/events`, auth, 404, 'unknown_env'],
    ['a malformed id', '/api/jobs/dev/not-a-uuid', auth, 400, 'invalid_id'],
    ['a malformed id (events)', "/api/jobs/dev/1%27%20OR%201=1/events", auth, 400, 'invalid_id'],
    ['bad percent-encoding', '/api/jobs/dev/%E0%A4%A', auth, 400, 'bad_request'],
    ['an unknown document', `/api/jobs/dev/${randomUUID()}`, auth, 404, 'not_found'],
    ['an unknown document (events)', `/api/jobs/dev/${randomUUID()}/events`, auth, 404, 'not_found'],
    ['a malformed Last-Event-ID', `/api/jobs/dev/${randomUUID()}/events`, { ...auth, 'last-event-id': 'abc' }, 400, 'invalid_last_event_id'],
    ['an unknown route', '/api/nope', auth, 404, 'not_found'],
  ])('%s', async (_what, path, headers, status, code) => {
    const r = await getJson(`${base}${path}`, headers as Record<string, string>);
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.body).toMatchObject({ error: code, status });
    expect(typeof r.body.message).toBe('string');
    if (status === 401) expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('a method other than GET/HEAD/POST (a CORS preflight too): 405 with Allow', async () => {
    for (const method of ['PUT', 'DELETE', 'OPTIONS']) {
      const r = await fetch(`${base}/api/pool`, { method, headers: auth });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD, POST');
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(await r.json()).toMatchObject({ error: 'method_not_allowed' });
    }
  });

  it('a POST (an action) without OCR_HTTP_ADMIN_TOKEN configured: 403, even with the read token', async () => {
    const r = await fetch(`${base}/api/pause`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"env":"dev"}' });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: 'actions_disabled' });
  });

  it('/healthz needs no token; CORS stays off', async () => {
    const r = await getJson(`${base}/healthz`, { origin: 'https://evil.example' });
    expect(r).toMatchObject({ status: 200, body: { ok: true } });
    const p = await fetch(`${base}/api/pool`, { headers: { ...auth, origin: 'https://evil.example' } });
    expect(p.status).toBe(200);
    expect(p.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('GET /api/jobs/:env/:id', () => {
  it('answers the status and progress held in Postgres', async () => {
    const c = await claimOne();
    const v = await page(c, 2);
    const r = await getJson(`${base}/api/jobs/dev/${c.id}?token=${TOKEN}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      env: 'dev',
      id: c.id,
      source: 'acte',
      status: { id: 6, name: 'ocr_running' },
      version: v,
      final: null,
      worker: c.workerId,
      attempts: 1,
      progress: { stage: 'ocr', page: 2, pages: 3, worker: c.workerId },
    });
  });
});

describe('GET /api/jobs/:env/:id/events', () => {
  it('sends a snapshot, then each committed page, then done, and ends the stream', async () => {
    const c = await claimOne();
    const sse = await openSse(`${base}/api/jobs/dev/${c.id}/events`, auth);
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const snap = await sse.waitFor((e) => e.event === 'snapshot');
    expect(snap.data).toMatchObject({ id: c.id, status: { id: 6 }, progress: { stage: 'claimed' } });
    const versions = [];
    for (let n = 1; n <= 3; n++) {
      versions.push(await page(c, n));
      await sse.waitFor((e) => e.event === 'progress' && e.data.progress.page === n, 5_000);
    }
    const doneVersion = await finish(c);
    const done = await sse.waitFor((e) => e.event === 'done', 5_000);
    await sse.ended;
    expect(done.data).toMatchObject({ final: 'done', status: { id: 5 }, progress: { percent: 100 } });
    expect(sse.events.map((e) => e.event)).toEqual(['snapshot', 'progress', 'progress', 'progress', 'done']);
    expect(ids(sse)).toEqual([snap.data.version, ...versions, doneVersion]);
  });

  it('a finished document: snapshot and done at once, then a resumed client is told to stop (204)', async () => {
    const c = await claimOne();
    const v = await finish(c);
    const sse = await openSse(`${base}/api/jobs/dev/${c.id}/events`, auth);
    await sse.ended;
    expect(sse.events.map((e) => [e.event, e.id])).toEqual([
      ['snapshot', String(v)],
      ['done', undefined],
    ]);
    const again = await fetch(`${base}/api/jobs/dev/${c.id}/events`, { headers: { ...auth, 'last-event-id': String(v) } });
    expect(again.status).toBe(204);
  });

  it('resumes with Last-Event-ID: the newest state first, then live, nothing lost and nothing repeated', async () => {
    const c = await claimOne();
    const published: number[] = [];
    const first = await openSse(`${base}/api/jobs/dev/${c.id}/events`, auth);
    await first.waitFor((e) => e.event === 'snapshot');
    published.push(await page(c, 1, 6));
    await first.waitFor((e) => Number(e.id) === published[0]);
    first.close();
    await first.ended;
    const lastSeen = Math.max(...ids(first));

    // While the client is away, two pages are written: only the newest state matters to it.
    published.push(await page(c, 2, 6));
    published.push(await page(c, 3, 6));
    const second = await openSse(`${base}/api/jobs/dev/${c.id}/events`, { ...auth, 'last-event-id': String(lastSeen) });
    const firstBack = await second.waitFor(() => true);
    expect(firstBack).toMatchObject({ event: 'progress', id: String(published[2]), data: { progress: { page: 3 } } });

    // Then live again: every later write arrives, once.
    for (let n = 4; n <= 6; n++) {
      published.push(await page(c, n, 6));
      await second.waitFor((e) => Number(e.id) === published.at(-1), 5_000);
    }
    const doneVersion = await finish(c, 6);
    await second.waitFor((e) => e.event === 'done', 5_000);
    await second.ended;

    const all = [...ids(first), ...ids(second)];
    expect(new Set(all).size).toBe(all.length); // no repeats across the reconnect
    expect([...all].sort((a, b) => a - b)).toEqual(all); // in order
    expect(second.events.some((e) => e.event === 'snapshot')).toBe(false);
    // Nothing lost: every version written while a client was connected reached it, and the newest
    // version written while it was away came first on reconnect.
    for (const v of [published[0], ...published.slice(2), doneVersion]) expect(all).toContain(v);
  });

  it('a resumed client that is up to date gets nothing until the next write (no replay)', async () => {
    const c = await claimOne();
    const v = await page(c, 1);
    const sse = await openSse(`${base}/api/jobs/dev/${c.id}/events`, { ...auth, 'last-event-id': String(v) });
    await new Promise((r) => setTimeout(r, 500));
    expect(sse.events).toEqual([]);
    expect(sse.comments.filter((c) => c === 'ping').length).toBeGreaterThan(0); // heartbeats (200 ms here, 15 s by default)
    const v2 = await page(c, 2);
    await sse.waitFor((e) => Number(e.id) === v2, 5_000);
    sse.close();
    expect(ids(sse)).toEqual([v2]);
  });

  it('accepts ?lastEventId= and ?token= for clients that cannot set headers', async () => {
    const c = await claimOne();
    const v = await page(c, 1);
    const sse = await openSse(`${base}/api/jobs/dev/${c.id}/events?token=${TOKEN}&lastEventId=${v}`);
    expect(sse.status).toBe(200);
    const v2 = await page(c, 2);
    await sse.waitFor((e) => Number(e.id) === v2, 5_000);
    sse.close();
    expect(ids(sse)).toEqual([v2]);
  });

  it('clients that disconnect leave nothing behind', async () => {
    const docs = [await claimOne(), await claimOne(), await claimOne()];
    const clients: SseClient[] = [];
    for (let i = 0; i < 30; i++) clients.push(await openSse(`${base}/api/jobs/dev/${docs[i % 3]!.id}/events`, auth));
    const all = await openSse(`${base}/api/events`, auth);
    await Promise.all(clients.map((s) => s.waitFor((e) => e.event === 'snapshot')));
    expect(server.hub.stats()).toEqual({ documents: 3, listeners: 30, allListeners: 1 });
    // Some clients go away mid-request (before the snapshot was even read).
    const early = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const ctl = new AbortController();
        const p = fetch(`${base}/api/jobs/dev/${docs[0]!.id}/events`, { headers: auth, signal: ctl.signal }).catch(() => undefined);
        ctl.abort();
        return p;
      }),
    );
    expect(early).toHaveLength(10);
    for (const s of clients) s.close();
    all.close();
    await until(async () => {
      const st = server.hub.stats();
      return st.documents === 0 && st.listeners === 0 && st.allListeners === 0;
    }, 5_000, 'hub empty');
    const metrics = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    const clientsGauge = parsePrometheus(metrics).samples.find((s) => s.name === 'ocr_sse_clients');
    expect(clientsGauge?.value).toBe(0);
    // Writes to documents nobody watches any more go nowhere (and do not fail).
    await page(docs[0]!, 1);
  });
});

describe('GET /metrics', () => {
  it('is valid Prometheus text, ocr_-prefixed, no id labels, and its queue gauges match SQL', async () => {
    await seed(db.pool, [
      { source: 'index', status: 3 },
      { source: 'index', status: 3 },
      { source: 'index', status: 1 },
      { source: 'acte', status: 4 },
      { source: 'acte', status: 5 },
      { source: 'plan_cadastraux', status: 3 },
      { source: 'plan_cadastraux', status: 2 },
    ]);
    const res = await fetch(`${base}/metrics`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types } = parsePrometheus(await res.text());
    for (const name of types.keys()) expect(name).toMatch(/^ocr_/);
    for (const [name, type] of types) if (type === 'counter') expect(name).toMatch(/_total$/);
    for (const s of samples) for (const label of Object.keys(s.labels)) expect(['id', 'document', 'document_id', 'worker', 'worker_id', 'host', 'pid']).not.toContain(label);

    const { rows } = await db.pool.query(`SELECT document_source AS source, status_id, count(*)::int AS n FROM extraction_queue GROUP BY 1, 2`);
    const names: Record<number, string> = { 1: 'pending', 2: 'extracting', 3: 'ready', 4: 'error', 5: 'ocr_done', 6: 'ocr_running' };
    const gauges = samples.filter((s) => s.name === 'ocr_queue_documents');
    expect(gauges).toHaveLength(rows.length);
    for (const r of rows) {
      const g = gauges.find((s) => s.labels.env === 'dev' && s.labels.source === r.source && s.labels.status === names[r.status_id]);
      expect(g?.value, `${r.source}/${r.status_id}`).toBe(r.n);
    }
    expect(samples.find((s) => s.name === 'ocr_database_up')).toMatchObject({ labels: { env: 'dev' }, value: 1 });
    expect(types.get('ocr_process_cpu_seconds_total')).toBe('counter'); // Node defaults, prefixed
    expect(types.has('ocr_sse_events_total')).toBe(true);
  });
});

describe('GET /readyz and /api/pool', () => {
  it('readiness needs live workers; /api/pool shows them and the shared allocation', async () => {
    await redis.del(ALLOCATION_KEY);
    const notReady = await getJson(`${base}/readyz`, auth);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ ready: false, databases: { dev: { ok: true } }, workers: { ok: false } });

    const c = await claimOne();
    await publishWorkers(db.pool, [
      { workerId: 'h1:10:w0', host: 'h1', pid: 10, mode: 'acte', state: 'busy', documentId: c.id, progress: { env: 'dev', stage: 'ocr', page: 1, pages: 3, percent: 5 }, jobsDone: 2 },
      { workerId: 'h1:10:w1', host: 'h1', pid: 10, mode: 'index', state: 'idle', documentId: null, progress: null, jobsDone: 0 },
    ]);
    await publishAllocation(redis, { poolId: 'h1:10', host: 'h1', pid: 10, index: 1, acte: 1, active: 2, reason: 'backlogs weighed', capacity: null, at: new Date().toISOString() });
    const ready = await getJson(`${base}/readyz`, auth);
    expect(ready.status).toBe(200);
    expect(ready.body.ready).toBe(true);

    const pool = await getJson(`${base}/api/pool`, auth);
    expect(pool.status).toBe(200);
    expect(pool.body.workers).toEqual([
      expect.objectContaining({ id: 'h1:10:w0', host: 'h1', mode: 'acte', state: 'busy', document: { env: 'dev', id: c.id }, progress: expect.objectContaining({ page: 1 }) }),
      expect.objectContaining({ id: 'h1:10:w1', mode: 'index', state: 'idle', document: null }),
    ]);
    expect(pool.body.allocation).toMatchObject({ source: 'redis', latest: { host: 'h1', index: 1, acte: 1, reason: 'backlogs weighed' }, workersByMode: { acte: 1, index: 1 } });
    expect(pool.body.running.map((j: any) => j.id)).toContain(c.id);
    expect(pool.body.queue.dev.counts.length).toBeGreaterThan(0);
    await redis.del(ALLOCATION_KEY);
  });
});

describe('GET / (the live page)', () => {
  it('is served with a strict CSP, with its script and style from the same origin', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
    const page = await fetch(`${base}/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script src="app.js">');
    // Static, data-free assets: loaded by the page without the token.
    expect((await fetch(`${base}/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/app.css`)).status).toBe(200);
  });
});

describe('when things are missing', () => {
  it('an unreachable database: 503 JSON, not ready, database_up 0; the rest keeps answering', async () => {
    const other = new StatusServer({
      config: {
        environments: [
          { name: 'dev', databaseUrl: db.url },
          { name: 'staging', databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere' },
        ],
        httpHost: '127.0.0.1',
        httpPort: 0,
      },
      log,
    });
    const { port } = await other.start();
    const url = `http://127.0.0.1:${port}`;
    try {
      const job = await getJson(`${url}/api/jobs/staging/${randomUUID()}`);
      expect(job).toMatchObject({ status: 503, body: { error: 'database_unavailable' } });
      const events = await getJson(`${url}/api/jobs/staging/${randomUUID()}/events`);
      expect(events).toMatchObject({ status: 503, body: { error: 'database_unavailable' } });
      const ready = await getJson(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.databases).toMatchObject({ dev: { ok: true }, staging: { ok: false, error: expect.stringContaining('unreachable') } });
      const { samples } = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
      expect(samples.filter((s) => s.name === 'ocr_database_up').map((s) => [s.labels.env, s.value]).sort()).toEqual([
        ['dev', 1],
        ['staging', 0],
      ]);
      const pool = await getJson(`${url}/api/pool`);
      expect(pool.status).toBe(200);
      expect(pool.body.queue.staging.error).toMatch(/database unavailable/);
      expect(pool.body.allocation.source).toBe('registry'); // no REDIS_URL here
    } finally {
      await other.stop();
    }
  });

  it('a port already in use: start fails cleanly and leaves nothing running', async () => {
    const port = Number(new URL(base).port);
    const clash = new StatusServer({ config: { environments: [{ name: 'dev', databaseUrl: db.url }], redisUrl: REDIS, httpHost: '127.0.0.1', httpPort: port }, log });
    await expect(clash.start()).rejects.toThrow(/EADDRINUSE/);
    expect(clash.feed.state()).toMatchObject({ postgres: { dev: 'connecting' } });
    expect(clash.redis?.status).toBe('end');
  });
});
