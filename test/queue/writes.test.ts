import { describe, expect, it } from 'vitest';
import { pageConfidence } from '../../src/boost/confidence';
import { claim } from '../../src/queue/claim';
import { complete } from '../../src/queue/complete';
import { fail } from '../../src/queue/fail';
import { heartbeat } from '../../src/queue/heartbeat';
import { saveProgress } from '../../src/queue/progress';
import { recoverStale } from '../../src/queue/recover-stale';
import { release } from '../../src/queue/release';
import { skipPlans } from '../../src/queue/skip-plans';
import type { Claim } from '../../src/queue/types';
import { row, seed, type TestDb, useTestDb } from '../helpers/db';

let db: TestDb;
useTestDb((d) => (db = d), { truncateEach: true });

async function claimOne(worker = 'w1', leaseMs = 60_000): Promise<Claim> {
  const c = await claim(db.pool, 'dev', worker, 'index', leaseMs);
  if (!c) throw new Error('nothing to claim');
  return c;
}
/** Make the row's lease expire now, as if its worker had stalled or died. */
async function expireLease(id: string) {
  await db.pool.query(`UPDATE extraction_queue SET ocr_lease_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
}
const content = { fileContent: 'raw', boostedFileContent: 'boosted', progress: { stage: 'done', percent: 100 } };

describe('complete', () => {
  it('writes both texts, 6 → 5, clears the error and the lease, sets ocr_completed_at', async () => {
    const [id] = await seed(db.pool, [{}]);
    await db.pool.query(`UPDATE extraction_queue SET ocr_error = 'old' WHERE id = $1`, [id]);
    const c = await claimOne();
    expect(await complete(db.pool, c, content)).toEqual({ applied: true });
    const r = await row(db.pool, id!);
    expect(r).toMatchObject({ status_id: 5, file_content: 'raw', boosted_file_content: 'boosted', ocr_error: null, ocr_lease_expires_at: null });
    expect(r.ocr_completed_at).toBeInstanceOf(Date);
    expect(r.ocr_progress.stage).toBe('done');
  });

  it('stores the OCR confidence in the same statement; a low-confidence document still completes (5)', async () => {
    const [id] = await seed(db.pool, [{}]);
    const confidence = pageConfidence([
      { pageNumber: 1, source: 'ocr', confidence: 91, words: [{ text: 'Vente', confidence: 91, x0: 0, y0: 0, x1: 1, y1: 1 }] },
      { pageNumber: 2, source: 'ocr', confidence: 31, words: [{ text: 'griffonné', confidence: 31, x0: 0, y0: 0, x1: 1, y1: 1 }] },
    ]);
    expect(await complete(db.pool, await claimOne(), { ...content, confidence })).toEqual({ applied: true });
    const r = await row(db.pool, id!);
    expect(r.status_id).toBe(5);
    expect(r.ocr_confidence).toMatchObject({ mean: 61, flagged: true, flaggedPages: [2], pages: [{ pageNumber: 1, confidence: 91 }, { pageNumber: 2, confidence: 31 }] });
  });

  it('leaves ocr_confidence null when none is given', async () => {
    const [id] = await seed(db.pool, [{}]);
    await complete(db.pool, await claimOne(), content);
    expect((await row(db.pool, id!)).ocr_confidence).toBeNull();
  });

  it('strips NUL bytes that Postgres text cannot hold', async () => {
    const [id] = await seed(db.pool, [{}]);
    await complete(db.pool, await claimOne(), { ...content, fileContent: 'a\u0000b' });
    expect((await row(db.pool, id!)).file_content).toBe('ab');
  });
});

describe('fencing', () => {
  it('after a lease expires and another worker re-claims, the first worker’s writes change nothing and report lost', async () => {
    const [id] = await seed(db.pool, [{}]);
    const first = await claimOne('w1');
    await expireLease(id!);
    await recoverStale(db.pool, 60_000);
    const second = await claimOne('w2');
    expect(second.attempt).toBe(2);

    expect(await heartbeat(db.pool, first, 60_000)).toEqual({ applied: false, reason: 'lost' });
    expect(await saveProgress(db.pool, first, { stage: 'ocr', page: 1, pages: 2, percent: 50, worker: 'w1' })).toEqual({ applied: false, reason: 'lost' });
    expect(await complete(db.pool, first, content)).toEqual({ applied: false, reason: 'lost' });
    expect(await fail(db.pool, first, { message: 'x', permanent: true, backoffMs: 0 })).toEqual({ applied: false, reason: 'lost' });
    expect(await release(db.pool, first)).toEqual({ applied: false, reason: 'lost' });

    const r = await row(db.pool, id!);
    expect(r).toMatchObject({ status_id: 6, ocr_worker_id: 'w2', ocr_attempts: 2, file_content: null });
    expect(await complete(db.pool, second, content)).toEqual({ applied: true });
  });

  it('a row the upstream moved away from 6 mid-job is not overwritten', async () => {
    const [id] = await seed(db.pool, [{}]);
    const c = await claimOne();
    await db.pool.query('UPDATE extraction_queue SET status_id = 1 WHERE id = $1', [id]);
    expect(await complete(db.pool, c, content)).toEqual({ applied: false, reason: 'lost' });
    expect((await row(db.pool, id!)).status_id).toBe(1);
  });
});

describe('heartbeat', () => {
  it('extends the lease of a live claim', async () => {
    const [id] = await seed(db.pool, [{}]);
    const c = await claimOne('w1', 5_000);
    expect(await heartbeat(db.pool, c, 600_000)).toEqual({ applied: true });
    const left = (await row(db.pool, id!)).ocr_lease_expires_at.getTime() - Date.now();
    expect(left).toBeGreaterThan(500_000);
  });
});

describe('fail', () => {
  it('retryable with attempts left: back to 3 with ocr_error, ocr_last_error_at and a backoff; error_message untouched', async () => {
    const [id] = await seed(db.pool, [{}]);
    await db.pool.query(`UPDATE extraction_queue SET error_message = 'extractor note' WHERE id = $1`, [id]);
    const res = await fail(db.pool, await claimOne(), { message: 'RetryableError: storage timeout', permanent: false, backoffMs: 30_000 });
    expect(res).toEqual({ applied: true, status: 3, error: 'RetryableError: storage timeout' });
    const r = await row(db.pool, id!);
    expect(r).toMatchObject({ status_id: 3, ocr_attempts: 1, error_message: 'extractor note', ocr_lease_expires_at: null });
    expect(r.ocr_last_error_at).toBeInstanceOf(Date);
    const wait = r.ocr_next_attempt_at.getTime() - Date.now();
    expect(wait).toBeGreaterThan(25_000);
    // Backing off: not claimable yet.
    expect(await claim(db.pool, 'dev', 'w2', 'index', 60_000)).toBeNull();
  });

  it('permanent: straight to 4 with the reason, whatever attempts are left', async () => {
    const [id] = await seed(db.pool, [{ maxAttempts: 5 }]);
    const res = await fail(db.pool, await claimOne(), { message: 'PermanentError: PDF is encrypted', permanent: true, backoffMs: 0 });
    expect(res).toMatchObject({ status: 4 });
    expect(await row(db.pool, id!)).toMatchObject({ status_id: 4, ocr_error: 'PermanentError: PDF is encrypted', ocr_attempts: 1 });
  });

  it('retries until attempts are exhausted, then 4 with a reason that says so', async () => {
    const [id] = await seed(db.pool, [{ maxAttempts: 3 }]);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await claimOne();
      const res = await fail(db.pool, c, { message: 'boom', permanent: false, backoffMs: 0 });
      if (res.applied) statuses.push(res.status);
    }
    expect(statuses).toEqual([3, 3, 4]);
    expect(await row(db.pool, id!)).toMatchObject({ status_id: 4, ocr_attempts: 3, ocr_error: 'attempts exhausted (3/3): boom' });
    expect(await claim(db.pool, 'dev', 'w1', 'index', 60_000)).toBeNull();
  });
});

describe('release', () => {
  it('hands an in-flight row back to 3 without burning the attempt, claimable at once', async () => {
    const [id] = await seed(db.pool, [{}]);
    expect(await release(db.pool, await claimOne())).toEqual({ applied: true, status: 3 });
    expect(await row(db.pool, id!)).toMatchObject({ status_id: 3, ocr_attempts: 0, ocr_lease_expires_at: null, ocr_next_attempt_at: null });
    expect((await claimOne('w2')).attempt).toBe(1);
  });
});

describe('recoverStale', () => {
  it('returns rows with an expired lease to 3, and to 4 when their attempts are spent; live leases are left alone', async () => {
    const [a, b, live] = await seed(db.pool, [{ maxAttempts: 3 }, { attempts: 2, maxAttempts: 3 }, {}]);
    const ca = await claimOne('dead-1');
    const cb = await claimOne('dead-2');
    await claimOne('alive');
    await expireLease(ca.id);
    await expireLease(cb.id);
    const res = await recoverStale(db.pool, 60_000);
    expect(res.requeued).toEqual([a]);
    expect(res.failed).toEqual([b]);
    expect(await row(db.pool, a!)).toMatchObject({ status_id: 3, ocr_attempts: 1 });
    expect((await row(db.pool, a!)).ocr_error).toMatch(/lease expired: worker dead-1/);
    expect((await row(db.pool, b!)).ocr_error).toMatch(/attempts exhausted/);
    expect(await row(db.pool, b!)).toMatchObject({ status_id: 4 });
    expect(await row(db.pool, live!)).toMatchObject({ status_id: 6, ocr_worker_id: 'alive' });
  });

  it('a slow job that heartbeats is never stolen, however long it runs', async () => {
    const [id] = await seed(db.pool, [{}]);
    const c = await claimOne('slow', 60_000);
    await db.pool.query(`UPDATE extraction_queue SET ocr_started_at = now() - interval '3 hours' WHERE id = $1`, [id]);
    await heartbeat(db.pool, c, 60_000);
    expect(await recoverStale(db.pool, 60_000)).toMatchObject({ requeued: [], failed: [] });
    expect((await row(db.pool, id!)).status_id).toBe(6);
  });

  it('a row at 6 without a lease (claimed before ocr-pool) is recovered one lease after it started', async () => {
    const [old, recent] = await seed(db.pool, [{ status: 6, attempts: 1 }, { status: 6, attempts: 1 }]);
    await db.pool.query(`UPDATE extraction_queue SET ocr_started_at = now() - interval '10 minutes' WHERE id = $1`, [old]);
    await db.pool.query(`UPDATE extraction_queue SET ocr_started_at = now() WHERE id = $1`, [recent]);
    const res = await recoverStale(db.pool, 60_000);
    expect(res.requeued).toEqual([old]);
  });

  it('skips a row another client holds locked instead of waiting for it, and recovers the others', async () => {
    const [locked, other, exhausted] = await seed(db.pool, [{}, {}, { attempts: 3, maxAttempts: 3 }]);
    const cl = await claimOne('dead-1');
    const co = await claimOne('dead-2');
    await expireLease(cl.id);
    await expireLease(co.id);
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM extraction_queue WHERE id = ANY($1::uuid[]) FOR UPDATE', [[locked, exhausted]]);
      const res = await recoverStale(db.pool, 60_000);
      expect(res).toEqual({ requeued: [other], failed: [], exhaustedAtReady: [] });
      expect((await row(db.pool, locked!)).status_id).toBe(6);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    const later = await recoverStale(db.pool, 60_000);
    expect(later).toEqual({ requeued: [locked], failed: [], exhaustedAtReady: [exhausted] });
  });

  it('never leaves a row with exhausted attempts sitting at 3', async () => {
    const [stuck, fine] = await seed(db.pool, [{ attempts: 3, maxAttempts: 3 }, {}]);
    const res = await recoverStale(db.pool, 60_000);
    expect(res.exhaustedAtReady).toEqual([stuck]);
    expect((await row(db.pool, stuck!)).ocr_error).toMatch(/attempts exhausted \(3\/3\)/);
    expect((await row(db.pool, fine!)).status_id).toBe(3);
  });

  it('crash loops are bounded by attempts: a job whose worker dies every time ends at 4', async () => {
    const [id] = await seed(db.pool, [{ maxAttempts: 3 }]);
    for (let i = 0; i < 5; i++) {
      const c = await claim(db.pool, 'dev', `crashing-${i}`, 'index', 60_000);
      if (!c) break;
      await expireLease(c.id);
      await recoverStale(db.pool, 60_000);
    }
    expect(await row(db.pool, id!)).toMatchObject({ status_id: 4, ocr_attempts: 3 });
  });
});

describe('skipPlans', () => {
  it('moves ready plan_cadastraux rows to 5 with no content and no attempt; other sources untouched', async () => {
    const [plan, idx, noPath] = await seed(db.pool, [{ source: 'plan_cadastraux' }, { source: 'index' }, { source: 'plan_cadastraux', path: null }]);
    const done = await skipPlans(db.pool);
    expect(done.sort()).toEqual([plan, noPath].sort());
    expect(await row(db.pool, plan!)).toMatchObject({ status_id: 5, file_content: null, boosted_file_content: null, ocr_attempts: 0 });
    expect((await row(db.pool, idx!)).status_id).toBe(3);
  });
});

describe('final or retry, decided on the row’s limit at write time', () => {
  it('fail: a limit raised while the job ran gives it another attempt', async () => {
    const [id] = await seed(db.pool, [{ maxAttempts: 1 }]);
    const c = await claimOne();
    await db.pool.query('UPDATE extraction_queue SET ocr_max_attempts = 2 WHERE id = $1', [id]);
    expect(await fail(db.pool, c, { message: 'boom', permanent: false, backoffMs: 0 })).toEqual({ applied: true, status: 3, error: 'boom' });
    expect(await row(db.pool, id!)).toMatchObject({ status_id: 3, ocr_attempts: 1, ocr_max_attempts: 2 });
  });

  it('fail: a limit lowered while the job ran makes its failure final', async () => {
    const [id] = await seed(db.pool, [{ maxAttempts: 3 }]);
    const c = await claimOne();
    await db.pool.query('UPDATE extraction_queue SET ocr_max_attempts = NULL WHERE id = $1', [id]);
    await db.pool.query('UPDATE extraction_queue SET ocr_max_attempts = 1 WHERE id = $1', [id]);
    expect(await fail(db.pool, c, { message: 'boom', permanent: false, backoffMs: 0 })).toEqual({ applied: true, status: 4, error: 'attempts exhausted (1/1): boom' });
  });

  it('release without refund: a NULL limit reads as the default of 3', async () => {
    const [id] = await seed(db.pool, [{ attempts: 2, maxAttempts: 5 }]);
    const c = await claimOne();
    await db.pool.query('UPDATE extraction_queue SET ocr_max_attempts = NULL WHERE id = $1', [id]);
    expect(await release(db.pool, c, { reason: 'interrupted', refund: false })).toEqual({ applied: true, status: 4 });
    expect((await row(db.pool, id!)).ocr_error).toBe('attempts exhausted (3/3): interrupted');
  });

  it('release with refund keeps ocr_error and ocr_last_error_at as they were', async () => {
    const [id] = await seed(db.pool, [{}]);
    await db.pool.query(`UPDATE extraction_queue SET ocr_error = 'earlier', ocr_last_error_at = '2026-01-01T00:00:00Z' WHERE id = $1`, [id]);
    expect(await release(db.pool, await claimOne())).toEqual({ applied: true, status: 3 });
    const r = await row(db.pool, id!);
    expect(r).toMatchObject({ status_id: 3, ocr_attempts: 0, ocr_error: 'earlier' });
    expect(r.ocr_last_error_at.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('recoverStale: a row at 6 with NULL attempts and limit reads as 0 of 3', async () => {
    const [id] = await seed(db.pool, [{ status: 6 }]);
    await db.pool.query(`UPDATE extraction_queue SET ocr_attempts = NULL, ocr_max_attempts = NULL, ocr_worker_id = NULL,
                                ocr_started_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    expect(await recoverStale(db.pool, 60_000)).toMatchObject({ requeued: [id], failed: [] });
    expect((await row(db.pool, id!)).ocr_error).toBe('lease expired: worker ? stopped before finishing (attempt 0/3)');
  });
});
