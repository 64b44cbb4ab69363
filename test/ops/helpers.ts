/** Running the operator commands for real: processes, an isolated PM2, a throw-away copy of the repository. */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from '../helpers/daemon';

export const PM2_BIN = path.join(ROOT, 'node_modules', '.bin', 'pm2');
export const TSX_BIN = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run a command to its end (or kill it after timeoutMs) and collect its output. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A minimal environment: what a shell on a host would have, and nothing of the test runner's. */
export function baseEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    ...extra,
  };
}

/** A PM2_HOME of its own: short (the daemon's unix sockets live there, ~107 chars at most). */
export function isolatedPm2Home(): string {
  return mkdtempSync('/tmp/pm2-');
}

export interface Pm2Process {
  name: string;
  pid: number;
  pm_id: number;
  pm2_env: Record<string, any>;
  monit: { memory: number; cpu: number };
}

export async function pm2(args: string[], env: Record<string, string>, cwd = ROOT, timeoutMs = 120_000): Promise<Result> {
  return run(PM2_BIN, args, { cwd, env, timeoutMs });
}

export async function pm2List(env: Record<string, string>): Promise<Pm2Process[]> {
  const r = await pm2(['jlist'], env);
  const i = r.stdout.indexOf('[');
  const j = r.stdout.lastIndexOf(']');
  if (i < 0 || j < i) throw new Error(`pm2 jlist printed no list: ${r.stdout} ${r.stderr}`);
  return JSON.parse(r.stdout.slice(i, j + 1));
}

/** Stop the isolated PM2 daemon and everything it runs, then remove its home. */
export async function killPm2(env: Record<string, string>): Promise<void> {
  if (existsSync(path.join(env.PM2_HOME!, 'pm2.pid'))) await pm2(['kill'], env, ROOT, 60_000).catch(() => undefined);
  rmSync(env.PM2_HOME!, { recursive: true, force: true });
}

export function isAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A throw-away copy of the repository (sources, scripts, package files; node_modules linked), so a
 * deploy can build into its own dist/ without touching the dist/ other test files are running.
 */
export function repoCopy(): { dir: string; remove(): void } {
  const dir = mkdtempSync('/tmp/ocr-repo-');
  for (const f of ['src', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'ecosystem.config.js', 'check-ocr-queue.ts']) {
    cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A TCP port nobody listens on right now (the status servers of the apps under test get their own). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
