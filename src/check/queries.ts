/**
 * The read-only queries behind check-ocr-queue, one environment at a time. Every value comes from SQL
 * with parameters; ages are computed by the database (its clock), so a skewed operator machine does not
 * make live workers look dead. A database that lags in migrations is still counted as far as its
 * columns allow, and the rest is left out rather than failing the whole check.
 */
import type { Queryable } from '../db/pg';
import { checkSchema, type SchemaReport } from '../db/schema';
import { livePauses } from '../queue/pauses';
import { ATTEMPTS_LEFT, HAS_PDF, IN_BACKOFF, READY_FOR_POOL, READY_STATUS, SOURCE } from '../queue/ready';
import { liveWorkers, WORKER_TTL_MS } from '../queue/workers';
import {
  noReadings,
  type BlockedSummary,
  type EnvironmentSnapshot,
  type InFlightDocument,
  type ReadySummary,
  type RecentError,
  type StoragePauseSummary,
  type StatusCount,
  type ThroughputWindow,
  type WorkerSummary,
} from './types';

export type { EnvironmentSnapshot };

export const IN_FLIGHT_LIMIT = 100;
export const RECENT_ERRORS_LIMIT = 10;
const HOUR_S = 3600;
const DAY_S = 86_400;

const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

async function tableExists(db: Queryable, table: string): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1) AS ok`,
    [table],
  );
  return rows[0]?.ok === true;
}

async function queueColumns(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    ['extraction_queue'],
  );
  return new Set(rows.map((r) => r.column_name));
}

export async function readCounts(db: Queryable, withNames: boolean): Promise<StatusCount[]> {
  const sql = withNames
    ? `SELECT q.status_id AS status, s.name AS status_name, coalesce(q.document_source, '') AS source, count(*)::int AS n
         FROM extraction_queue q LEFT JOIN extraction_status s ON s.id = q.status_id
        GROUP BY q.status_id, s.name, coalesce(q.document_source, '')
        ORDER BY q.status_id, 3`
    : `SELECT status_id AS status, NULL::text AS status_name, coalesce(document_source, '') AS source, count(*)::int AS n
         FROM extraction_queue GROUP BY status_id, coalesce(document_source, '') ORDER BY status_id, 3`;
  const { rows } = await db.query(sql);
  return rows.map((r) => ({ status: Number(r.status), statusName: r.status_name ?? null, source: r.source, count: Number(r.n) }));
}

/*
 * Rows at 3, each in exactly one class, in this order: no PDF path, attempts exhausted, waiting for
 * backoff, ready (src/queue/ready.ts: the claim's own predicate). Cadastral plans at 3 are always
 * "ready": the pool passes them to 5 without a claim, path and attempts do not matter to it.
 */
const READY_SQL = `
WITH r AS (
  SELECT document_source,
         coalesce(${SOURCE} = 'plan_cadastraux', false) AS plan,
         ${HAS_PDF} AS has_path,
         NOT ${ATTEMPTS_LEFT} AS exhausted,
         ${IN_BACKOFF} AS backoff,
         ${READY_FOR_POOL} AS ready,
         ocr_next_attempt_at
    FROM extraction_queue
   WHERE status_id = ${READY_STATUS}
)
SELECT coalesce(document_source, '') AS source,
       count(*) FILTER (WHERE ready)::int AS ready,
       count(*) FILTER (WHERE NOT plan AND NOT has_path)::int AS no_path,
       count(*) FILTER (WHERE NOT plan AND has_path AND exhausted)::int AS exhausted,
       count(*) FILTER (WHERE NOT plan AND has_path AND NOT exhausted AND backoff)::int AS backoff,
       min(ocr_next_attempt_at) FILTER (WHERE NOT plan AND has_path AND NOT exhausted AND backoff) AS next_retry_at
  FROM r
 GROUP BY coalesce(document_source, '')
 ORDER BY 1`;

export async function readReady(db: Queryable): Promise<{ ready: ReadySummary; blocked: BlockedSummary }> {
  const { rows } = await db.query(READY_SQL);
  const ready: ReadySummary = { total: 0, bySource: {} };
  const blocked: BlockedSummary = { attemptsExhausted: 0, noPath: 0, backoff: 0, nextRetryAt: null };
  let next: Date | null = null;
  for (const r of rows) {
    if (r.ready > 0) ready.bySource[r.source] = r.ready;
    ready.total += r.ready;
    blocked.noPath += r.no_path;
    blocked.attemptsExhausted += r.exhausted;
    blocked.backoff += r.backoff;
    if (r.next_retry_at instanceof Date && (!next || r.next_retry_at < next)) next = r.next_retry_at;
  }
  blocked.nextRetryAt = iso(next);
  return { ready, blocked };
}

const IN_FLIGHT_COUNT_SQL = `
SELECT count(*)::int AS n, count(*) FILTER (WHERE ocr_lease_expires_at < now())::int AS stuck
  FROM extraction_queue WHERE status_id = $1`;

const IN_FLIGHT_SQL = `
SELECT id, coalesce(document_source, '') AS document_source, document_number, ocr_worker_id,
       coalesce(ocr_attempts, 0)::int AS attempt, coalesce(ocr_max_attempts, 3)::int AS max_attempts,
       ocr_started_at, extract(epoch FROM now() - ocr_started_at)::float8 AS age_s,
       ocr_lease_expires_at, coalesce(ocr_lease_expires_at < now(), false) AS stuck, ocr_progress,
       CASE WHEN ocr_progress->>'updatedAt' ~ '^\d{4}-\d\d-\d\dT'
            THEN extract(epoch FROM now() - (ocr_progress->>'updatedAt')::timestamptz)::float8 END AS progress_age_s
  FROM extraction_queue
 WHERE status_id = $1
 ORDER BY ocr_started_at NULLS FIRST, id
 LIMIT $2`;

export async function readInFlight(db: Queryable): Promise<{ count: number; stuck: number; list: InFlightDocument[] }> {
  const { rows: c } = await db.query(IN_FLIGHT_COUNT_SQL, [6]);
  const { rows } = await db.query(IN_FLIGHT_SQL, [6, IN_FLIGHT_LIMIT]);
  const list = rows.map((r): InFlightDocument => {
    const p = r.ocr_progress && typeof r.ocr_progress === 'object' ? (r.ocr_progress as Record<string, unknown>) : {};
    return {
      id: r.id,
      documentSource: r.document_source,
      documentNumber: r.document_number ?? null,
      worker: r.ocr_worker_id ?? null,
      attempt: r.attempt,
      maxAttempts: r.max_attempts,
      startedAt: iso(r.ocr_started_at),
      ageSeconds: r.age_s == null ? null : Math.round(r.age_s * 10) / 10,
      leaseExpiresAt: iso(r.ocr_lease_expires_at),
      stuck: r.stuck === true,
      stage: str(p.stage),
      page: num(p.page),
      pages: num(p.pages),
      percent: num(p.percent),
      message: str(p.message),
      progressUpdatedAt: str(p.updatedAt),
      progressAgeSeconds: r.progress_age_s == null ? null : Math.round(r.progress_age_s * 10) / 10,
    };
  });
  return { count: c[0]?.n ?? 0, stuck: c[0]?.stuck ?? 0, list };
}

const ERRORS_SQL = `
SELECT id, coalesce(document_source, '') AS document_source, document_number, status_id,
       coalesce(ocr_attempts, 0)::int AS attempts, coalesce(ocr_max_attempts, 3)::int AS max_attempts,
       ocr_error, ocr_last_error_at
  FROM extraction_queue
 WHERE ocr_error IS NOT NULL
 ORDER BY ocr_last_error_at DESC NULLS LAST, id
 LIMIT $1`;

export async function readRecentErrors(db: Queryable, limit = RECENT_ERRORS_LIMIT): Promise<RecentError[]> {
  const { rows } = await db.query(ERRORS_SQL, [limit]);
  return rows.map((r) => ({
    id: r.id,
    documentSource: r.document_source,
    documentNumber: r.document_number ?? null,
    status: Number(r.status_id),
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    error: r.ocr_error,
    at: iso(r.ocr_last_error_at),
  }));
}

const THROUGHPUT_SQL = `
SELECT w.seconds,
       (SELECT count(*)::int FROM extraction_queue
         WHERE status_id = $1 AND ocr_started_at IS NOT NULL
           AND ocr_completed_at >= now() - w.seconds * interval '1 second') AS completed,
       (SELECT avg(extract(epoch FROM ocr_completed_at - ocr_started_at))::float8 FROM extraction_queue
         WHERE status_id = $1 AND ocr_started_at IS NOT NULL
           AND ocr_completed_at >= now() - w.seconds * interval '1 second') AS avg_s,
       (SELECT count(*)::int FROM extraction_queue
         WHERE status_id = $2 AND ocr_last_error_at >= now() - w.seconds * interval '1 second') AS failed
  FROM unnest($3::int[]) AS w(seconds)`;

export async function readThroughput(db: Queryable): Promise<{ lastHour: ThroughputWindow; lastDay: ThroughputWindow }> {
  const { rows } = await db.query(THROUGHPUT_SQL, [5, 4, [HOUR_S, DAY_S]]);
  const win = (s: number): ThroughputWindow => {
    const r = rows.find((x) => Number(x.seconds) === s);
    return {
      completed: r?.completed ?? 0,
      avgSeconds: r?.avg_s == null ? null : Math.round(r.avg_s * 100) / 100,
      failed: r?.failed ?? 0,
    };
  };
  return { lastHour: win(HOUR_S), lastDay: win(DAY_S) };
}

export async function readWorkers(db: Queryable): Promise<{ live: number; list: WorkerSummary[] }> {
  const { rows } = await db.query<{ now: Date }>('SELECT now() AS now');
  const now = rows[0]!.now.getTime();
  const live = await liveWorkers(db, WORKER_TTL_MS);
  const list = live.map((w) => ({
    workerId: w.workerId,
    host: w.host,
    pid: w.pid,
    mode: w.mode,
    state: w.state,
    documentId: w.documentId,
    jobsDone: w.jobsDone,
    heartbeatAgeSeconds: Math.max(0, Math.round((now - new Date(w.heartbeatAt).getTime()) / 100) / 10),
  }));
  return { live: list.length, list };
}

export async function readStoragePauses(db: Queryable): Promise<StoragePauseSummary[]> {
  return (await livePauses(db, WORKER_TTL_MS)).map((p) => ({
    host: p.host,
    pid: p.pid,
    reason: p.reason,
    message: p.message,
    since: iso(p.since),
    nextProbeAt: iso(p.nextProbeAt),
  }));
}

/** Everything check-ocr-queue shows of one environment, read with as much of the schema as exists. */
export async function readEnvironment(db: Queryable): Promise<EnvironmentSnapshot> {
  const base = await checkSchema(db);
  // checkSchema looks at the two upstream tables; the worker registry is ours and read here too.
  const hasWorkers = await tableExists(db, 'ocr_workers');
  const schema: SchemaReport = hasWorkers
    ? base
    : { ...base, ok: false, missingTables: [...base.missingTables, 'ocr_workers'] };

  const snapshot: EnvironmentSnapshot = {
    schema,
    ...noReadings(),
    workers: hasWorkers ? await readWorkers(db) : null,
  };
  // Checked first: inside the check's transaction a query on a missing table would abort everything after it.
  if (await tableExists(db, 'ocr_storage_pauses')) snapshot.storagePauses = await readStoragePauses(db);
  if (base.missingTables.includes('extraction_queue')) return snapshot;

  const cols = await queueColumns(db);
  if (cols.has('status_id') && cols.has('document_source')) {
    snapshot.counts = await readCounts(db, !base.missingTables.includes('extraction_status'));
  }
  if (base.missingColumns.length > 0) return snapshot;

  Object.assign(snapshot, await readReady(db));
  const inFlight = await readInFlight(db);
  snapshot.inFlightCount = inFlight.count;
  snapshot.stuckLeases = inFlight.stuck;
  snapshot.inFlight = inFlight.list;
  snapshot.recentErrors = await readRecentErrors(db);
  snapshot.throughput = await readThroughput(db);
  return snapshot;
}
