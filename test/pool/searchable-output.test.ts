/**
 * A completed document's searchable PDF is written beside its source and its place recorded on the row;
 * a storage that refuses the write costs the document nothing (it stays at 5 with its text), the reason
 * is on the row, and the cause is logged once however many documents meet it.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalLimiter } from '../../src/limiter/local';
import { createLogger } from '../../src/logger';
import { SearchableOutput, causeKey } from '../../src/pool/searchable-output';
import { claim } from '../../src/queue/claim';
import { complete } from '../../src/queue/complete';
import type { Claim } from '../../src/queue/types';
import { RetryableError } from '../../src/errors';
import { StorageWriteRefusedError } from '../../src/storage/errors';
import { LocalStorage } from '../../src/storage/local';
import { DEFAULT_SEARCHABLE_PDF_PATH } from '../../src/storage/searchable-path';
import type { ObjectRef, ObjectStorage, PutOptions } from '../../src/storage/types';
import { type TestDb, useTestDb } from '../helpers/db';

let db: TestDb;
useTestDb((d) => (db = d), { truncateEach: true });

const PDF = new TextEncoder().encode('%PDF-1.7\n%searchable\n%%EOF\n');
let dir: string;
const lines: Record<string, unknown>[] = [];
const log = createLogger('debug', { write: (l: string) => void lines.push(JSON.parse(l)) });
const limiter = createLocalLimiter({ perMinute: 1000, maxConcurrent: 2 });

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocr-searchable-'));
  await fs.mkdir(path.join(dir, 'actes', '2024'), { recursive: true });
  await fs.writeFile(path.join(dir, 'actes', '2024', '123.pdf'), PDF);
});
afterAll(async () => {
  await limiter.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

/** A row taken from 3 to 5 by a real claim and completion, as a job leaves it. */
async function completedRow(key: string): Promise<Claim> {
  await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) VALUES ('acte', $1, 3)`, [key]);
  const c = await claim(db.pool, 'dev', 'w:1', 'acte', 60_000);
  if (!c) throw new Error('no claim');
  expect((await complete(db.pool, c, { fileContent: 'text', boostedFileContent: 'text', progress: {} })).applied).toBe(true);
  return c;
}

const pdfColumns = async (id: string) => (await db.pool.query('SELECT status_id, file_content, ocr_pdf_path, ocr_pdf_error FROM extraction_queue WHERE id = $1', [id])).rows[0];

/** The storage a refusing or flaky backend would be: the real local storage, behind a gate. */
function gated(inner: ObjectStorage, gate: (obj: ObjectRef) => Error | undefined): ObjectStorage & { puts: number } {
  const s = {
    puts: 0,
    fetch: inner.fetch.bind(inner),
    probe: inner.probe.bind(inner),
    describe: () => inner.describe(),
    async put(obj: ObjectRef, bytes: Uint8Array, opts: PutOptions) {
      s.puts++;
      const err = gate(obj);
      if (err) throw err;
      return inner.put(obj, bytes, opts);
    },
  };
  return s;
}

describe('the searchable PDF of a completed document', () => {
  it('is written beside its source and its place recorded on the row', async () => {
    const c = await completedRow('2024/123.pdf');
    const out = new SearchableOutput({ template: DEFAULT_SEARCHABLE_PDF_PATH }, log);
    const res = await out.save({ db: db.pool, storage: new LocalStorage(dir), limiter }, c, { bucket: 'actes', key: '2024/123.pdf' }, PDF);
    expect(res).toEqual({ kind: 'written', path: 'actes/2024/123.ocr.pdf' });
    expect(await fs.readFile(path.join(dir, 'actes', '2024', '123.ocr.pdf'))).toEqual(Buffer.from(PDF));
    expect(await fs.readFile(path.join(dir, 'actes', '2024', '123.pdf'))).toEqual(Buffer.from(PDF)); // the source untouched
    expect(await pdfColumns(c.id)).toMatchObject({ status_id: 5, ocr_pdf_path: 'actes/2024/123.ocr.pdf', ocr_pdf_error: null });
  });

  it('is tried again on a retryable error and written', async () => {
    const c = await completedRow('2024/123.pdf');
    let failures = 2;
    const storage = gated(new LocalStorage(dir), () => (failures-- > 0 ? new RetryableError('Supabase storage error HTTP 503 for actes/2024/123.ocr.pdf') : undefined));
    const out = new SearchableOutput({ template: DEFAULT_SEARCHABLE_PDF_PATH, retryDelaysMs: [10, 10] }, log);
    expect((await out.save({ db: db.pool, storage, limiter }, c, { bucket: 'actes', key: '2024/123.pdf' }, PDF)).kind).toBe('written');
    expect(storage.puts).toBe(3);
  });

  it('a refused write leaves every document done with its text, the reason on each row, logged once', async () => {
    lines.length = 0;
    const refusal = () => new StorageWriteRefusedError('local storage refused the write of actes/x.ocr.pdf (EROFS)');
    const storage = gated(new LocalStorage(dir), refusal);
    const out = new SearchableOutput({ template: DEFAULT_SEARCHABLE_PDF_PATH, retryDelaysMs: [10, 10] }, log);
    const claims = [await completedRow('a.pdf'), await completedRow('b.pdf'), await completedRow('c.pdf')];
    for (const c of claims) {
      const res = await out.save({ db: db.pool, storage, limiter }, c, { bucket: 'actes', key: c.supabasePath }, PDF);
      expect(res).toEqual({ kind: 'failed', error: 'StorageWriteRefusedError: local storage refused the write of actes/x.ocr.pdf (EROFS)' });
      expect(await pdfColumns(c.id)).toEqual({ status_id: 5, file_content: 'text', ocr_pdf_path: null, ocr_pdf_error: res.kind === 'failed' ? res.error : '' });
    }
    expect(storage.puts).toBe(3); // a refusal is not tried again
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => l.cause)).toEqual(['dev StorageWriteRefusedError EROFS']);
    // Once writes work again, that is said, with what was missed.
    const c = await completedRow('2024/123.pdf');
    await out.save({ db: db.pool, storage: new LocalStorage(dir), limiter }, c, { bucket: 'actes', key: '2024/123.pdf' }, PDF);
    expect(lines.find((l) => l.msg === 'searchable PDFs are written again')?.failures).toEqual({ 'dev StorageWriteRefusedError EROFS': 3 });
  });

  it('writes nothing on a row that is no longer that completion (requeued since)', async () => {
    const c = await completedRow('2024/123.pdf');
    await db.pool.query('UPDATE extraction_queue SET status_id = 3 WHERE id = $1', [c.id]);
    const out = new SearchableOutput({ template: DEFAULT_SEARCHABLE_PDF_PATH }, log);
    await out.save({ db: db.pool, storage: new LocalStorage(dir), limiter }, c, { bucket: 'actes', key: '2024/123.pdf' }, PDF);
    expect(await pdfColumns(c.id)).toMatchObject({ status_id: 3, ocr_pdf_path: null });
  });

  it('names a cause without the document: error class and code', () => {
    expect(causeKey(new StorageWriteRefusedError('local storage refused the write of index/ro/x.ocr.pdf (EROFS)'))).toBe('StorageWriteRefusedError EROFS');
    expect(causeKey(new StorageWriteRefusedError('Supabase storage rejected the service key (HTTP 403) for the upload of a/b'))).toBe('StorageWriteRefusedError HTTP 403');
  });
});
