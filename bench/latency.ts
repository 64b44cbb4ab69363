/**
 * `npm run bench:latency`: one scanned deed alone in the queue, read by a pool of 1 worker and by a pool
 * of 2 (idle workers help: docs/architecture.md), the time from its insertion to 5, and whether both
 * gave the same file_content; and, as the host's ceiling in the same run, two copies of the deed on the
 * pool of 2 (one each, nothing to help with). Options: --pages N (default 10), --runs N (default 2, alternating pools).
 *
 * Real everything: a fresh Postgres database per pool, the real pool in-process, real OCR threads.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { deedLines, scannedPdf } from '../test/helpers/pdfs';
import { enqueue, withPool } from './common-pool';
import { loadLine, machineHeader, table } from './lib';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '10' }, runs: { type: 'string', default: '2' } } });
const PAGES = Number(values.pages);
const RUNS = Number(values.runs);

interface Run {
  /** 1 or 2 workers on the one deed; 'ceiling': 2 workers, two copies of it (one each, no helping). */
  workers: 1 | 2 | 'ceiling';
  seconds: number;
  fileContent: string;
  helped: number;
}

async function once(dir: string, workers: Run['workers']): Promise<Run> {
  const copies = workers === 'ceiling' ? 2 : 1;
  return withPool('latency', dir, workers === 'ceiling' ? 2 : workers, async ({ pool, db }) => {
    // Both pools warm: the threads are started (models loaded) before the clock starts.
    const t0 = performance.now();
    await enqueue(db, Array.from({ length: copies }, () => ({ source: 'acte' as const, path: 'deed.pdf' })));
    pool.poke();
    for (;;) {
      const { rows } = await db.query(`SELECT status_id, file_content FROM extraction_queue ORDER BY created_at`);
      if (rows.every((r) => r.status_id === 5)) {
        const seconds = (performance.now() - t0) / 1000;
        const helped = pool.snapshot().slots.reduce((n, s) => n + (s.pagesHelped ?? 0), 0);
        return { workers, seconds, fileContent: rows[0].file_content as string, helped };
      }
      if (rows.some((r) => r.status_id === 4)) throw new Error('the deed failed');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Never park the second worker for other load on a shared host: this measures helping, not parking.
  }, { SERVER_RESERVE_CPU_PERCENT: '0' });
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-latency-'));
  mkdirSync(path.join(dir, 'actes'));
  writeFileSync(path.join(dir, 'actes', 'deed.pdf'), await scannedPdf(Array.from({ length: PAGES }, (_, i) => ({ lines: deedLines(30, i) }))));
  try {
    console.log(machineHeader(`bench:latency — one ${PAGES}-page scanned deed (300 DPI) alone in the queue, pools of 1 and 2 workers, ${RUNS} run(s) each`));
    const runs: Run[] = [];
    for (let r = 0; r < RUNS; r++) for (const w of [1, 2, 'ceiling'] as const) runs.push(await once(dir, w));
    const best = (w: Run['workers']) => Math.min(...runs.filter((r) => r.workers === w).map((r) => r.seconds));
    console.log();
    console.log(table([['workers', 'seconds (each run)', 'best s', 'pages read by the helper'], ...([1, 2, 'ceiling'] as const).map((w) => {
      const mine = runs.filter((r) => r.workers === w);
      return [w, mine.map((r) => r.seconds.toFixed(1)).join(', '), best(w).toFixed(1), mine.map((r) => r.helped).join(', ')];
    })]));
    const same = runs.every((r) => r.fileContent === runs[0]!.fileContent);
    console.log(`\nspeed-up of 2 workers over 1 (best runs): ${(best(1) / best(2)).toFixed(2)}×`);
    // What this host gives two threads at all now: two deeds, one per worker, against twice one deed alone.
    console.log(`ceiling, two deeds on 2 workers (2 × 1-worker time ÷ their time): ${((2 * best(1)) / best('ceiling')).toFixed(2)}×`);
    console.log(`file_content identical across all ${runs.length} runs: ${same ? 'yes' : 'NO'}`);
    console.log(loadLine());
    if (!same) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
