/**
 * Where a demo run keeps its files.
 *
 * - Each run gets its own directory under `<tmp>/ocr-pool-demo-<uid>/`, with an owner file naming the
 *   demo's pid; it is removed when the run ends (the demo's log, next to it, is kept: the last ten).
 * - A run killed with SIGKILL leaves its Postgres running and a `postmaster.pid` behind. The next run
 *   finds such directories (owner dead), stops that Postgres if it is still alive (only after checking
 *   from `postmaster.pid` and the process's command line that it serves that very directory), and
 *   deletes the directory, stale pid file included.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alive, livePostmaster, stopPostmaster } from './postmaster';

/** Parent of every run directory (one per user: /tmp is shared). */
export const DEMO_BASE_DIR = path.join(os.tmpdir(), `ocr-pool-demo-${typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username}`);
const OWNER_FILE = 'owner.json';

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
