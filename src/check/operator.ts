/**
 * The operator's reads and actions on one environment's database, shaped once for the status server's
 * API (and so the live page), ocr-admin.ts and check-ocr-queue: throughput and ETA, failures by class,
 * find, requeue, pause, resume. The SQL is in src/queue/; the decisions (ETA, error class, pause scope)
 * are pure functions there; this file only validates, calls and shapes.
 */
import type { EnvName } from '../config';
import type { Queryable } from '../db/pg';
import { claimPauses, pauseClaims, pauseScope, resumeClaims, type ClaimPause } from '../queue/claim-pauses';
import { classifyError, ERROR_CLASS_NAMES, isErrorClass } from '../queue/error-class';
import { estimatePace, type Pace } from '../queue/eta';
import { latestActions, type OperatorAction } from '../queue/operator-actions';
import { failedRows, failureCounts } from '../queue/reads/failures';
import { findRows, normaliseNumber, type FoundRow } from '../queue/reads/find';
import { readPaceRow } from '../queue/reads/pace';
import { type DocumentRun, isUuid } from '../progress/job-status';
import { statusKey } from '../queue/ready';
import { requeueClass, requeueOne, type RequeueOneResult } from '../queue/requeue';

/** A request that cannot be carried out as asked (unknown class, source…): a 400 on the API, exit 2 on the command line. */
export class InvalidRequest extends Error {
  override name = 'InvalidRequest';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : null);

export interface PauseView {
  source: string;
  pausedBy: string;
  reason: string | null;
  pausedAt: string;
}

function pauseView(p: ClaimPause): PauseView {
  return { source: p.source, pausedBy: p.pausedBy, reason: p.reason, pausedAt: iso(p.pausedAt)! };
}

export async function readPauses(db: Queryable): Promise<PauseView[]> {
  return (await claimPauses(db)).map(pauseView);
}

/** Throughput, ETA and chart of one environment, with its pauses. */
export async function readPace(db: Queryable): Promise<Pace & { pauses: PauseView[] }> {
  const [row, pauses] = await Promise.all([readPaceRow(db), claimPauses(db)]);
  return { ...estimatePace(row, pauses.map((p) => p.source)), pauses: pauses.map(pauseView) };
}

export interface FailureView {
  id: string;
  source: string | null;
  number: string | null;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  class: string;
  at: string | null;
}

export interface FailuresView {
  /** Every row at 4, by class, by source, and in all (not only those listed). */
  total: number;
  byClass: Record<string, number>;
  bySource: Record<string, number>;
  /** The latest `limit` rows matching the filter, newest first. */
  list: FailureView[];
}

/** A source filter as the claim reads sources (lower, trimmed); null for all. */
function sourceFilter(source: string | null | undefined): string | null {
  return source == null || source.trim() === '' ? null : source.trim().toLowerCase();
}

export function classFilter(errorClass: string | null | undefined): string | null {
  if (errorClass == null || errorClass.trim() === '') return null;
  const c = errorClass.trim().toLowerCase();
  if (!isErrorClass(c)) throw new InvalidRequest('unknown_class', `unknown error class ${JSON.stringify(errorClass.slice(0, 40))}: expected one of ${ERROR_CLASS_NAMES.join(', ')}`);
  return c;
}

export async function readFailures(db: Queryable, filter: { source?: string | null; errorClass?: string | null }, limit = 100): Promise<FailuresView> {
  const f = { source: sourceFilter(filter.source), errorClass: classFilter(filter.errorClass) };
  const [rows, counts] = await Promise.all([failedRows(db, f, limit), failureCounts(db)]);
  const byClass: Record<string, number> = {};
  const bySource: Record<string, number> = {};
  let total = 0;
  for (const c of counts) {
    byClass[c.error_class] = (byClass[c.error_class] ?? 0) + c.n;
    const s = c.source ?? '';
    bySource[s] = (bySource[s] ?? 0) + c.n;
    total += c.n;
  }
  return {
    total,
    byClass,
    bySource,
    list: rows.map((r) => ({
      id: r.id,
      source: r.source,
      number: r.document_number,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
      error: r.ocr_error,
      class: r.error_class,
      at: iso(r.ocr_last_error_at),
    })),
  };
}

