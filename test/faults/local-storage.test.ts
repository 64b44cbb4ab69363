/**
 * Local storage that would block or fail forever: a FIFO (opening it for reading blocks until a writer
 * comes; a hung network mount behaves the same), a directory, a file name over the file system's limit.
 * Each fails at once and for good; a read that never returns fails at the storage timeout; shutdown is
 * never held by a read.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../src/errors';
import { LocalStorage, withDeadline } from '../../src/storage/local';
import { createTestDb, row, type TestDb } from '../helpers/db';
import { startDaemon, tempStorage, waitFor } from '../helpers/daemon';
import { deedLines, makePdf } from '../helpers/pdfs';
import { rejection } from '../helpers/rejection';

const MAX = 1 << 20;
const LONG_NAME = `${'x'.repeat(300)}.pdf`; // one path component over the usual 255-byte limit

let db: TestDb;
let storage: ReturnType<typeof tempStorage>;
beforeAll(async () => {
  db = await createTestDb();
  storage = tempStorage();
  mkdirSync(path.join(storage.dir, 'actes', 'a-directory.pdf'), { recursive: true });
  execFileSync('mkfifo', [path.join(storage.dir, 'actes', 'pipe.pdf')]);
});
afterAll(async () => {
  await db?.drop();
  storage?.remove();
});

describe('local storage: non-regular files and reads that never return', () => {
  it.each([
    ['a FIFO', 'pipe.pdf', /^object actes\/pipe\.pdf is a FIFO \(named pipe\), not a regular file$/],
    ['a directory', 'a-directory.pdf', /^object actes\/a-directory\.pdf is a directory, not a regular file$/],
    ['a name over the file system limit', LONG_NAME, /^object name too long for the file system: actes\/x{100}/],
  ])('%s fails at once, permanently', async (_what, key, message) => {
    const started = Date.now();
    const err = await rejection(new LocalStorage(storage.dir, { timeoutMs: 30_000 }).fetch({ bucket: 'actes', key }, { maxBytes: MAX }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(message);
  });

  it('a read that never returns fails at the deadline (retryable), or at once when the job is aborted', async () => {
    const never = () => new Promise<Uint8Array>(() => undefined);
    let started = Date.now();
    const timedOut = await rejection(withDeadline(never, 300, 'actes/hung.pdf'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(timedOut).toBeInstanceOf(RetryableError);
    expect((timedOut as Error).message).toBe('read of actes/hung.pdf timed out after 300 ms (local storage not answering)');

    const ctl = new AbortController();
    started = Date.now();
    const pending = rejection(withDeadline(never, 60_000, 'actes/hung.pdf', ctl.signal));
    ctl.abort();
    expect(await pending).toBeInstanceOf(RetryableError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('in the pool: the FIFO and the long name end at 4 after one attempt, a good document completes, SIGINT exits at once', async () => {
    storage.put('actes/good.pdf', await makePdf([{ lines: deedLines(10) }]));
    const insert = async (p: string) =>
      (await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) VALUES ('acte', $1, 3) RETURNING id`, [p])).rows[0].id as string;
    const ids = { fifo: await insert('pipe.pdf'), long: await insert(LONG_NAME), good: await insert('good.pdf') };
    const daemon = startDaemon({ DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '1', OCR_STORAGE_TIMEOUT_MS: '5000' });
    let stopMs = 0;
    try {
      await daemon.waitForLog((l) => l.msg === 'OCR pool serving', 120_000);
      await waitFor(async () => (await row(db.pool, ids.good)).status_id === 5, 60_000, 'the good document');
    } finally {
      const t = Date.now();
      expect(await daemon.stop()).toBe(0);
      stopMs = Date.now() - t;
    }
    expect(stopMs).toBeLessThan(10_000);
    const fifo = await row(db.pool, ids.fifo);
    expect({ status: fifo.status_id, attempts: fifo.ocr_attempts, error: fifo.ocr_error }).toEqual({
      status: 4,
      attempts: 1,
      error: 'PermanentError: object actes/pipe.pdf is a FIFO (named pipe), not a regular file',
    });
    const long = await row(db.pool, ids.long);
    expect({ status: long.status_id, attempts: long.ocr_attempts }).toEqual({ status: 4, attempts: 1 });
    expect(long.ocr_error).toMatch(/^PermanentError: object name too long for the file system/);
  }, 200_000);
});
