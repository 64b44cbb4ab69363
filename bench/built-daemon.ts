/**
 * The daemon as PM2 runs it, for benches that measure the process users run: the built entry point
 * (package.json `main`, `dist/main.js`) in a child process of its own, started with the
 * interpreter, node arguments and non-setting environment that ecosystem.config.js gives the `ocr-pool`
 * app (glibc's MALLOC_ARENA_MAX / MALLOC_MMAP_THRESHOLD_, NODE_ENV), and counted as started when it sends
 * 'ready' over IPC, as PM2's wait_ready does.
 *
 * Differences from PM2 that are left: PM2 loads the script through its ProcessContainerFork.js wrapper
 * (a few small modules, source maps enabled for stack traces), and passes on its own shell's variables;
 * here the child gets PATH, HOME and what the caller sets, so no setting of the bench's shell (a
 * PROD_DATABASE_URL, say) reaches a bench daemon.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'dist', 'main.js');
/** The daemon's own settings: the bench sets these itself, never from ecosystem.config.js (which copies them from the shell). */
const SETTING = /^(OCR_|SERVER_RESERVE_|PROD_|STAGING_|DEV_|REDIS_)|^LOG_LEVEL$/;

/** The newest file under `dir` (recursively) modified after `than` (ms), or undefined. */
function newerThan(dir: string, than: number): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = newerThan(p, than);
      if (hit) return hit;
    } else if (statSync(p).mtimeMs > than) return p;
  }
  return undefined;
}

/**
 * Stops the bench (exit 2) when dist/ is missing or older than src/, as scripts/verify-ocr-setup.sh
 * judges it. It does not build: `npm run build` starts with `rm -rf dist`, which would pull the files
 * from under a daemon or a test running from the same checkout.
 */
export function requireFreshBuild(bench: string): void {
  if (!existsSync(ENTRY) || !existsSync(path.join(ROOT, 'dist', 'db', 'migrations'))) {
    console.error(`${bench}: the daemon is not built (${path.relative(ROOT, ENTRY)} missing): run npm run build first.`);
    process.exit(2);
  }
  const newer = newerThan(path.join(ROOT, 'src'), statSync(ENTRY).mtimeMs);
  if (newer) {
    console.error(`${bench}: dist/ is older than the sources (e.g. ${path.relative(ROOT, newer)}): run npm run build first, so the daemon measured is the code checked out.`);
    process.exit(2);
  }
}

interface Pm2App {
  name: string;
  interpreter?: string;
  node_args?: string | string[];
  interpreter_args?: string | string[];
  env?: Record<string, string>;
}

const args = (a: string | string[] | undefined): string[] => (a === undefined ? [] : Array.isArray(a) ? a : a.split(/\s+/).filter(Boolean));

/** How ecosystem.config.js starts `ocr-pool`: interpreter, its arguments, and its environment minus the daemon's settings. */
function pm2Launch(): { interpreter: string; nodeArgs: string[]; env: Record<string, string> } {
  const { apps } = require(path.join(ROOT, 'ecosystem.config.js')) as { apps: Pm2App[] };
  const app = apps.find((a) => a.name === 'ocr-pool');
  if (!app) throw new Error('ecosystem.config.js has no ocr-pool app');
  const env = Object.fromEntries(Object.entries(app.env ?? {}).filter(([name]) => !SETTING.test(name)));
  return { interpreter: app.interpreter ?? process.execPath, nodeArgs: [...args(app.node_args), ...args(app.interpreter_args)], env };
}

export interface BuiltDaemon {
  proc: ChildProcess;
  pid: number;
  /** What PM2 would add to the settings: e.g. `MALLOC_ARENA_MAX=2 …`, for the bench's header. */
  launch: string;
  /** Resolves with the exit code when the process ends, however it ends. */
  exited: Promise<number | null>;
  /** The last few KiB of its output (JSON log lines, stderr), to explain an early exit. */
  tail(): string;
  /** SIGINT (PM2's stop), then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts the built daemon with `settings` and resolves once it says 'ready' (models loaded). */
export async function startBuiltDaemon(settings: Record<string, string>, readyTimeoutMs = 180_000): Promise<BuiltDaemon> {
  const { interpreter, nodeArgs, env } = pm2Launch();
  const proc = spawn(interpreter, [...nodeArgs, ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, ...settings },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Read its logs (a full pipe would block the daemon) and keep the tail to explain a failed start.
  let tail = '';
  const keep = (c: Buffer) => (tail = (tail + c.toString('utf8')).slice(-4000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the daemon did not say ready in ${readyTimeoutMs} ms; its last output:\n${tail}`));
    }, readyTimeoutMs);
    proc.on('message', (m) => {
      if (m !== 'ready') return;
      clearTimeout(t);
      resolve();
    });
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`the daemon exited (${code}) before it was ready; its last output:\n${tail}`));
    });
  });
  const launch = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), path.basename(interpreter), ...nodeArgs, path.relative(ROOT, ENTRY)].join(' ');
  return {
    proc,
    pid: proc.pid!,
    launch,
    exited,
    tail: () => tail,
    async stop(graceMs = 60_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited;
      proc.kill('SIGINT');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(t);
      }
    },
  };
}
