/**
 * What the database has: tables, columns, status rows, its clock and its name. Read by the schema check
 * (src/queue/schema.ts) and check-ocr-queue, which must report a database that lags in migrations instead
 * of failing on it.
 */
import type { Queryable } from '../../db/pg';

/** $1 = table names. */
const TABLES = `SELECT table_name FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = ANY($1::text[])`;

/** $1 = table name. */
const COLUMNS = `SELECT column_name FROM information_schema.columns
                  WHERE table_schema = current_schema() AND table_name = $1`;

/** $1 = extraction_status ids. */
const STATUS_ROWS = `SELECT id FROM extraction_status WHERE id = ANY($1::int[])`;

/** No parameters. */
const NOW = 'SELECT now() AS now';

/** No parameters. */
const DATABASE = 'SELECT current_database() AS db';

/** Which of `names` exist in the current schema. */
export async function presentTables(db: Queryable, names: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ table_name: string }>(TABLES, [names]);
  return new Set(rows.map((r) => r.table_name));
}

export async function tableColumns(db: Queryable, table: string): Promise<Set<string>> {
  const { rows } = await db.query<{ column_name: string }>(COLUMNS, [table]);
  return new Set(rows.map((r) => r.column_name));
}

/** Which of `ids` have their extraction_status row. */
export async function presentStatuses(db: Queryable, ids: readonly number[]): Promise<Set<number>> {
  const { rows } = await db.query<{ id: number }>(STATUS_ROWS, [ids]);
  return new Set(rows.map((r) => Number(r.id)));
}

/** The database's clock: ages computed against it do not depend on the reader's. */
export async function dbNow(db: Queryable): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>(NOW);
  return rows[0]!.now;
}

/** The database's own name (the live channel tags messages with it). */
export async function databaseName(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ db: string }>(DATABASE);
  return rows[0]!.db;
}
