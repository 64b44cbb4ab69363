/** Pure parts of the demo: options, the demo's pool environment, the summary, the orphan reaper. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { parseArgs } from '../../src/demo/args';
import { demoEnvironment } from '../../src/demo/env';
import { livePostmaster } from '../../src/demo/postmaster';
import { reapOrphans } from '../../src/demo/run-dir';
import { loadSamples, type Sample } from '../../src/demo/samples';
import { formatSummary, summarize, type FinalRow } from '../../src/demo/summary';

describe('demo options', () => {
  it('parses --docs, --workers, --keep, --json, --out, --timeout (also as --flag=value)', () => {
    expect(parseArgs(['--docs', '3', '--workers=2', '--keep', '--json', 'x.json', '--out=dir', '--timeout', '60'])).toEqual({
      docs: 3,
      workers: 2,
      keep: true,
      json: 'x.json',
      out: 'dir',
      timeoutSeconds: 60,
      help: false,
    });
    expect(parseArgs([])).toMatchObject({ docs: undefined, workers: undefined, keep: false, timeoutSeconds: 900 });
  });

  it('refuses unknown options and bad numbers with a message naming them', () => {
    expect(() => parseArgs(['--doc', '3'])).toThrow(/unknown argument --doc/);
    expect(() => parseArgs(['--docs', '0'])).toThrow(/--docs expects a whole number/);
    expect(() => parseArgs(['--workers', 'two'])).toThrow(/--workers expects a whole number from 1 to 64, got "two"/);
    expect(() => parseArgs(['--json'])).toThrow(/--json needs a value/);
  });
});

describe('demo pool environment', () => {
  it('is a valid configuration with only the dev environment, never the caller’s prod, staging or Redis', () => {
    const env = demoEnvironment({
      databaseUrl: 'postgres://postgres:pw@127.0.0.1:5999/ocr_demo',
      storageDir: '/tmp/x',
      workers: 2,
      callerEnv: { PROD_DATABASE_URL: 'postgres://prod/db', REDIS_URL: 'redis://prod:6379', OCR_DPI: '200', LOG_LEVEL: 'debug' },
    });
    const config = loadConfig(env);
    expect(config.environments.map((e) => e.name)).toEqual(['dev']);
    expect(config.redisUrl).toBeUndefined();
    expect(config.poolSize).toBe(2);
    expect(config.dpi).toBe(200);
    expect(config.logLevel).toBe('debug');
    expect(config.reserveCpuPercent).toBe(0);
    expect(config.storageDir).toBe('/tmp/x');
  });
});

describe('sample set', () => {
  it('has register pages and deeds, scanned and born-digital, a plan and a corrupt PDF, each with ground truth where text is expected', () => {
    const samples = loadSamples();
    const kinds = new Set(samples.map((s) => `${s.source}:${s.kind}`));
    for (const k of ['index:scanned', 'index:born-digital', 'acte:scanned', 'acte:born-digital', 'plan_cadastraux:plan', 'acte:corrupt']) expect(kinds).toContain(k);
    for (const s of samples) expect(s.groundTruth !== null).toBe(s.expect === 'done');
    // --docs 3 covers a text layer, OCR and a failure.
    expect(samples.slice(0, 3).map((s) => s.kind)).toEqual(['born-digital', 'scanned', 'corrupt']);
  });
});

describe('summary', () => {
  const sample = (id: string, source: Sample['source'], expect: Sample['expect']): Sample => ({
    id,
    title: id,
    source,
    documentNumber: id,
    file: `${id}.pdf`,
    supabasePath: `${id}.pdf`,
    kind: source === 'plan_cadastraux' ? 'plan' : 'scanned',
    pages: 1,
    expect,
    groundTruth: expect === 'done' ? `${id}.txt` : null,
    bytes: 1,
  });
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  const row = (r: Partial<FinalRow>): FinalRow => ({
    statusId: 5,
    fileContent: null,
    boostedFileContent: null,
    ocrError: null,
    attempts: 1,
    startedAt: null,
    finishedAt: null,
    progress: null,
    ...r,
  });

  it('counts outcomes and pages, scores raw and boosted text, and checks each document against its expectation', () => {
    const samples = [sample('a', 'acte', 'done'), sample('i', 'index', 'done'), sample('bad', 'acte', 'error'), sample('p', 'plan_cadastraux', 'skipped')];
    const rows = new Map<string, FinalRow>([
      ['a', row({ fileContent: '--- Page 1 ---\nun deux trios\n', boostedFileContent: 'un deux trois\n', startedAt: at(0), finishedAt: at(30), progress: { pages: 2, ocrPages: 2, textLayerPages: 0 } })],
      ['i', row({ fileContent: 'x y', boostedFileContent: 'x y', startedAt: at(10), finishedAt: at(60), progress: { pages: 1, ocrPages: 0, textLayerPages: 1 } })],
      ['bad', row({ statusId: 4, ocrError: 'PermanentError: truncated PDF', startedAt: at(1), finishedAt: at(2) })],
      ['p', row({})],
    ]);
    const gt: Record<string, string> = { a: 'un deux trois', i: 'x y' };
    const s = summarize({ samples, rows, groundTruth: (x) => gt[x.id] ?? null, wallSeconds: 75, workers: 2 });
    expect(s.counts).toEqual({ done: 2, plan: 1, error: 1, unfinished: 0 });
    expect(s.pages).toEqual({ total: 3, ocr: 2, textLayer: 1 });
    expect(s.processingSeconds).toBe(60);
    expect(s.pagesPerMinute).toBeCloseTo(3, 9);
    expect(s.documents[0]!.raw!.cer).toBeCloseTo(2 / 13, 9);
    expect(s.documents[0]!.boosted!.cer).toBe(0);
    expect(s.quality.acte!.cerBoosted).toBe(0);
    expect(s.ok).toBe(true);
    const text = formatSummary(s).join('\n');
    expect(text).toMatch(/^Documents: 4 \(2 done, 1 cadastral plan passed through without OCR, 1 error, 0 unfinished\)$/m);
    expect(text).toMatch(/^Pages: 3 \(2 OCR'd, 1 read from a text layer\) in 60\.0 s with 2 workers: 3\.0 pages\/min$/m);
    expect(text).toMatch(/^ {2}actes \(prose\): +CER raw 15\.4 % → boosted 0\.0 % \(1 document\)$/m);
    expect(text).toMatch(/^ {2}index \(tables\): +bag-of-words F1 raw 1\.000 → boosted 1\.000 \(1 document\)/m);
    expect(text).toMatch(/^ {2}bad: PermanentError: truncated PDF$/m);

    rows.set('bad', row({ statusId: 5, fileContent: 'oops' }));
    const wrong = summarize({ samples, rows, groundTruth: (x) => gt[x.id] ?? null, wallSeconds: 75, workers: 2 });
    expect(wrong.ok).toBe(false);
    expect(formatSummary(wrong).join('\n')).toMatch(/\(!\) bad was expected to end as "error" but ended as "done"/);
  });
});

describe('orphans of killed demo runs', () => {
  let base: string | undefined;
  afterEach(() => base && rmSync(base, { recursive: true, force: true }));

  it('a run directory whose demo is gone is deleted, stale postmaster.pid included; a live one is left alone', async () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'demo-reap-'));
    // A pid that is certainly dead: a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const orphan = path.join(base, `run-${deadPid}-aaaaaa`);
    mkdirSync(path.join(orphan, 'pgdata'), { recursive: true });
    writeFileSync(path.join(orphan, 'owner.json'), JSON.stringify({ pid: deadPid }));
    writeFileSync(path.join(orphan, 'pgdata', 'postmaster.pid'), `${deadPid}\n${path.join(orphan, 'pgdata')}\n`);
    const live = path.join(base, `run-${process.pid}-bbbbbb`);
    mkdirSync(live);
    writeFileSync(path.join(live, 'owner.json'), JSON.stringify({ pid: process.pid }));

    expect(livePostmaster(path.join(orphan, 'pgdata'))).toBeUndefined();
    const messages = await reapOrphans(base);
    expect(messages).toEqual([expect.stringMatching(/stale postmaster\.pid/)]);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('a postmaster.pid naming a live process that is not that directory’s postgres is not trusted', () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'demo-reap-'));
    const dataDir = path.join(base, 'pgdata');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'postmaster.pid'), `${process.pid}\n/somewhere/else\n`);
    expect(livePostmaster(dataDir)).toBeUndefined();
  });
});
