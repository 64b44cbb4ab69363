/**
 * Success: 6 → 5 with both texts and the OCR confidence in the same statement, so no reader ever sees a
 * finished row without its boosted text. Fenced: a worker that lost its claim writes nothing.
 * A document flagged low-confidence completes like any other: the flag is in `ocr_confidence`.
 */
import type { DocumentConfidence } from '../text/page';
import type { Queryable } from '../db/pg';
import { FENCE, fenced, fenceParams } from './fence';
import { DONE_STATUS } from './ready';
import type { Claim, FencedResult } from './types';

/**
 * $1-$3 = the fence (id, worker, attempt), $4 = file_content, $5 = boosted_file_content,
 * $6 = final progress (json), $7 = ocr_confidence (json, or NULL).
 */
const SQL = `UPDATE extraction_queue
                SET status_id = ${DONE_STATUS},
                    file_content = $4,
                    boosted_file_content = $5,
                    ocr_completed_at = now(),
                    ocr_error = NULL,
                    ocr_lease_expires_at = NULL,
                    ocr_next_attempt_at = NULL,
                    ocr_progress = $6::jsonb || jsonb_build_object('updatedAt', now()),
                    ocr_confidence = $7::jsonb,
                    ocr_pdf_path = NULL,
                    ocr_pdf_error = NULL,
                    ocr_pdf_at = NULL,
                    updated_at = now()
              WHERE ${FENCE}`;

export interface CompleteInput {
  fileContent: string;
  boostedFileContent: string;
  /** Final progress document (stage done, pages, and anything the pipeline wants to keep). */
  progress: Record<string, unknown>;
  /** Per-page mean word confidence and low-confidence flags (src/boost/confidence.ts); null when unknown. */
  confidence?: DocumentConfidence | null;
}

export async function complete(db: Queryable, claim: Claim, input: CompleteInput): Promise<FencedResult> {
  const r = await db.query(SQL, [
    ...fenceParams(claim),
    stripNul(input.fileContent),
    stripNul(input.boostedFileContent),
    JSON.stringify(input.progress),
    input.confidence ? JSON.stringify(input.confidence) : null,
  ]);
  return fenced(r.rowCount);
}

/** Postgres text cannot hold NUL; OCR of a broken page can produce one. */
function stripNul(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
}
