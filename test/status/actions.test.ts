/**
 * The panel's API on a real Postgres, in this process: what an operator reads (failures, find, pool with
 * throughput and ETA, metrics of pauses) and the actions, which only an admin token in an Authorization
 * header of a POST from no other origin may take. Every refused request is checked to change nothing.
 * The same from a real browser, on a page of another origin, is in panel.browser.test.ts.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { StatusServer } from '../../src/status/server';
import { createTestDb, row, type TestDb } from '../helpers/db';
import { getJson, parsePrometheus } from './helpers';

const READ = 'read-token-0123456789';
const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef';
const logLines: Record<string, any>[] = [];
const log = createLogger(
  'info',
  new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(l));
      cb();
    },
  }),
);

let db: TestDb;
let server: StatusServer;
let base: string;
let failedId: string;

beforeAll(async () => {
  db = await createTestDb();
  server = new StatusServer({
    config: {
      environments: [{ name: 'dev', databaseUrl: db.url }],
      redisUrl: undefined,
      httpHost: '127.0.0.1',
      httpPort: 0,
      httpToken: READ,
      httpAdminTokens: [
        { name: 'alice', token: ALICE },
        { name: 'bob', token: BOB },
      ],
    },
    log,
  });
  base = `http://127.0.0.1:${(await server.start()).port}`;
});
afterAll(async () => {
  await server?.stop();
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE extraction_queue, ocr_claim_pauses, ocr_operator_actions');
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, ocr_attempts, ocr_error, ocr_last_error_at)
     VALUES ('acte', '12 345 678', 'a.pdf', 4, 1, 'PermanentError: not a PDF (got <script>alert(1)</script>)', now()) RETURNING id`,
  );
  failedId = rows[0].id;
});

const json = { 'content-type': 'application/json' };
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(body) });
const asAlice = { authorization: `Bearer ${ALICE}` };

/** Nothing an action could have changed has changed. */
async function unchanged(): Promise<void> {
  expect((await row(db.pool, failedId)).status_id).toBe(4);
  expect((await db.pool.query('SELECT count(*)::int AS n FROM ocr_claim_pauses')).rows[0].n).toBe(0);
  expect((await db.pool.query('SELECT count(*)::int AS n FROM ocr_operator_actions')).rows[0].n).toBe(0);
}

describe('actions are refused', () => {
  const attempts: [string, string, unknown][] = [
    [`/api/jobs/dev/{id}/requeue`, 'requeue', {}],
    ['/api/requeue', 'requeue class', { env: 'dev', class: 'poison' }],
    ['/api/pause', 'pause', { env: 'dev', source: 'acte' }],
  ];

  it.each(attempts)('%s (%s) without a token, with the read token, with a wrong one, with a cookie', async (path, _what, body) => {
    const p = path.replace('{id}', failedId);
    const cases: [Record<string, string>, number, string][] = [
      [{}, 401, 'missing_token'],
      [{ authorization: `Bearer ${READ}` }, 401, 'invalid_token'],
      [{ authorization: `Bearer ${ALICE}x` }, 401, 'invalid_token'],
      [{ cookie: `token=${ALICE}` }, 401, 'missing_token'],
    ];
    for (const [headers, status, code] of cases) {
      const r = await post(p, body, headers);
      expect([JSON.stringify(headers), r.status, ((await r.json()) as { error: string }).error]).toEqual([JSON.stringify(headers), status, code]);
    }
    await unchanged();
  });

  it.each(attempts)('%s (%s) with the admin token in the query string, even with it in the header too', async (path, _what, body) => {
    const p = path.replace('{id}', failedId);
    for (const headers of [{}, asAlice]) {
      const r = await post(`${p}?token=${ALICE}`, body, headers);
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: string }).error).toBe('token_in_query');
    }
    await unchanged();
  });

  it.each(attempts)('%s (%s) from another origin or site, with the right token', async (path, _what, body) => {
    const p = path.replace('{id}', failedId);
    const refused: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }];
    for (const headers of refused) {
      const r = await post(p, body, { ...asAlice, ...headers });
      expect([headers, r.status, ((await r.json()) as { error: string }).error]).toEqual([headers, 403, 'cross_origin']);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
    await unchanged();
  });

  it('a body a form could send (not JSON): 415; no CORS preflight is answered', async () => {
    const r = await fetch(`${base}/api/pause`, { method: 'POST', headers: { ...asAlice, 'content-type': 'application/x-www-form-urlencoded' }, body: 'env=dev' });
    expect(r.status).toBe(415);
    const pre = await fetch(`${base}/api/pause`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    expect(pre.status).toBe(405);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    await unchanged();
    expect(logLines.some((l) => l.msg === 'operator action refused' && l.code === 'unsupported_media_type')).toBe(true);
  });
});

