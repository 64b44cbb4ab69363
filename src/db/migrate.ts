/**
 * Numbered, immutable SQL migrations with a ledger (ocr_pool_migrations). Each file runs once, in its own
 * transaction, under an advisory lock so two hosts deploying at once do not race. A file changed after it
 * was applied is refused (its checksum no longer matches): write a new migration instead. The one
 * exception is `EARLIER_CHECKSUMS`: a comment of an applied file changed, its SQL did not.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');
const LOCK_KEY = 0x0c4_9001; // any constant shared by every ocr-pool migrator

/**
 * Checksums a migration had before an edit of its comments only, still accepted in the ledger:
 * 000002's comment cited a document outside the repository, now docs/contract.md (issue 26).
 */
const EARLIER_CHECKSUMS: Readonly<Record<string, readonly string[]>> = {
  '000002_ocr_lease_and_progress.sql': ['647380814771acaea246ab0003e180328c585bf7485e1b8b65d4fb304c0171fd'],
};

export interface Migration {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{6}_[\w-]+\.sql$/.test(f)).sort();
  // Numbers only grow, each used once. A gap is allowed: branches worked on side by side reserve their
  // numbers, and the one merged first must not wait for the others (the runner applies any it lacks).
  let previous = 0;
  return files.map((file) => {
    const id = Number(file.slice(0, 6));
    if (id <= previous) throw new Error(`migrations must be numbered upwards, each number once: found ${file} after ${String(previous).padStart(6, '0')}`);
    previous = id;
    const sql = readFileSync(path.join(dir, file), 'utf8');
    return { id, name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(client: pg.PoolClient | pg.Client, migrations = loadMigrations()): Promise<MigrateResult> {
  await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ocr_pool_migrations (
      id         int PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ id: number; name: string; checksum: string }>(
      'SELECT id, name, checksum FROM ocr_pool_migrations ORDER BY id',
    );
    const done = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) {
      const m = migrations.find((x) => x.id === r.id);
      if (!m) throw new Error(`database has migration ${r.name}, which this version does not know: is this build older than the database?`);
      if (m.checksum !== r.checksum && !EARLIER_CHECKSUMS[m.name]?.includes(r.checksum)) throw new Error(`migration ${m.name} was changed after it was applied; migrations are immutable, add a new one`);
    }
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO ocr_pool_migrations (id, name, checksum) VALUES ($1, $2, $3)', [m.id, m.name, m.checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(m.name);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
  }
}
