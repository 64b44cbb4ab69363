/**
 * The operator's panel in a real browser (Debian's chromium, driven by playwright-core), on two pool
 * processes sharing one database and a standalone status server (read token and admin tokens set):
 *
 *  - a document failed on purpose shows in the failures list within 2 s, with its error, as text;
 *  - "Requeue" sends it to 3 and the pool completes it: the page shows it done;
 *  - pausing dev/acte stops claims of deeds on both processes within one poll interval while register
 *    pages go on; resuming lets the deeds go;
 *  - find by number with other spacing and case finds it, with its earlier error and its text;
 *  - a page of another origin cannot pause (fetch with the token, simple POST, form), and nothing changes.
 *
 * Screenshots go to OCR_PANEL_SHOTS (default test-artifacts/, gitignored).
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db';
import { FIXTURES, ROOT, startDaemon, tempStorage, waitFor, type Daemon } from '../helpers/daemon';
import { startStatusServer, statusUrl, type Proc } from './helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.OCR_PANEL_SHOTS ?? path.join(ROOT, 'test-artifacts');
const READ = 'panel-read-token-0123';
const ADMIN = 'panel-admin-token-0123456789';
const POLL_MS = 200;
const DIGITAL = path.join(FIXTURES, 'synthetic', 'acte1-digital.pdf');

let db: TestDb;
let storage: ReturnType<typeof tempStorage>;
let pools: Daemon[] = [];
let status: Proc;
let base: string;
let browser: Browser;
let page: Page;
let other: http.Server;
let otherUrl: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  db = await createTestDb();
  storage = tempStorage();
  storage.put('actes/digital.pdf', DIGITAL);
  storage.put('index/digital.pdf', DIGITAL);
  storage.put('actes/bad.pdf', new TextEncoder().encode('<html>this is not a PDF</html>'));
  storage.put('index/bad.pdf', new TextEncoder().encode('plain text, not a PDF'));
  const env = {
    DEV_DATABASE_URL: db.url,
    OCR_STORAGE_DIR: storage.dir,
    OCR_WORKER_POOL_SIZE: '1',
    OCR_POLL_INTERVAL_MS: String(POLL_MS),
    OCR_HTTP_TOKEN: READ,
    OCR_HTTP_ADMIN_TOKEN: `ops:${ADMIN}`,
  };
  pools = [startDaemon(env), startDaemon(env)];
  status = startStatusServer(env);
  base = await statusUrl(status);
  // A page of another origin (another port) that tries to act on the status server.
  other = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>elsewhere</title><form id="f" method="POST" action="${base}/api/pause" enctype="text/plain"><input name='{"env":"dev","x":"' value='"}'></form>`);
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherUrl = `http://127.0.0.1:${(other.address() as { port: number }).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await Promise.all(pools.map((p) => p.waitForLog((l) => l.msg === 'OCR pool serving', 120_000)));
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${base}/?token=${READ}`);
  await page.waitForSelector('#live.ok', { timeout: 10_000 });
  await page.waitForSelector('#pace .card[data-env="dev"]', { timeout: 10_000 });
}, 240_000);

const pageErrors: string[] = [];

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (other ? other.close(r) : r(undefined)));
  await Promise.all([...pools.map((p) => p.stop('SIGINT')), status?.stop('SIGINT')]);
  await db?.drop();
  storage?.remove();
}, 60_000);

async function insert(source: string, number: string, pathInBucket: string): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id) VALUES ($1, $2, $3, 3) RETURNING id`,
    [source, number, pathInBucket],
  );
  return rows[0].id;
}
const statusOf = async (id: string) => (await db.pool.query('SELECT status_id FROM extraction_queue WHERE id = $1', [id])).rows[0].status_id as number;

const HOSTILE = 'Acte 12 345 678 <img src=x onerror="window.__pwned=1">';
let failedId: string;

describe('the operator panel', () => {
  it('shows a document failed on purpose in the failures list within 2 s, with its error, as text', async () => {
    failedId = await insert('acte', HOSTILE, 'bad.pdf');
    await waitFor(async () => (await statusOf(failedId)) === 4, 60_000, 'the bad document to fail');
    const failedAt = Date.now();
    const row = page.locator(`#failures tr.failure[data-id="${failedId}"]`);
    await row.waitFor({ timeout: 2_000 });
    const seenAfterMs = Date.now() - failedAt;
    expect(seenAfterMs).toBeLessThan(2_000);
    expect(await row.locator('td.error').textContent()).toMatch(/^PermanentError: not a PDF/);
    expect(await row.locator('td').nth(3).textContent()).toBe(HOSTILE); // the number, shown as typed
    expect(await row.locator('td').nth(4).textContent()).toBe('poison');
    expect(await page.locator('#failures img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#failure-counts .chip[data-class="poison"]').textContent()).toBe('poison 1');
  }, 90_000);

  it('Requeue sends it back to 3 and the pool completes it: the page shows it done', async () => {
    storage.put('actes/bad.pdf', DIGITAL); // the operator fixed the object
    const button = page.locator(`#failures tr.failure[data-id="${failedId}"] button.requeue`);
    expect(await button.isDisabled()).toBe(true); // no action token yet
    await page.fill('#admin-token', ADMIN);
    await page.click('#admin-token-use');
    await expect.poll(() => page.textContent('#admin-state')).toBe('actions on');
    await button.click();
    await page.waitForSelector(`li.doc[data-id="${failedId}"][data-final="done"]`, { timeout: 60_000 });
    expect(await statusOf(failedId)).toBe(5);
    expect(await page.textContent('#action-status')).toMatch(/requeued/);
    await expect.poll(() => page.locator(`#failures tr.failure[data-id="${failedId}"]`).count()).toBe(0);
    const { rows } = await db.pool.query(`SELECT actor, action, count FROM ocr_operator_actions`);
    expect(rows).toEqual([{ actor: 'ops', action: 'requeue', count: 1 }]);
  }, 90_000);

  it('pausing dev/acte stops claims of deeds on both pools within one poll interval; register pages go on; resume lets deeds go', async () => {
    const deeds: string[] = [];
    for (let i = 0; i < 10; i++) deeds.push(await insert('acte', `D-${i}`, 'digital.pdf'));
    // Pause while deeds are being claimed, by both pools.
    await waitFor(async () => (await db.pool.query(`SELECT 1 FROM extraction_queue WHERE id = ANY($1) AND status_id = 5`, [deeds])).rowCount! > 0, 60_000, 'a first deed done');
    await page.selectOption('#pause-env', 'dev');
    await page.selectOption('#pause-source', 'acte');
    await page.fill('#pause-reason', 'bucket migration');
    await page.click('#pause-button');
    await page.waitForSelector('#pauses .paused-row[data-env="dev"][data-source="acte"]', { timeout: 5_000 });
    const { rows: p } = await db.pool.query(`SELECT paused_at, paused_by FROM ocr_claim_pauses WHERE source = 'acte'`);
    expect(p[0].paused_by).toBe('ops');
    const pausedAt: Date = p[0].paused_at;
    // Born-digital deeds go fast: the ten above may all be claimed before the click lands. Deeds that
    // arrive while the pause holds must stay ready, whatever the timing.
    for (let i = 10; i < 15; i++) deeds.push(await insert('acte', `D-${i}`, 'digital.pdf'));

    const registers: string[] = [];
    for (let i = 0; i < 6; i++) registers.push(await insert('index', `R-${i}`, 'digital.pdf'));
    await waitFor(async () => (await db.pool.query(`SELECT 1 FROM extraction_queue WHERE id = ANY($1) AND status_id = 5`, [registers])).rowCount === 6, 90_000, 'the register pages done');
    const { rows: d } = await db.pool.query(`SELECT status_id, ocr_started_at, ocr_attempts FROM extraction_queue WHERE id = ANY($1)`, [deeds]);
    const lateClaims = d.filter((r) => r.ocr_started_at && r.ocr_started_at.getTime() > pausedAt.getTime() + POLL_MS);
    expect(lateClaims).toEqual([]);
    const held = d.filter((r) => r.status_id === 3);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((r) => r.ocr_attempts === 0 && r.ocr_started_at === null)).toBe(true);
    // Both pools claimed (deeds before the pause, register pages after): the pause held on both.
    const { rows: who } = await db.pool.query(`SELECT DISTINCT split_part(ocr_worker_id, ':', 2) AS pid FROM extraction_queue WHERE status_id = 5 AND ocr_worker_id IS NOT NULL`);
    expect(who.map((r) => Number(r.pid)).sort()).toEqual(pools.map((x) => x.proc.pid).sort());

    // The panel with failures and a paused source.
    const bad = await insert('index', 'R 77 <b>bold?</b>', 'bad.pdf');
    await page.locator(`#failures tr.failure[data-id="${bad}"]`).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getAttribute('#pace .card[data-env="dev"] .state', 'data-state'), { timeout: 10_000 }).toBe('paused');
    await page.locator('#queue td', { hasText: 'index' }).first().waitFor({ timeout: 10_000 }); // /api/pool caught up with the register pages
    await page.screenshot({ path: path.join(SHOTS, 'panel-failures-paused.png'), fullPage: true });

    await page.click('#pauses .paused-row[data-source="acte"] button.resume');
    await page.waitForSelector('#pauses .paused-row', { state: 'detached', timeout: 5_000 });
    await waitFor(async () => (await db.pool.query(`SELECT 1 FROM extraction_queue WHERE id = ANY($1) AND status_id = 5`, [deeds])).rowCount === deeds.length, 90_000, 'every deed done after resume');

    // Twenty-odd documents finished within minutes: the latest 8 keep their bars (and the requeued one,
    // which the panel follows); the rest are one line of counts, so the panel's sections stay in view.
    const more = page.locator('#docs li.more');
    await more.waitFor({ timeout: 10_000 });
    const finishedBars = await page.locator('#docs li.doc:not([data-final=""])').count();
    expect(finishedBars).toBeLessThanOrEqual(8 + 1);
    expect(Number(await more.getAttribute('data-done'))).toBeGreaterThan(0);
    expect(await page.locator(`#docs li.doc[data-id="${failedId}"]`).count()).toBe(1);
  }, 240_000);

  it('finds the document by its number with other spacing and case', async () => {
    await page.fill('#find-q', 'ACTE12345678<IMG SRC=X ONERROR="WINDOW.__PWNED=1">');
    await page.click('#find-go');
    const card = page.locator(`#find-results .found[data-id="${failedId}"]`);
    await card.waitFor({ timeout: 5_000 });
    expect(await card.locator('dd.status').textContent()).toBe('5 ocr_done');
    expect(await card.locator('details summary').first().textContent()).toBe('earlier errors (1)');
    expect(await card.locator('details li').first().textContent()).toMatch(/PermanentError: not a PDF .* requeued by ops/);
    expect(await card.locator('pre').first().textContent()).toMatch(/\S/); // the raw text is there
    await page.screenshot({ path: path.join(SHOTS, 'panel-find.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('a page of another origin cannot act: fetch with the token, a simple POST and a form are refused, nothing changes', async () => {
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM ocr_operator_actions')).rows[0].n;
    const evil = await browser.newPage();
    await evil.goto(otherUrl);
    const outcome = await evil.evaluate(
      async ([target, token]) => {
        const out: string[] = [];
        try {
          await fetch(`${target}/api/pause`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"env":"dev"}' });
          out.push('fetch sent');
        } catch {
          out.push('fetch blocked');
        }
        try {
          await fetch(`${target}/api/pause`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"env":"dev"}' });
          out.push('simple sent');
        } catch {
          out.push('simple blocked');
        }
        return out;
      },
      [base, ADMIN],
    );
    expect(outcome[0]).toBe('fetch blocked'); // the preflight gets no CORS answer
    await Promise.all([evil.waitForNavigation({ timeout: 10_000 }), evil.locator('#f').evaluate((f) => (f as unknown as { submit(): void }).submit())]);
    expect(await evil.textContent('body')).toMatch(/cross_origin|missing_token/);
    await evil.close();
    expect((await db.pool.query('SELECT count(*)::int AS n FROM ocr_claim_pauses')).rows[0].n).toBe(0);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM ocr_operator_actions')).rows[0].n).toBe(before);
  }, 30_000);
});
