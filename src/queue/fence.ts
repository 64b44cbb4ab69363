/**
 * The fence every write after a claim carries: the row must still be at 6 and still be this claim's
 * (same worker id, same attempt). A worker whose lease expired and whose row was re-claimed can never
 * overwrite the newer claim: its write matches no row and is reported as lost.
 */
import type { Claim, FencedResult } from './types';

export const FENCE = 'id = $1 AND status_id = 6 AND ocr_worker_id = $2 AND ocr_attempts = $3';

export function fenceParams(claim: Pick<Claim, 'id' | 'workerId' | 'attempt'>): [string, string, number] {
  return [claim.id, claim.workerId, claim.attempt];
}

export function fenced(rowCount: number | null): FencedResult {
  return rowCount === 1 ? { applied: true } : { applied: false, reason: 'lost' };
}
