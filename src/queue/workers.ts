/**
 * The worker registry (table ocr_workers): written by each pool, read by anyone. A worker is live while
 * its heartbeat is younger than WORKER_TTL_MS; dead ones vanish from reads at once and from the table
 * at the next maintenance.
 */
import type { Queryable } from '../db/pg';

export const WORKER_TTL_MS = 30_000;

export interface WorkerRecord {
  workerId: string;
  host: string;
  pid: number;
  mode: string;
  state: string;
  documentId: string | null;
  progress: Record<string, unknown> | null;
  jobsDone: number;
}

export interface LiveWorker extends WorkerRecord {
  startedAt: Date;
  heartbeatAt: Date;
}

/** $1 = the records, a json array of {worker_id, host, pid, mode, state, document_id, progress, jobs_done}. */
const UPSERT = `
INSERT INTO ocr_workers (worker_id, host, pid, mode, state, document_id, progress, jobs_done, heartbeat_at)
SELECT w.worker_id, w.host, w.pid, w.mode, w.state, w.document_id, w.progress, w.jobs_done, now()
  FROM jsonb_to_recordset($1::jsonb) AS w(worker_id text, host text, pid int, mode text, state text,
                                          document_id uuid, progress jsonb, jobs_done int)
ON CONFLICT (worker_id) DO UPDATE
   SET host = excluded.host, pid = excluded.pid, mode = excluded.mode, state = excluded.state,
       document_id = excluded.document_id, progress = excluded.progress, jobs_done = excluded.jobs_done,
       heartbeat_at = now()`;

export async function publishWorkers(db: Queryable, workers: WorkerRecord[]): Promise<void> {
  if (workers.length === 0) return;
  const json = workers.map((w) => ({
    worker_id: w.workerId,
    host: w.host,
    pid: w.pid,
    mode: w.mode,
    state: w.state,
    document_id: w.documentId,
    progress: w.progress,
    jobs_done: w.jobsDone,
  }));
  await db.query(UPSERT, [JSON.stringify(json)]);
}

/** $1 = worker ids. */
const REMOVE = 'DELETE FROM ocr_workers WHERE worker_id = ANY($1::text[])';
/** $1 = age (ms) past which a heartbeat belongs to a dead pool. */
const PRUNE = `DELETE FROM ocr_workers WHERE heartbeat_at < now() - $1 * interval '1 millisecond'`;
/** $1 = WORKER_TTL_MS: heartbeats younger than this are live. */
const LIVE = `SELECT * FROM ocr_workers WHERE heartbeat_at >= now() - $1 * interval '1 millisecond' ORDER BY host, worker_id`;

export async function removeWorkers(db: Queryable, workerIds: string[]): Promise<void> {
  await db.query(REMOVE, [workerIds]);
}

export async function pruneDeadWorkers(db: Queryable, olderThanMs = 10 * WORKER_TTL_MS): Promise<number> {
  const r = await db.query(PRUNE, [olderThanMs]);
  return r.rowCount ?? 0;
}

export async function liveWorkers(db: Queryable, ttlMs = WORKER_TTL_MS): Promise<LiveWorker[]> {
  const { rows } = await db.query(LIVE, [ttlMs]);
  return rows.map((r) => ({
    workerId: r.worker_id,
    host: r.host,
    pid: r.pid,
    mode: r.mode,
    state: r.state,
    documentId: r.document_id,
    progress: r.progress,
    jobsDone: r.jobs_done,
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
  }));
}
