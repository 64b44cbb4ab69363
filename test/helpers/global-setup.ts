/** Once per `vitest run`: build the migrated template database that every test file clones. */
import pg from 'pg';
import { migrate } from '../../src/db/migrate';
import { admin, TEMPLATE_DB, urlFor } from './db';

export async function setup(): Promise<void> {
  const exists = await admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB])).rowCount === 1);
  if (exists) return;
  const building = `${TEMPLATE_DB}_${process.pid}`;
  await admin((c) => c.query(`CREATE DATABASE ${building}`));
  const c = new pg.Client({ connectionString: urlFor(building) });
  await c.connect();
  try {
    await migrate(c);
  } finally {
    await c.end();
  }
  // Built under a private name, then renamed: a concurrent run never clones a half-migrated template.
  await admin(async (a) => {
    try {
      await a.query(`ALTER DATABASE ${building} RENAME TO ${TEMPLATE_DB}`);
    } catch {
      await a.query(`DROP DATABASE IF EXISTS ${building}`);
    }
  });
}

export async function teardown(): Promise<void> {
  // Each file drops its own clone; the template is kept for the next run (it is named after the migrations).
}
