/**
 * Migrations: create everything from nothing, complete an upstream table that lacks our columns, run
 * twice without change, refuse an edited migration, and the schema check names exactly what is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/db/migrate';
import { checkSchema, describeSchemaReport } from '../../src/queue/schema';
import { createTestDb, type TestDb } from '../helpers/db';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb({ template: null }); // empty database, no migrations
});
afterAll(async () => db?.drop());

async function withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await db.pool.connect();
  try {
    return await fn(c);
  } finally {
    c.release();
  }
}
const reset = () =>
  db.pool.query('DROP TABLE IF EXISTS extraction_queue, extraction_status, ocr_workers, ocr_storage_pauses, ocr_claim_pauses, ocr_operator_actions, ocr_pages, ocr_pool_migrations CASCADE');

describe('migrate', () => {
  it('creates everything from nothing, and a second run changes nothing', async () => {
    await reset();
    const first = await withClient((c) => migrate(c));
    expect(first.applied).toEqual(loadMigrations().map((m) => m.name));
    expect((await checkSchema(db.pool)).ok).toBe(true);
    const second = await withClient((c) => migrate(c));
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });
  });

  it('completes an upstream table that already exists, with rows, without touching them', async () => {
    await reset();
    // The extractor's table as it may exist before ocr-pool: no OCR columns at all.
    await db.pool.query(`
      CREATE TABLE extraction_status (id int PRIMARY KEY, name text NOT NULL);
      INSERT INTO extraction_status VALUES (1,'En attente'),(2,'En traitement'),(3,'Complété'),(4,'Erreur'),(5,'Extraction Complété'),(6,'OCR en traitement');
      CREATE TABLE extraction_queue (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(), document_source text NOT NULL, document_number text,
        supabase_path text, status_id int NOT NULL REFERENCES extraction_status(id), error_message text,
        created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO extraction_queue (document_source, supabase_path, status_id, error_message) VALUES ('acte', 'a.pdf', 3, 'kept');`);
    const before = await checkSchema(db.pool);
    expect(before.ok).toBe(false);
    expect(before.missingColumns).toContain('extraction_queue.ocr_lease_expires_at');
    expect(before.missingTables).toEqual(['ocr_workers', 'ocr_claim_pauses', 'ocr_pages']);
    expect(describeSchemaReport('staging', before)).toMatch(/^staging: schema incomplete, missing table ocr_workers, table ocr_claim_pauses, table ocr_pages, column extraction_queue\.file_content, .*\(run `npm run migrate`\)$/);

    await withClient((c) => migrate(c));
    expect((await checkSchema(db.pool)).ok).toBe(true);
    const { rows } = await db.pool.query('SELECT status_id, error_message, ocr_attempts, ocr_max_attempts FROM extraction_queue');
    expect(rows).toEqual([{ status_id: 3, error_message: 'kept', ocr_attempts: 0, ocr_max_attempts: 3 }]);
  });

  it('creates the partial indexes the hot queries need', async () => {
    const { rows } = await db.pool.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'extraction_queue' AND indexname LIKE 'extraction_queue_ocr_%'`);
    const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef]));
    expect(defs.extraction_queue_ocr_ready_norm_idx).toMatch(/\(lower\(btrim\(document_source\)\), created_at, id\) WHERE \(\(status_id = 3\) AND \(supabase_path IS NOT NULL\)\)/);
    expect(defs.extraction_queue_ocr_ready_idx).toBeUndefined();
    expect(defs.extraction_queue_ocr_lease_idx).toMatch(/WHERE \(status_id = 6\)/);
  });

  it('numbers migrations upwards, each once; a gap is allowed (branches reserve numbers side by side)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ocr-migrations-'));
    try {
      writeFileSync(path.join(dir, '000001_a.sql'), 'SELECT 1;');
      writeFileSync(path.join(dir, '000003_c.sql'), 'SELECT 3;');
      expect(loadMigrations(dir).map((m) => m.id)).toEqual([1, 3]);
      writeFileSync(path.join(dir, '000003_other.sql'), 'SELECT 3;');
      expect(() => loadMigrations(dir)).toThrow(/each number once: found 000003_other\.sql after 000003/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a migration edited after it was applied', async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m));
    await expect(withClient((c) => migrate(c, edited))).rejects.toThrow(/was changed after it was applied/);
  });

  it('accepts 000002 applied before its comment changed (the SQL is the same)', async () => {
    const before = '647380814771acaea246ab0003e180328c585bf7485e1b8b65d4fb304c0171fd';
    await db.pool.query(`UPDATE ocr_pool_migrations SET checksum = $1 WHERE name = '000002_ocr_lease_and_progress.sql'`, [before]);
    try {
      await expect(withClient((c) => migrate(c))).resolves.toMatchObject({ applied: [] });
    } finally {
      const current = loadMigrations().find((m) => m.name === '000002_ocr_lease_and_progress.sql')!.checksum;
      await db.pool.query(`UPDATE ocr_pool_migrations SET checksum = $1 WHERE name = '000002_ocr_lease_and_progress.sql'`, [current]);
    }
  });

  // What an operator types on a host that only migrates: a database URL, no storage, no Redis.
  it('`npm run migrate` needs only the database URL', async () => {
    await reset();
    const r = spawnSync('npm', ['run', '--silent', 'migrate'], {
      cwd: path.join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DEV_DATABASE_URL: db.url },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/dev: schema complete/);
    expect((await withClient((c) => checkSchema(c))).ok).toBe(true);
  });
});
