/**
 * Resume: kill -9 of the daemon while it reads page 6 of a 10-page scanned deed. After a restart the
 * document is read from where it was: its pages kept by the killed process are not read again (the
 * pages' rows say which claim read each one, the log says how many were kept), and its text is the text
 * of the same deed read in one go.
 */
import { describe, expect, it } from 'vitest';
import { row, type TestDb } from '../helpers/db';
import { startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import { deedLines, scannedPdf } from '../helpers/pdfs';

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

const pagesKept = async (id: string): Promise<number> =>
  (await db.pool.query(`SELECT count(*)::int AS n FROM ocr_pages WHERE document_id = $1`, [id])).rows[0].n;

describe('a document whose daemon was killed mid-way', () => {
  it('is read on from the first page not kept, with the text of an uninterrupted reading', async () => {
    const pdf = await scannedPdf(Array.from({ length: 10 }, (_, i) => ({ lines: deedLines(10, i) })), 200);
    storage.put('actes/deed.pdf', pdf);
    storage.put('actes/same-deed.pdf', pdf);
    const { rows } = await db.pool.query(
      `INSERT INTO extraction_queue (document_source, supabase_path, status_id, created_at)
       VALUES ('acte', 'deed.pdf', 3, now() - interval '1 minute'), ('acte', 'same-deed.pdf', 3, now()) RETURNING id, supabase_path`,
    );
    const id = Object.fromEntries(rows.map((r) => [r.supabase_path, r.id as string]));
    const env = {
      DEV_DATABASE_URL: db.url,
      OCR_STORAGE_DIR: storage.dir,
      OCR_WORKER_POOL_SIZE: '1',
      OCR_LEASE_MS: '5000',
      SERVER_RESERVE_CPU_PERCENT: '0',
    };

    const first = startDaemon(env);
    let kept: number;
    try {
      await first.waitForLog((l) => l.msg === 'OCR pool serving', 120_000);
      kept = await waitFor(async () => {
        const n = await pagesKept(id['deed.pdf']!);
        return n >= 5 && n;
      }, 180_000, 'five pages kept');
      first.proc.kill('SIGKILL');
    } finally {
      await first.stop();
    }
    // Killed while reading page 6 (or just after keeping it, on a loaded machine).
    expect(kept).toBeGreaterThanOrEqual(5);
    kept = await pagesKept(id['deed.pdf']!);
    expect(kept).toBeLessThan(10);

    const second = startDaemon(env);
    try {
      await waitFor(
        async () => (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id = 5`)).rows[0].n === 2,
        300_000,
        'both documents to complete',
      );
      const resumed = second.lines.find((l) => l.msg === 'resuming: pages read by an earlier attempt are not read again');
      expect(resumed).toMatchObject({ documentId: id['deed.pdf'], pages: 10, pagesKept: kept, pagesLeft: 10 - kept });
      const completed = second.lines.find((l) => l.msg === 'document completed' && l.documentId === id['deed.pdf']);
      expect(completed?.pagesResumed).toBe(kept);
    } finally {
      expect(await second.stop()).toBe(0);
    }

    const deed = await row(db.pool, id['deed.pdf']!);
    const same = await row(db.pool, id['same-deed.pdf']!);
    expect({ status: deed.status_id, attempts: deed.ocr_attempts }).toEqual({ status: 5, attempts: 2 });
    expect(deed.file_content).toBe(same.file_content);
    expect(deed.boosted_file_content).toBe(same.boosted_file_content);
    expect(deed.ocr_confidence).toEqual(same.ocr_confidence);
    expect(deed.file_content).toMatch(/--- Page 10 ---\n\S/);
    // Each page read once: the first claim's pages by the first claim, the rest by the second.
    const { rows: pages } = await db.pool.query(`SELECT page, attempt FROM ocr_pages WHERE document_id = $1 ORDER BY page`, [id['deed.pdf']]);
    expect(pages).toEqual(Array.from({ length: 10 }, (_, i) => ({ page: i + 1, attempt: i < kept ? 1 : 2 })));
  }, 600_000);
});
