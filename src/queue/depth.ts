/** Ready-queue depth per document_source: what the allocator and the operators look at. */
import type { Queryable } from '../db/pg';

export type Depth = Record<string, number>;

const SQL = `SELECT lower(btrim(document_source)) AS document_source, count(*)::int AS n
               FROM extraction_queue
              WHERE status_id = 3 AND supabase_path IS NOT NULL AND btrim(supabase_path) <> ''
                AND coalesce(ocr_attempts, 0) < coalesce(ocr_max_attempts, 3)
              GROUP BY 1`;

export async function readyDepth(db: Queryable): Promise<Depth> {
  const { rows } = await db.query<{ document_source: string; n: number }>(SQL);
  return Object.fromEntries(rows.map((r) => [r.document_source, r.n]));
}
