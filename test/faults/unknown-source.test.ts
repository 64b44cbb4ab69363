/**
 * document_source as the extractor sometimes writes it: 'Acte', 'ACTE', ' acte' are deeds and are
 * claimed as such (through the same partial index as before, now on lower(btrim())); a source nobody
 * takes ('plan') is not claimed, and check-ocr-queue reports it as unhealthy with its count.
 */
import { describe, expect, it } from 'vitest';
import { checkEnvironment } from '../../src/check/run';
import { claim } from '../../src/queue/claim';
import { readyDepth } from '../../src/queue/depth';
import { skipPlans } from '../../src/queue/skip-plans';
import { seed, type TestDb, useTestDb } from '../helpers/db';

let db: TestDb;
useTestDb((d) => (db = d), { truncateEach: true });

describe('document_source variants', () => {
  it('case and surrounding spaces do not hide a deed from the acte workers', async () => {
    await seed(db.pool, [
      { source: 'Acte', createdAt: new Date('2026-01-01') },
      { source: 'ACTE', createdAt: new Date('2026-01-02') },
      { source: ' acte', createdAt: new Date('2026-01-03') },
      { source: 'plan', createdAt: new Date('2026-01-04') },
      { source: 'Plan_Cadastraux ', createdAt: new Date('2026-01-05') },
    ]);
    expect(await readyDepth(db.pool)).toEqual({ acte: 3, plan: 1, plan_cadastraux: 1 });
    const claimed = [];
    for (let i = 0; i < 4; i++) claimed.push(await claim(db.pool, 'dev', 'w1', 'acte', 60_000));
    // The claim hands the worker the normalised source (the bucket of a bare file name depends on it).
    expect(claimed.map((c) => c?.documentSource ?? null)).toEqual(['acte', 'acte', 'acte', null]);
    expect(await claim(db.pool, 'dev', 'w1', 'index', 60_000)).toBeNull();
    expect(await skipPlans(db.pool)).toHaveLength(1);
    const { rows } = await db.pool.query(`SELECT document_source, status_id FROM extraction_queue ORDER BY created_at`);
    expect(rows.map((r) => [r.document_source, r.status_id])).toEqual([['Acte', 6], ['ACTE', 6], [' acte', 6], ['plan', 3], ['Plan_Cadastraux ', 5]]);
  });

  it('the claim still reads the partial ready index, not the table', async () => {
    // 20 000 finished rows and a few ready ones: the planner must go through the index on lower(btrim()).
    await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id)
                         SELECT 'acte', 'x.pdf', 5 FROM generate_series(1, 20000)`);
    await seed(db.pool, [{ source: 'Acte' }, { source: 'index' }]);
    await db.pool.query('ANALYZE extraction_queue');
    const { rows } = await db.pool.query(`EXPLAIN SELECT id FROM extraction_queue
       WHERE status_id = 3 AND supabase_path IS NOT NULL AND lower(btrim(document_source)) = 'acte'
         AND btrim(supabase_path) <> '' AND coalesce(ocr_attempts, 0) < coalesce(ocr_max_attempts, 3)
         AND (ocr_next_attempt_at IS NULL OR ocr_next_attempt_at <= now())
       ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index Scan using extraction_queue_ocr_ready_norm_idx/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('check-ocr-queue: rows at 3 with a source nobody takes make the environment unhealthy', async () => {
    await seed(db.pool, [{ source: 'plan' }, { source: 'plan' }, { source: 'Acte' }]);
    const report = await checkEnvironment({ env: 'dev', databaseUrl: db.url, database: 'test' });
    expect(report.healthy).toBe(false);
    expect(report.problems).toContain('dev: 2 document(s) at 3 with a document_source no worker takes: "plan" × 2 (expected index, acte or plan_cadastraux)');
    expect(report.problems.join('\n')).not.toMatch(/"Acte"/);
  });
});
