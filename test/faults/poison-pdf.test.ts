/**
 * Poison PDFs: a page that keeps MuPDF busy for minutes (100 000 full-page fills, or form XObjects nested
 * eight deep) must not hold a worker past its page time budget. The OCR thread is terminated and
 * replaced and the page kept as failed; a one-page document is then more than half unread and ends at 4
 * on its first attempt, in about one page budget (a longer document completes without that page:
 * bad-page.test.ts). A good document queued behind two of them is served. A job interrupted at shutdown
 * after a page budget keeps its attempt spent, so restarts cannot keep a poison document alive forever.
 */
import { describe, expect, it } from 'vitest';
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
  it('end at 4 on their first attempt, within about one page budget, the page kept as failed; a good document behind them is served', async () => {
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
      await waitFor(async () => (await row(db.pool, ids.good)).status_id === 5, PAGE_BUDGET_MS + 60_000, 'the good document');
      const goodAfterMs = Date.now() - servingAt;
      await waitFor(
        async () => (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id = 4`)).rows[0].n === 2,
        120_000,
        'both poison documents to end at 4',
      );
      expect(goodAfterMs).toBeLessThan(PAGE_BUDGET_MS + 60_000);
      // Each poison page killed its thread; the slot replaced it before its next claim.
      await daemon.waitForLog((l) => l.msg === 'OCR thread replaced', 30_000);
      expect(daemon.proc.exitCode).toBeNull();
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    for (const id of [ids.fills, ids.nested]) {
      const r = await row(db.pool, id);
      // One page, and it could not be read: more than half the document, so 4 at once, not another attempt.
      expect({ status: r.status_id, attempts: r.ocr_attempts }).toEqual({ status: 4, attempts: 1 });
      expect(r.ocr_error).toBe(
        'PermanentError: 1 of 1 page(s) could not be read (more than 50 %): page 1: TimeBudgetError: page 1 exceeded the page time budget of 3 s (rendering)',
      );
      // From the claim to 4: one page budget, plus opening the PDF and writing.
      const { rows } = await db.pool.query(`SELECT extract(epoch FROM ocr_last_error_at - ocr_started_at) * 1000 AS ms FROM extraction_queue WHERE id = $1`, [id]);
      expect(Number(rows[0].ms)).toBeGreaterThanOrEqual(PAGE_BUDGET_MS);
      expect(Number(rows[0].ms)).toBeLessThan(PAGE_BUDGET_MS + 5_000);
      const pages = await db.pool.query(`SELECT page, state, error FROM ocr_pages WHERE document_id = $1`, [id]);
      expect(pages.rows).toEqual([{ page: 1, state: 'failed', error: 'TimeBudgetError: page 1 exceeded the page time budget of 3 s (rendering)' }]);
    }
  }, 300_000);

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
