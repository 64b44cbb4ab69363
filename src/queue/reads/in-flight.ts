/** Documents at 6 (in OCR), oldest first: check-ocr-queue and the status server's in-flight list. */
import type { Queryable } from '../../db/pg';
import { ATTEMPTS, MAX_ATTEMPTS, RUNNING_STATUS } from '../ready';

/** How many, and how many with an expired lease. No parameters. */
const COUNT = `
SELECT count(*)::int AS n, count(*) FILTER (WHERE ocr_lease_expires_at < now())::int AS stuck
  FROM extraction_queue WHERE status_id = ${RUNNING_STATUS}`;

/**
 * The oldest, with ages by the database's clock. $1 = how many.
 * The pattern is written with [0-9], not \d: in a template literal `\d` cooks to `d`, and the pattern
 * then never matched, so progress_age_s was always NULL and check-ocr-queue timed a page from the claim.
 */
const LIST = `
SELECT id, coalesce(document_source, '') AS document_source, document_number, ocr_worker_id,
       ${ATTEMPTS}::int AS attempt, ${MAX_ATTEMPTS}::int AS max_attempts,
       ocr_started_at, extract(epoch FROM now() - ocr_started_at)::float8 AS age_s,
       ocr_lease_expires_at, coalesce(ocr_lease_expires_at < now(), false) AS stuck, ocr_progress, ocr_error,
       CASE WHEN ocr_progress->>'updatedAt' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'
            THEN extract(epoch FROM now() - (ocr_progress->>'updatedAt')::timestamptz)::float8 END AS progress_age_s
  FROM extraction_queue
 WHERE status_id = ${RUNNING_STATUS}
 ORDER BY ocr_started_at NULLS FIRST, id
 LIMIT $1`;

export interface InFlightRow {
  id: string;
  document_source: string;
  document_number: string | null;
  ocr_worker_id: string | null;
  attempt: number;
  max_attempts: number;
  ocr_started_at: Date | null;
  age_s: number | null;
  ocr_lease_expires_at: Date | null;
  stuck: boolean;
  ocr_progress: unknown;
  /** At 6, the error of the attempt before this one (a claim does not clear it). */
  ocr_error: string | null;
  progress_age_s: number | null;
}

export async function countInFlight(db: Queryable): Promise<{ n: number; stuck: number } | undefined> {
  return (await db.query<{ n: number; stuck: number }>(COUNT)).rows[0];
}

export async function listInFlight(db: Queryable, limit: number): Promise<InFlightRow[]> {
  return (await db.query<InFlightRow>(LIST, [limit])).rows;
}
