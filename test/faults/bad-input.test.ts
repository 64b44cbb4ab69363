/**
 * Bad input, each generated here, in one batch with good documents: each bad one ends with a clear
 * ocr_error (permanent ones are not retried), the good ones complete, and the pool keeps running.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { row, type TestDb } from '../helpers/db';
import { FIXTURES, startDaemon, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import { deedLines, makePdf } from '../helpers/pdfs';

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

async function insert(source: string, supabasePath: string, maxAttempts = 3): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, supabase_path, status_id, ocr_max_attempts) VALUES ($1, $2, 3, $3) RETURNING id`,
    [source, supabasePath, maxAttempts],
  );
  return rows[0].id;
}
const settled = async () =>
  (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id IN (3, 6)`)).rows[0].n === 0;

describe('bad input', () => {
  it('each bad document fails clearly and permanently; good ones in the same batch complete', async () => {
    const good = await makePdf([{ lines: deedLines(30) }]);
    storage.put('actes/good-1.pdf', good);
    storage.put('actes/good-2.pdf', path.join(FIXTURES, 'synthetic', 'acte2-scan.pdf'));
    storage.put('actes/random.pdf', randomBytes(50_000));
    storage.put('actes/truncated.pdf', good.subarray(0, Math.floor(good.length / 2)));
    storage.put('actes/encrypted.pdf', await makePdf([{ lines: ['secret'] }], 'encrypt=aes-256,user-password=pw,owner-password=owner'));
    storage.put('actes/empty.pdf', new Uint8Array(0));
    storage.put('actes/html.pdf', new TextEncoder().encode('<!DOCTYPE html><html><head><title>502</title></head><body>Bad gateway</body></html>'));
    storage.put('actes/zero-pages.pdf', await makePdf([]));
    // 20000 × 20000 px at 300 DPI, no text layer: rendered within the pixel budget (downscaled), not refused.
    storage.put('index/huge-page.pdf', await makePdf([{ width: 4800, height: 4800 }]));
    // 300 pages (text layer): processed page by page, progress reported.
    storage.put('actes/long.pdf', await makePdf(Array.from({ length: 300 }, (_, i) => ({ lines: deedLines(40, i) }))));

    const ids = {
      good1: await insert('acte', 'good-1.pdf'),
      good2: await insert('acte', 'good-2.pdf'),
      random: await insert('acte', 'random.pdf'),
      truncated: await insert('acte', 'truncated.pdf'),
      encrypted: await insert('acte', 'encrypted.pdf'),
      empty: await insert('acte', 'empty.pdf'),
      html: await insert('acte', 'html.pdf'),
      zero: await insert('acte', 'zero-pages.pdf'),
      huge: await insert('index', 'huge-page.pdf'),
      long: await insert('acte', 'long.pdf'),
      missing: await insert('acte', 'missing.pdf'),
      traversal: await insert('acte', 'actes/../../../etc/passwd'),
    };

    const daemon = startDaemon({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '2', SERVER_RESERVE_CPU_PERCENT: '0' });
    try {
      await daemon.waitForLog((l) => l.msg === 'OCR pool serving', 60_000);
      await waitFor(settled, 300_000, 'every document to end');
      expect(daemon.proc.exitCode).toBeNull(); // still running
    } finally {
      expect(await daemon.stop()).toBe(0);
    }

    for (const id of [ids.good1, ids.good2, ids.huge, ids.long]) expect((await row(db.pool, id)).status_id).toBe(5);
    const long = await row(db.pool, ids.long);
    expect(long.file_content).toContain('--- Page 300 ---');
    expect(long.ocr_progress).toMatchObject({ stage: 'done', page: 300, pages: 300 });

    const expected: [string, RegExp][] = [
      [ids.random, /not a PDF \(got binary\)/],
      [ids.truncated, /truncated|damaged|corrupt/i],
      [ids.encrypted, /encrypted/i],
      [ids.empty, /not a PDF: the file is empty/],
      [ids.html, /not a PDF \(got HTML\)/],
      [ids.zero, /no pages/],
      [ids.missing, /not found/],
      [ids.traversal, /traversal/],
    ];
    for (const [id, pattern] of expected) {
      const r = await row(db.pool, id);
      expect({ status: r.status_id, attempts: r.ocr_attempts, error: r.ocr_error }).toMatchObject({ status: 4, attempts: 1 });
      expect(r.ocr_error).toMatch(pattern);
      expect(r.ocr_last_error_at).toBeInstanceOf(Date);
    }
  }, 400_000);

  it('storage that never answers: timed out, retried with backoff, then 4 with the reason', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server = http.createServer(() => undefined); // accepts, never answers
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const id = await insert('acte', 'hangs.pdf', 2);
    const daemon = startDaemon({
      DEV_DATABASE_URL: db.url,
      DEV_SUPABASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      DEV_SUPABASE_SERVICE_KEY: 'k',
      OCR_STORAGE_TIMEOUT_MS: '1000',
      OCR_RETRY_BASE_MS: '200',
      OCR_WORKER_POOL_SIZE: '1',
    });
    try {
      await waitFor(async () => (await row(db.pool, id)).status_id === 4, 60_000, 'the hanging download to fail for good');
    } finally {
      expect(await daemon.stop()).toBe(0);
      for (const s of sockets) s.destroy();
      server.close();
    }
    const r = await row(db.pool, id);
    expect(r.ocr_attempts).toBe(2);
    expect(r.ocr_error).toMatch(/^attempts exhausted \(2\/2\): .*tim(ed|e) ?out/i);
    expect(daemon.lines.filter((l) => l.msg === 'document failed, will retry')).toHaveLength(1);
  }, 120_000);

  it('a row the upstream changes while it is processed is left as the upstream set it', async () => {
    storage.put('actes/prose3.pdf', path.join(FIXTURES, 'pdf', 'tapus-prose-3pages.pdf'));
    const id = await insert('acte', 'prose3.pdf');
    const daemon = startDaemon({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '1', OCR_LEASE_MS: '5000' });
    try {
      await waitFor(async () => (await row(db.pool, id)).ocr_progress?.stage === 'ocr', 60_000, 'OCR to start');
      await db.pool.query(`UPDATE extraction_queue SET status_id = 1 WHERE id = $1`, [id]);
      await daemon.waitForLog((l) => /claim lost/.test(l.msg), 30_000);
      // The pool is still serving: a new document is processed.
      storage.put('actes/after.pdf', await makePdf([{ lines: deedLines(5) }]));
      const after = await insert('acte', 'after.pdf');
      await waitFor(async () => (await row(db.pool, after)).status_id === 5, 60_000, 'the next document');
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
    const r = await row(db.pool, id);
    expect(r).toMatchObject({ status_id: 1, file_content: null, boosted_file_content: null });
  }, 120_000);
});
