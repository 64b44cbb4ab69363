/** Ready-queue depth per document_source: what the allocator and the operators look at. */
import type { Queryable } from '../db/pg';
import { READY, SOURCE } from './ready';

export type Depth = Record<string, number>;

// No parameters. Rows waiting out a retry backoff are not ready: the allocator must not plan workers for them.
const SQL = `SELECT ${SOURCE} AS document_source, count(*)::int AS n FROM extraction_queue WHERE ${READY} GROUP BY 1`;

export async function readyDepth(db: Queryable): Promise<Depth> {
  const { rows } = await db.query<{ document_source: string; n: number }>(SQL);
  return Object.fromEntries(rows.map((r) => [r.document_source, r.n]));
}
