import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { claim } from '../../src/queue/claim';
import { row, seed, type TestDb, useTestDb } from '../helpers/db';

let db: TestDb;
useTestDb((d) => (db = d), { truncateEach: true });

describe('claim', () => {
  it('moves the oldest ready row of the source to 6, burns an attempt and sets worker, start and lease', async () => {
    const [older, newer] = await seed(db.pool, [
      { source: 'index', createdAt: new Date('2026-01-01') },
      { source: 'index', createdAt: new Date('2026-01-02') },
    ]);
    const c = await claim(db.pool, 'dev', 'w1', 'index', 60_000);
    expect(c?.id).toBe(older);
    expect(c?.attempt).toBe(1);
    const r = await row(db.pool, older!);
    expect(r.status_id).toBe(6);
    expect(r.ocr_attempts).toBe(1);
    expect(r.ocr_worker_id).toBe('w1');
    expect(r.ocr_started_at).toBeInstanceOf(Date);
    const leaseLeft = r.ocr_lease_expires_at.getTime() - Date.now();
    expect(leaseLeft).toBeGreaterThan(50_000);
    expect(leaseLeft).toBeLessThanOrEqual(61_000);
    expect((await row(db.pool, newer!)).status_id).toBe(3);
  });

  it('takes only the requested document_source', async () => {
    await seed(db.pool, [{ source: 'acte' }]);
    expect(await claim(db.pool, 'dev', 'w1', 'index', 60_000)).toBeNull();
    expect((await claim(db.pool, 'dev', 'w1', 'acte', 60_000))?.documentSource).toBe('acte');
  });

  it('skips rows without a path, with exhausted attempts, not at 3, or still backing off', async () => {
    const ids = await seed(db.pool, [
      { path: null },
      { path: '  ' },
      { attempts: 3, maxAttempts: 3 },
      { status: 1 },
      { status: 5 },
      { status: 4 },
      {},
    ]);
    await db.pool.query(`UPDATE extraction_queue SET ocr_next_attempt_at = now() + interval '1 hour' WHERE id = $1`, [ids[6]]);
    expect(await claim(db.pool, 'dev', 'w1', 'index', 60_000)).toBeNull();
    await db.pool.query(`UPDATE extraction_queue SET ocr_next_attempt_at = now() - interval '1 second' WHERE id = $1`, [ids[6]]);
    expect((await claim(db.pool, 'dev', 'w1', 'index', 60_000))?.id).toBe(ids[6]);
  });

  it('never hands one row to two workers: 1,000 rows, 64 concurrent claimers over 4 connection pools', async () => {
    const n = 1000;
    await seed(db.pool, Array.from({ length: n }, () => ({ source: 'index' })));
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: db.url, max: 16 }));
    try {
      const claimedBy = new Map<string, string[]>();
      await Promise.all(
        Array.from({ length: 64 }, async (_, i) => {
          const p = pools[i % pools.length]!;
          const worker = `w${i}`;
          for (;;) {
            const c = await claim(p, 'dev', worker, 'index', 60_000);
            if (!c) break;
            claimedBy.set(c.id, [...(claimedBy.get(c.id) ?? []), worker]);
          }
        }),
      );
      expect(claimedBy.size).toBe(n);
      const twice = [...claimedBy.values()].filter((ws) => ws.length > 1);
      expect(twice).toEqual([]);
      const { rows } = await db.pool.query(`SELECT status_id, ocr_attempts, count(*)::int AS n FROM extraction_queue GROUP BY 1, 2`);
      expect(rows).toEqual([{ status_id: 6, ocr_attempts: 1, n }]);
      // Work was really spread: more than a handful of claimers got rows.
      const workers = new Set([...claimedBy.values()].flat());
      expect(workers.size).toBeGreaterThan(8);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
