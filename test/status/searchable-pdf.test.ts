/**
 * GET /api/jobs/:env/:id/pdf serves a document's searchable PDF from the environment's storage, behind the
 * same token as every read, and says why when there is none.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { StatusServer } from '../../src/status/server';
import { createTestDb, type TestDb } from '../helpers/db';

const log = createLogger('silent');
const TOKEN = 's3cret-token-for-pdf';
const PDF = Buffer.from('%PDF-1.7\n%searchable\n%%EOF\n');
let db: TestDb;
let dir: string;
let server: StatusServer;
let bare: StatusServer;
let base: string;
let bareBase: string;

async function row(cols: Record<string, unknown>): Promise<string> {
  const names = Object.keys(cols);
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, supabase_path, ${names.join(', ')}) VALUES ('acte', 'x.pdf', ${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(cols),
  );
  return rows[0].id;
}

beforeAll(async () => {
  db = await createTestDb();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocr-pdf-route-'));
  await fs.mkdir(path.join(dir, 'actes', '2024'), { recursive: true });
  await fs.writeFile(path.join(dir, 'actes', '2024', '123.ocr.pdf'), PDF);
  const config = { environments: [{ name: 'dev' as const, databaseUrl: db.url }], httpHost: '127.0.0.1', httpPort: 0, httpToken: TOKEN };
  server = new StatusServer({ config: { ...config, storageDir: dir }, log });
  base = `http://127.0.0.1:${(await server.start()).port}`;
  bare = new StatusServer({ config, log });
  bareBase = `http://127.0.0.1:${(await bare.start()).port}`;
});
afterAll(async () => {
  await server?.stop();
  await bare?.stop();
  await db?.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

const get = (url: string, token = TOKEN) => fetch(url, { headers: { authorization: `Bearer ${token}` } });

describe('GET /api/jobs/:env/:id/pdf', () => {
  it('serves the PDF written for a completed document, as a PDF, with the token only', async () => {
    const id = await row({ status_id: 5, ocr_pdf_path: 'actes/2024/123.ocr.pdf' });
    const res = await get(`${base}/api/jobs/dev/${id}/pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('inline; filename="123.ocr.pdf"');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PDF);
    expect((await get(`${base}/api/jobs/dev/${id}/pdf`, 'wrong-token-wrong')).status).toBe(401);
  });

  it('says why there is none: could not be written, never written, not done, gone from storage', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ status_id: 5, ocr_pdf_error: 'StorageWriteRefusedError: local storage refused the write (EROFS)' }, /could not be written: StorageWriteRefusedError/],
      [{ status_id: 5 }, /none was written/],
      [{ status_id: 6 }, /not done \(status 6\)/],
      [{ status_id: 5, ocr_pdf_path: 'actes/2024/gone.ocr.pdf' }, /no longer in storage/],
    ];
    for (const [cols, why] of cases) {
      const res = await get(`${base}/api/jobs/dev/${await row(cols)}/pdf`);
      expect(res.status).toBe(404);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe('no_searchable_pdf');
      expect(body.message).toMatch(why);
    }
    expect((await get(`${base}/api/jobs/dev/00000000-0000-4000-8000-000000000000/pdf`)).status).toBe(404);
  });

  it('a status server without storage settings answers 503, naming what to set', async () => {
    const id = await row({ status_id: 5, ocr_pdf_path: 'actes/2024/123.ocr.pdf' });
    const res = await get(`${bareBase}/api/jobs/dev/${id}/pdf`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toMatch(/OCR_STORAGE_DIR/);
  });
});
