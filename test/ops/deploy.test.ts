/**
 * scripts/deploy-ocr-workers.sh and scripts/verify-ocr-setup.sh for real, in a throw-away copy of the
 * repository (its own dist/, node_modules linked, `--skip-install` so the shared node_modules is left
 * alone) with a PM2 of its own: a first deploy migrates an empty database and starts the app, a second
 * one is a no-op reload, one against an unreachable database fails clearly without touching the running
 * app, and --dry-run changes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/db/migrate';
import { createTestDb, type TestDb } from '../helpers/db';
import { tempStorage, waitFor } from '../helpers/daemon';
import { baseEnv, freePort, isAlive, isolatedPm2Home, killPm2, pm2, pm2List, repoCopy, run, type Pm2Process } from './helpers';

let db: TestDb;
let storage: ReturnType<typeof tempStorage>;
let repo: ReturnType<typeof repoCopy>;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDb({ template: null }); // empty: the deploy's migrate step creates everything
  storage = tempStorage();
  repo = repoCopy();
  env = baseEnv({
    OCR_HTTP_PORT: String(await freePort()),
    STATUS_HTTP_PORT: String(await freePort()),
    PM2_HOME: isolatedPm2Home(),
    DEV_DATABASE_URL: db.url,
    OCR_STORAGE_DIR: storage.dir,
    OCR_WORKER_POOL_SIZE: '1',
  });
});
afterAll(async () => {
  if (env) await killPm2(env);
  await db?.drop();
  storage?.remove();
  repo?.remove();
});

const deploy = (args: string[], extra: Record<string, string> = {}) =>
  run(path.join(repo.dir, 'scripts', 'deploy-ocr-workers.sh'), args, { cwd: repo.dir, env: { ...env, ...extra }, timeoutMs: 300_000 });
const verify = (args: string[], extra: Record<string, string> = {}) =>
  run(path.join(repo.dir, 'scripts', 'verify-ocr-setup.sh'), args, { cwd: repo.dir, env: { ...env, ...extra }, timeoutMs: 60_000 });

async function app(): Promise<Pm2Process | undefined> {
  return (await pm2List(env)).find((p) => p.name === 'ocr-pool');
}
async function ledger(): Promise<string[]> {
  const { rows } = await db.pool.query('SELECT name FROM ocr_pool_migrations ORDER BY id');
  return rows.map((r) => r.name);
}

describe('verify-ocr-setup.sh', () => {
  it('names what is missing from the schema, unless told migrations run next', async () => {
    const r = await verify([]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/ERROR dev: schema incomplete, missing table extraction_queue, table extraction_status, table ocr_workers/);
    expect(r.stdout).toMatch(/build missing/); // this copy has not been built yet
    expect(r.stdout).toMatch(/ok {4}language data: fra/);
    expect(r.stdout).toMatch(/WARN {2}Redis: REDIS_URL not set/);
    expect(r.stdout).toMatch(/verify-ocr-setup: FAILED/);
  });

  it('fails on an unreachable database and on missing language data, and says so', async () => {
    const r = await verify(['--pre-migrate'], { DEV_DATABASE_URL: 'postgres://ocr:hunter2@127.0.0.1:1/ocr_dev', OCR_LANGS: 'fra+deu' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR dev: database 127.0.0.1:1\/ocr_dev unreachable: .*ECONNREFUSED/);
    expect(r.stdout).toMatch(/ERROR language data: no language data for 'deu'/);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });
});

describe('deploy-ocr-workers.sh', () => {
  let first: Pm2Process;

  it('--dry-run prints every step and changes nothing', async () => {
    const r = await deploy(['--dry-run']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const s of ['npm ci --include=dev', 'npm run build', 'scripts/verify-ocr-setup.sh --pre-migrate', 'npm run migrate',
      'startOrReload ecosystem.config.js --only ocr-pool --env production --update-env',
      'startOrReload ecosystem.config.js --only ocr-status --env production --update-env', 'pm2 save']) {
      expect(r.stdout).toContain(`[dry-run] would run: `);
      expect(r.stdout).toContain(s);
    }
    expect(r.stdout).toMatch(/\[9\/9\] status/);
    expect(existsSync(path.join(repo.dir, 'dist'))).toBe(false);
    expect(existsSync(path.join(env.PM2_HOME!, 'pm2.pid'))).toBe(false); // not even a PM2 daemon
  });

  it('first run: builds, migrates the empty database, starts the app, waits until it serves, saves', async () => {
    const r = await deploy(['--skip-install']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/skipped \(--skip-install/);
    expect(r.stdout).toMatch(/ocr-pool is not running: first start/);
    expect(r.stdout).toMatch(/ocr-pool online, pid \d+, workers registered/);
    expect(r.stdout).toMatch(/ocr-status online, \/healthz answers/);
    expect(r.stdout).toMatch(/deploy-ocr-workers: deployed in \d+s/);
    expect(r.stdout).toMatch(/check-ocr-queue .* — HEALTHY/);
    expect(await ledger()).toEqual(loadMigrations().map((m) => m.name));
    first = (await app())!;
    expect(first.pm2_env).toMatchObject({ status: 'online', restart_time: 0, pm_cwd: repo.dir });
    const dump = JSON.parse(readFileSync(path.join(env.PM2_HOME!, 'dump.pm2'), 'utf8')) as { name: string }[];
    expect(dump.map((d) => d.name)).toEqual(['ocr-pool', 'ocr-status']);
    expect((await fetch(`http://127.0.0.1:${env.STATUS_HTTP_PORT}/healthz`)).status).toBe(200);
    console.log(`first deploy: ${r.ms} ms`);
  }, 300_000);

  it('second run is a no-op reload: no migration, the same two apps, new processes, the same saved list', async () => {
    const r = await deploy(['--skip-install']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`"applied":[],"alreadyApplied":${loadMigrations().length}`);
    expect(r.stdout).toMatch(/ocr-pool is known to PM2 .*: graceful reload/);
    expect(await ledger()).toHaveLength(loadMigrations().length);
    const list = await pm2List(env);
    expect(list.map((p) => p.name)).toEqual(['ocr-pool', 'ocr-status']);
    expect(list[1]!.pm2_env).toMatchObject({ status: 'online', restart_time: 1 });
    const now = list[0]!;
    expect(now.pm2_env.status).toBe('online');
    expect(now.pm2_env.restart_time).toBe(1);
    expect(now.pid).not.toBe(first.pid);
    expect(isAlive(first.pid)).toBe(false);
    const { rows } = await db.pool.query(`SELECT DISTINCT pid FROM ocr_workers`);
    expect(rows.map((x) => x.pid)).toEqual([now.pid]); // the old process left the registry
    const dump = JSON.parse(readFileSync(path.join(env.PM2_HOME!, 'dump.pm2'), 'utf8')) as { name: string }[];
    expect(dump.map((d) => d.name)).toEqual(['ocr-pool', 'ocr-status']);
    first = now;
    console.log(`second deploy: ${r.ms} ms`);
  }, 300_000);

  it('a changed setting reaches the reloaded app (through the ecosystem env block: PM2 7 drops the shell on reload)', async () => {
    const r = await deploy(['--skip-install'], { OCR_WORKER_POOL_SIZE: '2' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const now = (await app())!;
    expect(now.pid).not.toBe(first.pid);
    const { rows } = await db.pool.query(`SELECT worker_id FROM ocr_workers WHERE pid = $1 ORDER BY worker_id`, [now.pid]);
    expect(rows.map((x) => x.worker_id.replace(/^.*:/, ''))).toEqual(['w0', 'w1']);
    expect(now.pm2_env.max_memory_restart).toBe(2560 * 1024 * 1024); // the limit follows the pool size
    first = now;
  }, 300_000);

  it('an unreachable database stops the deploy at verify, non-zero, and leaves the running app alone', async () => {
    const r = await deploy(['--skip-install'], { DEV_DATABASE_URL: 'postgres://ocr:hunter2@127.0.0.1:1/ocr_dev' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR dev: database 127.0.0.1:1\/ocr_dev unreachable/);
    expect(r.stderr).toMatch(/deploy-ocr-workers: FAILED at step 4\/9: `scripts\/verify-ocr-setup.sh --pre-migrate` exited with 1/);
    expect(r.stderr).toMatch(/what to do: fix the ERROR lines above/);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
    expect(r.stdout).not.toMatch(/startOrReload/);
    const p = (await app())!;
    expect(p.pid).toBe(first.pid);
    expect(p.pm2_env).toMatchObject({ status: 'online', restart_time: 2 });
  }, 300_000);

  it('an app that exits 78 (bad setting) fails the deploy at once, and the hint (pm2 delete, deploy) fixes it', async () => {
    // A misspelt variable at the app's first start: PM2 keeps it even after the shell no longer has it.
    expect((await pm2(['delete', 'ocr-pool'], env)).code).toBe(0);
    const bad = await pm2(['start', 'ecosystem.config.js', '--only', 'ocr-pool', '--env', 'production'], { ...env, OCR_WORKERS_POOL_SIZE: '2' }, repo.dir);
    expect(bad.code).toBe(0);
    await waitFor(async () => (await app())?.pm2_env.exit_code === 78, 30_000, 'the app to exit 78');

    const r = await deploy(['--skip-install']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED at step 7\/9: ocr-pool is stopped \(it exited on its own\)/);
    expect(r.stderr).toMatch(/PM2 kept it from the app's first start: `.*pm2 delete ocr-pool` and deploy again/);
    expect(r.ms).toBeLessThan(60_000); // not the whole --wait
    const logs = await pm2(['logs', 'ocr-pool', '--nostream', '--lines', '5', '--raw'], env);
    expect(logs.stdout).toMatch(/OCR_WORKERS_POOL_SIZE is not a known setting \(did you mean OCR_WORKER_POOL_SIZE\?\)/);
    expect((await app())!.pm2_env.restart_time).toBeLessThanOrEqual(1); // stop_exit_codes: not a restart loop

    expect((await pm2(['delete', 'ocr-pool'], env)).code).toBe(0);
    const again = await deploy(['--skip-install']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect((await app())!.pm2_env.status).toBe('online');
  }, 300_000);

  it('refuses to start without any environment configured', async () => {
    const r = await deploy(['--skip-install'], { DEV_DATABASE_URL: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED at step 1\/9: no environment configured/);
  });
});
