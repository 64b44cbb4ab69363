/**
 * What throughput and the ETA are computed from (../eta.ts), for one environment, read in one statement
 * with the database's clock: documents and pages completed, and documents arrived, over the last 5, 60 and
 * 1,440 minutes; the backlog per source; pages per document by source; completions per quarter hour over
 * the last 6 hours (the page's chart). check-ocr-queue, GET /api/pool and the page all read this.
 *
 * Cadastral plans are neither arrivals nor completions: they pass to 5 without OCR. A completion is a row
 * at 5 that was claimed (ocr_started_at set); its pages are the pages of its ocr_confidence record (or of
 * its last progress). An arrival is a row created in the window that has reached the OCR queue (3 to 6):
 * the table has no "entered 3 at", so a row the extractor created long before it extracted it counts
 * when it was created.
 */
import type { Queryable } from '../../db/pg';
import { ATTEMPTS_LEFT, DONE_STATUS, FAILED_STATUS, HAS_PDF, PLAN_SOURCE, READY_STATUS, RUNNING_STATUS, SOURCE } from '../ready';

export const PACE_WINDOWS_MINUTES = [5, 60, 1440] as const;
/** The chart: CHART_BUCKETS buckets of CHART_BUCKET_MINUTES, the last one ending now. */
export const CHART_BUCKET_MINUTES = 15;
export const CHART_BUCKETS = 24;

/** Pages of a finished row: its confidence record's pages, else its progress's page count, else 1. */
const PAGES = `coalesce(CASE WHEN jsonb_typeof(ocr_confidence->'pages') = 'array' THEN jsonb_array_length(ocr_confidence->'pages') END,
                        CASE WHEN jsonb_typeof(ocr_progress->'pages') = 'number' THEN (ocr_progress->>'pages')::int END, 1)`;
const NOT_PLAN = `${SOURCE} IS DISTINCT FROM '${PLAN_SOURCE}'`;
const COMPLETED = `status_id = ${DONE_STATUS} AND ocr_started_at IS NOT NULL AND ocr_completed_at IS NOT NULL`;

/** $1 = window lengths in minutes, $2 = chart bucket minutes, $3 = chart buckets. */
const SQL = `
WITH clock AS (SELECT now() AS now),
windows AS (
  SELECT w.minutes,
         (SELECT count(*)::int FROM extraction_queue, clock
           WHERE ${COMPLETED} AND ocr_completed_at > clock.now - w.minutes * interval '1 minute') AS completed,
         (SELECT coalesce(sum(${PAGES}), 0)::int FROM extraction_queue, clock
           WHERE ${COMPLETED} AND ocr_completed_at > clock.now - w.minutes * interval '1 minute') AS pages,
         (SELECT min(ocr_started_at) FROM extraction_queue, clock
           WHERE ${COMPLETED} AND ocr_completed_at > clock.now - w.minutes * interval '1 minute') AS first_started_at,
         (SELECT count(*)::int FROM extraction_queue, clock
           WHERE created_at > clock.now - w.minutes * interval '1 minute'
             AND status_id IN (${READY_STATUS}, ${FAILED_STATUS}, ${DONE_STATUS}, ${RUNNING_STATUS}) AND ${NOT_PLAN}) AS arrivals
    FROM unnest($1::int[]) AS w(minutes)
),
backlog AS (
  SELECT ${SOURCE} AS source,
         count(*) FILTER (WHERE status_id = ${READY_STATUS} AND ${HAS_PDF} AND ${ATTEMPTS_LEFT})::int AS waiting,
         count(*) FILTER (WHERE status_id = ${RUNNING_STATUS})::int AS running,
         coalesce(sum(CASE WHEN jsonb_typeof(ocr_progress->'pages') = 'number' AND jsonb_typeof(ocr_progress->'page') = 'number'
                           THEN greatest((ocr_progress->>'pages')::int - (ocr_progress->>'page')::int + 1, 0) END)
                  FILTER (WHERE status_id = ${RUNNING_STATUS}), 0)::int AS running_pages_left,
         count(*) FILTER (WHERE status_id = ${RUNNING_STATUS} AND coalesce((ocr_progress->>'pages') ~ '^[1-9][0-9]*$', false))::int AS running_known
    FROM extraction_queue
   WHERE status_id IN (${READY_STATUS}, ${RUNNING_STATUS}) AND ${NOT_PLAN}
   GROUP BY 1
),
per_doc AS (
  SELECT ${SOURCE} AS source, avg(${PAGES})::float8 AS avg_pages
    FROM extraction_queue, clock
   WHERE ${COMPLETED} AND ocr_completed_at > clock.now - interval '1 day'
   GROUP BY 1
),
chart AS (
  SELECT b.i,
         count(q.id)::int AS completed,
         coalesce(sum(CASE WHEN q.id IS NOT NULL THEN ${PAGES.replaceAll('ocr_', 'q.ocr_')} END), 0)::int AS pages
    FROM clock CROSS JOIN generate_series(0, $3::int - 1) AS b(i)
    LEFT JOIN extraction_queue q
      ON q.status_id = ${DONE_STATUS} AND q.ocr_started_at IS NOT NULL
     AND q.ocr_completed_at >  clock.now - ($3::int - b.i) * $2::int * interval '1 minute'
     AND q.ocr_completed_at <= clock.now - ($3::int - b.i - 1) * $2::int * interval '1 minute'
   GROUP BY b.i
)
SELECT (SELECT now FROM clock) AS now,
       (SELECT max(ocr_completed_at) FROM extraction_queue WHERE ${COMPLETED}) AS last_completion_at,
       (SELECT coalesce(jsonb_agg(windows ORDER BY minutes), '[]') FROM windows) AS windows,
       (SELECT coalesce(jsonb_agg(backlog ORDER BY source), '[]') FROM backlog) AS backlog,
       (SELECT coalesce(jsonb_agg(per_doc ORDER BY source), '[]') FROM per_doc) AS per_doc,
       (SELECT coalesce(jsonb_agg(chart ORDER BY i), '[]') FROM chart) AS chart`;

export interface PaceRow {
  now: Date;
  last_completion_at: Date | null;
  windows: { minutes: number; completed: number; pages: number; first_started_at: string | null; arrivals: number }[];
  backlog: { source: string | null; waiting: number; running: number; running_pages_left: number; running_known: number }[];
  per_doc: { source: string | null; avg_pages: number }[];
  chart: { i: number; completed: number; pages: number }[];
}

export async function readPaceRow(db: Queryable): Promise<PaceRow> {
  const { rows } = await db.query<PaceRow>(SQL, [PACE_WINDOWS_MINUTES, CHART_BUCKET_MINUTES, CHART_BUCKETS]);
  return rows[0]!;
}
