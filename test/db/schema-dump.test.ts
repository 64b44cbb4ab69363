/**
 * The committed schema dump (src/db/schema.sql) is what the migrations produce on a fresh database, so a
 * schema change shows in review. After adding a migration: `npm run schema:dump`, and commit the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpSchema } from '../../src/db/dump';
import { migrate } from '../../src/db/migrate';
import { createTestDb, type TestDb } from '../helpers/db';

const SCHEMA_FILE = path.join(__dirname, '..', '..', 'src', 'db', 'schema.sql');

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb({ template: null }); // empty: the migrations run here, not in the shared template
});
afterAll(async () => db?.drop());

/** A line diff (longest common subsequence): `-` only in the committed dump, `+` only in the migrated schema. */
function lineDiff(committed: string, actual: string): string {
  const a = committed.split('\n');
  const b = actual.split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out.join('\n');
}

describe('schema dump', () => {
  it('src/db/schema.sql is what the migrations produce on a fresh database', async () => {
    const client = await db.pool.connect();
    let actual: string;
    try {
      await migrate(client);
      actual = await dumpSchema(client);
    } finally {
      client.release();
    }
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    if (committed !== actual) {
      expect.fail(
        `src/db/schema.sql differs from what the migrations produce (- committed, + migrations).\n` +
          `If the migrations are right, run \`npm run schema:dump\` and commit src/db/schema.sql.\n\n${lineDiff(committed, actual)}`,
      );
    }
  });

  it('the diff names the lines that differ', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc\nd')).toBe('- b\n+ B\n+ d');
  });
});
