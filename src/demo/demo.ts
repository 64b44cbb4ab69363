/**
 * One demo run, the four steps of ./main: database, queue, pool, progress until every row is final, and
 * the summary. What it sets up is undone in reverse on the way out (`cleanup`); a first Ctrl-C stops it
 * gracefully, a second one at once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { ConfigError, describeUrl, loadConfig, type Config } from '../config';
import { migrate } from '../db/migrate';
import { countFinished, deleteRows, finalRows, rowStatuses } from '../queue/demo-rows';
import { DONE_STATUS, FAILED_STATUS } from '../queue/ready';
import { createLogger } from '../logger';
import { WorkerPool, type PoolOptions } from '../pool/pool';
import { createPoolStatus } from '../status/in-pool';
import { urlOf } from '../status/server';
import { sleep } from '../util/sleep';
import type { DemoArgs } from './args';
import { demoEnvironment } from './env';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './postgres';
import { createRunDir } from './run-dir';
import { createProgressView, type ProgressView } from './progress';
import { groundTruth, loadSamples, seedQueue, stageStorage, type Sample } from './samples';
import { formatSummary, summarize, type FinalRow } from './summary';

export const say = (line = '') => process.stdout.write(`${line}\n`);
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

interface Cleanup {
  label: string;
  run: () => Promise<unknown> | unknown;
}

export class Demo {
  private readonly started = Date.now();
  private readonly abort = new AbortController();
  private interruptedAt = 0;
  private readonly cleanups: Cleanup[] = [];
  private db: EmbeddedDatabase | undefined;
  private view: ProgressView | undefined;
  private readonly labels = new Map<string, string>();

  constructor(
    private readonly args: DemoArgs,
    private readonly tty: boolean,
  ) {}

  get interrupted(): boolean {
    return this.abort.signal.aborted;
  }

  /**
   * First Ctrl-C: stop gracefully (pool hands documents back, then Postgres stops). Another one later: now.
   * A signal within a second of the first is the same Ctrl-C delivered twice (the terminal signals the
   * whole process group, and `npm run` forwards it to its child as well), not a second request.
   */
  onSignal(signal: NodeJS.Signals): void {
    if (this.interrupted) {
      if (Date.now() - this.interruptedAt < 1_000) return;
      this.db?.stopNow();
      process.exit(130);
    }
    this.interruptedAt = Date.now();
    this.abort.abort();
    const line = `${signal}: stopping (pool first, then the database); ${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to quit at once`;
    // Writing to a terminal that hung up would throw EIO: after SIGHUP, stay quiet.
    if (signal === 'SIGHUP') return;
    if (this.view) this.view.note(line);
    else say(line);
  }

  /** On any exit: ask Postgres to stop even if the normal path never got there. */
  onExit(): void {
    this.db?.stopNow();
  }

  private later(label: string, run: Cleanup['run']): void {
    this.cleanups.push({ label, run });
  }

  async cleanup(): Promise<void> {
    this.view?.stop();
    while (this.cleanups.length) {
      const c = this.cleanups.pop()!;
      try {
        await c.run();
      } catch (err) {
        say(`cleanup (${c.label}) failed: ${(err as Error).message}`);
      }
    }
  }

  async run(): Promise<number> {
    const args = this.args;
    const all = loadSamples();
    const samples = args.docs ? all.slice(0, args.docs) : all;
    const workers = args.workers ?? Math.min(4, os.availableParallelism());
    const count = (src: Sample['source'], noun: string) => plural(samples.filter((s) => s.source === src).length, noun);
    say(
      `ocr-pool demo: ${plural(samples.length, 'sample document')} (${count('index', 'register')}, ${count('acte', 'deed')}, ` +
        `${count('plan_cadastraux', 'cadastral plan')}), ${plural(workers, 'OCR worker')}`,
    );

    const run = await createRunDir(say);
    this.later('run directory', () => run.remove());
    const storageDir = path.join(run.dir, 'storage');
    const logFile = run.logFile;

    // 1. Database.
    const external = process.env.DEV_DATABASE_URL?.trim();
    let databaseUrl: string;
    if (external) {
      databaseUrl = external;
      say(`Database: DEV_DATABASE_URL is set, so the demo uses ${describeUrl(external)} instead of an embedded PostgreSQL.`);
      say('          It migrates it (additive, idempotent), adds its sample rows and deletes them at the end.');
      say('          Another ocr-pool serving that database may claim the sample rows and fail them (it cannot see their PDFs).');
    } else {
      const t0 = Date.now();
      this.db = await startEmbeddedPostgres(run.dir);
      const db = this.db;
      this.later('PostgreSQL', () => db.stop());
      databaseUrl = db.url;
      say(`Database: embedded PostgreSQL ${db.version} on 127.0.0.1:${db.port} (pid ${db.pid}), started in ${((Date.now() - t0) / 1000).toFixed(1)} s; removed at the end`);
    }
    if (this.interrupted) return 130;

    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
    client.on('error', () => undefined);
    await client.connect();
    this.later('database connection', () => client.end());
    const migrated = await migrate(client);
    stageStorage(samples, storageDir);
    const tag = external ? `demo-${process.pid} ` : '';
    const ids = await seedQueue(client, samples, tag);
    if (external) {
      this.later('sample rows', () => deleteRows(client, [...ids.values()]));
    }
    for (const [sampleId, rowId] of ids) this.labels.set(rowId, sampleId);
    say(`Queue:    ${migrated.applied.length ? `migrations ${migrated.applied.join(', ')} applied; ` : 'schema up to date; '}${ids.size} rows at status 3 (ready for OCR)`);
    say(`Storage:  ${storageDir} (OCR_STORAGE_DIR: a copy of samples/ as <bucket>/<path>)`);
    say(`Logs:     ${logFile}`);
    if (this.interrupted) return 130;

    // 2. The pool, as under PM2.
    let config: Config;
    try {
      config = loadConfig(demoEnvironment({ databaseUrl, storageDir, workers, callerEnv: process.env }));
    } catch (err) {
      if (err instanceof ConfigError) {
        say(err.message);
        return 2;
      }
      throw err;
    }
    const dest = pino.destination({ dest: logFile, sync: false, mkdir: true });
    this.later('log file', () => dest.flushSync());
    const log = createLogger(config.logLevel, dest);
    // The live page is the daemon's own status server (on a free port: OCR_HTTP_PORT=0), fed by the
    // pool's progress hook, so what it shows is what an operator sees under PM2.
    const status = createPoolStatus(config, log.child({ component: 'status' }));
    const onProgress: NonNullable<PoolOptions['onProgress']> = (c, p, saved) => {
      status.onProgress(c, p, saved);
      this.view?.progress(c.workerId, this.labels.get(c.id) ?? c.documentNumber ?? c.id, p);
    };
    const pool = new WorkerPool(config, log, { onProgress, onStages: status.onStages });
    // Registered before the pool, so it runs after it (in reverse): the page shows the pool stopping.
    this.later('status server', () => status.stop());
    this.later('pool', () => pool.stop());
    process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection (kept running)'));
    await status.start(pool);
    const address = status.server.address();
    const liveUrl = address ? urlOf(address) : null;
    say(liveUrl ? `Live page: ${liveUrl}${config.httpToken ? ' (OCR_HTTP_TOKEN is set: the page asks for it)' : ''}` : `Live page: none (the status server could not start; see ${logFile})`);

    say();
    say(`Starting ${plural(workers, 'OCR worker')} (each loads the ${config.langs} models)…`);
    say();
    this.view = createProgressView({ tty: this.tty, started: this.started });
    await pool.start();
    this.view.addWorkers(pool.snapshot().slots.map((s) => s.id));
    if (liveUrl) this.view.note(`Live page: ${liveUrl}`);

    // 3. Until every row is final.
    const finished = await this.waitForRows(client, samples, ids, args.timeoutSeconds * 1000);
    if (!args.keep || !finished) await pool.stop();
    this.view.stop();
    say();
    if (!finished) {
      if (this.interrupted) return 130;
      say(`Timed out after ${args.timeoutSeconds} s: not every document reached status 5 or 4 (see ${logFile}).`);
    }

    // 4. Summary.
    const rows = await this.finalRows(client, ids);
    if (args.out) {
      mkdirSync(args.out, { recursive: true });
      for (const [id, r] of rows) {
        if (r.fileContent !== null) writeFileSync(path.join(args.out, `${id}.raw.txt`), r.fileContent);
        if (r.boostedFileContent !== null) writeFileSync(path.join(args.out, `${id}.boosted.txt`), r.boostedFileContent);
      }
    }
    const summary = summarize({ samples, rows, groundTruth: (s) => groundTruth(s), wallSeconds: (Date.now() - this.started) / 1000, workers });
    for (const line of formatSummary(summary)) say(line);
    if (args.json) {
      const meta = {
        database: this.db ? { kind: 'embedded', version: this.db.version, port: this.db.port, pid: this.db.pid, dataDir: this.db.dataDir } : { kind: 'DEV_DATABASE_URL', db: describeUrl(databaseUrl) },
        logFile,
        statusUrl: liveUrl,
      };
      writeFileSync(args.json, `${JSON.stringify({ ...summary, ...meta }, null, 2)}\n`);
    }

    if (args.keep && finished && !this.interrupted) {
      say();
      say(`--keep: the pool keeps serving ${describeUrl(databaseUrl)} until Ctrl-C.`);
      if (this.db) say(`  psql "${this.db.url}"   (a throw-away database: it is deleted when the demo stops)`);
      say(`  Run the samples again: UPDATE extraction_queue SET status_id = 3, ocr_attempts = 0 WHERE document_source <> 'plan_cadastraux';`);
      if (liveUrl) say(`  Live page: ${liveUrl}`);
      this.view = createProgressView({ tty: this.tty, started: this.started, waiting: 'waiting for documents (Ctrl-C to stop)' });
      this.view.addWorkers(pool.snapshot().slots.map((s) => s.id));
      await this.keepWatching(client, external ? [...ids.values()] : null);
      return summary.ok ? 0 : 1;
    }
    return finished && summary.ok ? 0 : 1;
  }

  private async waitForRows(client: pg.Client, samples: readonly Sample[], ids: Map<string, string>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const announced = new Set<string>();
    const rowIds = [...ids.values()];
    while (!this.interrupted) {
      const rows = await rowStatuses(client, rowIds);
      const final = rows.filter((r) => r.status_id === FAILED_STATUS || r.status_id === DONE_STATUS);
      for (const r of final) {
        const sampleId = this.labels.get(r.id)!;
        if (announced.has(sampleId)) continue;
        announced.add(sampleId);
        if (samples.find((s) => s.id === sampleId)?.source === 'plan_cadastraux') this.view?.note(`${sampleId}: cadastral plan, marked done (5) without OCR`);
      }
      this.view?.finished(final.length, rowIds.length);
      if (final.length === rowIds.length) return true;
      if (Date.now() > deadline) return false;
      await sleep(400, this.abort.signal);
    }
    return false;
  }

  /** --keep: count finished rows (every row of the demo database; only ours in a database of one's own) until Ctrl-C. */
  private async keepWatching(client: pg.Client, only: string[] | null): Promise<void> {
    while (!this.interrupted) {
      try {
        const r = await countFinished(client, only);
        if (r) this.view?.finished(r.final, r.total);
      } catch {
        /* the next poll will tell */
      }
      await sleep(1_000, this.abort.signal);
    }
  }

  private async finalRows(client: pg.Client, ids: Map<string, string>): Promise<Map<string, FinalRow>> {
    const rows = await finalRows(client, [...ids.values()]);
    const out = new Map<string, FinalRow>();
    for (const r of rows) {
      out.set(this.labels.get(r.id)!, {
        statusId: r.status_id,
        fileContent: r.file_content,
        boostedFileContent: r.boosted_file_content,
        ocrError: r.ocr_error,
        attempts: r.ocr_attempts ?? 0,
        startedAt: r.ocr_started_at,
        finishedAt: r.finished_at,
        progress: r.ocr_progress,
      });
    }
    return out;
  }
}
