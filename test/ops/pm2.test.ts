/**
 * `pm2 start ecosystem.config.js` for real, in a PM2 of its own (isolated PM2_HOME, killed afterwards):
 * ocr-pool comes online once ready, drains seeded documents, `pm2 stop` hands an in-flight document back
 * to 3 without burning its attempt, and `pm2 delete` leaves nothing running. The standalone status
 * server (ocr-status) starts beside it and answers from Postgres.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/check/types';
import { createTestDb, row, type TestDb } from '../helpers/db';
import { FIXTURES, ROOT, tempStorage, waitFor } from '../helpers/daemon';
import { baseEnv, freePort, isAlive, isolatedPm2Home, killPm2, pm2, pm2List, run, TSX_BIN, type Pm2Process } from './helpers';

let db: TestDb;
let storage: ReturnType<typeof tempStorage>;
let env: Record<string, string>;
let statusPort: number;

beforeAll(async () => {
  db = await createTestDb();
  storage = tempStorage();
  statusPort = await freePort();
  env = baseEnv({
    OCR_HTTP_PORT: String(await freePort()),
    STATUS_HTTP_PORT: String(statusPort),
    PM2_HOME: isolatedPm2Home(),
    DEV_DATABASE_URL: db.url,
    OCR_STORAGE_DIR: storage.dir,
    // One worker, and no shutdown budget: `pm2 stop` must hand the running document back at once.
    OCR_WORKER_POOL_SIZE: '1',
    OCR_SHUTDOWN_TIMEOUT_MS: '0',
    OCR_POLL_INTERVAL_MS: '200',
  });
});
afterAll(async () => {
  if (env) await killPm2(env);
  await db?.drop();
  storage?.remove();
});

async function insert(source: string, supabasePath: string, number: string): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id) VALUES ($1, $2, $3, 3) RETURNING id`,
    [source, number, supabasePath],
  );
  return rows[0].id;
}

async function app(name = 'ocr-pool'): Promise<Pm2Process | undefined> {
  return (await pm2List(env)).find((p) => p.name === name);
}

describe('pm2 start ecosystem.config.js', () => {
  let pid = 0;

  it('starts ocr-pool in fork mode and reports it online once the pool serves', async () => {
    const r = await pm2(['start', 'ecosystem.config.js'], env, ROOT, 180_000);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/waiting for app to be ready/);
    const p = await app();
    expect(p).toBeDefined();
    expect(p!.pm2_env).toMatchObject({ status: 'online', exec_mode: 'fork_mode', wait_ready: true, kill_timeout: 15_000 });
    expect((await pm2List(env)).map((x) => x.name).sort()).toEqual(['ocr-pool', 'ocr-status']);
    pid = p!.pid;
    expect(isAlive(pid)).toBe(true);

    // `pm2 start` returned after the app said 'ready': by then the pool serves and its worker is registered.
    const { rows } = await db.pool.query(`SELECT worker_id FROM ocr_workers WHERE pid = $1`, [pid]);
    expect(rows.length).toBe(1);
    // pino's lines reach PM2's log untouched: one JSON object per line, no date prefix.
    const lines = readFileSync(p!.pm2_env.pm_out_log_path, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
    const serving = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'OCR pool serving');
    expect(serving).toBeDefined();
    // The app runs on the node that ran `pm2 start` (the interpreter the ecosystem file names), not on
    // whatever older node the PM2 daemon's PATH would find.
    expect(serving.node).toBe(process.version);
    expect(p!.pm2_env.exec_interpreter).toBe(process.execPath);
  }, 200_000);

  it('starts the standalone status server beside it, on its own port', async () => {
    const p = (await app('ocr-status'))!;
    expect(p.pm2_env).toMatchObject({ status: 'online', exec_mode: 'fork_mode', wait_ready: true });
    const r = await fetch(`http://127.0.0.1:${statusPort}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it('drains seeded documents (text layer and scanned) to 5, and check-ocr-queue sees the live worker', async () => {
    storage.put('actes/acte1-digital.pdf', path.join(FIXTURES, 'synthetic', 'acte1-digital.pdf'));
    storage.put('actes/lettre.pdf', path.join(FIXTURES, 'pdf', 'tapus-lettre1858-3_eac6a.pdf'));
    const ids = [
      await insert('acte', 'acte1-digital.pdf', 'D-1'),
      await insert('acte', 'actes/acte1-digital.pdf', 'D-2'),
      await insert('acte', 'lettre.pdf', 'S-1'),
    ];
    await waitFor(
      async () => (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id IN (3, 6)`)).rows[0].n === 0,
      150_000,
      'the seeded documents to drain',
    );
    for (const id of ids) {
      const r = await row(db.pool, id);
      expect(r.status_id, r.ocr_error).toBe(5);
      expect(r.file_content.length).toBeGreaterThan(50);
      expect(r.ocr_worker_id).toMatch(new RegExp(`:${pid}:w0$`));
    }

    const c = await run(TSX_BIN, ['check-ocr-queue.ts', '--json'], { env: baseEnv({ DEV_DATABASE_URL: db.url }) });
    const report = JSON.parse(c.stdout) as CheckReport;
    expect(c.code).toBe(0);
    const dev = report.environments[0]!;
    expect(dev.workers!.list.map((w) => w.pid)).toEqual([pid]);
    expect(dev.throughput!.lastHour.completed).toBe(3);
    // The standalone status server answers from Postgres, not from the pool's memory.
    const job = await fetch(`http://127.0.0.1:${statusPort}/api/jobs/dev/${ids[2]}`);
    expect(job.status).toBe(200);
    expect(JSON.stringify(await job.json())).toContain(ids[2]!);
    expect((await app())!.pm2_env.restart_time).toBe(0);
  }, 200_000);

  it('pm2 stop hands the in-flight document back to 3 without burning its attempt', async () => {
    storage.put('actes/prose3.pdf', path.join(FIXTURES, 'pdf', 'tapus-prose-3pages.pdf'));
    const id = await insert('acte', 'prose3.pdf', 'P-3');
    await waitFor(async () => (await row(db.pool, id)).ocr_progress?.stage === 'ocr', 120_000, 'the document to be in OCR');
    expect((await row(db.pool, id)).status_id).toBe(6);

    const r = await pm2(['stop', 'ocr-pool'], env, ROOT, 60_000);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const after = await row(db.pool, id);
    expect(after).toMatchObject({ status_id: 3, ocr_attempts: 0, ocr_lease_expires_at: null });
    expect(after.ocr_progress.stage).toBe('released');
    const p = await app();
    expect(p!.pm2_env.status).toBe('stopped');
    // It exited by itself on SIGINT (exit 0), well before kill_timeout would have SIGKILLed it.
    expect(p!.pm2_env.exit_code).toBe(0);
    expect(isAlive(pid)).toBe(false);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM ocr_workers WHERE pid = $1`, [pid]);
    expect(rows[0].n).toBe(0); // it left the worker registry on its way out
  }, 200_000);

  it('pm2 delete leaves nothing running', async () => {
    const statusPid = (await app('ocr-status'))!.pid;
    expect(isAlive(statusPid)).toBe(true);
    const r = await pm2(['delete', 'ecosystem.config.js'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await pm2List(env)).toEqual([]);
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(statusPid)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${statusPort}/healthz`)).rejects.toThrow();
  });
});
