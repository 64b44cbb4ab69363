/**
 * PostgreSQL stops while the pool works: a private server (the demo's embedded PostgreSQL, a real one) is
 * stopped and started again. A short restart (3 s, within every timeout) and a long outage (45 s: longer
 * than the pool's connection timeout, its claims' poll and the jobs' leases) must both end with every
 * document completed once, the workers claiming again as soon as Postgres answers, and no error escaping
 * a job.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { type Cluster, initCluster, type Server, startServer } from '../../src/demo/postgres';
import { FIXTURES, ROOT, startDaemon, tempStorage, waitFor } from '../helpers/daemon';
import { recordTransitions } from '../helpers/transitions';
import { baseEnv, run } from '../ops/helpers';
import { statusUrl } from '../status/helpers';

let cluster: Cluster;
let server: Server;
let runDir: string;
let url: string;
let storage: ReturnType<typeof tempStorage>;

/** The private server, stopped and started again on the same port (the pool's URL stays valid). */
const pgServer = {
  stop: () => server.stop(),
  start: async () => {
    server = await startServer(cluster, { port: server.port });
  },
};

beforeAll(async () => {
  runDir = mkdtempSync(path.join(os.tmpdir(), 'ocr-pg-'));
  cluster = await initCluster(runDir);
  server = await startServer(cluster);
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE ocr');
  await admin.end();
  url = server.url.replace(/\/postgres$/, '/ocr');
  await sql(async (c) => {
    await migrate(c);
  });
  await withPool((p) => recordTransitions(p));
  storage = tempStorage();
  storage.put('actes/scan.pdf', path.join(FIXTURES, 'synthetic', 'acte2-scan.pdf'));
  storage.put('actes/digital.pdf', path.join(FIXTURES, 'synthetic', 'acte1-digital.pdf'));
}, 120_000);
afterAll(async () => {
  await server?.stop().catch(() => undefined);
  rmSync(runDir, { recursive: true, force: true });
  storage?.remove();
});

async function sql<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function withPool<T>(fn: (p: pg.Pool) => Promise<T>): Promise<T> {
  const p = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await fn(p);
  } finally {
    await p.end();
  }
}

async function count(where: string): Promise<number> {
  return sql(async (c) => (await c.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE ${where}`)).rows[0].n);
}

/** Documents completed more than once (6 → 5 twice), from the transitions trigger. */
async function completedTwice(): Promise<unknown[]> {
  return sql(async (c) => (await c.query(`SELECT id, count(*)::int AS n FROM test_transitions WHERE new_status = 5 GROUP BY id HAVING count(*) > 1`)).rows);
}

/** Every document done exactly once, by one daemon start (no crash loop), with no unhandled error. */
async function expectSurvived(daemon: { lines: Array<{ msg?: unknown }> }, documents: number): Promise<void> {
  expect(await count('status_id = 5')).toBe(documents);
  expect(await completedTwice()).toEqual([]);
  expect(daemon.lines.filter((l) => l.msg === 'OCR pool serving')).toHaveLength(1);
  expect(daemon.lines.filter((l) => /unhandled/i.test(String(l.msg)))).toEqual([]);
}

describe('PostgreSQL stopped mid-run', () => {
  it('a 3 s restart: the pool reconnects and finishes the backlog, without restarting itself', async () => {
    await sql((c) => c.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) SELECT 'acte', 'scan.pdf', 3 FROM generate_series(1, 10)`));

    const daemon = startDaemon({ DEV_DATABASE_URL: url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '2', SERVER_RESERVE_CPU_PERCENT: '0' });
    try {
      await daemon.waitForLog((l) => l.msg === 'document completed', 120_000);
      await pgServer.stop();
      await new Promise((r) => setTimeout(r, 3_000));
      await pgServer.start();
      await waitFor(async () => (await count('status_id IN (3, 6)')) === 0, 240_000, 'the backlog to finish');
      expect(daemon.proc.exitCode).toBeNull();
    } finally {
      const code = await daemon.stop();
      expect(code).toBe(0);
    }
    await expectSurvived(daemon, 10);
    expect(daemon.lines.some((l) => /claim failed|database unavailable|heartbeat failed|idle Postgres connection failed/.test(l.msg))).toBe(true);
  }, 300_000);

  it('a 45 s outage: reported while it lasts; afterwards every document completes once and new ones are claimed at once', async () => {
    await sql((c) => c.query(`TRUNCATE extraction_queue; TRUNCATE test_transitions`));
    await sql((c) => c.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) SELECT 'acte', 'scan.pdf', 3 FROM generate_series(1, 6)`));
    const LEASE_MS = 15_000;
    const env = { DEV_DATABASE_URL: url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '2', SERVER_RESERVE_CPU_PERCENT: '0', OCR_LEASE_MS: String(LEASE_MS) };
    const daemon = startDaemon(env);
    try {
      const base = await statusUrl(daemon);
      await daemon.waitForLog((l) => l.msg === 'document completed', 120_000);
      // Stopped while both workers are mid-document: their last writes meet the outage.
      await waitFor(async () => (await count('status_id = 6')) === 2, 60_000, 'both workers busy');
      await pgServer.stop();
      const downAt = Date.now();

      // While it lasts, every health surface says so.
      await waitFor(async () => (await fetch(`${base}/readyz`)).status === 503, 30_000, '/readyz to report the outage');
      const check = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'check-ocr-queue.ts'), '--json'], { env: baseEnv({ DEV_DATABASE_URL: url }), timeoutMs: 60_000 });
      expect(check.code).toBe(2);
      expect(JSON.parse(check.stdout).environments[0].reachable).toBe(false);

      await new Promise((r) => setTimeout(r, Math.max(0, 45_000 - (Date.now() - downAt))));
      await pgServer.start();
      const upAt = Date.now();
      // Queued once Postgres answers again: cheap born-digital deeds, so their wait is the claim's.
      await sql((c) => c.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id, document_number) SELECT 'acte', 'digital.pdf', 3, 'after-' || g FROM generate_series(1, 4) g`));
      await waitFor(async () => (await count(`document_number LIKE 'after-%' AND status_id = 5`)) === 4, 60_000, 'the documents queued after the outage');
      const afterMs = Date.now() - upAt;
      // Workers busy re-reading recovered scans may each be mid-document (a few seconds a page); an idle
      // worker claims within a poll interval of Postgres answering.
      expect(afterMs).toBeLessThan(30_000);
      await waitFor(async () => (await count('status_id IN (3, 6)')) === 0, 240_000, 'the backlog to finish');
      await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000, '/readyz ready again');
      expect(daemon.proc.exitCode).toBeNull();
    } finally {
      const code = await daemon.stop();
      expect(code).toBe(0);
    }
    await expectSurvived(daemon, 10);
  }, 420_000);
});
