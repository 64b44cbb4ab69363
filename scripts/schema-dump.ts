/**
 * `npm run schema:dump`: apply the migrations to a scratch database and write its schema to
 * src/db/schema.sql (src/db/dump.ts says what is in it). Run it after adding a migration and commit the
 * result with it; test/db/schema-dump.test.ts fails until then. The scratch database is made and dropped
 * on SCHEMA_DUMP_DATABASE_URL, TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { dumpSchema } from '../src/db/dump';
import { migrate } from '../src/db/migrate';

export const SCHEMA_FILE = path.join(__dirname, '..', 'src', 'db', 'schema.sql');
const ADMIN_URL = process.env.SCHEMA_DUMP_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function main(): Promise<void> {
  const name = `ocr_pool_schema_dump_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      await migrate(c);
      writeFileSync(SCHEMA_FILE, await dumpSchema(c));
    } finally {
      await c.end();
    }
    console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
