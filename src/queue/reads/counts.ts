/** Row counts of extraction_queue: check-ocr-queue's table and the status server's /metrics. */
import type { Queryable } from '../../db/pg';
import { READY_FOR_POOL, READY_STATUS } from '../ready';

/** Per status × source, with the upstream's status name. No parameters. */
const WITH_NAMES = `SELECT q.status_id AS status, s.name AS status_name, coalesce(q.document_source, '') AS source, count(*)::int AS n
                      FROM extraction_queue q LEFT JOIN extraction_status s ON s.id = q.status_id
                     GROUP BY q.status_id, s.name, coalesce(q.document_source, '')
                     ORDER BY q.status_id, 3`;

/** The same without extraction_status (a database that lacks it). No parameters. */
const WITHOUT_NAMES = `SELECT status_id AS status, NULL::text AS status_name, coalesce(document_source, '') AS source, count(*)::int AS n
                         FROM extraction_queue GROUP BY status_id, coalesce(document_source, '') ORDER BY status_id, 3`;

/**
 * Per source × status, rows at 3 that the pool cannot take now (backoff, attempts spent, no PDF) counted
 * apart as blocked, so that 'ready' means what it means to the claim and to check-ocr-queue. No parameters.
 */
const WITH_BLOCKED = `SELECT document_source, status_id, (status_id = ${READY_STATUS} AND NOT ${READY_FOR_POOL}) AS blocked, count(*)::int AS n
                        FROM extraction_queue GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

export interface StatusSourceCount {
  status: number;
  status_name: string | null;
  source: string;
  n: number;
}

export async function countByStatusAndSource(db: Queryable, withNames: boolean): Promise<StatusSourceCount[]> {
  return (await db.query<StatusSourceCount>(withNames ? WITH_NAMES : WITHOUT_NAMES)).rows;
}

export interface BlockedCount {
  document_source: string;
  status_id: number;
  blocked: boolean;
  n: number;
}

export async function countWithBlocked(db: Queryable): Promise<BlockedCount[]> {
  return (await db.query<BlockedCount>(WITH_BLOCKED)).rows;
}
