/**
 * The supervisor's promises, on real processes: a one-mode backlog uses every worker; the allocation is
 * logged each interval; two pools sharing one Redis never exceed the shared download concurrency;
 * Redis dying mid-run loses no document.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db';
import { FIXTURES, startDaemon, tempStorage, waitFor } from '../helpers/daemon';
import { privateRedis, type PrivateRedis } from '../helpers/redis-server';
import { REFINEMENTS } from '../../src/ocr/page-steps';

let db: TestDb;
let redis: PrivateRedis;
beforeAll(async () => {
  db = await createTestDb();
  redis = await privateRedis();
});
afterAll(async () => {
  await db?.drop();
  await redis?.stop();
});

async function seedDocs(n: number, source: string, file: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id)
     SELECT $1, 'N-' || g, $2, 3 FROM generate_series(1, $3) g`,
    [source, file, n],
  );
}
async function unfinished(): Promise<number> {
  return (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id IN (3, 6)`)).rows[0].n;
}

describe('pool supervisor', () => {
  it('a backlog of only index documents is processed by both workers at once; allocation logged every interval', async () => {
    await db.pool.query('TRUNCATE extraction_queue');
    const storage = tempStorage();
    storage.put('index/register-scan.pdf', path.join(FIXTURES, 'synthetic', 'register-scan.pdf'));
    await seedDocs(6, 'index', 'register-scan.pdf');
    const daemon = startDaemon({
      DEV_DATABASE_URL: db.url,
      OCR_STORAGE_DIR: storage.dir,
      OCR_WORKER_POOL_SIZE: '2',
      OCR_REBALANCE_INTERVAL_MS: '1000',
      // Other test files OCR in parallel on this 2-core machine: without this, the pool would rightly
      // park a worker to keep 20 % CPU free for them (parking has its own test).
      SERVER_RESERVE_CPU_PERCENT: '0',
    });
    try {
      await waitFor(async () => (await unfinished()) === 0, 240_000, 'the index backlog to drain');
    } finally {
      expect(await daemon.stop()).toBe(0);
      storage.remove();
    }
    const { rows } = await db.pool.query(`SELECT ocr_worker_id, ocr_started_at, ocr_completed_at FROM extraction_queue WHERE status_id = 5`);
    expect(rows).toHaveLength(6);
    const workers = new Set(rows.map((r) => r.ocr_worker_id));
    expect(workers.size).toBe(2);
    // Some pair of documents from different workers overlapped in time.
    const overlapped = rows.some((a) => rows.some((b) => a.ocr_worker_id !== b.ocr_worker_id && a.ocr_started_at < b.ocr_completed_at && b.ocr_started_at < a.ocr_completed_at));
    expect(overlapped).toBe(true);
    const allocations = daemon.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('allocation: '));
    expect(allocations.length).toBeGreaterThanOrEqual(2);
    expect(allocations.some((l) => l.allocation.index === 2 && l.allocation.acte === 0)).toBe(true);
    expect(allocations[0]).toMatchObject({ depth: expect.any(Object), reason: expect.any(String) });
  }, 300_000);

  it('two pool processes sharing one Redis never exceed OCR_RATE_MAX_CONCURRENT downloads at a time', async () => {
    await db.pool.query('TRUNCATE extraction_queue');
    const pdf = readFileSync(path.join(FIXTURES, 'synthetic', 'acte1-digital.pdf'));
    let inFlight = 0;
    let maxInFlight = 0;
    let served = 0;
    // Supabase storage's download route, slow enough that downloads would overlap without a limit.
    const server = http.createServer((req, res) => {
      if (!req.url?.startsWith('/storage/v1/object/authenticated/actes/') || req.headers.apikey !== 'test-key') {
        res.writeHead(404).end('{"statusCode":"404","error":"not_found","message":"Object not found"}');
        return;
      }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        served++;
        res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': pdf.length }).end(pdf);
      }, 250);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await seedDocs(16, 'acte', 'acte1-digital.pdf');
    const env = {
      DEV_DATABASE_URL: db.url,
      DEV_SUPABASE_URL: url,
      DEV_SUPABASE_SERVICE_KEY: 'test-key',
      REDIS_URL: redis.url,
      OCR_WORKER_POOL_SIZE: '2',
      OCR_RATE_MAX_CONCURRENT: '2',
    };
    const a = startDaemon(env);
    const b = startDaemon(env);
    try {
      await waitFor(async () => (await unfinished()) === 0, 180_000, 'all documents downloaded and done');
    } finally {
      expect(await a.stop()).toBe(0);
      expect(await b.stop()).toBe(0);
      server.close();
    }
    expect(served).toBe(16);
    expect(maxInFlight).toBe(2); // 4 workers wanted more; the shared limit held, and was used
    const done = (await db.pool.query(`SELECT count(*)::int AS n, count(DISTINCT split_part(ocr_worker_id, ':w', 1))::int AS pools FROM extraction_queue WHERE status_id = 5`)).rows[0];
    expect(done).toEqual({ n: 16, pools: 2 });
    for (const d of [a, b]) expect(d.lines.some((l) => l.msg === 'rate limiter shared through Redis')).toBe(true);
  }, 240_000);

  it('Redis killed and restarted mid-run loses no document: local limiter meanwhile, shared again after', async () => {
    await db.pool.query('TRUNCATE extraction_queue');
    const storage = tempStorage();
    storage.put('actes/acte1-scan.pdf', path.join(FIXTURES, 'synthetic', 'acte1-scan.pdf'));
    await seedDocs(8, 'acte', 'acte1-scan.pdf');
    const daemon = startDaemon({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '2', REDIS_URL: redis.url });
    try {
      const completed = await daemon.waitForLog((l) => l.msg === 'document completed', 120_000);
      // The completion line says where the document's time went, per stage, in ms.
      expect(Object.keys(completed.stages)).toEqual(['download', 'render', 'preprocess', 'recognition', 'boost', 'database']);
      expect(completed.stages.recognition).toBeGreaterThan(0);
      // And what each refinement took of the recognition stage.
      expect(Object.keys(completed.refinements)).toEqual([...REFINEMENTS]);
      const refined = Object.values(completed.refinements as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(refined).toBeLessThan(completed.stages.recognition);
      expect(completed.passes).toMatchObject({ fra: expect.any(Number) });
      await redis.stop();
      await daemon.waitForLog((l) => /continuing on a local limiter/.test(l.msg), 60_000);
      await redis.start();
      await daemon.waitForLog((l) => l.msg === 'Redis is back: rate limiter shared again', 60_000);
      await waitFor(async () => (await unfinished()) === 0, 240_000, 'the backlog to drain');
    } finally {
      expect(await daemon.stop()).toBe(0);
      storage.remove();
      await redis.start();
    }
    const { rows } = await db.pool.query(`SELECT status_id, ocr_attempts, count(*)::int AS n FROM extraction_queue GROUP BY 1, 2`);
    expect(rows).toEqual([{ status_id: 5, ocr_attempts: 1, n: 8 }]);
  }, 300_000);
});
