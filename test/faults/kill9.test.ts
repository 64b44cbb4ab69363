/**
 * kill -9 of the pool process at random moments, again and again, during a run of 50+ documents,
 * restarting it each time (what PM2 does after a crash). The invariant: every document ends at 5, or at 4
 * with a reason; none is completed twice; a killed job comes back within about one lease.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db';
import { FIXTURES, startDaemon, tempStorage, waitFor } from '../helpers/daemon';
import { recordTransitions } from '../helpers/transitions';

const LEASE_MS = 5000;
let db: TestDb;
let storage: ReturnType<typeof tempStorage>;

beforeAll(async () => {
  db = await createTestDb();
  storage = tempStorage();
  storage.put('actes/digital.pdf', path.join(FIXTURES, 'synthetic', 'acte1-digital.pdf'));
  storage.put('actes/scan.pdf', path.join(FIXTURES, 'synthetic', 'acte2-scan.pdf'));
  storage.put('index/scan.pdf', path.join(FIXTURES, 'synthetic', 'register-scan.pdf'));
  await recordTransitions(db.pool);
});
afterAll(async () => {
  await db?.drop();
  storage?.remove();
});

describe('kill -9 at random moments', () => {
  it('loses nothing and completes nothing twice over 10 kills and restarts', async () => {
    // 40 born-digital deeds (fast) and 14 scanned pages (seconds each, so kills land mid-OCR).
    await db.pool.query(`
      INSERT INTO extraction_queue (document_source, supabase_path, status_id, ocr_max_attempts)
      SELECT 'acte', 'digital.pdf', 3, 10 FROM generate_series(1, 40)
      UNION ALL SELECT 'acte', 'scan.pdf', 3, 10 FROM generate_series(1, 7)
      UNION ALL SELECT 'index', 'scan.pdf', 3, 10 FROM generate_series(1, 7)`);
    const env = {
      DEV_DATABASE_URL: db.url,
      OCR_STORAGE_DIR: storage.dir,
      OCR_WORKER_POOL_SIZE: '2',
      OCR_LEASE_MS: String(LEASE_MS),
      SERVER_RESERVE_CPU_PERCENT: '0',
      // This test is about kills and leases. A retryable failure on the way (a page over its budget while
      // the rest of the suite loads the machine) must not wait out the production backoff (30 s doubling
      // per attempt: three such failures of one row outlast the 300 s wait below); it still counts.
      OCR_RETRY_BASE_MS: '1000',
      OCR_RETRY_MAX_MS: '5000',
    };
    const killedWhileBusy: string[][] = [];
    for (let kill = 0; kill < 10; kill++) {
      const d = startDaemon(env);
      await d.waitForLog((l) => l.msg === 'OCR pool serving', 60_000);
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 2500));
      const { rows } = await db.pool.query(`SELECT id FROM extraction_queue WHERE status_id = 6 AND ocr_worker_id LIKE $1`, [`%:${d.proc.pid}:%`]);
      killedWhileBusy.push(rows.map((r) => r.id));
      d.proc.kill('SIGKILL');
      await d.stop();
    }
    // At least some kills hit documents mid-flight (otherwise this test proves little).
    expect(killedWhileBusy.flat().length).toBeGreaterThanOrEqual(3);

    const final = startDaemon(env);
    try {
      await waitFor(
        async () => (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id IN (3, 6)`)).rows[0].n === 0,
        300_000,
        'every document to end',
      ).catch(async (err: Error) => {
        // What a rare timeout needs to be explained: the rows left behind and what the last daemon said.
        const { rows: left } = await db.pool.query(
          `SELECT id, status_id, supabase_path, ocr_attempts, ocr_next_attempt_at, ocr_worker_id, ocr_lease_expires_at, ocr_error
             FROM extraction_queue WHERE status_id IN (3, 6) ORDER BY id`,
        );
        throw new Error(`${err.message}; rows not ended: ${JSON.stringify(left)}; last daemon's last lines: ${JSON.stringify(final.lines.slice(-30))}`);
      });
    } finally {
      expect(await final.stop()).toBe(0);
    }

    const { rows: ends } = await db.pool.query(`SELECT status_id, count(*)::int AS n FROM extraction_queue GROUP BY 1`);
    expect(ends).toEqual([{ status_id: 5, n: 54 }]);
    const { rows: twice } = await db.pool.query(
      `SELECT id, count(*)::int AS n FROM test_transitions WHERE new_status = 5 GROUP BY id HAVING count(*) > 1`,
    );
    expect(twice).toEqual([]);
    // Every killed job was recovered by lease expiry: its 6 → 3 came within lease + maintenance period.
    const { rows: recovered } = await db.pool.query(
      `SELECT t.id, extract(epoch FROM (t.at - q.claimed_at)) * 1000 AS ms
         FROM test_transitions t
         JOIN LATERAL (SELECT max(at) AS claimed_at FROM test_transitions c
                        WHERE c.id = t.id AND c.new_status = 6 AND c.at < t.at) q ON true
        WHERE t.old_status = 6 AND t.new_status = 3`,
    );
    expect(recovered.length).toBeGreaterThanOrEqual(3);
    // The lease runs from the last heartbeat; recovery runs every lease/2 and at each start.
    for (const r of recovered) expect(Number(r.ms)).toBeLessThan(LEASE_MS * 3 + 5_000);
  }, 600_000);
});
