/**
 * Persist a job's progress (Postgres is the source of truth: docs/contract.md, "Progress is shared state"). Fenced: a worker that lost its
 * claim cannot overwrite the progress of the claim that replaced it.
 */
import type { Queryable } from '../db/pg';
import { FENCE, fenced, fenceParams } from './fence';
import type { Claim, FencedResult } from './types';

export type Stage = 'claimed' | 'downloading' | 'rendering' | 'ocr' | 'saving' | 'done' | 'failed';

export interface Progress {
  stage: Stage;
  page: number;
  pages: number;
  percent: number;
  message?: string;
  worker: string;
}

/** $1-$3 = the fence (id, worker, attempt), $4 = the progress document (json). */
const SQL = `UPDATE extraction_queue
                SET ocr_progress = $4::jsonb || jsonb_build_object('updatedAt', now())
              WHERE ${FENCE}`;

export async function saveProgress(db: Queryable, claim: Claim, progress: Progress): Promise<FencedResult> {
  const r = await db.query(SQL, [...fenceParams(claim), JSON.stringify(progress)]);
  return fenced(r.rowCount);
}
