/**
 * What check-ocr-queue reads of one environment, shaped for its report (the statements are in
 * src/queue/reads/). Ages are computed by the database (its clock), so a skewed operator machine does
 * not make live workers look dead. A database that lags in migrations is still counted as far as its
 * columns allow, and the rest is left out rather than failing the whole check.
 */
import type { Queryable } from '../db/pg';
import { checkSchema, type SchemaReport } from '../queue/schema';
import { readPace, readPauses } from './operator';
import { livePauses } from '../queue/pauses';
import { countByStatusAndSource } from '../queue/reads/counts';
import { dbNow, presentTables, tableColumns } from '../queue/reads/catalog';
import { countInFlight, listInFlight } from '../queue/reads/in-flight';
import { readyClasses } from '../queue/reads/ready-summary';
import { recentErrors } from '../queue/reads/recent-errors';
import { readSearchablePdfSummary } from '../queue/reads/searchable-pdf';
import { throughputOver } from '../queue/reads/throughput';
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
  return (await presentTables(db, [table])).has(table);
}

export async function readCounts(db: Queryable, withNames: boolean): Promise<StatusCount[]> {
  const rows = await countByStatusAndSource(db, withNames);
  return rows.map((r) => ({ status: Number(r.status), statusName: r.status_name ?? null, source: r.source, count: Number(r.n) }));
}

export async function readReady(db: Queryable): Promise<{ ready: ReadySummary; blocked: BlockedSummary }> {
  const rows = await readyClasses(db);
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

export async function readInFlight(db: Queryable): Promise<{ count: number; stuck: number; list: InFlightDocument[] }> {
  const c = await countInFlight(db);
  const rows = await listInFlight(db, IN_FLIGHT_LIMIT);
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
      previousError: r.ocr_error,
    };
  });
  return { count: c?.n ?? 0, stuck: c?.stuck ?? 0, list };
}

export async function readRecentErrors(db: Queryable, limit = RECENT_ERRORS_LIMIT): Promise<RecentError[]> {
  const rows = await recentErrors(db, limit);
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

export async function readThroughput(db: Queryable): Promise<{ lastHour: ThroughputWindow; lastDay: ThroughputWindow }> {
  const rows = await throughputOver(db, [HOUR_S, DAY_S]);
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
  const now = (await dbNow(db)).getTime();
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
  if (await tableExists(db, 'ocr_claim_pauses')) snapshot.claimPauses = await readPauses(db);
  if (base.missingTables.includes('extraction_queue')) return snapshot;

  const cols = await tableColumns(db, 'extraction_queue');
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
  const pdfs = await readSearchablePdfSummary(db);
  if (pdfs.written + pdfs.failed > 0) snapshot.searchablePdfs = pdfs;
  if (snapshot.claimPauses) {
    const pace = await readPace(db);
    snapshot.rates = pace.throughput;
    snapshot.eta = pace.eta;
  }
  return snapshot;
}
