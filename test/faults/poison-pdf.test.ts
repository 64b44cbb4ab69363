/**
 * Poison PDFs: a page that keeps MuPDF busy for minutes (100 000 full-page fills, or form XObjects nested
 * eight deep) must not hold a worker past its page time budget. The OCR thread is terminated and
 * replaced and the document spends its attempt; it is read once more (a loaded host can be slow once) and
 * a second overrun ends it at 4 with the budget in ocr_error, while check-ocr-queue is unhealthy during
 * that second reading. A good document queued behind two of them is served. A job interrupted at shutdown after a page budget keeps its
 * attempt spent, so restarts cannot keep a poison document alive forever.
 */
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run';
import { row, type TestDb } from '../helpers/db';
import { startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import { deedLines, makeFillsPdf, makeNestedFormsPdf, makePdf } from '../helpers/pdfs';

const PAGE_BUDGET_MS = 3_000;

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

/** Rows are claimed oldest first: `ageS` seconds in the past orders them. */
async function insert(source: string, supabasePath: string, ageS: number): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, supabase_path, status_id, created_at)
     VALUES ($1, $2, 3, now() - $3 * interval '1 second') RETURNING id`,
    [source, supabasePath, ageS],
  );
  return rows[0].id;
}

const daemonEnv = (extra: Record<string, string> = {}) => ({
  DEV_DATABASE_URL: db.url,
  OCR_STORAGE_DIR: storage.dir,
  SERVER_RESERVE_CPU_PERCENT: '0',
  OCR_PAGE_TIMEOUT_MS: String(PAGE_BUDGET_MS),
  OCR_RETRY_BASE_MS: '500',
  OCR_RETRY_MAX_MS: '1000',
  ...extra,
});

describe('poison PDFs', () => {
  it('are stopped at the page budget, read once more, and end at 4 with it; a good document behind them is served', async () => {
    const fills = await makeFillsPdf({ fills: 100_000 });
    const nested = await makeNestedFormsPdf(8, 4);
    // Small is the point: the cost is in the drawing, not in the bytes.
    expect(fills.byteLength).toBeLessThan(8_000);
    expect(nested.byteLength).toBeLessThan(4_000);
    storage.put('actes/fills.pdf', fills);
    storage.put('actes/nested.pdf', nested);
    storage.put('actes/good.pdf', await makePdf([{ lines: deedLines(20) }]));
    const ids = {
      fills: await insert('acte', 'fills.pdf', 30),
      nested: await insert('acte', 'nested.pdf', 20),
      good: await insert('acte', 'good.pdf', 10),
    };

    const daemon = startDaemon(daemonEnv({ OCR_WORKER_POOL_SIZE: '2' }));
    try {
      await daemon.waitForLog((l) => l.msg === 'OCR pool serving', 120_000);
      const servingAt = Date.now();
      // While a poison document is read the second time, after overrunning on the first, the check says so.
      const during = await waitFor(
        async () => {
          const { rows } = await db.pool.query(`SELECT 1 FROM extraction_queue WHERE status_id = 6 AND ocr_attempts = 2 AND ocr_error LIKE 'TimeBudgetError%'`);
          if (rows.length === 0) return null;
          const report = await runCheck({ env: { DEV_DATABASE_URL: db.url, OCR_PAGE_TIMEOUT_MS: String(PAGE_BUDGET_MS) } });
          const problem = report.environments[0]!.problems.find((p) => /read again after overrunning/.test(p));
          return problem ? { report, problem } : null;
        },
        120_000,
        'a poison document on its second attempt, reported by the check',
      );
      expect(during.report.exitCode).toBe(1);
      expect(during.problem).toMatch(/^dev: [12] document\(s\) being read again after overrunning a time budget on the attempt before/);
      await waitFor(async () => (await row(db.pool, ids.good)).status_id === 5, PAGE_BUDGET_MS + 60_000, 'the good document');
      const goodAfterMs = Date.now() - servingAt;
      await waitFor(
        async () => (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id = 4`)).rows[0].n === 2,
        180_000,
        'both poison documents to end at 4',
      );
      expect(goodAfterMs).toBeLessThan(PAGE_BUDGET_MS + 60_000);
      // Each attempt killed its thread; the second attempts ran on replacements (the last two kills may
      // still be being replaced now).
      expect(daemon.lines.filter((l) => l.msg === 'OCR thread replaced').length).toBeGreaterThanOrEqual(2);
      expect(daemon.proc.exitCode).toBeNull();
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    for (const id of [ids.fills, ids.nested]) {
      const r = await row(db.pool, id);
      // Two overruns, not three: the third attempt would only have pinned a worker for one more budget.
      expect({ status: r.status_id, attempts: r.ocr_attempts }).toEqual({ status: 4, attempts: 2 });
      expect(r.ocr_error).toBe(
        'TimeBudgetError: page 1 exceeded the page time budget of 3 s (rendering) (it overran a time budget on the attempt before too: not retried)',
      );
    }
  }, 400_000);

  it('a job handed back at shutdown after running longer than the page budget keeps its attempt spent', async () => {
    // Sixty pages of well under a second each (far under an 8 s budget even on a loaded host), so the
    // document as a whole runs past one page budget without any page being stopped.
    const pageBudgetMs = 8_000;
    storage.put('actes/slow-pages.pdf', await makeFillsPdf({ pages: 60, fills: 300, rect: [200, 300, 150, 150] }));
    const id = await insert('acte', 'slow-pages.pdf', 5);
    const daemon = startDaemon(daemonEnv({ OCR_WORKER_POOL_SIZE: '1', OCR_SHUTDOWN_TIMEOUT_MS: '0', OCR_PAGE_TIMEOUT_MS: String(pageBudgetMs) }));
    try {
      await waitFor(
        async () => {
          const r = await row(db.pool, id);
          return r.status_id === 6 && r.ocr_started_at && Date.now() - r.ocr_started_at.getTime() > pageBudgetMs + 1_500;
        },
        120_000,
        'the document to run past one page budget',
      );
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    const r = await row(db.pool, id);
    expect({ status: r.status_id, attempts: r.ocr_attempts }).toEqual({ status: 3, attempts: 1 });
    expect(r.ocr_error).toMatch(/^interrupted by shutdown after \d+ s \(page \d+ of 60, (rendering|ocr)\); the attempt counts: it ran longer than the page time budget of 8 s$/);
    expect(daemon.lines.some((l) => /handed back \(6 → 3\) on shutdown, attempt counted/.test(l.msg))).toBe(true);
  }, 200_000);
});
