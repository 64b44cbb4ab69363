/**
 * Capacity in action, in-process with the real pool, real Postgres and real OCR threads: a host without
 * headroom parks workers between jobs; when headroom returns they resume. The host sample is injected
 * (a real busy host cannot be summoned on demand in CI); the decision and the parking are the real ones.
 */
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import type { HostSample } from '../../src/pool/capacity';
import { WorkerPool } from '../../src/pool/pool';
import { createTestDb, type TestDb } from '../helpers/db';
import { FIXTURES, tempStorage, waitFor } from '../helpers/daemon';

let db: TestDb;
let storage: ReturnType<typeof tempStorage>;
beforeAll(async () => {
  db = await createTestDb();
  storage = tempStorage();
  storage.put('actes/a.pdf', path.join(FIXTURES, 'synthetic', 'acte1-digital.pdf'));
});
afterAll(async () => {
  await db?.drop();
  storage?.remove();
});

describe('capacity parking', () => {
  it('parks workers while the host has no headroom and resumes them when it returns', async () => {
    let host: HostSample = { cores: 2, cpuUsedPercent: 100, freeRamMb: 20_000, totalRamMb: 24_000 };
    const config = loadConfig({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '2', OCR_POLL_INTERVAL_MS: '100', LOG_LEVEL: 'silent' });
    const pool = new WorkerPool(config, pino({ level: 'silent' }), { sampleHost: async () => host });
    await pool.start();
    try {
      expect(pool.snapshot().capacity?.workers).toBe(1); // 2 foreign cores busy: only the one-worker floor runs
      expect(pool.snapshot().capacity?.reason).toMatch(/^CPU/);
      expect(pool.snapshot().slots.filter((s) => s.mayClaim)).toHaveLength(1);
      await waitFor(async () => pool.snapshot().slots[1]!.state === 'parked', 5_000, 'the second worker to park');

      await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) SELECT 'acte', 'a.pdf', 3 FROM generate_series(1, 4)`);
      await waitFor(async () => pool.snapshot().stats.completed === 4, 60_000, 'the backlog to drain on one worker');
      const workers = (await db.pool.query(`SELECT DISTINCT ocr_worker_id FROM extraction_queue`)).rows;
      expect(workers).toEqual([{ ocr_worker_id: pool.snapshot().slots[0]!.id }]);

      host = { ...host, cpuUsedPercent: 0 };
      await waitFor(async () => pool.snapshot().capacity?.workers === 2, 15_000, 'capacity to return');
      await waitFor(async () => pool.snapshot().slots.every((s) => s.state !== 'parked'), 5_000, 'the parked worker to resume');
    } finally {
      await pool.stop();
    }
  }, 120_000);
});
