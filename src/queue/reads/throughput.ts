/** Documents finished and failed over past windows: check-ocr-queue. */
import type { Queryable } from '../../db/pg';
import { DONE_STATUS, FAILED_STATUS } from '../ready';

/** One row per window. $1 = the windows, in seconds. */
const SQL = `
SELECT w.seconds,
       (SELECT count(*)::int FROM extraction_queue
         WHERE status_id = ${DONE_STATUS} AND ocr_started_at IS NOT NULL
           AND ocr_completed_at >= now() - w.seconds * interval '1 second') AS completed,
       (SELECT avg(extract(epoch FROM ocr_completed_at - ocr_started_at))::float8 FROM extraction_queue
         WHERE status_id = ${DONE_STATUS} AND ocr_started_at IS NOT NULL
           AND ocr_completed_at >= now() - w.seconds * interval '1 second') AS avg_s,
       (SELECT count(*)::int FROM extraction_queue
         WHERE status_id = ${FAILED_STATUS} AND ocr_last_error_at >= now() - w.seconds * interval '1 second') AS failed
  FROM unnest($1::int[]) AS w(seconds)`;

export interface ThroughputRow {
  seconds: number;
  completed: number;
  avg_s: number | null;
  failed: number;
}

export async function throughputOver(db: Queryable, windowsSeconds: number[]): Promise<ThroughputRow[]> {
  return (await db.query<ThroughputRow>(SQL, [windowsSeconds])).rows;
}
