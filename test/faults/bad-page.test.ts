/**
 * A bad page is one bad page: a 10-page scanned deed whose 4th page keeps MuPDF busy for minutes
 * completes at 5 on its first attempt, that page's text missing (a marker says so in file_content) and
 * the page flagged with its reason in ocr_confidence and kept as failed in ocr_pages; its other nine
 * pages read exactly as in the same deed without the poison.
 */
import { describe, expect, it } from 'vitest';
import { row, type TestDb } from '../helpers/db';
import { startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import { deedLines, scannedPdf, type PageSpec } from '../helpers/pdfs';

const PAGE_BUDGET_MS = 30_000;
const BAD = 4;

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

/** file_content's pages by number. */
function pagesOf(fileContent: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const block of fileContent.split(/\n\n(?=--- Page \d+ ---)/)) out.set(Number(/^--- Page (\d+) ---/.exec(block)![1]), block.trimEnd());
  return out;
}

describe('a page that cannot be read within its budget', () => {
  it('costs its own text only: the document completes on its first attempt, the page flagged', async () => {
    const pages: PageSpec[] = Array.from({ length: 10 }, (_, i) => ({ lines: deedLines(10, i) }));
    storage.put('actes/clean.pdf', await scannedPdf(pages, 200));
    storage.put('actes/bad.pdf', await scannedPdf(pages.map((p, i) => (i + 1 === BAD ? { ...p, fills: 100_000 } : p)), 200));
    const { rows } = await db.pool.query(
      `INSERT INTO extraction_queue (document_source, supabase_path, status_id) VALUES ('acte', 'bad.pdf', 3), ('acte', 'clean.pdf', 3) RETURNING id, supabase_path`,
    );
    const id = Object.fromEntries(rows.map((r) => [r.supabase_path, r.id as string]));

    const daemon = startDaemon({
      DEV_DATABASE_URL: db.url,
      OCR_STORAGE_DIR: storage.dir,
      OCR_WORKER_POOL_SIZE: '2',
      SERVER_RESERVE_CPU_PERCENT: '0',
      OCR_PAGE_TIMEOUT_MS: String(PAGE_BUDGET_MS),
    });
    try {
      await waitFor(
        async () => (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id IN (4, 5)`)).rows[0].n === 2,
        300_000,
        'both documents to end',
      );
      expect(daemon.lines.some((l) => l.msg === 'page could not be read: kept as failed, the document goes on' && l.page === BAD)).toBe(true);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }

    const bad = await row(db.pool, id['bad.pdf']!);
    const clean = await row(db.pool, id['clean.pdf']!);
    expect({ status: bad.status_id, attempts: bad.ocr_attempts, error: bad.ocr_error }).toEqual({ status: 5, attempts: 1, error: null });
    expect(clean.status_id).toBe(5);
    const reason = `TimeBudgetError: page ${BAD} exceeded the page time budget of 30 s (rendering)`;
    const badPages = pagesOf(bad.file_content);
    const cleanPages = pagesOf(clean.file_content);
    expect(badPages.get(BAD)).toBe(`--- Page ${BAD} ---\n[page not read: ${reason}]`);
    expect(pagesOf(bad.boosted_file_content).get(BAD)).toBe(`--- Page ${BAD} ---\n[page not read: ${reason}]`);
    for (let n = 1; n <= 10; n++) if (n !== BAD) expect(badPages.get(n), `page ${n}`).toBe(cleanPages.get(n));
    expect(cleanPages.get(2)).toMatch(/acte|vente|notaire/);
    expect(bad.ocr_confidence.pages[BAD - 1]).toEqual({ pageNumber: BAD, confidence: null, words: 0, flagged: true, failed: reason });
    expect(bad.ocr_confidence.flaggedPages).toContain(BAD);

    const kept = await db.pool.query(`SELECT page, state, error FROM ocr_pages WHERE document_id = $1 ORDER BY page`, [id['bad.pdf']]);
    expect(kept.rows).toHaveLength(10);
    expect(kept.rows.filter((r) => r.state === 'failed')).toEqual([{ page: BAD, state: 'failed', error: reason }]);
  }, 400_000);
});
