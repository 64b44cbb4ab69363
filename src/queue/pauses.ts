/**
 * Storage pauses (table ocr_storage_pauses): a pool that paused claiming from this environment writes
 * why, so that processes that read Postgres only (check-ocr-queue, the status server) can name it.
 * Live like the worker registry: a row older than WORKER_TTL_MS belongs to a dead pool.
 */
import type { Queryable } from '../db/pg';
import { WORKER_TTL_MS } from './workers';

export interface PauseRecord {
  poolId: string;
  host: string;
  pid: number;
  reason: string;
  message: string;
  since: Date;
  nextProbeAt: Date | null;
}

/** $1 = pool id, $2 = host, $3 = pid, $4 = reason, $5 = message, $6 = since, $7 = next probe (or NULL). */
const UPSERT = `
INSERT INTO ocr_storage_pauses (pool_id, host, pid, reason, message, since, next_probe_at, heartbeat_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, now())
ON CONFLICT (pool_id) DO UPDATE
   SET host = excluded.host, pid = excluded.pid, reason = excluded.reason, message = excluded.message,
       since = excluded.since, next_probe_at = excluded.next_probe_at, heartbeat_at = now()`;

/** $1 = pool id. */
const CLEAR = 'DELETE FROM ocr_storage_pauses WHERE pool_id = $1';
/** $1 = age (ms) past which a heartbeat belongs to a dead pool. */
const PRUNE = `DELETE FROM ocr_storage_pauses WHERE heartbeat_at < now() - $1 * interval '1 millisecond'`;
/** $1 = WORKER_TTL_MS: heartbeats younger than this are live. */
const LIVE = `SELECT * FROM ocr_storage_pauses
               WHERE heartbeat_at >= now() - $1 * interval '1 millisecond'
               ORDER BY since, pool_id`;

export async function publishPause(db: Queryable, p: PauseRecord): Promise<void> {
  await db.query(UPSERT, [p.poolId, p.host, p.pid, p.reason, p.message.slice(0, 1000), p.since, p.nextProbeAt]);
}

export async function clearPause(db: Queryable, poolId: string): Promise<void> {
  await db.query(CLEAR, [poolId]);
}

export async function pruneDeadPauses(db: Queryable, olderThanMs = 10 * WORKER_TTL_MS): Promise<number> {
  const r = await db.query(PRUNE, [olderThanMs]);
  return r.rowCount ?? 0;
}

/** Pauses of live pools, oldest first; [] when the table does not exist yet (migration not run). */
interface PauseRow {
  pool_id: string;
  host: string;
  pid: number;
  reason: string;
  message: string;
  since: Date;
  next_probe_at: Date | null;
}

export async function livePauses(db: Queryable, ttlMs = WORKER_TTL_MS): Promise<PauseRecord[]> {
  const { rows } = await db.query<PauseRow>(LIVE, [ttlMs]).catch((err: { code?: string }) => {
    if (err.code === '42P01') return { rows: [] as PauseRow[] }; // undefined_table: this environment lags in migrations
    throw err;
  });
  return rows.map((r) => ({
    poolId: r.pool_id,
    host: r.host,
    pid: r.pid,
    reason: r.reason,
    message: r.message,
    since: r.since,
    nextProbeAt: r.next_probe_at,
  }));
}
