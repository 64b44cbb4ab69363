/**
 * `npx tsx ocr-admin.ts` against real Postgres: the panel's actions from a shell, audited under the name
 * given with --as, with the exit codes scripts rely on; the URL's password is never printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAdminArgs } from '../../src/check/admin-args';
import { claim } from '../../src/queue/claim';
import { createTestDb, row, type TestDb } from '../helpers/db';
import { ROOT } from '../helpers/daemon';
import { baseEnv, run, TSX_BIN } from './helpers';

let db: TestDb;
let url: string;
const SECRET = 'Adm1n-pw-Secret';
let poisonId: string;

beforeAll(async () => {
  db = await createTestDb();
  const u = new URL(db.url);
  u.password = SECRET;
  url = u.toString();
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, ocr_attempts, ocr_error, ocr_last_error_at) VALUES
       ('acte', '12 345 678', 'a.pdf', 4, 1, 'PermanentError: corrupt PDF: bad xref', now()),
       ('index', 'I-1', 'i.pdf', 4, 3, 'attempts exhausted (3/3): TimeBudgetError: page 1 exceeded the page time budget of 120 s (ocr)', now()),
       ('index', 'I-2', 'j.pdf', 4, 1, 'PermanentError: not a PDF (got HTML)', now()),
       ('acte', 'A-9', 'k.pdf', 3, 0, NULL, NULL)
     RETURNING id`,
  );
  poisonId = rows[0].id;
});
afterAll(async () => db?.drop());

const admin = (...args: string[]) => run(TSX_BIN, ['ocr-admin.ts', ...args], { cwd: ROOT, env: baseEnv({ DEV_DATABASE_URL: url }), timeoutMs: 60_000 });

describe('ocr-admin', () => {
  it('failures, by class and source; find by number with other spacing; nothing found is exit 1', async () => {
    const f = await admin('failures', '--json');
    expect(f.code).toBe(0);
    const body = JSON.parse(f.stdout);
    expect(body.dev).toMatchObject({ total: 3, byClass: { poison: 2, budget: 1 }, bySource: { acte: 1, index: 2 } });
    const human = await admin('failures', '--class', 'poison', '--source', 'acte');
    expect(human.stdout).toMatch(/^== dev: 3 failed · budget 1 · poison 2\n {2}\S+ {2}\S+ {2}acte 12 345 678 {2}poison {2}1\/3 {2}PermanentError: corrupt PDF: bad xref\n$/);
    const found = await admin('find', '12345', '678', '--json');
    expect(JSON.parse(found.stdout).dev.map((d: { id: string }) => d.id)).toEqual([poisonId]);
    expect((await admin('find', 'nothing-like-it')).code).toBe(1);
    expect(f.stdout + f.stderr + human.stdout + found.stdout).not.toContain(SECRET);
  });

  it('requeue one (1 when it is not at 4), a class, pause and resume, each audited under --as', async () => {
    const one = await admin('requeue', '--env', 'dev', '--id', poisonId, '--as', 'night-script');
    expect([one.code, one.stdout]).toEqual([0, `dev: ${poisonId} requeued (4 → 3)\n`]);
    expect((await row(db.pool, poisonId)).ocr_error_history[0]).toMatchObject({ error: 'PermanentError: corrupt PDF: bad xref', requeuedBy: 'night-script' });
    const again = await admin('requeue', '--env', 'dev', '--id', poisonId, '--as', 'night-script');
    expect([again.code, again.stdout]).toEqual([1, `dev: ${poisonId} is at status 3, not 4: left alone\n`]);
    const cls = await admin('requeue', '--env', 'dev', '--class', 'poison', '--source', 'index', '--as', 'night-script');
    expect(cls.stdout).toBe('dev: 1 poison failure(s) of index requeued (4 → 3)\n');

    const p = await admin('pause', '--env', 'dev', '--source', 'acte', '--reason', 'maintenance', '--as', 'night-script');
    expect(p.stdout).toMatch(/^dev: claims of acte paused; every pool stops claiming them/);
    expect(await claim(db.pool, 'dev', 'w', 'acte', 60_000)).toBeNull();
    const r = await admin('resume', '--env', 'dev', '--as', 'night-script');
    expect(r.stdout).toBe('dev: lifted acte\n');
    expect((await admin('resume', '--env', 'dev')).code).toBe(1); // nothing was paused
    expect(await claim(db.pool, 'dev', 'w', 'acte', 60_000)).not.toBeNull();

    const { rows } = await db.pool.query(`SELECT actor, action, count FROM ocr_operator_actions ORDER BY id`);
    expect(rows.slice(0, 6)).toEqual([
      { actor: 'night-script', action: 'requeue', count: 1 },
      { actor: 'night-script', action: 'requeue', count: 0 },
      { actor: 'night-script', action: 'requeue-class', count: 1 },
      { actor: 'night-script', action: 'pause', count: 1 },
      { actor: 'night-script', action: 'resume', count: 1 },
      { actor: expect.stringMatching(/^cli:.+@.+/), action: 'resume', count: 0 },
    ]);
  });

  it('bad arguments: exit 2 with the usage', async () => {
    const r = await admin('pause', '--source', 'acte');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pause needs --env/);
    expect((await admin('requeue', '--env', 'dev', '--class', 'nonsense')).stderr).toMatch(/unknown error class "nonsense"/);
    expect(() => parseAdminArgs(['requeue', '--env', 'dev'])).toThrow(/either --id or --class/);
    expect(() => parseAdminArgs(['requeue', '--env', 'dev', '--id', 'x', '--class', 'poison'])).toThrow(/either --id or --class/);
    expect(parseAdminArgs(['find', '12', '345', '--env=prod'])).toMatchObject({ command: 'find', query: '12 345', env: 'prod' });
  });
});
