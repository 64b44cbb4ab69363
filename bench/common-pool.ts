/**
 * Running the real pool on a scratch database, as the daemon runs it (in-process supervisor, one OCR
 * thread per worker), for bench:ocr and bench:soak.
 */
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { WorkerPool } from '../src/pool/pool';
import { createBenchDb, dropBenchDb, urlFor } from './lib';

export interface BenchPool {
  pool: WorkerPool;
  db: pg.Pool;
  url: string;
}

/** A migrated scratch database and a started pool of `workers` serving it from `storageDir`. */
export async function withPool<T>(
  tag: string,
  storageDir: string,
  workers: number,
  fn: (p: BenchPool) => Promise<T>,
  extraEnv: Record<string, string> = {},
): Promise<T> {
  const name = await createBenchDb(tag);
  const url = urlFor(name);
  const db = new pg.Pool({ connectionString: url, max: 4 });
  db.on('error', () => undefined); // DROP DATABASE … WITH (FORCE) ends idle clients
  try {
    const config = loadConfig({
      DEV_DATABASE_URL: url,
      OCR_STORAGE_DIR: storageDir,
      OCR_WORKER_POOL_SIZE: String(workers),
      OCR_POLL_INTERVAL_MS: '200',
      LOG_LEVEL: 'silent',
      ...extraEnv,
    });
    const pool = new WorkerPool(config, pino({ level: 'silent' }));
    await pool.start();
    try {
      return await fn({ pool, db, url });
    } finally {
      await pool.stop();
    }
  } finally {
    await db.end().catch(() => undefined);
    await dropBenchDb(name);
  }
}

export interface QueuedDoc {
  source: 'index' | 'acte';
  /** Bare file name: the bucket comes from document_source (index → index/, acte → actes/). */
  path: string;
}

export async function enqueue(db: pg.Pool, docs: readonly QueuedDoc[]): Promise<void> {
  await db.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, created_at)
     SELECT s, 'BENCH-' || n, p, 3, now() + n * interval '1 microsecond'
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(s, p, n)`,
    [docs.map((d) => d.source), docs.map((d) => d.path)],
  );
}

/** Resolves when no row is ready or in flight; returns the count by final status. */
export async function drained(db: pg.Pool, pollMs = 100): Promise<Record<number, number>> {
  for (;;) {
    const { rows } = await db.query(`SELECT status_id, count(*)::int AS n FROM extraction_queue GROUP BY status_id`);
    const by: Record<number, number> = Object.fromEntries(rows.map((r) => [r.status_id, r.n]));
    if (!by[3] && !by[6]) return by;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