/** A document as find shows it: its row, with what an operator asks next (errors, pages, texts). */
export interface FoundDocument extends DocumentRun {
  path: string | null;
  createdAt: string | null;
  errorClass: string | null;
  /** Errors a requeue cleared, oldest first: { error, at, attempts, requeuedAt, requeuedBy }. */
  errorHistory: unknown[];
  progress: unknown;
  /** Per page: { pageNumber, confidence, words, flagged, … } from ocr_confidence. */
  confidence: unknown;
  text: { raw: string | null; boosted: string | null };
}

/** What `q` asks for: an id, or a document number (normalised). Pure. */
export function findQuery(q: string): { id: string | null; number: string | null } {
  const t = q.trim();
  if (t === '') throw new InvalidRequest('empty_query', 'give a document number or id');
  if (isUuid(t)) return { id: t.toLowerCase(), number: normaliseNumber(t) };
  return { id: null, number: normaliseNumber(t) };
}

export async function findDocuments(db: Queryable, env: EnvName, q: string, limit = 20): Promise<FoundDocument[]> {
  const rows = await findRows(db, findQuery(q), limit);
  return rows.map((r: FoundRow) => ({
    env,
    id: r.id,
    source: r.document_source,
    number: r.document_number,
    status: { id: Number(r.status_id), name: statusKey(Number(r.status_id)) },
    path: r.supabase_path,
    createdAt: iso(r.created_at),
    attempts: r.ocr_attempts ?? 0,
    maxAttempts: r.ocr_max_attempts ?? 3,
    worker: r.ocr_worker_id,
    startedAt: iso(r.ocr_started_at),
    completedAt: iso(r.ocr_completed_at),
    error: r.ocr_error,
    errorClass: r.ocr_error ? classifyError(r.ocr_error) : null,
    lastErrorAt: iso(r.ocr_last_error_at),
    nextAttemptAt: iso(r.ocr_next_attempt_at),
    errorHistory: Array.isArray(r.ocr_error_history) ? r.ocr_error_history : [],
    progress: r.ocr_progress ?? null,
    confidence: r.ocr_confidence ?? null,
    text: { raw: r.file_content, boosted: r.boosted_file_content },
  }));
}

export async function requeueDocument(db: Queryable, env: EnvName, id: string, actor: string): Promise<RequeueOneResult> {
  if (!isUuid(id)) throw new InvalidRequest('invalid_id', `document id must be a UUID, got ${JSON.stringify(id.slice(0, 60))}`);
  return requeueOne(db, env, id.toLowerCase(), actor);
}

/** Every document at 4 of one class (and source, when given). */
export async function requeueErrorClass(db: Queryable, env: EnvName, errorClass: string | null | undefined, source: string | null | undefined, actor: string): Promise<number> {
  const c = classFilter(errorClass);
  if (!c) throw new InvalidRequest('missing_class', `give the error class to requeue: one of ${ERROR_CLASS_NAMES.join(', ')}`);
  return requeueClass(db, env, c, sourceFilter(source), actor);
}

function scopeOf(source: string | null | undefined): string {
  const scope = pauseScope(source);
  if (!scope.ok) throw new InvalidRequest('unknown_source', scope.error);
  return scope.source;
}

export async function pause(db: Queryable, env: EnvName, source: string | null | undefined, actor: string, reason: string | null): Promise<{ source: string; already: boolean; pauses: PauseView[] }> {
  const s = scopeOf(source);
  const added = await pauseClaims(db, env, s, actor, reason ? reason.slice(0, 500) : null);
  return { source: s, already: !added, pauses: await readPauses(db) };
}

/** Without a source, every pause of the environment is lifted; with one, that source's only. */
export async function resume(db: Queryable, env: EnvName, source: string | null | undefined, actor: string): Promise<{ lifted: string[]; pauses: PauseView[] }> {
  const s = source == null || source.trim() === '' ? null : scopeOf(source);
  const lifted = await resumeClaims(db, env, s, actor);
  return { lifted, pauses: await readPauses(db) };
}

export async function readActions(db: Queryable, limit = 20): Promise<(Omit<OperatorAction, 'at'> & { at: string | null })[]> {
  return (await latestActions(db, limit)).map((a) => ({ ...a, at: iso(a.at) }));
}
