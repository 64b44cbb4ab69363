/**
 * Storage failing for a whole environment (a revoked key, an unmounted volume) must not fail its whole
 * queue: the pool pauses claiming for that environment only, its rows stay at 3 with their attempts
 * unspent, the other environment goes on, check-ocr-queue, /readyz and /metrics say which environment is
 * paused and why, and once the storage answers again its rows complete without restarting the pool.
 * A single missing object is still its own document's failure.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run';
import { createTestDb, type TestDb } from '../helpers/db';
import { startDaemon, tempStorage, waitFor } from '../helpers/daemon';
import { deedLines, makePdf } from '../helpers/pdfs';

let dev: TestDb;
let staging: TestDb;
let pdf: Uint8Array;

beforeAll(async () => {
  [dev, staging] = await Promise.all([createTestDb(), createTestDb()]);
  // A text-layer PDF: read in milliseconds, so what is measured is the pool, not tesseract.
  pdf = await makePdf([{ lines: deedLines(8) }]);
});
afterAll(async () => {
  await dev?.drop();
  await staging?.drop();
});

/** Just enough of Supabase storage: objects by `bucket/key`, bucket lookups, and a key that can be revoked. */
async function fakeSupabase(objects: Record<string, Uint8Array>) {
  const state = { keyRevoked: false, requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (state.keyRevoked) return json(401, { statusCode: '401', error: 'Unauthorized', message: 'Invalid JWT' });
    const url = decodeURIComponent(req.url ?? '');
    const bucket = /^\/storage\/v1\/bucket\/([^/?]+)$/.exec(url);
    if (bucket) return json(200, { id: bucket[1], name: bucket[1] });
    const object = /^\/storage\/v1\/object\/authenticated\/(.+)$/.exec(url);
    const bytes = object ? objects[object[1]!] : undefined;
    if (!bytes) return json(400, { statusCode: '404', error: 'not_found', message: 'Object not found' });
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function insert(db: TestDb, paths: string[]): Promise<string[]> {
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id)
     SELECT 'acte', 'A-' || i, p, 3 FROM unnest($1::text[]) WITH ORDINALITY AS t(p, i) RETURNING id`,
    [paths],
  );
  return rows.map((r) => r.id);
}

async function rows(db: TestDb, ids: string[]) {
  const { rows } = await db.pool.query(`SELECT id, status_id, ocr_attempts, ocr_error FROM extraction_queue WHERE id = ANY($1::uuid[]) ORDER BY document_number`, [ids]);
  return rows as { id: string; status_id: number; ocr_attempts: number; ocr_error: string | null }[];
}

const PAUSED = /storage is failing for the whole environment/;
const RESUMED = /storage answers again: claiming resumed/;

describe('an environment whose storage fails as a whole', () => {
  it('is paused (rows at 3, attempts unspent) while the other completes, is named by the tools, and resumes by itself', async () => {
    const devStore = await fakeSupabase({ 'actes/a.pdf': pdf, 'actes/b.pdf': pdf, 'actes/c.pdf': pdf });
    const stagingStore = await fakeSupabase({ 'actes/s1.pdf': pdf, 'actes/s2.pdf': pdf, 'actes/s3.pdf': pdf, 'actes/s4.pdf': pdf });
    stagingStore.state.keyRevoked = true;
    const good = await insert(dev, ['a.pdf', 'b.pdf', 'c.pdf']);
    const [missing] = await insert(dev, ['gone.pdf']);
    const held = await insert(staging, ['s1.pdf', 's2.pdf', 's3.pdf', 's4.pdf']);

    const daemon = startDaemon({
      DEV_DATABASE_URL: dev.url,
      DEV_SUPABASE_URL: devStore.url,
      DEV_SUPABASE_SERVICE_KEY: 'dev-key',
      STAGING_DATABASE_URL: staging.url,
      STAGING_SUPABASE_URL: stagingStore.url,
      STAGING_SUPABASE_SERVICE_KEY: 'staging-key',
      OCR_STORAGE_PROBE_MAX_MS: '1000',
      OCR_WORKER_POOL_SIZE: '2',
      SERVER_RESERVE_CPU_PERCENT: '0',
    });
    try {
      const listening = await daemon.waitForLog((l) => /^status server listening/.test(l.msg), 60_000);
      await daemon.waitForLog((l) => PAUSED.test(l.msg) && l.env === 'staging', 120_000);
      await waitFor(async () => (await rows(dev, [...good, missing!])).every((r) => r.status_id === 4 || r.status_id === 5), 60_000, 'dev to finish');

      // dev went on: its good documents completed, its one missing object failed at once, clearly.
      expect((await rows(dev, good)).map((r) => r.status_id)).toEqual([5, 5, 5]);
      const [gone] = await rows(dev, [missing!]);
      expect(gone).toMatchObject({ status_id: 4, ocr_attempts: 1 });
      expect(gone!.ocr_error).toMatch(/ObjectNotFoundError: object not found: actes\/gone\.pdf/);

      // staging: several probes later, nothing failed and no attempt was spent.
      await new Promise((r) => setTimeout(r, 3_000));
      expect((await rows(staging, held)).map((r) => [r.status_id, r.ocr_attempts, r.ocr_error])).toEqual(held.map(() => [3, 0, null]));

      const report = await runCheck({ env: { DEV_DATABASE_URL: dev.url, STAGING_DATABASE_URL: staging.url } });
      const st = report.environments.find((e) => e.env === 'staging')!;
      expect(st.healthy).toBe(false);
      expect(st.storagePauses).toMatchObject([{ reason: 'auth', message: expect.stringMatching(/rejected the service key \(HTTP 401\)/) }]);
      expect(st.problems.join('\n')).toMatch(/staging: claiming paused by .* storage auth/);
      expect(report.environments.find((e) => e.env === 'dev')!.storagePauses).toEqual([]);

      const base = `http://127.0.0.1:${listening.port}`;
      const ready = (await (await fetch(`${base}/readyz`)).json()) as { storagePaused: Record<string, { reason: string }[]> };
      expect(Object.keys(ready.storagePaused)).toEqual(['staging']);
      expect(ready.storagePaused.staging![0]!.reason).toBe('auth');
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^ocr_environment_paused\{env="staging",reason="auth"\} 1$/m);
      expect(metrics).not.toMatch(/^ocr_environment_paused\{env="dev"/m);

      // The key is fixed: staging completes, without a restart.
      stagingStore.state.keyRevoked = false;
      await waitFor(async () => (await rows(staging, held)).every((r) => r.status_id === 5), 60_000, 'staging to complete after the fix');
      expect((await rows(staging, held)).map((r) => r.ocr_attempts)).toEqual([1, 1, 1, 1]);
      await daemon.waitForLog((l) => RESUMED.test(l.msg) && l.env === 'staging', 5_000);
      expect((await runCheck({ env: { STAGING_DATABASE_URL: staging.url } })).environments[0]!.storagePauses).toEqual([]);

      // Said once each, not once per document or per probe; one process all along.
      expect(daemon.lines.filter((l) => PAUSED.test(l.msg))).toHaveLength(1);
      expect(daemon.lines.filter((l) => RESUMED.test(l.msg))).toHaveLength(1);
      expect(daemon.lines.filter((l) => l.msg === 'OCR pool serving')).toHaveLength(1);
      expect(JSON.stringify(daemon.lines)).not.toContain('staging-key');
    } finally {
      expect(await daemon.stop()).toBe(0);
      devStore.close();
      stagingStore.close();
    }
  }, 240_000);

  it('an empty OCR_STORAGE_DIR (volume not mounted) holds the queue; populating it lets it complete', async () => {
    const storage = tempStorage();
    const ids = await insert(dev, ['m1.pdf', 'm2.pdf', 'm3.pdf']);
    const daemon = startDaemon({ DEV_DATABASE_URL: dev.url, OCR_STORAGE_DIR: storage.dir, OCR_STORAGE_PROBE_MAX_MS: '1000', OCR_WORKER_POOL_SIZE: '2' });
    try {
      const paused = await daemon.waitForLog((l) => PAUSED.test(l.msg), 120_000);
      expect(paused).toMatchObject({ env: 'dev', reason: 'storage-root', err: { message: expect.stringMatching(/is empty \(volume not mounted\?\)/) } });
      await new Promise((r) => setTimeout(r, 2_000));
      expect((await rows(dev, ids)).map((r) => [r.status_id, r.ocr_attempts])).toEqual(ids.map(() => [3, 0]));

      for (const k of ['m1', 'm2', 'm3']) storage.put(`actes/${k}.pdf`, pdf);
      await waitFor(async () => (await rows(dev, ids)).every((r) => r.status_id === 5), 60_000, 'the documents once the volume is back');
      expect((await rows(dev, ids)).map((r) => r.ocr_attempts)).toEqual([1, 1, 1]);
    } finally {
      expect(await daemon.stop()).toBe(0);
      storage.remove();
    }
  }, 180_000);
});
