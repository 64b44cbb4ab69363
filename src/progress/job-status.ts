/**
 * One document's status and progress as every reader sees it (GET /api/jobs/:env/:id, SSE events, the
 * live channel): read from Postgres, the source of truth, never from a process's memory.
 */
import type { EnvName } from '../config';
import type { Queryable } from '../db/pg';
import { type JobRow, jobRows, runningJobRows } from '../queue/reads/jobs';
import { DEFAULT_MAX_ATTEMPTS, DONE_STATUS, FAILED_STATUS, statusKey } from '../queue/ready';
import { versionOf } from './version';


export interface ProgressView {
  stage: string;
  page: number;
  pages: number;
  percent: number;
  message: string | null;
  worker: string | null;
  updatedAt: string | null;
  ocrPages?: number;
  textLayerPages?: number;
}

/** A document's row as every reader shows it: who it is, where it stands, its attempts and last error. */
export interface DocumentRun {
  env: EnvName;
  id: string;
  /** NULL in a row the extractor left without a source (the pool never claims those). */
  source: string | null;
  number: string | null;
  status: { id: number; name: string };
  attempts: number;
  maxAttempts: number;
  worker: string | null;
  startedAt: string | null;
  completedAt: string | null;
  error: string | null;
  lastErrorAt: string | null;
  nextAttemptAt: string | null;
}

/** A document as the live channel follows it: its row and its progress. */
export interface JobStatus extends DocumentRun {
  /** Version of the progress: the SSE event id (µs of its last write, see version.ts); 0 before any progress. */
  version: number;
  progress: ProgressView | null;
  /** `done` (status 5) or `failed` (status 4) once OCR is over for good; null while it may still run. */
  final: 'done' | 'failed' | null;
  leaseExpiresAt: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

export async function readJobs(db: Queryable, env: EnvName, ids: string[]): Promise<JobStatus[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  const rows = await jobRows(db, valid);
  return rows.map((r) => toJobStatus(env, r));
}

export async function readJob(db: Queryable, env: EnvName, id: string): Promise<JobStatus | null> {
  return (await readJobs(db, env, [id]))[0] ?? null;
}

export async function readRunningJobs(db: Queryable, env: EnvName, limit = 200): Promise<JobStatus[]> {
  const rows = await runningJobRows(db, limit);
  return rows.map((r) => toJobStatus(env, r));
}

const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : null);
const num = (v: unknown, dflt = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function toProgress(p: unknown): ProgressView | null {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return null;
  const o = p as Record<string, unknown>;
  const view: ProgressView = {
    stage: str(o.stage) ?? 'unknown',
    page: num(o.page),
    pages: num(o.pages),
    percent: Math.max(0, Math.min(100, num(o.percent))),
    message: str(o.message),
    worker: str(o.worker),
    updatedAt: str(o.updatedAt),
  };
  if (typeof o.ocrPages === 'number') view.ocrPages = o.ocrPages;
  if (typeof o.textLayerPages === 'number') view.textLayerPages = o.textLayerPages;
  return view;
}

export function toJobStatus(env: EnvName, r: JobRow): JobStatus {
  const statusId = Number(r.status_id);
  const progress = toProgress(r.ocr_progress);
  const final = statusId === DONE_STATUS ? 'done' : statusId === FAILED_STATUS ? 'failed' : null;
  // A row that ended without a final progress write (attempts exhausted while waiting at 3, lease expiry
  // with no attempt left) still gets a version of its own for its final event: one microsecond later.
  const finalWithoutWrite = final !== null && progress?.stage !== final;
  return {
    env,
    id: r.id,
    source: r.document_source,
    number: r.document_number ?? null,
    status: { id: statusId, name: statusKey(statusId) },
    version: versionOf(progress?.updatedAt) + (finalWithoutWrite ? 1 : 0),
    progress,
    final,
    attempts: num(r.ocr_attempts),
    maxAttempts: num(r.ocr_max_attempts, DEFAULT_MAX_ATTEMPTS),
    worker: r.ocr_worker_id ?? null,
    startedAt: iso(r.ocr_started_at),
    completedAt: iso(r.ocr_completed_at),
    error: r.ocr_error ?? null,
    lastErrorAt: iso(r.ocr_last_error_at),
    nextAttemptAt: iso(r.ocr_next_attempt_at),
    leaseExpiresAt: iso(r.ocr_lease_expires_at),
  };
}

/** The SSE event a status is sent as: the final one when OCR is over, a progress event otherwise. */
export function eventName(job: JobStatus): 'progress' | 'done' | 'failed' {
  return job.final ?? 'progress';
}
