/**
 * `npm run bench:queue`: the claim of src/queue/claim.ts on a table of 1,000,000 rows, against two
 * baselines measured in the same run on the same Postgres:
 *  - the naive optimistic claim of the original system, `UPDATE … SET status_id = 6 WHERE id = (SELECT id
 *    … WHERE status_id = 3 LIMIT 1) AND status_id = 3`, retried when it hits a row another claimer took
 *    first (each retry is counted as a collision);
 *  - graphile-worker 0.17.3 (0.18 declares Node ≥ 22.18), whose jobs table is filled to the same size
 *    with the same number of ready jobs.
 *
 * Two phases per system: one claimer (claim latency without contention), then `--claimers` claimers
 * (default 8) doing no-op claim → complete (throughput and claim latency under contention).
 *
 * The table: `--rows` (1,000,000) rows, created over a year; status 5 93.99 %, 4 2 %, 1 1.5 %, 2 0.5 %,
 * 3 (ready) 2 %, 6 (in flight, live lease) 0.01 %; document_source index 45 %, acte 45 %,
 * plan_cadastraux 10 %. Every environment is its own database (docs/contract.md, "The queue table"), so one environment's table
 * holding all the rows is the heaviest case a claim meets. file_content of finished rows is a short
 * string: claims never read it. The naive claim is given the same partial ready index as ours (its
 * WHERE names `supabase_path IS NOT NULL`), so the comparison isolates the locking strategy.
 *
 * Options: --rows N, --claims N (phase 1, default 2000), --jobs N (phase 2, default 10000),
 * --claimers N (default 8), --no-graphile.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Logger, run as runGraphile, runMigrations as migrateGraphile, type WorkerEvents } from 'graphile-worker';
import { EventEmitter } from 'node:events';
import { claim } from '../src/queue/claim';
import { complete } from '../src/queue/complete';
import type { DocumentSource } from '../src/queue/types';
import { createBenchDb, dropBenchDb, loadLine, machineHeader, percentile, ratio, table, urlFor } from './lib';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    claims: { type: 'string', default: '2000' },
    jobs: { type: 'string', default: '10000' },
    claimers: { type: 'string', default: '8' },
    'no-graphile': { type: 'boolean', default: false },
  },
});
const ROWS = Number(values.rows);
const CLAIMS = Number(values.claims);
const JOBS = Number(values.jobs);
const CLAIMERS = Number(values.claimers);
const SOURCES: DocumentSource[] = ['index', 'acte'];

interface PhaseResult {
  claims: number;
  seconds: number;
  latenciesMs: number[];
  collisions: number;
}

interface SystemResult {
  label: string;
  single: PhaseResult;
  concurrent: PhaseResult;
}

/** One statement: 1M rows with the distribution described above, then the statistics the planner needs. */
async function populate(url: string): Promise<{ ready: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`
      INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, created_at, updated_at,
                                    file_content, ocr_attempts, ocr_worker_id, ocr_started_at, ocr_lease_expires_at,
                                    ocr_completed_at, ocr_error)
      SELECT src, 'N-' || i, src || '/' || i || '.pdf', st,
             now() - interval '365 days' + i * (interval '365 days' / $1), now(),
             CASE WHEN st = 5 THEN '--- Page 1 ---' || chr(10) || md5(i::text) END,
             CASE WHEN st IN (4, 5, 6) THEN 1 ELSE 0 END,
             CASE WHEN st = 6 THEN 'bench-host/0' END,
             CASE WHEN st = 6 THEN now() END,
             CASE WHEN st = 6 THEN now() + interval '1 hour' END,
             CASE WHEN st = 5 THEN now() END,
             CASE WHEN st = 4 THEN 'PermanentError: bench' END
        FROM (SELECT i,
                     (ARRAY['index','acte','index','acte','index','acte','index','acte','index','acte',
                            'index','acte','index','acte','index','acte','index','acte','plan_cadastraux','plan_cadastraux'])[i % 20 + 1] AS src,
                     CASE WHEN h < 200 THEN 3 WHEN h < 400 THEN 4 WHEN h < 550 THEN 1 WHEN h < 600 THEN 2
                          WHEN h < 601 THEN 6 ELSE 5 END AS st
                FROM (SELECT i, ((i::bigint * 7919) % 10000)::int AS h FROM generate_series(1, $1::int) AS i) g) s`,
      [ROWS],
    );
    await c.query('VACUUM ANALYZE extraction_queue');
    const { rows } = await c.query(
      `SELECT count(*)::int AS n FROM extraction_queue WHERE status_id = 3 AND document_source IN ('index', 'acte')`,
    );
    return { ready: rows[0].n };
  } finally {
    await c.end();
  }
}

