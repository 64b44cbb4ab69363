/** Ready-queue depth per document_source: what the allocator and the operators look at. */
import type { Queryable } from '../db/pg';
import { notPaused } from './claim-pauses';
import { READY, SOURCE } from './ready';

export type Depth = Record<string, number>;

// No parameters. Rows waiting out a retry backoff are not ready: the allocator must not plan workers for them;
// nor for rows of a paused source (claim-pauses.ts), which no claim takes.
const SQL = `SELECT ${SOURCE} AS document_source, count(*)::int AS n FROM extraction_queue WHERE ${READY} AND ${notPaused(SOURCE)} GROUP BY 1`;

export async function readyDepth(db: Queryable): Promise<Depth> {
  const { rows } = await db.query<{ document_source: string; n: number }>(SQL);
  return Object.fromEntries(rows.map((r) => [r.document_source, r.n]));
}
