/**
 * Another client holds one in-flight row locked (the extractor's long transaction on it, an operator's
 * forgotten BEGIN in psql) for longer than the row's lease. That row's writes wait; nothing else may:
 * the other worker goes on completing documents at its own pace, the pool never has more than one
 * statement of that job waiting on the lock (so its connections stay free), and once the lock is gone
 * the document completes, once.
 */
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { row, type TestDb } from '../helpers/db';
import { FIXTURES, startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import { deedLines, scannedPdf } from '../helpers/pdfs';
import { recordTransitions } from '../helpers/transitions';

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

const LEASE_MS = 6_000;
const LOCK_MS = 20_000;
const WINDOW_MS = 15_000;

async function completedBetween(from: Date, to: Date): Promise<number> {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM extraction_queue WHERE status_id = 5 AND supabase_path = 'digital.pdf'
        AND ocr_completed_at >= $1 AND ocr_completed_at < $2`,
    [from, to],
  );
  return rows[0].n;
}

async function dbNow(): Promise<Date> {
  return (await db.pool.query('SELECT clock_timestamp() AS t')).rows[0].t;
}

describe('a row locked by another client', () => {
  it('stalls its own document only: one write waits, the other worker goes on, it completes once after', { timeout: 420_000 }, async () => {
    await db.pool.query('TRUNCATE extraction_queue');
    await recordTransitions(db.pool);
    await db.pool.query('TRUNCATE test_transitions');
    storage.put('actes/long-scan.pdf', await scannedPdf(Array.from({ length: 8 }, (_, i) => ({ lines: deedLines(30, i) })), 300));
    storage.put('actes/digital.pdf', path.join(FIXTURES, 'synthetic', 'acte1-digital.pdf'));
    const { rows } = await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id, document_number) VALUES ('acte', 'long-scan.pdf', 3, 'LOCKED') RETURNING id`);
    const lockedId: string = rows[0].id;

    const daemon = startDaemon({
      DEV_DATABASE_URL: db.url,
      OCR_STORAGE_DIR: storage.dir,
      OCR_WORKER_POOL_SIZE: '2',
      SERVER_RESERVE_CPU_PERCENT: '0',
      OCR_LEASE_MS: String(LEASE_MS),
      // Born-digital deeds complete at ~50/s: the default 600 downloads a minute would be spent in 12 s and
      // the pace measured would be the rate limiter's refills, not the pool's.
      OCR_RATE_LIMIT_PER_MINUTE: '1000000',
    });
    const locker = new pg.Client({ connectionString: db.url, application_name: 'forgotten-begin' });
    await locker.connect();
    let maxWaiting = 0;
    try {
      await waitFor(async () => (await row(db.pool, lockedId)).ocr_progress?.stage === 'ocr', 120_000, 'the long scan to be in OCR');
      // Cheap born-digital deeds for the other worker, queued behind the scan.
      await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) SELECT 'acte', 'digital.pdf', 3 FROM generate_series(1, 6000)`);
      await waitFor(async () => (await completedBetween(new Date(0), await dbNow())) > 0, 60_000, 'the other worker to complete a deed');

      const beforeFrom = await dbNow();
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      const beforeTo = await dbNow();
      expect((await row(db.pool, lockedId)).status_id).toBe(6);

      await locker.query('BEGIN');
      await locker.query('SELECT id FROM extraction_queue WHERE id = $1 FOR UPDATE', [lockedId]);
      const lockFrom = await dbNow();
      const lockedUntil = Date.now() + LOCK_MS;
      while (Date.now() < lockedUntil) {
        const { rows: waiting } = await db.pool.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
        );
        maxWaiting = Math.max(maxWaiting, waiting[0].n);
        await new Promise((r) => setTimeout(r, 100));
      }
      const lockTo = await dbNow();
      await locker.query('ROLLBACK');

      const before = (await completedBetween(beforeFrom, beforeTo)) / (beforeTo.getTime() - beforeFrom.getTime());
      const during = (await completedBetween(lockFrom, lockTo)) / (lockTo.getTime() - lockFrom.getTime());
      expect(before).toBeGreaterThan(0);
      process.stdout.write(`row lock: other worker ${before.toFixed(4)} docs/ms before, ${during.toFixed(4)} during (ratio ${(during / before).toFixed(2)})\n`);
      // The other worker's pace while the row is locked: at least half of what it was just before.
      expect(during / before).toBeGreaterThanOrEqual(0.5);
      expect(maxWaiting).toBeGreaterThanOrEqual(1);
      expect(maxWaiting).toBeLessThanOrEqual(1);

      await waitFor(async () => (await row(db.pool, lockedId)).status_id === 5, 240_000, 'the locked document to complete');
      expect(daemon.proc.exitCode).toBeNull();
    } finally {
      await locker.end().catch(() => undefined);
      expect(await daemon.stop()).toBe(0);
    }
    const { rows: done } = await db.pool.query(`SELECT count(*)::int AS n FROM test_transitions WHERE id = $1 AND new_status = 5`, [lockedId]);
    expect(done[0].n).toBe(1);
    expect(daemon.lines.filter((l) => /unhandled/i.test(l.msg))).toEqual([]);
    // The job's heartbeats met the lock, one at a time, and said so.
    expect(daemon.lines.some((l) => /row is locked by another client/.test(l.msg))).toBe(true);
  });
});