type ClaimOnce = (client: pg.Client, worker: number, source: DocumentSource) => Promise<{ done: boolean; collisions: number }>;

/** `n` claimers sharing a budget of `total` claims; each claim's latency (with retries) is recorded. */
async function drive(url: string, n: number, total: number, once: ClaimOnce): Promise<PhaseResult> {
  const clients = await Promise.all(
    Array.from({ length: n }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  let budget = total;
  let claims = 0;
  let collisions = 0;
  const latenciesMs: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (client, w) => {
      const source = SOURCES[w % SOURCES.length]!;
      while (budget > 0) {
        budget--;
        const t = performance.now();
        const r = await once(client, w, source);
        latenciesMs.push(performance.now() - t);
        collisions += r.collisions;
        if (!r.done) throw new Error(`claimer ${w} found nothing to claim in ${source}: raise --rows or lower --jobs`);
        claims++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  return { claims, seconds, latenciesMs, collisions };
}

/** Ours: FOR UPDATE SKIP LOCKED claim, fenced complete (src/queue). Latency is the claim alone. */
const oursOnce: ClaimOnce = async (client, w, source) => {
  const c = await claim(client, 'prod', `bench/${w}`, source, 60_000);
  if (!c) return { done: false, collisions: 0 };
  const r = await complete(client, c, { fileContent: '', boostedFileContent: '', progress: { stage: 'done' } });
  if (!r.applied) throw new Error('fenced complete lost its own claim');
  return { done: true, collisions: 0 };
};

const NAIVE_CLAIM = `
UPDATE extraction_queue SET status_id = 6, ocr_worker_id = $2, ocr_started_at = now(), updated_at = now()
 WHERE id = (SELECT id FROM extraction_queue
              WHERE status_id = 3 AND document_source = $1 AND supabase_path IS NOT NULL LIMIT 1)
   AND status_id = 3
RETURNING id`;
const NAIVE_COMPLETE = `
UPDATE extraction_queue SET status_id = 5, file_content = '', boosted_file_content = '', ocr_completed_at = now(),
       updated_at = now()
 WHERE id = $1`;

/** The original system's claim: optimistic, retried on a collision (0 rows updated while rows are ready). */
const naiveOnce: ClaimOnce = async (client, w, source) => {
  for (let collisions = 0; ; collisions++) {
    const r = await client.query(NAIVE_CLAIM, [source, `naive/${w}`]);
    const id = r.rows[0]?.id as string | undefined;
    if (id) {
      await client.query(NAIVE_COMPLETE, [id]);
      return { done: true, collisions };
    }
    const left = await client.query(
      `SELECT 1 FROM extraction_queue WHERE status_id = 3 AND document_source = $1 AND supabase_path IS NOT NULL LIMIT 1`,
      [source],
    );
    if (left.rowCount === 0) return { done: false, collisions };
  }
};

async function runOurs(label: string, url: string, once: ClaimOnce): Promise<SystemResult> {
  const single = await drive(url, 1, CLAIMS, once);
  const concurrent = await drive(url, CLAIMERS, JOBS, once);
  return { label, single, concurrent };
}

/** graphile-worker's jobs table at the same size: the same ready count, the rest failed or scheduled later. */
async function populateGraphile(url: string, ready: number): Promise<void> {
  await migrateGraphile({ connectionString: url, logger: new Logger(() => () => undefined) });
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `INSERT INTO graphile_worker._private_tasks (identifier) VALUES ('index'), ('acte') RETURNING id`,
    );
    const [a, b] = rows.map((r) => r.id as number);
    const failed = Math.round(ROWS * 0.02);
    // Finished jobs are deleted by graphile-worker: rows that are done in extraction_queue have no
    // counterpart, so the table is filled with jobs scheduled later (they sit in its partial index too).
    await c.query(
      `INSERT INTO graphile_worker._private_jobs (task_id, payload, run_at, attempts, max_attempts, created_at)
       SELECT CASE WHEN i % 2 = 0 THEN $1::int ELSE $2::int END, json_build_object('n', i),
              CASE WHEN i <= $3 THEN now() - interval '1 day' + i * interval '1 millisecond'
                   ELSE now() + interval '365 days' + i * interval '1 millisecond' END,
              CASE WHEN i > $3 AND i <= $3 + $4 THEN 25 ELSE 0 END, 25, now()
         FROM generate_series(1, $5::int) AS i`,
      [a, b, ready, failed, ROWS],
    );
    await c.query('VACUUM ANALYZE graphile_worker._private_jobs');
  } finally {
    await c.end();
  }
}

/** graphile-worker's own runner with no-op tasks; claim latency = getJob:start → job:start per worker. */
async function graphilePhase(url: string, concurrency: number, total: number): Promise<PhaseResult> {
  const events: WorkerEvents = new EventEmitter();
  const started = new Map<string, number>();
  const latenciesMs: number[] = [];
  let done = 0;
  let t0 = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((r) => (finished = r));
  events.on('worker:getJob:start', ({ worker }) => {
    if (t0 === 0) t0 = performance.now();
    started.set(worker.workerId, performance.now());
  });
  events.on('job:start', ({ worker }) => {
    const s = started.get(worker.workerId);
    if (s !== undefined) latenciesMs.push(performance.now() - s);
  });
  let t1 = 0;
  events.on('job:complete', () => {
    if (++done === total) {
      t1 = performance.now();
      finished();
    }
  });
  const runner = await runGraphile({
    connectionString: url,
    concurrency,
    maxPoolSize: concurrency + 2,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: new Logger(() => () => undefined),
    events,
    taskList: { index: async () => undefined, acte: async () => undefined },
  });
  await allDone;
  await runner.stop();
  // Jobs fetched after the budget was reached were finished too; count what the runner really did.
  return { claims: done, seconds: (t1 - t0) / 1000, latenciesMs: latenciesMs.slice(0, done), collisions: 0 };
}

async function main() {
  console.log(machineHeader(`bench:queue — claim on ${ROWS.toLocaleString('en')} rows; phase 1: 1 claimer × ${CLAIMS} claims; phase 2: ${CLAIMERS} claimers × ${JOBS} no-op claim → complete`));
  const dbs: string[] = [];
  try {
    const t = performance.now();
    const ours = await createBenchDb('queue');
    dbs.push(ours);
    const { ready } = await populate(urlFor(ours));
    if (ready < CLAIMS + JOBS) throw new Error(`only ${ready} ready rows for ${CLAIMS + JOBS} claims: raise --rows`);
    // A copy of the filled table for the naive claim (CREATE DATABASE … TEMPLATE copies files).
    const naive = await createBenchDb('queue_naive', { template: ours });
    dbs.push(naive);
    console.log(`table filled: ${ROWS.toLocaleString('en')} rows, ${ready.toLocaleString('en')} ready (index + acte) in ${((performance.now() - t) / 1000).toFixed(0)} s`);

    const results: SystemResult[] = [];
    results.push(await runOurs('ocr-pool (SKIP LOCKED)', urlFor(ours), oursOnce));
    results.push(await runOurs('naive optimistic UPDATE (baseline)', urlFor(naive), naiveOnce));
    if (!values['no-graphile']) {
      const gw = await createBenchDb('queue_gw', { migrated: false });
      dbs.push(gw);
      await populateGraphile(urlFor(gw), ready);
      results.push({
        label: 'graphile-worker 0.17.3 (baseline)',
        single: await graphilePhase(urlFor(gw), 1, CLAIMS),
        concurrent: await graphilePhase(urlFor(gw), CLAIMERS, JOBS),
      });
    }

    const fmt = (n: number) => n.toFixed(2);
    console.log(`\nclaim latency, ms (a naive claim's latency includes its retries)\n`);
    console.log(
      table([
        ['system', '1 claimer p50', '1 claimer p99', `${CLAIMERS} claimers p50`, `${CLAIMERS} claimers p99`],
        ...results.map((r) => [
          r.label,
          fmt(percentile(r.single.latenciesMs, 50)),
          fmt(percentile(r.single.latenciesMs, 99)),
          fmt(percentile(r.concurrent.latenciesMs, 50)),
          fmt(percentile(r.concurrent.latenciesMs, 99)),
        ]),
      ]),
    );
    console.log(`\nno-op claim → complete throughput\n`);
    const base = results[0]!;
    console.log(
      table([
        ['system', '1 claimer /s', `${CLAIMERS} claimers /s`, 'collisions (retries)', 'retries per claim', 'ocr-pool ÷ this'],
        ...results.map((r) => [
          r.label,
          (r.single.claims / r.single.seconds).toFixed(0),
          (r.concurrent.claims / r.concurrent.seconds).toFixed(0),
          r.label.startsWith('naive') ? String(r.single.collisions + r.concurrent.collisions) : '–',
          r.label.startsWith('naive') ? (r.concurrent.collisions / r.concurrent.claims).toFixed(2) : '–',
          ratio(base.concurrent.claims / base.concurrent.seconds, r.concurrent.claims / r.concurrent.seconds),
        ]),
      ]),
    );
    console.log(`\n${loadLine()} · ${os.cpus().length} cores; Postgres on the same machine`);
  } finally {
    for (const d of dbs) await dropBenchDb(d).catch((e) => console.error(`could not drop ${d}: ${String(e)}`));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
