/**
 * Postgres connections: one pg.Pool per environment. Idle-client errors (Postgres restarting, a network
 * blip) are logged, never thrown: an unhandled 'error' event on a pool would kill the daemon.
 */
import pg from 'pg';
import type { Logger } from '../logger';
import { describeUrl } from '../config';

export type Queryable = Pick<pg.Pool | pg.PoolClient | pg.Client, 'query'>;

// timestamptz and int8 come back as JS values we can compare; count(*) (int8) fits easily in a number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * The longest any statement waits for a row lock (ms). A row held by another client (the extractor's long
 * transaction, a forgotten BEGIN in psql) must stall that row's writes, not the pool: without it every
 * write of the job waits up to the statement timeout holding a pooled connection.
 */
export const LOCK_TIMEOUT_MS = 5_000;

export function createPool(databaseUrl: string, log: Logger, opts: { max?: number; application?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.max ?? 10,
    application_name: opts.application ?? 'ocr-pool',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // A half-open TCP connection must not hang a claim forever.
    keepAlive: true,
    statement_timeout: 60_000,
    lock_timeout: LOCK_TIMEOUT_MS,
  });
  pool.on('error', (err) => log.warn({ err, db: describeUrl(databaseUrl) }, 'idle Postgres connection failed'));
  return pool;
}

/** Postgres error codes worth retrying the same statement for (graphile-worker's list, plus connection loss). */
const RETRYABLE_PG_CODES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '57P01', // admin_shutdown (server restarting)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  '08000', '08001', '08003', '08004', '08006', '08007', // connection exceptions
  '53300', // too_many_connections
]);
const RETRYABLE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** True when the statement gave up waiting for a row (or table) lock another client holds (55P03). */
export function isLockTimeout(err: unknown): boolean {
  return Boolean(err && typeof err === 'object' && (err as { code?: unknown }).code === '55P03');
}

/** True when the database, not the statement, is the problem: the same call may succeed in a moment. */
export function isTransientDbError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (RETRYABLE_PG_CODES.has(code) || RETRYABLE_NET.has(code))) return true;
  const msg = String((err as { message?: unknown }).message ?? '');
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(msg);
}
