/**
 * An OCR thread that runs out of memory (a runaway document against the thread's resourceLimits) is
 * replaced; its document is retried and, still too big, ends at 4 with the reason; the pool goes on.
 */
import { describe, expect, it } from 'vitest';
import { row, type TestDb } from '../helpers/db';
import { startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import { deedLines, makePdf } from '../helpers/pdfs';

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

describe('an OCR thread out of memory', () => {
  it('is replaced, its document retried then failed with the reason, the other documents done', async () => {
    // ~16 million characters of text layer: more JS heap than a thread has even at 224 MiB (checked), so
    // well over the 128 MiB here (OCR_WORKER_MAX_MEMORY_MB's floor). Half that (300 pages) stopped being
    // enough once the French word list moved out of each thread's heap into shared memory: it passed or
    // failed by the timing of collections.
    const huge = await makePdf(Array.from({ length: 600 }, (_, i) => ({ height: 842 * 3, lines: deedLines(200, i).map((l) => `${l} ${l}`) })));
    storage.put('actes/huge.pdf', huge);
    storage.put('actes/small.pdf', await makePdf([{ lines: deedLines(20) }]));
    const { rows } = await db.pool.query(
      `INSERT INTO extraction_queue (document_source, supabase_path, status_id, ocr_max_attempts, created_at)
       VALUES ('acte', 'huge.pdf', 3, 2, now() - interval '1 minute'),
              ('acte', 'small.pdf', 3, 3, now()), ('acte', 'small.pdf', 3, 3, now()), ('acte', 'small.pdf', 3, 3, now())
       RETURNING id`,
    );
    const [hugeId, ...smallIds] = rows.map((r) => r.id as string);
    const daemon = startDaemon({
      DEV_DATABASE_URL: db.url,
      OCR_STORAGE_DIR: storage.dir,
      OCR_WORKER_POOL_SIZE: '1',
      OCR_WORKER_MAX_MEMORY_MB: '128',
      OCR_RETRY_BASE_MS: '100',
    });
    try {
      await waitFor(
        async () => (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id IN (3, 6)`)).rows[0].n === 0,
        // The first attempt reads all 600 pages (text, word boxes, a page row each) before the heap
        // runs out when they are put together: ≈95 s on 2 quiet cores since pages became the unit.
        240_000,
        'every document to end',
      );
      expect(daemon.proc.exitCode).toBeNull();
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    const h = await row(db.pool, hugeId!);
    expect(h).toMatchObject({ status_id: 4, ocr_attempts: 2 });
    expect(h.ocr_error).toMatch(/^attempts exhausted \(2\/2\): RetryableError: OCR thread crashed: .*memory/);
    for (const id of smallIds) expect((await row(db.pool, id)).status_id).toBe(5);
    expect(daemon.lines.filter((l) => l.msg === 'OCR thread replaced').length).toBeGreaterThanOrEqual(2);
  }, 300_000);
});
