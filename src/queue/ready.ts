/**
 * The queue's rules, once: status ids, the default number of attempts, and what "ready" and "exhausted"
 * mean in SQL. (Whether a failed or handed-back job is final or retried is decided in TypeScript, by
 * `decideOutcome` in ./outcome.ts, with the same exhausted rule.)
 *
 * A row is ready when the pool can claim it now: at status 3, with a PDF path, attempts left and no
 * retry backoff pending. The claim, the allocator's depth, check-ocr-queue and the
 * status server's counts all build on these fragments, so a row waiting out its backoff is never planned
 * for, counted or reported as ready by one of them and not by the others.
 *
 * Fragments are SQL over `extraction_queue` without a table alias. READY implies the partial index
 * `extraction_queue_ocr_ready_norm_idx` (status_id = 3 AND supabase_path IS NOT NULL), so the claim can use it.
 */

/** Extracted, waiting for OCR (3): the pool claims from here. */
export const READY_STATUS = 3;
/** OCR failed for good (4): permanent error or attempts exhausted; ocr_error says why. */
export const FAILED_STATUS = 4;
/** OCR done (5): file_content and boosted_file_content written. */
export const DONE_STATUS = 5;
/** Claimed by a worker (6), under a lease. */
export const RUNNING_STATUS = 6;

/** extraction_status ids (the upstream's table) with their upstream names and the short keys we show. */
export const STATUSES = [
  { id: 1, name: 'En attente', key: 'pending' },
  { id: 2, name: 'En traitement', key: 'extracting' },
  { id: READY_STATUS, name: 'Complété', key: 'ready' },
  { id: FAILED_STATUS, name: 'Erreur', key: 'error' },
  { id: DONE_STATUS, name: 'Extraction Complété', key: 'ocr_done' },
  { id: RUNNING_STATUS, name: 'OCR en traitement', key: 'ocr_running' },
] as const;

/**
 * Attempts a row gets when its ocr_max_attempts is NULL (the column's default, migration 000002, is the
 * same 3, but a writer may set NULL). SQL reads a row's limit as MAX_ATTEMPTS, never the raw column.
 */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** A row's attempts so far and its limit, as every statement reads them. */
export const ATTEMPTS = `coalesce(ocr_attempts, 0)`;
export const MAX_ATTEMPTS = `coalesce(ocr_max_attempts, ${DEFAULT_MAX_ATTEMPTS})`;

/** A row at 3 that the pool cannot take now (no PDF path, attempts spent, or backoff pending). */
export const BLOCKED_KEY = 'blocked';

/**
 * The source as the pool reads it: the extractor sometimes writes 'Acte' or ' acte'. The partial ready
 * index (migration 000006) is on this expression, so the claim compares it, never the raw column.
 */
export const SOURCE = `lower(btrim(document_source))`;

/** Sources the workers OCR, as SOURCE reads them (register pages, deeds). */
const OCR_SOURCES = ['index', 'acte'] as const;
/** Cadastral plans: drawings, passed from 3 to 5 without OCR (skip-plans.ts). */
export const PLAN_SOURCE = 'plan_cadastraux';
/** Every source some worker takes: cadastral plans too, passed to 5 without OCR. */
export const KNOWN_SOURCES = [...OCR_SOURCES, PLAN_SOURCE] as const;
/** The row is a cadastral plan (false, not NULL, when document_source is NULL). */
export const IS_PLAN = `coalesce(${SOURCE} = '${PLAN_SOURCE}', false)`;

export const HAS_PDF = `(supabase_path IS NOT NULL AND btrim(supabase_path) <> '')`;
/** Another claim is allowed. Written as `<` (not NOT EXHAUSTED) so the claim's filter reads plainly in plans. */
export const ATTEMPTS_LEFT = `(${ATTEMPTS} < ${MAX_ATTEMPTS})`;
/** Attempts spent: the row may never be claimed again (the TypeScript twin is `isExhausted`, ./outcome.ts). */
export const EXHAUSTED = `(${ATTEMPTS} >= ${MAX_ATTEMPTS})`;
export const IN_BACKOFF = `coalesce(ocr_next_attempt_at > now(), false)`;

/** Claimable now. */
export const READY = `(status_id = ${READY_STATUS} AND ${HAS_PDF} AND ${ATTEMPTS_LEFT} AND NOT ${IN_BACKOFF})`;

/**
 * Ready for the pool: claimable under a source a worker takes, or a cadastral plan at 3, which it passes
 * to 5 without a claim. A row of another source ('plan', 'cadastre') is never ready: check-ocr-queue
 * reports it as unknown.
 */
export const READY_FOR_POOL = `(status_id = ${READY_STATUS} AND (${IS_PLAN} OR (${SOURCE} IN (${OCR_SOURCES.map((x) => `'${x}'`).join(', ')}) AND ${READY})))`;

/** The short key of a status id (`ready`, `ocr_done`…), `status_N` for one the upstream added. */
export function statusKey(id: number): string {
  return STATUSES.find((s) => s.id === id)?.key ?? `status_${id}`;
}

/** The upstream's name of a status id (`Complété`…). */
export function statusLabel(id: number): string | undefined {
  return STATUSES.find((s) => s.id === id)?.name;
}
