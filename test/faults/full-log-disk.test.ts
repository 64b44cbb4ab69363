/**
 * The log disk fills: the daemon's stdout is appended to a file on a small filesystem that becomes full
 * (as `node … >> ocr.log` or PM2's log files fill a disk). Documents must keep completing and /healthz
 * must keep answering; once space is freed, logging resumes with a line counting what was lost.
 * Needs root (it mounts a tmpfs), as CI runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../helpers/db';
import { ENTRY, FIXTURES, type TempStorage, useDbAndStorage, waitFor } from '../helpers/daemon';
import { freePort } from '../helpers/redis-server';

let db: TestDb;
let storage: TempStorage;
useDbAndStorage((d, s) => ([db, storage] = [d, s]));

const isRoot = process.getuid?.() === 0;
let mountDir = '';

beforeAll(() => {
  if (!isRoot) return;
  mountDir = mkdtempSync(path.join(os.tmpdir(), 'ocr-logdisk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountDir]);
});
afterAll(() => {
  if (!mountDir) return;
  execFileSync('umount', ['-l', mountDir]);
  rmSync(mountDir, { recursive: true, force: true });
});

/** The file's JSON lines; a line that does not parse is kept as `{ torn: text }`. */
function logLines(file: string): Array<Record<string, any>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return { torn: l };
      }
    });
}

/**
 * Fill the filesystem holding `dir` until it refuses another byte, the log file's own last page too
 * (tmpfs gives space by pages: a file's partly used last page still takes bytes), with empty lines.
 */
function fill(dir: string, logFile: string): string {
  const filler = path.join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
  try {
    for (;;) writeSync(fd, chunk.subarray(0, 1));
  } catch {
    // Full to the byte.
  } finally {
    closeSync(fd);
  }
  const log = openSync(logFile, 'a');
  try {
    for (;;) writeSync(log, '\n');
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(log);
  }
  return filler;
}

async function queue(n: number, tag: string): Promise<void> {
  await db.pool.query(`INSERT INTO extraction_queue (document_source, supabase_path, status_id, document_number) SELECT 'acte', 'digital.pdf', 3, $1 || g FROM generate_series(1, $2::int) g`, [tag, n]);
}
async function done(tag: string): Promise<number> {
  return (await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE status_id = 5 AND document_number LIKE $1 || '%'`, [tag])).rows[0].n;
}

describe('a full log disk', () => {
  it.skipIf(!isRoot)('documents keep completing and /healthz answers; freed, the log resumes and counts the lines lost', async () => {
    storage.put('actes/digital.pdf', path.join(FIXTURES, 'synthetic', 'acte1-digital.pdf'));
    const logFile = path.join(mountDir, 'ocr.log');
    const out = openSync(logFile, 'a');
    const port = await freePort();
    const proc = spawn(process.execPath, [ENTRY], {
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'info',
        DEV_DATABASE_URL: db.url,
        OCR_STORAGE_DIR: storage.dir,
        OCR_WORKER_POOL_SIZE: '2',
        OCR_POLL_INTERVAL_MS: '200',
        OCR_HTTP_PORT: String(port),
      },
      stdio: ['ignore', out, 'pipe'],
    });
    closeSync(out);
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    let filler = '';
    try {
      await waitFor(async () => logLines(logFile).some((l) => l.msg === 'OCR pool serving'), 60_000, 'the pool to serve');
      filler = fill(mountDir, logFile);

      await queue(30, 'full-');
      await waitFor(async () => (await done('full-')) === 30, 120_000, 'documents queued on a full disk to complete');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
      expect(health.status).toBe(200);
      expect(proc.exitCode).toBeNull();

      unlinkSync(filler);
      filler = '';
      await queue(5, 'freed-');
      await waitFor(async () => (await done('freed-')) === 5, 120_000, 'documents queued after space was freed');
      // Said within a retry interval of space coming back, even by a daemon with nothing else to log.
      const lost = await waitFor(async () => logLines(logFile).find((l) => /^log lines lost/.test(l.msg)), 15_000, 'the lost-lines line');
      // At least one 'document completed' per document completed while the disk was full.
      expect(lost.lost).toBeGreaterThanOrEqual(30);
      expect(lost.reason).toBe('ENOSPC');
      // Logging goes on: a document queued now has its completion in the log.
      await queue(1, 'logged-');
      await waitFor(async () => (await done('logged-')) === 1, 60_000, 'a document queued after the lost-lines line');
      await waitFor(async () => logLines(logFile).some((l) => l.msg === 'document completed'), 30_000, 'logging to resume');
    } finally {
      if (filler) unlinkSync(filler);
      proc.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    // The one line the disk filled in the middle of is torn; every other line is whole JSON.
    expect(logLines(logFile).filter((l) => l.torn).length).toBeLessThanOrEqual(1);
    expect(stderr).not.toMatch(/ENOSPC|Unhandled|uncaught/i);
    expect(logLines(logFile).some((l) => l.msg === 'shutdown requested')).toBe(true);
  }, 300_000);
});