describe('actions with an admin token', () => {
  it('requeue one: 200, audited under the token’s name (log line and record); 409 once it is not at 4', async () => {
    const sameOrigin = { origin: base, 'sec-fetch-site': 'same-origin' };
    const r = await post(`/api/jobs/dev/${failedId}/requeue`, {}, { ...asAlice, ...sameOrigin });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ env: 'dev', id: failedId, requeued: true });
    expect((await row(db.pool, failedId)).status_id).toBe(3);
    const again = await post(`/api/jobs/dev/${failedId}/requeue`, {}, asAlice);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'not_failed', message: `document ${failedId} is at status 3, not 4: left alone` });
    const { rows } = await db.pool.query('SELECT actor, action, document_id, count FROM ocr_operator_actions ORDER BY id');
    expect(rows).toEqual([
      { actor: 'alice', action: 'requeue', document_id: failedId, count: 1 },
      { actor: 'alice', action: 'requeue', document_id: failedId, count: 0 },
    ]);
    expect(logLines.filter((l) => l.msg === 'operator action' && l.documentId === failedId).map((l) => [l.actor, l.action, l.count])).toEqual([
      ['alice', 'requeue', 1],
      ['alice', 'requeue', 0],
    ]);
    expect((await post('/api/jobs/dev/not-a-uuid/requeue', {}, asAlice)).status).toBe(400);
    expect((await post('/api/jobs/prod/00000000-0000-4000-8000-000000000000/requeue', {}, asAlice)).status).toBe(404);
  });

  it('requeue a class; pause and resume, shown in /api/pool and /metrics', async () => {
    const auth = { authorization: `Bearer ${BOB}` };
    expect(await (await post('/api/requeue', { env: 'dev', class: 'budget' }, auth)).json()).toEqual({ env: 'dev', class: 'budget', source: null, requeued: 0 });
    expect(await (await post('/api/requeue', { env: 'dev', class: 'poison' }, auth)).json()).toEqual({ env: 'dev', class: 'poison', source: null, requeued: 1 });
    expect((await post('/api/requeue', { env: 'dev' }, auth)).status).toBe(400);
    expect((await post('/api/requeue', { env: 'nowhere', class: 'poison' }, auth)).status).toBe(404);

    const paused = await post('/api/pause', { env: 'dev', source: 'acte', reason: 'bucket move' }, auth);
    expect(await paused.json()).toMatchObject({ env: 'dev', source: 'acte', paused: true, already: false, pauses: [{ source: 'acte', pausedBy: 'bob', reason: 'bucket move' }] });
    const pool = await getJson(`${base}/api/pool`, asAlice); // an admin token reads too
    expect(pool.status).toBe(200);
    expect(pool.body.queue.dev.pauses).toMatchObject([{ source: 'acte', pausedBy: 'bob' }]);
    // The requeued deed waits in the paused source: the ETA says paused, not a time, not idle.
    expect(pool.body.queue.dev.eta).toMatchObject({ state: 'paused', pausedDocuments: 1, documentsLeft: 0, seconds: null });
    expect(pool.body.queue.dev.throughput.map((w: any) => w.minutes)).toEqual([5, 60, 1440]);

    const metrics = parsePrometheus(await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${READ}` } })).text());
    const pausedGauge = metrics.samples.filter((s) => s.name === 'ocr_claims_paused').map((s) => [s.labels.env, s.labels.source, s.value]);
    expect(pausedGauge.sort()).toEqual([
      ['dev', 'acte', 1],
      ['dev', 'index', 0],
      ['dev', 'plan_cadastraux', 0],
    ]);

    expect(await (await post('/api/resume', { env: 'dev' }, auth)).json()).toEqual({ env: 'dev', lifted: ['acte'], pauses: [] });
    expect((await post('/api/pause', { env: 'dev', source: 'plans' }, auth)).status).toBe(400);
    const { rows } = await db.pool.query('SELECT actor, action, count FROM ocr_operator_actions ORDER BY id');
    expect(rows.map((r) => [r.actor, r.action, r.count])).toEqual([
      ['bob', 'requeue-class', 0],
      ['bob', 'requeue-class', 1],
      ['bob', 'pause', 1],
      ['bob', 'resume', 1],
    ]);
  });
});

describe('reads', () => {
  it('failures by class with the error as text; find by number; both need read access', async () => {
    const read = { authorization: `Bearer ${READ}` };
    expect((await getJson(`${base}/api/failures`)).status).toBe(401);
    const f = await getJson(`${base}/api/failures?env=dev&source=acte&class=poison`, read);
    expect(f.status).toBe(200);
    expect(f.body.environments.dev).toMatchObject({ total: 1, byClass: { poison: 1 }, bySource: { acte: 1 } });
    expect(f.body.environments.dev.list).toEqual([
      expect.objectContaining({ id: failedId, class: 'poison', error: 'PermanentError: not a PDF (got <script>alert(1)</script>)', attempts: 1 }),
    ]);
    expect((await getJson(`${base}/api/failures?env=dev&class=storage`, read)).body.environments.dev.list).toEqual([]);
    expect((await getJson(`${base}/api/failures?class=nope`, read)).status).toBe(400);
    const found = await getJson(`${base}/api/find?q=${encodeURIComponent(' 1234 5678 ')}&token=${READ}`);
    expect(found.body.results.map((d: any) => [d.env, d.id, d.errorClass])).toEqual([['dev', failedId, 'poison']]);
    expect((await getJson(`${base}/api/find?q=`, read)).status).toBe(400);
  });
});
