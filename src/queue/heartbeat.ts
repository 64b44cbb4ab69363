/**
 * Extend a running job's lease. A lost fence means another worker owns the row now (our lease expired
 * while we were stalled, or upstream changed the row): the caller must abandon the job.
 */
import type { Queryable } from '../db/pg';
import { FENCE, fenced, fenceParams } from './fence';
import type { Claim, FencedResult } from './types';

/** $1-$3 = the fence (id, worker, attempt), $4 = lease length (ms) from now. */
const SQL = `UPDATE extraction_queue
                SET ocr_lease_expires_at = now() + $4 * interval '1 millisecond'
              WHERE ${FENCE}`;

export async function heartbeat(db: Queryable, claim: Claim, leaseMs: number): Promise<FencedResult> {
  const r = await db.query(SQL, [...fenceParams(claim), leaseMs]);
  return fenced(r.rowCount);
}
