/**
 * Real Postgres for tests: a template database migrated once per run (global setup), and a fresh clone
 * of it per test file, dropped afterwards. CREATE DATABASE … TEMPLATE is a file copy: ~50 ms.
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { loadMigrations } from '../../src/db/migrate';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// Named after the migrations' content: a changed migration gets a fresh template, and concurrent runs
// share an up-to-date one instead of dropping it under each other.
export const TEMPLATE_DB = `ocr_pool_tpl_${createHash('sha256')
  .update(loadMigrations().map((m) => m.checksum).join())
  .digest('hex')
  .slice(0, 12)}`;

export function urlFor(database: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface TestDb {
  name: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/**
 * For one test file: a fresh, migrated database made before its tests and dropped after them; with
 * `truncateEach`, extraction_queue is emptied before every test. `set` hands it to the file's variable.
 */
export function useTestDb(set: (db: TestDb) => void, opts: { truncateEach?: boolean } = {}): void {
  let db: TestDb | undefined;
  beforeAll(async () => {
    db = await createTestDb();
    set(db);
  });
  afterAll(async () => db?.drop());
  if (opts.truncateEach) {
    beforeEach(async () => {
      await db!.pool.query('TRUNCATE extraction_queue, ocr_pages');
    });
  }
}

/** A fresh, migrated database of its own. */
export async function createTestDb(opts: { template?: string | null } = {}): Promise<TestDb> {
  const name = `ocr_pool_test_${randomBytes(5).toString('hex')}`;
  const template = opts.template === undefined ? TEMPLATE_DB : opts.template;
  await admin((c) => c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
  const url = urlFor(name);
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  pool.on('error', () => undefined);
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end().catch(() => undefined);
      await admin(async (c) => {
        // pool.end() resolves before its sockets close, as do the ends of a test's own pools. FORCE would
        // then terminate those closing sessions, and a client that pg-pool no longer listens to raises the
        // FATAL 57P01 as an uncaught error. Wait (briefly) for the sessions to go by themselves first.
        for (let i = 0; i < 50; i++) {
          const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0]!.n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

export interface SeedRow {
  source?: string;
  path?: string | null;
  status?: number;
  attempts?: number;
  maxAttempts?: number;
  number?: string;
  createdAt?: Date;
}

export async function seed(db: pg.Pool, rows: SeedRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const { rows: out } = await db.query<{ id: string }>(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, ocr_attempts, ocr_max_attempts, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::timestamptz[])
     RETURNING id`,
    [
      rows.map((r) => r.source ?? 'index'),
      rows.map((r, i) => r.number ?? `DOC-${i}`),
      rows.map((r) => (r.path === undefined ? 'doc.pdf' : r.path)),
      rows.map((r) => r.status ?? 3),
      rows.map((r) => r.attempts ?? 0),
      rows.map((r) => r.maxAttempts ?? 3),
      rows.map((r, i) => r.createdAt ?? new Date(Date.UTC(2026, 0, 1, 0, 0, i))),
    ],
  );
  return out.map((r) => r.id);
}

export async function row(db: pg.Pool, id: string): Promise<Record<string, any>> {
  const { rows } = await db.query('SELECT * FROM extraction_queue WHERE id = $1', [id]);
  return rows[0];
}
