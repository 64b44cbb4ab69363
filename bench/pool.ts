/**
 * `npm run bench:pool`: a skewed backlog (all index, then flipped to all acte) drained by the supervisor
 * vs a fixed 1/1 allocation (each worker bound to one mode, as without a supervisor), same machine, same
 * documents, same run. Also the supervisor's event-loop delay p99 under full load.
 *
 * Real everything: a fresh Postgres database, the real pool (in-process, as the daemon runs it), real
 * OCR threads on scanned pages. Options: --docs N (per phase, default 6), --workers N (default 2).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { migrate } from '../src/db/migrate';
import type { OcrMode } from '../src/ocr/types';
import type { AllocationPolicy } from '../src/pool/allocator';
import { WorkerPool } from '../src/pool/pool';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '6' }, workers: { type: 'string', default: '2' } } });
const DOCS = Number(values.docs);
const WORKERS = Number(values.workers);
const ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// Two scans of the test fixtures: the bench measures scheduling, not recognition quality.
const PAGES = path.resolve(__dirname, '..', 'test', 'fixtures', 'synthetic');

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `ocr_pool_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  try {
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    await migrate(c);
    await c.end();
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * The baseline: each worker keeps the mode it starts with (the first half index, the rest acte) and never
 * takes the other mode's work; none is ever parked (not work-conserving, no rebalancing), as a fixed
 * 1/1 allocation would.
 */
function fixedPolicy(workers: number): AllocationPolicy {
  const modes = Array.from({ length: workers }, (_, i): OcrMode => (i < Math.ceil(workers / 2) ? 'index' : 'acte'));
  const index = modes.filter((m) => m === 'index').length;
  return {
    decide: (input) => ({ allocation: { index, acte: workers - index, active: input.poolSize, reason: 'fixed modes (baseline)' }, modes: [...modes] }),
    workConserving: false,
  };
}

interface Result {
  label: string;
  seconds: number;
  phaseSeconds: [number, number];
  workersUsed: [number, number];
  loopP99Ms: number;
  loopMaxMs: number;
}

async function run(label: string, storageDir: string, fixed: boolean): Promise<Result> {
  return withDatabase(async (url) => {
    const env: Record<string, string> = {
      DEV_DATABASE_URL: url,
      OCR_STORAGE_DIR: storageDir,
      OCR_WORKER_POOL_SIZE: String(WORKERS),
      OCR_POLL_INTERVAL_MS: '200',
      OCR_REBALANCE_INTERVAL_MS: '30000',
      LOG_LEVEL: 'silent',
    };
    if (fixed) Object.assign(env, { OCR_MIN_INDEX_WORKERS: String(Math.ceil(WORKERS / 2)), OCR_MIN_ACTE_WORKERS: String(Math.floor(WORKERS / 2)) });
    const db = new pg.Pool({ connectionString: url });
    db.on('error', () => undefined); // DROP DATABASE … WITH (FORCE) at the end ends its idle clients
    const pool = new WorkerPool(loadConfig(env), pino({ level: 'silent' }), fixed ? { policy: fixedPolicy(WORKERS) } : {});
    await pool.start();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const phase = async (source: string, file: string) => {
      const t0 = performance.now();
      await db.query(
        `INSERT INTO extraction_queue (document_source, supabase_path, status_id) SELECT $1, $2, 3 FROM generate_series(1, $3)`,
        [source, file, DOCS],
      );
      pool.poke();
      for (;;) {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE document_source = $1 AND status_id IN (3, 6)`, [source]);
        if (rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const { rows } = await db.query(`SELECT count(DISTINCT ocr_worker_id)::int AS n FROM extraction_queue WHERE document_source = $1`, [source]);
      return { seconds: (performance.now() - t0) / 1000, workers: rows[0].n as number };
    };
    loop.enable();
    const a = await phase('index', 'register-scan.pdf');
    const b = await phase('acte', 'acte1-scan.pdf');
    loop.disable();
    await pool.stop();
    await db.end();
    return {
      label,
      seconds: a.seconds + b.seconds,
      phaseSeconds: [a.seconds, b.seconds],
      workersUsed: [a.workers, b.workers],
      loopP99Ms: loop.percentile(99) / 1e6,
      loopMaxMs: loop.max / 1e6,
    };
  });
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-pool-'));
  mkdirSync(path.join(dir, 'index'));
  mkdirSync(path.join(dir, 'actes'));
  copyFileSync(path.join(PAGES, 'register-scan.pdf'), path.join(dir, 'index', 'register-scan.pdf'));
  copyFileSync(path.join(PAGES, 'acte1-scan.pdf'), path.join(dir, 'actes', 'acte1-scan.pdf'));
  try {
    console.log(`bench:pool — ${DOCS} index documents, then ${DOCS} acte documents (scanned, 1 page each), ${WORKERS} workers, ${os.cpus().length} cores\n`);
    const fixed = await run(`fixed ${Math.ceil(WORKERS / 2)}/${Math.floor(WORKERS / 2)} (baseline)`, dir, true);
    const sup = await run('supervisor', dir, false);
    const rows = [fixed, sup];
    const pad = (s: string, n: number) => s.padEnd(n);
    console.log(`| ${pad('allocation', 22)} | total s | index phase s | acte phase s | workers used (index, acte) | loop p99 ms | loop max ms |`);
    console.log(`|${'-'.repeat(24)}|---------|---------------|--------------|----------------------------|-------------|-------------|`);
    for (const r of rows) {
      console.log(
        `| ${pad(r.label, 22)} | ${r.seconds.toFixed(1).padStart(7)} | ${r.phaseSeconds[0].toFixed(1).padStart(13)} | ${r.phaseSeconds[1].toFixed(1).padStart(12)} | ${pad(`${r.workersUsed[0]}, ${r.workersUsed[1]}`, 26)} | ${r.loopP99Ms.toFixed(1).padStart(11)} | ${r.loopMaxMs.toFixed(1).padStart(11)} |`,
      );
    }
    console.log(`\nspeed-up of the supervisor over the fixed baseline: ${(fixed.seconds / sup.seconds).toFixed(2)}×`);
    console.log(`supervisor event-loop delay under full load: p99 ${sup.loopP99Ms.toFixed(1)} ms (OCR runs in worker threads)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
