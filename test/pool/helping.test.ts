/**
 * Idle workers help: one scanned deed alone in the queue, a pool of two. The worker that claimed it
 * reads pages in its thread, the idle one borrows the others and reads them in its own; the deed
 * completes once, on its first attempt, with the text a single thread gives.
 */
import { describe, expect, it } from 'vitest';
import { boostDocument } from '../../src/boost';
import { OcrEngine } from '../../src/ocr/engine';
import { joinPages } from '../../src/ocr/file-content';
import { row, type TestDb } from '../helpers/db';
import { startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import { deedLines, scannedPdf } from '../helpers/pdfs';
import { recordTransitions } from '../helpers/transitions';

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

describe('an idle worker of the same pool', () => {
  it('reads pages of the document another worker holds; the document completes once, as one thread reads it', async () => {
    const pdf = await scannedPdf(Array.from({ length: 6 }, (_, i) => ({ lines: deedLines(10, i) })), 200);
    storage.put('actes/deed.pdf', pdf);
    await recordTransitions(db.pool);
    const { rows } = await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) VALUES ('acte', 'deed.pdf', 3) RETURNING id`);
    const id = rows[0].id as string;

    const daemon = startDaemon({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '2', SERVER_RESERVE_CPU_PERCENT: '0', LOG_LEVEL: 'debug' });
    let helped: Record<string, any>[];
    try {
      await waitFor(async () => (await row(db.pool, id)).status_id === 5, 240_000, 'the deed to complete');
      helped = daemon.lines.filter((l) => l.msg === 'read a page of a document another worker holds' && l.documentId === id);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    const holder = (await row(db.pool, id)).ocr_worker_id as string;
    expect(helped.length).toBeGreaterThanOrEqual(1);
    expect(helped.map((l) => l.workerId)).not.toContain(holder);

    const { rows: once } = await db.pool.query(`SELECT count(*)::int AS n FROM test_transitions WHERE id = $1 AND new_status = 5`, [id]);
    expect(once[0].n).toBe(1);
    const done = await row(db.pool, id);
    expect(done.ocr_attempts).toBe(1);

    const engine = await OcrEngine.create({ langs: 'fra+eng', dpi: 300, timeoutMs: 120_000 });
    try {
      const alone = await engine.ocrDocument(pdf, 'acte');
      expect(done.file_content).toBe(joinPages(alone.pages));
      expect(done.boosted_file_content).toBe(boostDocument('acte', alone.pages).text);
    } finally {
      await engine.terminate();
    }
  }, 400_000);
});
