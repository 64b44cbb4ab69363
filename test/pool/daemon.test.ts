/**
 * End to end, the way operators run it: rows at 3 in a real Postgres, PDFs in OCR_STORAGE_DIR, the real
 * daemon process with its OCR threads; SIGINT ends it with exit 0.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { row, type TestDb } from '../helpers/db';
import { FIXTURES, startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

async function insert(source: string, supabasePath: string | null, number: string): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id) VALUES ($1, $2, $3, 3) RETURNING id`,
    [source, number, supabasePath],
  );
  return rows[0].id;
}

describe('the pool daemon', () => {
  it('drains a mixed batch: scanned → OCR, born-digital → text layer, corrupt → 4, plan → 5; SIGINT exits 0', async () => {
    storage.put('actes/lettre.pdf', path.join(FIXTURES, 'pdf', 'tapus-lettre1858-3_eac6a.pdf'));
    storage.put('actes/acte1-digital.pdf', path.join(FIXTURES, 'synthetic', 'acte1-digital.pdf'));
    storage.put('index/register-scan.pdf', path.join(FIXTURES, 'synthetic', 'register-scan.pdf'));
    storage.put('actes/corrupt.pdf', new TextEncoder().encode('%PDF-1.7\n this is not really a pdf \n%%EOF'));
    storage.put('actes/error-page.pdf', new TextEncoder().encode('<!DOCTYPE html><html><body>502 Bad Gateway</body></html>'));

    const scanned = await insert('acte', 'lettre.pdf', 'A-1');
    const digital = await insert('acte', 'actes/acte1-digital.pdf', 'A-2');
    const register = await insert('index', '/storage/v1/object/public/index/register-scan.pdf', 'I-1');
    const corrupt = await insert('acte', 'corrupt.pdf', 'A-3');
    const html = await insert('acte', 'error-page.pdf', 'A-4');
    const missing = await insert('acte', 'does-not-exist.pdf', 'A-5');
    const plan = await insert('plan_cadastraux', 'plan.pdf', 'P-1');

    const daemon = startDaemon({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '2' });
    try {
      await daemon.waitForLog((l) => l.msg === 'OCR pool serving', 120_000);
      await waitFor(
        async () => (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id IN (3, 6)`)).rows[0].n === 0,
        300_000,
        'every row to leave 3 and 6',
      );

      const s = await row(db.pool, scanned);
      expect(s).toMatchObject({ status_id: 5, ocr_attempts: 1, ocr_error: null });
      // Words of the typed 1858 letter, read by OCR.
      expect(s.file_content).toMatch(/^--- Page 1 ---/);
      expect(s.file_content.toLowerCase()).toMatch(/monsieur/);
      expect(s.boosted_file_content.length).toBeGreaterThan(100);
      expect(s.ocr_progress).toMatchObject({ stage: 'done', percent: 100, ocrPages: 1, textLayerPages: 0 });

      const d = await row(db.pool, digital);
      expect(d).toMatchObject({ status_id: 5, ocr_attempts: 1 });
      expect(d.ocr_progress).toMatchObject({ ocrPages: 0, textLayerPages: 1 });

      const r = await row(db.pool, register);
      expect(r).toMatchObject({ status_id: 5, ocr_attempts: 1 });
      expect(r.ocr_progress.ocrPages).toBeGreaterThan(0);

      for (const [id, pattern] of [
        [corrupt, /PermanentError: .*(corrupt|damaged|cannot|invalid|broken)/i],
        [html, /not a PDF \(got HTML\)/],
        [missing, /not found/i],
      ] as const) {
        const f = await row(db.pool, id);
        expect(f.status_id, f.ocr_error).toBe(4);
        expect(f.ocr_attempts).toBe(1); // permanent: not retried
        expect(f.ocr_error).toMatch(pattern);
        expect(f.error_message).toBeNull();
      }

      expect(await row(db.pool, plan)).toMatchObject({ status_id: 5, file_content: null, ocr_attempts: 0 });
    } finally {
      const code = await daemon.stop('SIGINT');
      expect(code).toBe(0);
    }
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id = 6`);
    expect(rows[0].n).toBe(0);
    // No secret reached the logs (the test URL has none, but the URL itself must not be logged either).
    expect(JSON.stringify(daemon.lines)).not.toContain(db.url);
  });

  // SIGINT is PM2's stop; SIGHUP is a closed terminal (a daemon started from a shell without nohup).
  it.each(['SIGINT', 'SIGHUP'] as const)('hands an in-flight document back to 3 on %s without burning its attempt', async (signal) => {
    await db.pool.query('TRUNCATE extraction_queue');
    storage.put('actes/prose3.pdf', path.join(FIXTURES, 'pdf', 'tapus-prose-3pages.pdf'));
    const id = await insert('acte', 'prose3.pdf', `A-10-${signal}`);
    const daemon = startDaemon({
      DEV_DATABASE_URL: db.url,
      OCR_STORAGE_DIR: storage.dir,
      OCR_WORKER_POOL_SIZE: '1',
      OCR_SHUTDOWN_TIMEOUT_MS: '0',
    });
    let code: number | null = null;
    try {
      await waitFor(async () => (await row(db.pool, id)).ocr_progress?.stage === 'ocr', 120_000, 'the document to be in OCR');
      expect((await row(db.pool, id)).status_id).toBe(6);
    } finally {
      code = await daemon.stop(signal);
    }
    expect(code).toBe(0);
    const r = await row(db.pool, id);
    expect(r).toMatchObject({ status_id: 3, ocr_attempts: 0, ocr_lease_expires_at: null });
    expect(daemon.lines.some((l) => /handed back/.test(l.msg))).toBe(true);
  });
});
