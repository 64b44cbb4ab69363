/**
 * `npx tsx check-ocr-queue.ts` against real Postgres: its --json agrees with plain SQL on a seeded
 * queue, each exit code (0 healthy, 1 unhealthy, 2 cannot check) is reached, and no secret is printed.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport, EnvironmentReport } from '../../src/check/types';
import { describeUrl } from '../../src/config';
import { createTestDb, type TestDb } from '../helpers/db';
import { ROOT } from '../helpers/daemon';
import { baseEnv, run, TSX_BIN } from './helpers';

let db: TestDb;
let lagging: TestDb;
/** The test database's URL with a password in it (trust auth ignores it): it must never be printed. */
let secretUrl: string;
const SECRET = 'Sup3r-S3cret-pw';

beforeAll(async () => {
  db = await createTestDb();
  lagging = await createTestDb();
  const u = new URL(db.url);
  if (!u.password) u.password = SECRET;
  secretUrl = u.toString();
  await seedQueue(db);
  // A database one migration behind on ocr-pool's columns (as an environment that was not migrated yet).
  await lagging.pool.query('ALTER TABLE extraction_queue DROP COLUMN ocr_progress, DROP COLUMN ocr_next_attempt_at');
  await lagging.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) VALUES ('acte', 'a.pdf', 3), ('index', 'b.pdf', 5)`);
});
afterAll(async () => {
  await db?.drop();
  await lagging?.drop();
});

async function seedQueue(t: TestDb): Promise<void> {
  await t.pool.query(`
    INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, ocr_attempts, ocr_max_attempts,
                                  ocr_next_attempt_at, ocr_error, ocr_last_error_at, ocr_worker_id, ocr_started_at,
                                  ocr_completed_at, ocr_lease_expires_at, ocr_progress) VALUES
      -- ready
      ('index', 'I-1', 'i1.pdf', 3, 0, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      ('index', 'I-2', 'index/i2.pdf', 3, 1, 3, now() - interval '1 minute', 'Timeout: slow storage', now() - interval '5 minutes', NULL, NULL, NULL, NULL, NULL),
      ('acte', 'A-1', 'a1.pdf', 3, 0, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      ('plan_cadastraux', 'P-1', NULL, 3, 0, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      -- blocked: backoff, exhausted, no path, blank path
      ('acte', 'A-2', 'a2.pdf', 3, 1, 3, now() + interval '10 minutes', 'RetryableError: storage 503', now() - interval '2 minutes', NULL, NULL, NULL, NULL, NULL),
      ('acte', 'A-3', 'a3.pdf', 3, 3, 3, NULL, 'Timeout again', now() - interval '3 hours', NULL, NULL, NULL, NULL, NULL),
      ('index', 'I-3', NULL, 3, 0, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      ('index', 'I-4', '  ', 3, 0, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      -- in flight: one healthy, one stuck (lease expired)
      ('acte', 'A-4', 'a4.pdf', 6, 1, 3, NULL, NULL, NULL, 'host-a:100:w0', now() - interval '42 seconds', NULL, now() + interval '2 minutes',
       '{"stage": "ocr", "page": 2, "pages": 5, "percent": 40, "worker": "host-a:100:w0"}'),
      ('index', 'I-5', 'i5.pdf', 6, 2, 3, NULL, NULL, NULL, 'host-b:200:w1', now() - interval '20 minutes', NULL, now() - interval '30 seconds',
       '{"stage": "rendering", "page": 1, "pages": 12, "percent": 3}'),
      -- done: in the last hour, in the last day, long ago; a plan passed without OCR
      ('acte', 'A-5', 'a5.pdf', 5, 1, 3, NULL, NULL, NULL, 'host-a:100:w0', now() - interval '10 minutes' - interval '12 seconds', now() - interval '10 minutes', NULL, NULL),
      ('index', 'I-6', 'i6.pdf', 5, 1, 3, NULL, NULL, NULL, 'host-a:100:w0', now() - interval '20 minutes' - interval '4 seconds', now() - interval '20 minutes', NULL, NULL),
      ('index', 'I-7', 'i7.pdf', 5, 1, 3, NULL, NULL, NULL, 'host-a:100:w0', now() - interval '5 hours' - interval '30 seconds', now() - interval '5 hours', NULL, NULL),
      ('acte', 'A-6', 'a6.pdf', 5, 1, 3, NULL, NULL, NULL, 'host-a:100:w0', now() - interval '3 days', now() - interval '3 days' + interval '9 seconds', NULL, NULL),
      ('plan_cadastraux', 'P-2', 'p2.pdf', 5, 0, 3, NULL, NULL, NULL, NULL, NULL, now() - interval '1 minute', NULL, NULL),
      -- failed
      ('acte', 'A-7', 'a7.pdf', 4, 1, 3, NULL, 'PermanentError: not a PDF (got HTML)', now() - interval '30 minutes', NULL, NULL, NULL, NULL, NULL),
      ('index', 'I-8', 'i8.pdf', 4, 3, 3, NULL, 'attempts exhausted (3/3): Timeout', now() - interval '2 days', NULL, NULL, NULL, NULL, NULL),
      -- the extractor's own states
      ('index', 'I-9', 'i9.pdf', 1, 0, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      ('acte', 'A-8', 'a8.pdf', 2, 0, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  await t.pool.query(`
    INSERT INTO ocr_workers (worker_id, host, pid, mode, state, jobs_done, heartbeat_at) VALUES
      ('host-a:100:w0', 'host-a', 100, 'acte', 'busy', 4, now() - interval '2 seconds'),
      ('host-a:100:w1', 'host-a', 100, 'index', 'idle', 1, now() - interval '3 seconds'),
      ('host-b:200:w1', 'host-b', 200, 'index', 'busy', 9, now() - interval '10 minutes')`);
}

async function check(env: Record<string, string>, ...args: string[]) {
  const r = await run(TSX_BIN, ['check-ocr-queue.ts', ...args], { cwd: ROOT, env: baseEnv(env), timeoutMs: 60_000 });
  return r;
}

async function checkJson(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; report: CheckReport; raw: string }> {
  const r = await check(env, '--json', ...args);
  let report: CheckReport;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, report, raw: r.stdout + r.stderr };
}

function only(report: CheckReport, env = 'dev'): EnvironmentReport {
  const e = report.environments.find((x) => x.env === env);
  if (!e) throw new Error(`no ${env} in ${JSON.stringify(report)}`);
  return e;
}

describe('check-ocr-queue --json on a seeded queue', () => {
  let report: CheckReport;
  let code: number | null;
  let raw: string;

  beforeAll(async () => {
    ({ code, report, raw } = await checkJson({ DEV_DATABASE_URL: secretUrl }));
  });

  it('has the documented top-level shape and never prints the URL or its password', () => {
    expect(report).toMatchObject({ version: 1, errors: [], exitCode: code });
    expect(Object.keys(report).sort()).toEqual(['checkedAt', 'environments', 'errors', 'exitCode', 'healthy', 'version', 'warnings'].sort());
    const e = only(report);
    expect(e.database).toBe(describeUrl(db.url));
    expect(e.database).toMatch(new RegExp(`/${db.name}$`));
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(secretUrl);
    // Only the database URL is set (no storage): still checked, and the daemon's objection is a warning.
    expect(report.warnings.join('\n')).toMatch(/dev has no storage/);
  });

  it('counts by status × source exactly as SQL does', async () => {
    const { rows } = await db.pool.query(
      `SELECT status_id AS status, document_source AS source, count(*)::int AS count FROM extraction_queue GROUP BY 1, 2`,
    );
    const key = (x: { status: number; source: string }) => `${x.status}/${x.source}`;
    const sql = Object.fromEntries(rows.map((r) => [key(r), r.count]));
    const got = Object.fromEntries(only(report).counts.map((c) => [key(c), c.count]));
    expect(got).toEqual(sql);
    expect(only(report).counts.find((c) => c.status === 6)?.statusName).toBe('OCR en traitement');
  });

  it('splits status 3 into ready and blocked like the claim query does', async () => {
    const e = only(report);
    const q = async (where: string) =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id = 3 AND ${where}`)).rows[0].n as number;
    const claimable = `supabase_path IS NOT NULL AND btrim(supabase_path) <> '' AND ocr_attempts < ocr_max_attempts AND (ocr_next_attempt_at IS NULL OR ocr_next_attempt_at <= now())`;
    const plans = await q(`document_source = 'plan_cadastraux'`);
    expect(e.ready!.total).toBe((await q(`document_source <> 'plan_cadastraux' AND ${claimable}`)) + plans);
    expect(e.ready!.bySource).toEqual({ index: 2, acte: 1, plan_cadastraux: 1 });
    expect(e.blocked).toMatchObject({
      attemptsExhausted: await q(`document_source <> 'plan_cadastraux' AND supabase_path IS NOT NULL AND btrim(supabase_path) <> '' AND ocr_attempts >= ocr_max_attempts`),
      noPath: await q(`document_source <> 'plan_cadastraux' AND (supabase_path IS NULL OR btrim(supabase_path) = '')`),
      backoff: await q(`ocr_next_attempt_at > now() AND ocr_attempts < ocr_max_attempts`),
    });
    expect(e.blocked).toMatchObject({ attemptsExhausted: 1, noPath: 2, backoff: 1 });
    const { rows } = await db.pool.query(`SELECT min(ocr_next_attempt_at) AS t FROM extraction_queue WHERE status_id = 3 AND ocr_next_attempt_at > now()`);
    expect(e.blocked!.nextRetryAt).toBe(rows[0].t.toISOString());
  });

  it('lists in-flight documents with worker, age and progress, and the stuck lease', () => {
    const e = only(report);
    expect(e.inFlightCount).toBe(2);
    expect(e.stuckLeases).toBe(1);
    const [stuck, live] = e.inFlight; // oldest first
    expect(stuck).toMatchObject({ documentNumber: 'I-5', worker: 'host-b:200:w1', stuck: true, stage: 'rendering', page: 1, pages: 12, attempt: 2, maxAttempts: 3 });
    expect(live).toMatchObject({ documentNumber: 'A-4', worker: 'host-a:100:w0', stuck: false, stage: 'ocr', page: 2, pages: 5, percent: 40 });
    expect(live!.ageSeconds).toBeGreaterThanOrEqual(42);
    expect(live!.ageSeconds).toBeLessThan(100);
    expect(stuck!.ageSeconds).toBeGreaterThanOrEqual(1200);
  });

  it('shows the last errors, newest first, and throughput per window with the average seconds per document', async () => {
    const e = only(report);
    const { rows } = await db.pool.query(
      `SELECT document_number FROM extraction_queue WHERE ocr_error IS NOT NULL ORDER BY ocr_last_error_at DESC LIMIT 10`,
    );
    expect(e.recentErrors.map((r) => r.documentNumber)).toEqual(rows.map((r) => r.document_number));
    expect(e.recentErrors[0]).toMatchObject({ documentNumber: 'A-2', status: 3, error: 'RetryableError: storage 503' });

    const window = async (interval: string) =>
      (
        await db.pool.query(
          `SELECT count(*)::int AS n, avg(extract(epoch FROM ocr_completed_at - ocr_started_at))::float8 AS avg
             FROM extraction_queue WHERE status_id = 5 AND ocr_started_at IS NOT NULL AND ocr_completed_at >= now() - $1::interval`,
          [interval],
        )
      ).rows[0];
    const hour = await window('1 hour');
    const day = await window('1 day');
    expect(e.throughput!.lastHour.completed).toBe(hour.n);
    expect(e.throughput!.lastDay.completed).toBe(day.n);
    expect(e.throughput!.lastHour).toMatchObject({ completed: 2, avgSeconds: 8, failed: 1 });
    expect(e.throughput!.lastDay).toMatchObject({ completed: 3, avgSeconds: 15.33, failed: 1 });
    expect(day.avg).toBeCloseTo(e.throughput!.lastDay.avgSeconds!, 1);
  });

  it('shows live workers only (heartbeat within 30 s) and is unhealthy because of the stuck lease', async () => {
    const e = only(report);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM ocr_workers WHERE heartbeat_at >= now() - interval '30 seconds'`);
    expect(e.workers!.live).toBe(rows[0].n);
    expect(e.workers!.list.map((w) => w.workerId)).toEqual(['host-a:100:w0', 'host-a:100:w1']);
    expect(e.workers!.list[0]!.heartbeatAgeSeconds).toBeLessThan(20);
    expect(code).toBe(1);
    expect(e.healthy).toBe(false);
    expect(e.problems.join('\n')).toMatch(/1 document\(s\) stuck at 6 with an expired lease/);
    expect(e.warnings.join('\n')).toMatch(/no attempts left/);
  });

  it('prints the same in human form', async () => {
    const r = await check({ DEV_DATABASE_URL: secretUrl });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/UNHEALTHY/);
    expect(r.stdout).toMatch(/3 Complété \(ready for OCR\)/);
    expect(r.stdout).toMatch(/✗ STUCK .* index I-5 .*worker host-b:200:w1/);
    expect(r.stdout).toMatch(/A-4 .*ocr page 2\/5 40%/);
    expect(r.stdout).toMatch(/live workers: 2/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});

describe('check-ocr-queue exit codes', () => {
  it('0 when healthy: no stuck lease, and the ready work has a live worker', async () => {
    const t = await createTestDb();
    try {
      await t.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) VALUES ('acte', 'a.pdf', 3), ('acte', 'b.pdf', 5)`);
      await t.pool.query(`INSERT INTO ocr_workers (worker_id, host, pid, mode, state) VALUES ('h:1:w0', 'h', 1, 'acte', 'idle')`);
      const { code, report } = await checkJson({ DEV_DATABASE_URL: t.url, OCR_STORAGE_DIR: '/tmp' });
      expect(report.healthy).toBe(true);
      expect(code).toBe(0);
      expect(only(report)).toMatchObject({ healthy: true, problems: [], ready: { total: 1 } });
      expect(report.warnings).toEqual([]);

      // The worker dies: ready work, nobody to take it.
      await t.pool.query(`UPDATE ocr_workers SET heartbeat_at = now() - interval '1 minute'`);
      const after = await checkJson({ DEV_DATABASE_URL: t.url });
      expect(after.code).toBe(1);
      expect(only(after.report).problems.join()).toMatch(/1 document\(s\) ready at 3 but no live OCR worker/);
    } finally {
      await t.drop();
    }
  });

  it('says an operator paused claims: 1 with documents waiting behind it (not healthy-and-idle), a warning without; ETA paused', async () => {
    const t = await createTestDb();
    try {
      await t.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id) VALUES ('acte', 'a.pdf', 3), ('index', 'b.pdf', 5)`);
      await t.pool.query(`INSERT INTO ocr_workers (worker_id, host, pid, mode, state) VALUES ('h:1:w0', 'h', 1, 'acte', 'idle')`);
      await t.pool.query(`INSERT INTO ocr_claim_pauses (source, paused_by, reason) VALUES ('acte', 'alice', 'bucket move')`);
      const { code, report } = await checkJson({ DEV_DATABASE_URL: t.url, OCR_STORAGE_DIR: '/tmp' });
      expect(code).toBe(1);
      const e = only(report);
      expect(e.claimPauses).toMatchObject([{ source: 'acte', pausedBy: 'alice', reason: 'bucket move' }]);
      expect(e.eta).toMatchObject({ state: 'paused', pausedDocuments: 1, seconds: null });
      expect(e.rates!.map((w) => w.minutes)).toEqual([5, 60, 1440]);
      expect(e.problems.join()).toMatch(/^dev: claims paused: acte by alice since .* \(bucket move\); 1 document\(s\) wait \(resume: npx tsx ocr-admin\.ts resume --env dev\)$/);
      const human = await check({ DEV_DATABASE_URL: t.url, OCR_STORAGE_DIR: '/tmp' });
      expect(human.stdout).toMatch(/== dev \(.*\) — UNHEALTHY, PAUSED \(acte\)/);
      expect(human.stdout).toMatch(/ETA: paused: 1 document\(s\) wait in paused sources/);

      // Nothing waits behind the pause: healthy, but it still says paused.
      await t.pool.query(`UPDATE extraction_queue SET status_id = 5 WHERE document_source = 'acte'`);
      const idle = await checkJson({ DEV_DATABASE_URL: t.url, OCR_STORAGE_DIR: '/tmp' });
      expect(idle.code).toBe(0);
      expect(only(idle.report).warnings.join()).toMatch(/dev: claims paused: acte by alice .*; nothing waits there now/);
      expect((await check({ DEV_DATABASE_URL: t.url, OCR_STORAGE_DIR: '/tmp' })).stdout).toMatch(/— healthy, PAUSED \(acte\)/);
    } finally {
      await t.drop();
    }
  });

  it('1 when the schema is incomplete, naming what is missing, while still counting what it can', async () => {
    const { code, report } = await checkJson({ DEV_DATABASE_URL: lagging.url });
    expect(code).toBe(1);
    const e = only(report);
    expect(e.reachable).toBe(true);
    expect(e.schema!.missingColumns.sort()).toEqual(['extraction_queue.ocr_next_attempt_at', 'extraction_queue.ocr_progress']);
    expect(e.problems.join()).toMatch(/dev: schema incomplete, missing column extraction_queue.ocr_next_attempt_at/);
    expect(e.counts).toEqual([
      { status: 3, statusName: 'Complété', source: 'acte', count: 1 },
      { status: 5, statusName: 'Extraction Complété', source: 'index', count: 1 },
    ]);
    expect(e.ready).toBeNull();
  });

  it('2 when no environment is configured', async () => {
    const r = await check({});
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/no environment configured: set DEV_DATABASE_URL, STAGING_DATABASE_URL or PROD_DATABASE_URL/);
  });

  it('2 when a database cannot be reached, per environment, without printing the password', async () => {
    const { code, report, raw } = await checkJson({
      DEV_DATABASE_URL: secretUrl,
      PROD_DATABASE_URL: `postgres://ocr:${SECRET}@127.0.0.1:1/ocr_prod`,
    }, '--timeout', '3');
    expect(code).toBe(2);
    expect(report.environments.map((e) => e.env)).toEqual(['prod', 'dev']);
    const prod = only(report, 'prod');
    expect(prod).toMatchObject({ reachable: false, database: '127.0.0.1:1/ocr_prod', healthy: false });
    expect(prod.error).toMatch(/cannot connect to 127.0.0.1:1\/ocr_prod: .*ECONNREFUSED/);
    expect(only(report, 'dev').reachable).toBe(true);
    expect(raw).not.toContain(SECRET);
  });

  it('2 for --env naming an environment that is not configured; --env restricts the check', async () => {
    const r = await checkJson({ DEV_DATABASE_URL: db.url }, '--env', 'prod');
    expect(r.code).toBe(2);
    expect(r.report.errors).toEqual(['prod is not configured: set PROD_DATABASE_URL']);
    const s = await checkJson({ DEV_DATABASE_URL: db.url, STAGING_DATABASE_URL: lagging.url }, '--env=staging');
    expect(s.report.environments.map((e) => e.env)).toEqual(['staging']);
    expect(s.code).toBe(1);
  });

  it('2 with a usage message for an unknown flag', async () => {
    const r = await check({ DEV_DATABASE_URL: db.url }, '--frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown argument --frobnicate/);
    expect(r.stderr).toMatch(/Usage:/);
  });
});

describe('check-ocr-queue --watch', () => {
  it('runs again every interval (one JSON line per run with --json) and exits with the last code on Ctrl-C', async () => {
    const child = spawn(TSX_BIN, ['check-ocr-queue.ts', '--json', '--watch', '1'], {
      cwd: ROOT,
      env: baseEnv({ DEV_DATABASE_URL: db.url }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (out.split('\n').filter(Boolean).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const code = await exited;
    const lines = out.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const reports = lines.map((l) => JSON.parse(l) as CheckReport);
    expect(new Set(reports.map((r) => r.checkedAt)).size).toBe(reports.length);
    expect(code).toBe(reports.at(-1)!.exitCode);
  });
});

describe('check-ocr-queue and hostile row text', () => {
  // What other programs may write into a row: a cursor move and line erase, a window title (OSC), a CSI
  // in its 8-bit form, a right-to-left override, a line separator, and text shaped like forged JSON.
  const HOSTILE_NUMBER = 'H-1\u001b[1A\u001b[2K\u001b]0;pwned\u0007\u202e4321';
  const HOSTILE_ERROR = 'Error: bad\u009b2J\u2028{"healthy":true}\r\u0008';
  const HOSTILE_SOURCE = 'acte\u001b[31m\u2066';

  /** Code points a terminal acts on, other than the newline that ends each line. */
  function rawControls(s: string): string[] {
    const bidi = new Set([0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
    return [...s].filter((c) => {
      const cp = c.codePointAt(0)!;
      return (cp < 0x20 && c !== '\n') || (cp >= 0x7f && cp <= 0x9f) || bidi.has(cp);
    }).map((c) => `U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  }

  it('prints no raw control or bidi character, in human form and in --json, and the JSON reads back the row text', async () => {
    const t = await createTestDb();
    try {
      await t.pool.query(
        `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, ocr_attempts, ocr_error, ocr_last_error_at,
                                       ocr_worker_id, ocr_started_at, ocr_lease_expires_at, ocr_progress) VALUES
           ($3, $1, 'x.pdf', 4, 3, $2, now(), NULL, NULL, NULL, NULL),
           ('acte', $1, 'y.pdf', 6, 1, NULL, NULL, $1, now(), now() - interval '1 minute', jsonb_build_object('stage', 'ocr', 'message', $2::text))`,
        [HOSTILE_NUMBER, HOSTILE_ERROR, HOSTILE_SOURCE],
      );
      const human = await check({ DEV_DATABASE_URL: t.url });
      expect(human.stdout).toContain('H-1\\u001b[1A\\u001b[2K');
      expect(rawControls(human.stdout)).toEqual([]);

      const { report, raw } = await checkJson({ DEV_DATABASE_URL: t.url });
      expect(rawControls(raw)).toEqual([]);
      expect(JSON.stringify(report)).toContain(JSON.stringify(HOSTILE_ERROR).slice(1, -1));
      expect(report.healthy).toBe(false);
    } finally {
      await t.drop();
    }
  });
});
