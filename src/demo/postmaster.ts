/**
 * The demo's PostgreSQL as a process: is it alive, is it the postmaster of this data directory (its pid
 * may since belong to something else), and a staged stop.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sleep } from '../util/sleep';

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
export async function stopPostmaster(pid: number, graceMs = 15_000): Promise<void> {
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
