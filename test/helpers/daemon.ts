/** Run the real daemon (`node dist/main.js`), or any node entry point, as a child process and read its JSON log lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { type TestDb, useTestDb } from './db';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Pages the tests read: copies of a few development pages, kept in the repository (see test/fixtures/SOURCES.md). */
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const ENTRY = path.join(ROOT, 'dist', 'main.js');

export interface Proc {
  proc: ChildProcess;
  lines: Record<string, any>[];
  waitForLog(pred: (l: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawn a node entry point and collect its JSON log lines. */
export function spawnNode(entry: string, env: Record<string, string>, opts: { ipc?: boolean; timeoutMs?: number } = {}): Proc {
  const proc = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, any>[] = [];
  const waiters = new Set<() => void>();
  let buf = '';
  let stderr = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ msg: line, unparsed: true });
      }
      for (const w of [...waiters]) w();
    }
  });
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    lines,
    waitForLog(pred, timeoutMs = opts.timeoutMs ?? 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find(pred);
          if (!hit) return;
          clearTimeout(t);
          waiters.delete(check);
          resolve(hit);
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`log line not seen in ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}; last lines: ${JSON.stringify(lines.slice(-5))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
        void exited.then(() => setTimeout(() => waiters.has(check) && reject(new Error(`process exited; stderr: ${stderr.slice(-2000)}; last lines: ${JSON.stringify(lines.slice(-5))}`)), 50));
      });
    },
    async stop(signal = 'SIGINT') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export type Daemon = Proc;

export function startDaemon(env: Record<string, string>): Daemon {
  // Port 0: daemons of parallel test files must not fight over the status server's default port.
  return spawnNode(ENTRY, { OCR_POLL_INTERVAL_MS: '200', OCR_HTTP_PORT: '0', ...env }, { ipc: true, timeoutMs: 120_000 });
}

/** A temporary OCR_STORAGE_DIR with buckets; `put` copies or writes objects into it. */
export function tempStorage() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ocr-storage-'));
  return {
    dir,
    put(bucketKey: string, from: string | Uint8Array) {
      const dest = path.join(dir, bucketKey);
      mkdirSync(path.dirname(dest), { recursive: true });
      if (typeof from === 'string') copyFileSync(from, dest);
      else writeFileSync(dest, from);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export type TempStorage = ReturnType<typeof tempStorage>;

/**
 * For one test file: a fresh database and a temporary storage folder, made before its tests and removed
 * after them. `set` hands them to the file's own variables.
 */
export function useDbAndStorage(set: (db: TestDb, storage: TempStorage) => void): void {
  let storage: TempStorage | undefined;
  useTestDb((db) => {
    storage = tempStorage();
    set(db, storage);
  });
  afterAll(() => storage?.remove());
}
