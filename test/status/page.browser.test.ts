/**
 * The live page in a real browser (Debian's chromium, driven by playwright-core): while the daemon OCRs
 * a 3-page document, the page served by the standalone status server (token-protected) shows its
 * progress bar rising to 100 %. Screenshots go to test-artifacts/ (gitignored).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db';
import { FIXTURES, ROOT, startDaemon, tempStorage, type Daemon } from '../helpers/daemon';
import { startStatusServer, statusUrl, type Proc } from './helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const TOKEN = 'page-test-token';

let db: TestDb;
let storage: ReturnType<typeof tempStorage>;
let daemon: Daemon;
let status: Proc;
let base: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  db = await createTestDb();
  storage = tempStorage();
  storage.put('actes/prose3.pdf', path.join(FIXTURES, 'pdf', 'tapus-prose-3pages.pdf'));
  const env = { DEV_DATABASE_URL: db.url, OCR_STORAGE_DIR: storage.dir, OCR_WORKER_POOL_SIZE: '1', OCR_HTTP_PORT: '0', OCR_HTTP_TOKEN: TOKEN };
  daemon = startDaemon(env);
  status = startStatusServer(env);
  base = await statusUrl(status);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await daemon.waitForLog((l) => l.msg === 'OCR pool serving', 120_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([daemon?.stop('SIGINT'), status?.stop('SIGINT')]);
  await db?.drop();
  storage?.remove();
}, 60_000);

describe('the live page', () => {
  it('shows a running document’s progress bar rising to 100 %', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${base}/?token=${TOKEN}`);
    await page.waitForSelector('#live.ok', { timeout: 10_000 }); // the SSE stream is open
    await page.waitForSelector('#queue table', { timeout: 10_000 }); // /api/pool answered (with the token)

    const { rows } = await db.pool.query(
      `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id) VALUES ('acte', 'PAGE-1', 'prose3.pdf', 3) RETURNING id`,
    );
    const id: string = rows[0].id;
    const bar = `li.doc[data-id="${id}"] [role="progressbar"]`;

    // Sample the bar while the document runs: it appears, rises, and ends full.
    await page.waitForSelector(bar, { timeout: 60_000 });
    const values: number[] = [];
    let midShot = false;
    const end = Date.now() + 120_000;
    for (;;) {
      const v = Number(await page.getAttribute(bar, 'aria-valuenow'));
      if (values.at(-1) !== v) values.push(v);
      if (!midShot && v > 0 && v < 100) {
        await page.screenshot({ path: path.join(ARTIFACTS, 'live-page-running.png'), fullPage: true });
        midShot = true;
      }
      if (v === 100) break;
      if (Date.now() > end) throw new Error(`bar stuck at ${v} (seen ${values.join(', ')})`);
      await page.waitForTimeout(100);
    }
    const item = page.locator(`li.doc[data-id="${id}"]`);
    await expect.poll(() => item.getAttribute('data-final')).toBe('done');
    expect(await item.locator('.pct').textContent()).toBe('100 %');
    expect(await item.locator('.fill').evaluate((e) => (e as unknown as { style: { width: string } }).style.width)).toBe('100%');
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-page-done.png'), fullPage: true });

    expect(values.at(-1)).toBe(100);
    expect(values.length).toBeGreaterThanOrEqual(3); // it moved through intermediate values
    expect([...values].sort((a, b) => a - b)).toEqual(values); // and never went back
    // The worker table and the queue counts are shown too.
    expect(await page.locator('#workers tbody tr').count()).toBe(1);
    expect(await page.locator('#queue td', { hasText: 'acte' }).count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('shows hostile row text as text: markup is not parsed, controls do not run', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/?token=${TOKEN}`);
    await page.waitForSelector('#live.ok', { timeout: 10_000 });
    const number = '<img src=x onerror="window.__pwned=1">\u202eevil\u001b[2J';
    const source = 'acte<script>window.__pwned=2</script>';
    const { rows } = await db.pool.query(
      `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id) VALUES ('acte', $1, 'prose3.pdf', 3), ($2, 'X-1', 'none.pdf', 3) RETURNING id`,
      [number, source],
    );
    const item = page.locator(`li.doc[data-id="${rows[0].id}"]`);
    await item.waitFor({ timeout: 60_000 });
    // The number is on the page as the characters it is made of, not as an element.
    await expect.poll(() => item.textContent(), { timeout: 10_000 }).toContain('<img src=x onerror="window.__pwned=1">');
    await expect.poll(() => page.locator('#queue').textContent(), { timeout: 15_000 }).toContain('<script>');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#queue script, li.doc script').count()).toBe(0);
    expect(await page.evaluate("typeof globalThis.__pwned")).toBe("undefined");
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-page-hostile-text.png'), fullPage: true });
    await expect.poll(() => item.getAttribute('data-final'), { timeout: 120_000 }).toBe('done');
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
