/**
 * `npm run demo` end to end, as a newcomer runs it but without a terminal (CI=true: plain progress lines):
 * a real embedded PostgreSQL, the real pool with its OCR threads, the real sample PDFs. Nothing mocked.
 * Afterwards no Postgres of the demo may be left running, and its data directory must be gone.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { alive } from '../../src/demo/postmaster';

const ROOT = path.join(__dirname, '..', '..');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a command in the repository, collecting its output; `onLine` sees stdout line by line. */
function run(cmd: string, args: string[], opts: { timeoutMs: number; onLine?: (line: string, child: ReturnType<typeof spawn>) => void }): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  delete env.DEV_DATABASE_URL; // the embedded database is what is under test
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.on('data', (b: Buffer) => {
    const s = b.toString('utf8');
    stdout += s;
    pending += s;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      opts.onLine?.(pending.slice(0, nl), child);
      pending = pending.slice(nl + 1);
    }
  });
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${opts.timeoutMs} ms\n${stdout}\n${stderr}`));
    }, opts.timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}


/** Processes whose command line mentions `needle` (Linux /proc). */
function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(needle)) found.push(`${pid} ${cmd}`);
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

const postgresPid = (stdout: string) => Number(/^Database: embedded PostgreSQL \S+ on 127\.0\.0\.1:\d+ \(pid (\d+)\)/m.exec(stdout)?.[1]);

describe('npm run demo', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ocr-demo-test-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('--docs 3: zero setup, a summary, exit 0, and no Postgres left behind', { timeout: 180_000 }, async () => {
    const json = path.join(tmp, 'summary.json');
    const r = await run('npm', ['run', '--silent', 'demo', '--', '--docs', '3', '--json', json], { timeoutMs: 170_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.code, out).toBe(0);

    expect(r.stdout).toMatch(/^ocr-pool demo: 3 sample documents/m);
    expect(r.stdout).toMatch(/^Database: embedded PostgreSQL 18\.\d+ on 127\.0\.0\.1:\d+ \(pid \d+\)/m);
    expect(r.stdout).toMatch(/^Live page: http:\/\/127\.0\.0\.1:\d+\/$/m);
    // Plain progress lines (no TTY): a worker reading a page, one OCR'd page.
    expect(r.stdout).toMatch(/ w\d+ +index-2475312 +page 1\/1 OCR$/m);
    expect(r.stdout).toMatch(/^ +[\d.]+s {2}3\/3 documents finished$/m);

    expect(r.stdout).toMatch(/^Documents: 3 \(2 done, 0 cadastral plans passed through without OCR, 1 error, 0 unfinished\)$/m);
    expect(r.stdout).toMatch(/^Pages: 3 \(1 OCR'd, 2 read from a text layer\) in [\d.]+ s with \d+ workers?: [\d.]+ pages\/min$/m);
    expect(r.stdout).toMatch(/^ {2}actes \(prose\): +CER raw [\d.]+ % → boosted [\d.]+ % \(1 document\)$/m);
    expect(r.stdout).toMatch(/^ {2}index \(tables\): +bag-of-words F1 raw [\d.]+ → boosted [\d.]+ \(1 document\); CER raw [\d.]+ % → boosted [\d.]+ %/m);
    expect(r.stdout).toMatch(/^acte-2019-vente +acte +born-digital +2 +[\d.]+ s +5 done +0\.0 % +0\.0 %/m);
    expect(r.stdout).toMatch(/^index-2475312 +index +scanned +1 \(1 OCR\) +[\d.]+ s +5 done +[\d.]+ %/m);
    expect(r.stdout).toMatch(/^acte-2021-tronque +acte +corrupt +- +[\d.]+ s +4 error/m);
    expect(r.stdout).toMatch(/^ {2}acte-2021-tronque: PermanentError: truncated PDF/m);

    const summary = JSON.parse(readFileSync(json, 'utf8'));
    expect(summary.ok).toBe(true);
    expect(summary.counts).toEqual({ done: 2, plan: 0, error: 1, unfinished: 0 });
    const byId = Object.fromEntries(summary.documents.map((d: { id: string }) => [d.id, d]));
    expect(byId['acte-2019-vente'].raw.cer).toBeLessThan(0.01); // a text layer, read as is
    expect(byId['index-2475312'].raw.bowF1).toBeGreaterThan(0.5); // a noisy, skewed scan: OCR reads most words
    expect(summary.pagesPerMinute).toBeGreaterThan(0);
    expect(summary.statusUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    // Nothing of the demo's database is left: the postmaster is gone, no process serves its data directory.
    expect(summary.database.kind).toBe('embedded');
    expect(summary.database.pid).toBe(postgresPid(r.stdout));
    expect(alive(summary.database.pid)).toBe(false);
    expect(processesMentioning(summary.database.dataDir)).toEqual([]);
    expect(existsSync(summary.database.dataDir)).toBe(false);
  });

  it('SIGTERM mid-run: the pool hands its documents back, Postgres stops, exit 130', { timeout: 120_000 }, async () => {
    let signalled = false;
    // What `npm run demo` runs, without npm in between (npm would forward the signal a second time).
    const r = await run(process.execPath, ['--import', 'tsx', 'src/demo/main.ts', '--docs', '2', '--workers', '1'], {
      timeoutMs: 110_000,
      onLine: (line, child) => {
        // As soon as the scanned register is being read, interrupt.
        if (!signalled && /index-2475312 +(page 1\/1 read|page 1\/1 OCR)$/.test(line)) {
          signalled = true;
          child.kill('SIGTERM');
        }
      },
    });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(signalled, out).toBe(true);
    expect(r.code, out).toBe(130);
    expect(r.stdout).toMatch(/SIGTERM: stopping \(pool first, then the database\)/);
    expect(r.stdout).not.toMatch(/^Summary$/m);
    const pid = postgresPid(r.stdout);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
    const dataDir = /^Storage: +(\S+)\/storage /m.exec(r.stdout)?.[1];
    expect(dataDir).toBeTruthy();
    expect(existsSync(dataDir!)).toBe(false);
    expect(processesMentioning(dataDir!)).toEqual([]);
  });

  // The live page the demo prints, in a real browser (Debian's chromium) while the demo runs: the
  // workers and a progress bar per document, then the status server is gone once the demo has exited.
  it('prints the live page, which shows the workers and a progress bar per document while it runs', { timeout: 150_000 }, async () => {
    const artifacts = path.join(ROOT, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    let announce: (url: string) => void = () => undefined;
    const announced = new Promise<string>((resolve) => (announce = resolve));
    const r = run(process.execPath, ['--import', 'tsx', 'src/demo/main.ts', '--docs', '3', '--workers', '2'], {
      timeoutMs: 140_000,
      onLine: (line) => {
        const m = /^Live page: (http:\/\/\S+)$/.exec(line);
        if (m) announce(m[1]!);
      },
    });
    const url = await Promise.race([announced, r.then((done) => Promise.reject(new Error(`demo exited before printing the live page:\n${done.stdout}\n${done.stderr}`)))]);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForSelector('#live.ok', { timeout: 20_000 });
      // Both workers appear in the table once the pool has registered them.
      await expect.poll(() => page.locator('#workers tbody tr').count(), { timeout: 60_000 }).toBe(2);
      // Each document the pool takes gets a bar; the scanned register's bar ends full, marked done.
      await page.waitForSelector('li.doc [role="progressbar"]', { timeout: 60_000 });
      await page.screenshot({ path: path.join(artifacts, 'demo-live-page.png'), fullPage: true });
      const scan = page.locator('li.doc', { hasText: /· index ·/ }); // the register, shown as 2 475 312
      await expect.poll(() => scan.getAttribute('data-final'), { timeout: 90_000 }).toBe('done');
      expect(await scan.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('100');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    const done = await r;
    expect(done.code, `${done.stdout}\n${done.stderr}`).toBe(0);
    // The demo stopped its status server on exit.
    await expect(fetch(url)).rejects.toThrow();
  });
});
