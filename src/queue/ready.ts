/**
 * What "ready" means, once. A row is ready when the pool can claim it now: at status 3, with a PDF path,
 * attempts left and no retry backoff pending. The claim, the allocator's depth, check-ocr-queue and the
 * status server's counts all build on these fragments, so a row waiting out its backoff is never planned
 * for, counted or reported as ready by one of them and not by the others.
 *
 * Fragments are SQL over `extraction_queue` without a table alias. READY implies the partial index
 * `extraction_queue_ocr_ready_norm_idx` (status_id = 3 AND supabase_path IS NOT NULL), so the claim can use it.
 */

/** extraction_status ids (the upstream's table) with their upstream names and the short keys we show. */
export const STATUSES = [
  { id: 1, name: 'En attente', key: 'pending' },
  { id: 2, name: 'En traitement', key: 'extracting' },
  { id: 3, name: 'Complété', key: 'ready' },
  { id: 4, name: 'Erreur', key: 'error' },
  { id: 5, name: 'Extraction Complété', key: 'ocr_done' },
  { id: 6, name: 'OCR en traitement', key: 'ocr_running' },
] as const;

export const READY_STATUS = 3;

/** A row at 3 that the pool cannot take now (no PDF path, attempts spent, or backoff pending). */
export const BLOCKED_KEY = 'blocked';

/**
 * The source as the pool reads it: the extractor sometimes writes 'Acte' or ' acte'. The partial ready
 * index (migration 000006) is on this expression, so the claim compares it, never the raw column.
 */
export const SOURCE = `lower(btrim(document_source))`;

/** Sources the workers OCR, as SOURCE reads them (register pages, deeds). */
const OCR_SOURCES = ['index', 'acte'] as const;
/** Every source some worker takes: cadastral plans too, passed to 5 without OCR. */
export const KNOWN_SOURCES = [...OCR_SOURCES, 'plan_cadastraux'] as const;

export const HAS_PDF = `(supabase_path IS NOT NULL AND btrim(supabase_path) <> '')`;
export const ATTEMPTS_LEFT = `(coalesce(ocr_attempts, 0) < coalesce(ocr_max_attempts, 3))`;
export const IN_BACKOFF = `coalesce(ocr_next_attempt_at > now(), false)`;

/** Claimable now. */
export const READY = `(status_id = ${READY_STATUS} AND ${HAS_PDF} AND ${ATTEMPTS_LEFT} AND NOT ${IN_BACKOFF})`;

/**
 * Ready for the pool: claimable under a source a worker takes, or a cadastral plan at 3, which it passes
 * to 5 without a claim. A row of another source ('plan', 'cadastre') is never ready: check-ocr-queue
 * reports it as unknown.
 */
export const READY_FOR_POOL = `(status_id = ${READY_STATUS} AND (coalesce(${SOURCE} = 'plan_cadastraux', false) OR (${SOURCE} IN (${OCR_SOURCES.map((x) => `'${x}'`).join(', ')}) AND ${READY})))`;

/** The short key of a status id (`ready`, `ocr_done`…), `status_N` for one the upstream added. */
export function statusKey(id: number): string {
  return STATUSES.find((s) => s.id === id)?.key ?? `status_${id}`;
}

/** The upstream's name of a status id (`Complété`…). */
export function statusLabel(id: number): string | undefined {
  return STATUSES.find((s) => s.id === id)?.name;
}
