/**
 * The fence every write after a claim carries: the row must still be at 6 and still be this claim's
 * (same worker id, same attempt). A worker whose lease expired and whose row was re-claimed can never
 * overwrite the newer claim: its write matches no row and is reported as lost.
 *
 * Parameters every fenced statement starts with: $1 = row id, $2 = worker id, $3 = attempt (as claimed).
 */
import { decideOutcome, type Ending, type Outcome } from './outcome';
import { MAX_ATTEMPTS, RUNNING_STATUS } from './ready';
import type { Queryable } from '../db/pg';
import type { Claim, FencedResult } from './types';

export const FENCE = `id = $1 AND status_id = ${RUNNING_STATUS} AND ocr_worker_id = $2 AND ocr_attempts = $3`;

export function fenceParams(claim: Pick<Claim, 'id' | 'workerId' | 'attempt'>): [string, string, number] {
  return [claim.id, claim.workerId, claim.attempt];
}

export function fenced(rowCount: number | null): FencedResult {
  return rowCount === 1 ? { applied: true } : { applied: false, reason: 'lost' };
}

/**
 * The row's attempt limit, read under the fence. $1-$3 = the fence. No row: the claim is lost.
 */
const MAX_UNDER_FENCE = `SELECT ${MAX_ATTEMPTS} AS max_attempts FROM extraction_queue WHERE ${FENCE}`;

/** Passes before giving up on a row whose ocr_max_attempts changes under every write (never seen). */
const MAX_PASSES = 10;

/**
 * Write the outcome `decideOutcome` gives for `ending`, as one fenced statement. The attempt is the
 * fence's, so it is the row's; the limit is the claim's, and `write` must fence on it too
 * (`AND ${MAX_ATTEMPTS} = $4`): if an operator changed the row's ocr_max_attempts since the claim, nothing
 * is written, the limit is read again under the fence and the outcome decided again. The row is so never
 * settled on a limit it no longer has, as when the decision was a CASE inside the UPDATE.
 */
export async function writeOutcome(
  db: Queryable,
  claim: Claim,
  ending: Ending,
  write: (outcome: Outcome, maxAttempts: number) => Promise<number | null>,
): Promise<{ applied: true; outcome: Outcome } | { applied: false; reason: 'lost' }> {
  let maxAttempts = claim.maxAttempts;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const outcome = decideOutcome(ending, { attempt: claim.attempt, maxAttempts });
    if ((await write(outcome, maxAttempts)) === 1) return { applied: true, outcome };
    const { rows } = await db.query<{ max_attempts: number }>(MAX_UNDER_FENCE, fenceParams(claim));
    if (!rows[0]) return { applied: false, reason: 'lost' };
    maxAttempts = rows[0].max_attempts;
  }
  throw new Error(`row ${claim.id}: ocr_max_attempts changed under ${MAX_PASSES} writes in a row; nothing written`);
}
