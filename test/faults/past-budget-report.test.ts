/**
 * A document that runs past its time budget (its thread was not stopped: a pool from before budgets, or
 * a watchdog that failed) while its lease is still renewed used to look HEALTHY. check-ocr-queue now
 * exits non-zero naming it, and a standalone status server's /readyz answers 503 with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run';
import { createLogger } from '../../src/logger';
import { publishWorkers } from '../../src/queue/workers';
import { StatusServer } from '../../src/status/server';
import { createTestDb, type TestDb } from '../helpers/db';
import { getJson } from '../status/helpers';

let db: TestDb;
let stuckId: string;

/** A row at 6 with a fresh lease (a live worker renews it), claimed `claimedAgo`, on `page` since `pageAgo`. */
async function insertRunning(r: { path: string; worker: string; claimedAgo: string; page: number; pages: number; stage: string; pageAgo: string }): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, supabase_path, status_id, ocr_attempts, ocr_worker_id, ocr_started_at,
                                   ocr_lease_expires_at, ocr_progress)
     VALUES ('acte', $1, 6, 1, $2, now() - $3::interval, now() + interval '2 minutes',
             jsonb_build_object('stage', $4::text, 'page', $5::int, 'pages', $6::int, 'percent', 5,
                                'updatedAt', now() - $7::interval))
     RETURNING id`,
    [r.path, r.worker, r.claimedAgo, r.stage, r.page, r.pages, r.pageAgo],
  );
  return rows[0].id;
}
beforeAll(async () => {
  db = await createTestDb();
  // On page 1 for ten minutes, lease fresh: a live worker renewing the lease of a document it cannot finish.
  stuckId = await insertRunning({ path: 'poison.pdf', worker: 'h1:10:w0', claimedAgo: '10 minutes', page: 1, pages: 1, stage: 'rendering', pageAgo: '10 minutes' });
  await publishWorkers(db.pool, [
    { workerId: 'h1:10:w0', host: 'h1', pid: 10, mode: 'acte', state: 'busy', documentId: stuckId, progress: { env: 'dev', stage: 'rendering', page: 1, pages: 1 }, jobsDone: 0 },
  ]);
});
afterAll(async () => db?.drop());

describe('a document running past its time budget', () => {
  it('check-ocr-queue: unhealthy, exit 1, the document and its page named', async () => {
    const report = await runCheck({ env: { DEV_DATABASE_URL: db.url, OCR_PAGE_TIMEOUT_MS: '120000' } });
    expect(report.exitCode).toBe(1);
    const problem = report.environments[0]!.problems.find((p) => /time budget/.test(p));
    expect(problem).toMatch(new RegExp(`^dev: 1 document\\(s\\) running past their time budget \\(worker not freed\\): ${stuckId} \\(h1:10:w0\\) on page 1 \\(rendering\\) for 6\\d\\d(\\.\\d)? s, past the page time budget of 120 s$`));
  });

  it('a long document whose current page began recently is timed from that page, not from the claim', async () => {
    // Claimed an hour ago (an hour of pages behind it), on page 40 for 30 s: within a 120 s page budget.
    const longId = await insertRunning({ path: 'long.pdf', worker: 'h1:10:w1', claimedAgo: '1 hour', page: 40, pages: 300, stage: 'recognizing', pageAgo: '30 seconds' });
    try {
      const report = await runCheck({ env: { DEV_DATABASE_URL: db.url, OCR_PAGE_TIMEOUT_MS: '120000' } });
      const env = report.environments[0]!;
      const long = env.inFlight.find((d) => d.id === longId);
      expect(long?.progressAgeSeconds).toBeGreaterThanOrEqual(29);
      expect(long?.progressAgeSeconds).toBeLessThan(60);
      expect(env.problems.join('\n')).not.toContain(longId);
    } finally {
      await db.pool.query('DELETE FROM extraction_queue WHERE id = $1', [longId]);
    }
  });

  it('within budget (a 20-minute page budget) the same row is healthy', async () => {
    const report = await runCheck({ env: { DEV_DATABASE_URL: db.url, OCR_PAGE_TIMEOUT_MS: '1200000' } });
    expect(report.environments[0]!.problems).toEqual([]);
    expect(report.exitCode).toBe(0);
  });

  it('/readyz of a standalone status server: 503 with the reason', async () => {
    const server = new StatusServer({
      config: { environments: [{ name: 'dev', databaseUrl: db.url }], httpHost: '127.0.0.1', httpPort: 0, pageTimeoutMs: 120_000, documentTimeoutMs: 14_400_000 },
      log: createLogger('silent'),
    });
    const addr = await server.start();
    try {
      const res = await getJson(`http://127.0.0.1:${addr.port}/readyz`);
      expect(res.status).toBe(503);
      expect(res.body.ready).toBe(false);
      expect(res.body.workers.detail).toMatch(new RegExp(`1 document\\(s\\) past their time budget: dev ${stuckId} \\(h1:10:w0\\) on page 1 \\(rendering\\)`));
    } finally {
      await server.stop();
    }
  });
});
