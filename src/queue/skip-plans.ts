/**
 * Cadastral plans are drawings, not text: they pass from 3 to 5 with no content and no OCR, so the
 * extractor sees them finished. Batched, and SKIP LOCKED so several hosts can run it at once. A pause of
 * the environment or of plan_cadastraux (claim-pauses.ts) holds them at 3 like any claim.
 */
import type { Queryable } from '../db/pg';
import { notPaused } from './claim-pauses';
import { DONE_STATUS, PLAN_SOURCE, READY_STATUS, SOURCE } from './ready';

/** $1 = batch size. */
const SQL = `
WITH plans AS (
  SELECT id FROM extraction_queue
   WHERE status_id = ${READY_STATUS} AND ${SOURCE} = '${PLAN_SOURCE}'
     AND ${notPaused(`'${PLAN_SOURCE}'`)}
   LIMIT $1
   FOR UPDATE SKIP LOCKED
)
UPDATE extraction_queue q
   SET status_id = ${DONE_STATUS},
       ocr_completed_at = now(),
       ocr_error = NULL,
       ocr_progress = jsonb_build_object('stage', 'done', 'message', 'plan cadastral: no OCR', 'percent', 100,
                                         'updatedAt', now()),
       updated_at = now()
  FROM plans
 WHERE q.id = plans.id
RETURNING q.id`;

export async function skipPlans(db: Queryable, batch = 500): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(SQL, [batch]);
  return rows.map((r) => r.id);
}
