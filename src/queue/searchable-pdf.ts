/**
 * The searchable PDF of a completed row (OCR_SEARCHABLE_PDF): where it was written, or why it could not
 * be. Written after the row reached 5, fenced on that completion (still 5, same worker, same attempt): a
 * row requeued or completed again since is left alone. `complete` clears all three columns.
 */
import type { Queryable } from '../db/pg';
import { DONE_STATUS } from './ready';
import type { Claim } from './types';

/** $1-$3 = id, worker, attempt of the completing claim; $4 = path or NULL; $5 = error or NULL. */
const SQL = `UPDATE extraction_queue
                SET ocr_pdf_path = $4, ocr_pdf_error = $5, ocr_pdf_at = now()
              WHERE id = $1 AND status_id = ${DONE_STATUS} AND ocr_worker_id = $2 AND ocr_attempts = $3`;

export type SearchablePdfRecord = { path: string } | { error: string };

/** True when the row was still this claim's completion. */
export async function recordSearchablePdf(db: Queryable, claim: Pick<Claim, 'id' | 'workerId' | 'attempt'>, rec: SearchablePdfRecord): Promise<boolean> {
  const r = await db.query(SQL, [claim.id, claim.workerId, claim.attempt, 'path' in rec ? rec.path : null, 'error' in rec ? rec.error.slice(0, 1000) : null]);
  return r.rowCount === 1;
}
