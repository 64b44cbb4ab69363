/** The pure parts of the operator surface: health rules, arguments, environment resolution, ecosystem.config.js. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/check/args';
import { formatReport } from '../../src/check/format';
import { judgeEnvironment, overallExitCode } from '../../src/check/health';
import type { EnvironmentSnapshot } from '../../src/check/queries';
import { safeMessage } from '../../src/check/run';
import { resolveTargets } from '../../src/check/targets';
import { REPORT_VERSION, type CheckReport, type EnvironmentReport } from '../../src/check/types';
import { OPTIONS } from '../../src/config';
import { ROOT } from '../helpers/daemon';

function snapshot(over: Partial<EnvironmentSnapshot> = {}): EnvironmentSnapshot {
  return {
    schema: { ok: true, missingTables: [], missingColumns: [], missingStatuses: [] },
    counts: [],
    ready: { total: 0, bySource: {} },
    blocked: { attemptsExhausted: 0, noPath: 0, backoff: 0, nextRetryAt: null },
    inFlightCount: 0,
    inFlight: [],
    stuckLeases: 0,
    recentErrors: [],
    throughput: { lastHour: { completed: 0, avgSeconds: null, failed: 0 }, lastDay: { completed: 0, avgSeconds: null, failed: 0 } },
    workers: { live: 0, list: [] },
    ...over,
  };
}

describe('health rules', () => {
  it('an empty queue with no worker is healthy (nothing to do)', () => {
    expect(judgeEnvironment('dev', snapshot())).toEqual({ healthy: true, problems: [], warnings: [] });
  });
  it('ready work without a live worker is unhealthy; with one it is fine', () => {
    const ready = { total: 3, bySource: { acte: 3 } };
    expect(judgeEnvironment('prod', snapshot({ ready })).problems).toEqual([
      'prod: 3 document(s) ready at 3 but no live OCR worker (is the ocr-pool app running?)',
    ]);
    const worker = { workerId: 'h:1:w0', host: 'h', pid: 1, mode: 'acte', state: 'busy', documentId: null, jobsDone: 0, heartbeatAgeSeconds: 1 };
    expect(judgeEnvironment('prod', snapshot({ ready, workers: { live: 1, list: [worker] } })).healthy).toBe(true);
  });
  it('stuck leases and an incomplete schema are unhealthy; blocked rows and failures are warnings', () => {
    const v = judgeEnvironment(
      'staging',
      snapshot({
        stuckLeases: 2,
        schema: { ok: false, missingTables: [], missingColumns: ['extraction_queue.ocr_progress'], missingStatuses: [] },
        blocked: { attemptsExhausted: 1, noPath: 4, backoff: 7, nextRetryAt: null },
        throughput: { lastHour: { completed: 1, avgSeconds: 2, failed: 5 }, lastDay: { completed: 1, avgSeconds: 2, failed: 5 } },
      }),
    );
    expect(v.healthy).toBe(false);
    expect(v.problems).toHaveLength(2);
    expect(v.problems[0]).toBe('staging: schema incomplete, missing column extraction_queue.ocr_progress (run `npm run migrate`)');
    expect(v.problems[1]).toMatch(/^staging: 2 document\(s\) stuck at 6/);
    expect(v.warnings).toHaveLength(3); // backoff alone is normal, not even a warning
  });
  it('searchable PDFs not written are a warning: the documents are done', () => {
    const v = judgeEnvironment('prod', snapshot({ searchablePdfs: { written: 9, failed: 2, lastFailure: { id: 'x', error: 'StorageWriteRefusedError: refused (EROFS)', at: '2026-12-07T10:00:00.000Z' } } }));
    expect(v).toEqual({ healthy: true, problems: [], warnings: ['prod: 2 searchable PDF(s) not written in the last day (their text is done); last: StorageWriteRefusedError: refused (EROFS)'] });
    expect(judgeEnvironment('prod', snapshot({ searchablePdfs: { written: 9, failed: 0, lastFailure: null } })).warnings).toEqual([]);
  });
  it('exit code: 2 beats 1 beats 0', () => {
    const env = (over: Partial<EnvironmentReport>) => ({ reachable: true, healthy: true, ...over }) as EnvironmentReport;
    expect(overallExitCode({ errors: [], environments: [env({})] })).toBe(0);
    expect(overallExitCode({ errors: [], environments: [env({}), env({ healthy: false })] })).toBe(1);
    expect(overallExitCode({ errors: [], environments: [env({ healthy: false }), env({ reachable: false, healthy: false })] })).toBe(2);
    expect(overallExitCode({ errors: ['no environment configured'], environments: [] })).toBe(2);
    expect(overallExitCode({ errors: [], environments: [] })).toBe(2);
  });
});

describe('arguments', () => {
  it('parses --env (repeatable, comma lists, =form), --json, --watch with or without seconds', () => {
    expect(parseArgs(['--env', 'dev,prod', '--env=staging', '--json'])).toMatchObject({ envs: ['dev', 'prod', 'staging'], json: true });
    expect(parseArgs(['--watch']).watchSeconds).toBe(5);
    expect(parseArgs(['--watch', '2', '--json'])).toMatchObject({ watchSeconds: 2, json: true });
    expect(parseArgs(['--watch=10']).watchSeconds).toBe(10);
    expect(parseArgs(['--timeout', '1.5']).connectTimeoutMs).toBe(1500);
    expect(parseArgs([]).watchSeconds).toBeUndefined();
  });
  it('rejects unknown flags and environments', () => {
    expect(() => parseArgs(['--env', 'qa'])).toThrow(UsageError);
    expect(() => parseArgs(['--env'])).toThrow(/--env needs a value/);
    expect(() => parseArgs(['--watch=0'])).toThrow(UsageError);
    expect(() => parseArgs(['--verbose'])).toThrow(/unknown argument --verbose/);
  });
});

describe('environments to check', () => {
  it('needs only the database URLs; what the daemon would refuse is a warning', () => {
    const r = resolveTargets({ DEV_DATABASE_URL: 'postgres://u:pw@db.example:5433/ocr_dev', PROD_DATABASE_URL: 'postgres://h/p', OCR_PROD: 'false' });
    expect(r.errors).toEqual([]);
    expect(r.targets).toEqual([{ env: 'dev', databaseUrl: 'postgres://u:pw@db.example:5433/ocr_dev', database: 'db.example:5433/ocr_dev' }]);
    expect(r.warnings.join()).toMatch(/dev has no storage/);
    expect(r.warnings.join()).not.toContain('pw@');
  });
  it('reports a disabled, unconfigured or invalid environment without showing the value', () => {
    const env = { PROD_DATABASE_URL: 'postgres://h/p', OCR_PROD: 'false', STAGING_DATABASE_URL: 'mysql://u:topsecret@h/s' };
    expect(resolveTargets(env, ['prod']).errors).toEqual(['prod is disabled (OCR_PROD=false)']);
    expect(resolveTargets(env, ['dev']).errors).toEqual(['dev is not configured: set DEV_DATABASE_URL']);
    const bad = resolveTargets(env);
    expect(bad.errors).toEqual(['STAGING_DATABASE_URL is invalid: expected a postgres:// or postgresql:// URL (value hidden)']);
    expect(JSON.stringify(bad)).not.toContain('topsecret');
  });
  it('scrubs a URL and its password from driver messages', () => {
    const url = 'postgres://u:p%40ss@h:5432/d';
    expect(safeMessage(new Error(`failed for ${url} with p@ss and p%40ss`), url)).toBe('failed for [redacted] with [redacted] and [redacted]');
  });
});

describe('human report', () => {
  it('renders an unreachable environment and the verdict', () => {
    const report: CheckReport = {
      version: REPORT_VERSION,
      checkedAt: '2026-01-01T00:00:00.000Z',
      exitCode: 2,
      healthy: false,
      errors: [],
      warnings: [],
      environments: [
        { ...snapshot(), env: 'prod', database: 'db:5432/prod', reachable: false, error: 'cannot connect', healthy: false, problems: ['prod: cannot connect to db:5432/prod: ECONNREFUSED'], warnings: [] },
      ],
    };
    const text = formatReport(report);
    expect(text).toMatch(/CANNOT CHECK/);
    expect(text).toMatch(/== prod \(db:5432\/prod\) — CANNOT CONNECT/);
    expect(text).toMatch(/✗ prod: cannot connect/);
  });
});

describe('ecosystem.config.js', () => {
  const load = (env: Record<string, string | undefined>) => {
    const file = path.join(ROOT, 'ecosystem.config.js');
    const saved = { ...process.env };
    try {
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      const req = createRequire(file);
      delete req.cache[req.resolve(file)];
      return req(file) as { apps: Record<string, any>[] };
    } finally {
      for (const k of Object.keys(env)) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  };

  it('loads with require() and runs the daemon in fork mode, one instance, waiting for ready', () => {
    const { apps } = load({ OCR_SHUTDOWN_TIMEOUT_MS: undefined, OCR_WORKER_POOL_SIZE: '2', PM2_MAX_MEMORY_RESTART: undefined });
    const app = apps.find((a) => a.name === 'ocr-pool')!;
    expect(app).toMatchObject({
      script: 'dist/main.js',
      exec_mode: 'fork',
      instances: 1,
      wait_ready: true,
      cwd: ROOT,
      max_memory_restart: '2560M',
      stop_exit_codes: [78],
    });
    expect(app.listen_timeout).toBeGreaterThanOrEqual(60_000);
    expect(app.exp_backoff_restart_delay).toBeGreaterThan(0);
    expect(app.kill_timeout).toBeGreaterThan(30_000); // above the default shutdown budget
    expect(app).not.toHaveProperty('log_date_format'); // would break pino's JSON lines
    expect(app.time).toBeFalsy();
    expect(app.env.NODE_ENV).toBe('development');
    expect(app.env_production).toEqual({ NODE_ENV: 'production' });
    // Two malloc arenas for the whole process, page-sized buffers mapped (glibc reads both at start).
    expect(app.env.MALLOC_ARENA_MAX).toBe('2');
    expect(app.env.MALLOC_MMAP_THRESHOLD_).toBe('4194304');
  });

  it("carries the shell's settings in its env block (PM2 7 applies nothing else on reload), unset ones as ''", () => {
    const a = load({
      DEV_DATABASE_URL: 'postgres://u:pw@h/d',
      OCR_WORKER_POOL_SIZE: '3',
      OCR_WORKERS_POOL_SIZE: '9', // a typo still reaches the daemon, which names it
      OCR_SHUTDOWN_TIMEOUT_MS: undefined,
      LOG_LEVEL: undefined,
      UNRELATED_VARIABLE: 'x',
    }).apps[0]!;
    expect(a.env).toMatchObject({ DEV_DATABASE_URL: 'postgres://u:pw@h/d', OCR_WORKER_POOL_SIZE: '3', OCR_WORKERS_POOL_SIZE: '9', LOG_LEVEL: 'info' });
    expect(a.env).not.toHaveProperty('UNRELATED_VARIABLE');
    // Every setting of the config module is there, '' when unset (the daemon reads '' as unset).
    for (const name of Object.keys(OPTIONS)) expect(a.env, name).toHaveProperty(name);
    expect(a.env.OCR_SHUTDOWN_TIMEOUT_MS).toBe('');
    // The file itself holds no secret: the values come from the shell that runs pm2.
    const source = readFileSync(path.join(ROOT, 'ecosystem.config.js'), 'utf8');
    expect(source).not.toMatch(/postgres:\/\/|redis:\/\/|https?:\/\/[a-z]/);
  });

  it('has the standalone status server as a second app, on the port after the pool\'s', () => {
    const apps = load({ OCR_HTTP_PORT: undefined, STATUS_HTTP_PORT: undefined }).apps;
    expect(apps.map((a) => a.name)).toEqual(['ocr-pool', 'ocr-status']);
    const status = apps[1]!;
    expect(status).toMatchObject({ script: 'dist/status/server.js', exec_mode: 'fork', instances: 1, wait_ready: true, stop_exit_codes: [78] });
    expect(status).not.toHaveProperty('log_date_format');
    expect(status.env.OCR_HTTP_PORT).toBe('9465');
    expect(apps[0]!.env.OCR_HTTP_PORT).toBe('');
    expect(load({ OCR_HTTP_PORT: '8000', STATUS_HTTP_PORT: undefined }).apps[1]!.env.OCR_HTTP_PORT).toBe('8001');
    expect(load({ OCR_HTTP_PORT: '8000', STATUS_HTTP_PORT: '7000' }).apps[1]!.env.OCR_HTTP_PORT).toBe('7000');
    expect(load({ OCR_HTTP_PORT: '0', STATUS_HTTP_PORT: undefined }).apps[1]!.env.OCR_HTTP_PORT).toBe('0');
  });

  it('keeps kill_timeout above OCR_SHUTDOWN_TIMEOUT_MS and follows the pool size and the override', () => {
    const a = load({ OCR_SHUTDOWN_TIMEOUT_MS: '120000', OCR_WORKER_POOL_SIZE: '4', PM2_MAX_MEMORY_RESTART: undefined }).apps[0]!;
    expect(a.kill_timeout).toBeGreaterThan(120_000);
    expect(a.max_memory_restart).toBe('4608M');
    const b = load({ OCR_SHUTDOWN_TIMEOUT_MS: '0', PM2_MAX_MEMORY_RESTART: '6G' }).apps[0]!;
    expect(b.kill_timeout).toBeGreaterThan(0);
    expect(b.max_memory_restart).toBe('6G');
    const c = load({ OCR_SHUTDOWN_TIMEOUT_MS: 'soon' }).apps[0]!; // the daemon itself rejects it (exit 78)
    expect(c.kill_timeout).toBeGreaterThan(30_000);
  });
});
