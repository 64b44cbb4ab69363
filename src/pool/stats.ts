/** What this pool process has done since it started: documents by outcome, pages, time per stage. */
import { noRefinementMs, sumRefinementMs } from '../ocr/page-steps';
import type { RefinementMs } from '../ocr/types';
import { STAGES, type JobOutcome, type PageOutcome, type StageMs } from './job';

export interface PoolStats {
  completed: number;
  failed: number;
  retried: number;
  released: number;
  held: number;
  lost: number;
  /** Jobs whose ending could not be written (database unreachable): their rows were left to their leases. */
  abandoned: number;
  pages: number;
  /** Pages settled by this process's jobs: read, failed (kept without text), resumed (kept by an earlier attempt). */
  pageOutcomes: Record<PageOutcome, number>;
  /** Searchable PDFs of completed documents (OCR_SEARCHABLE_PDF): written, or not (built or stored). */
  searchablePdfs: { written: number; failed: number };
  /** Time completed documents spent in each stage, summed, ms. */
  stageMs: StageMs;
  /** Of `stageMs.recognition`, what each refinement took, summed, ms. */
  refinementMs: RefinementMs;
}

export function emptyStats(): PoolStats {
  return { completed: 0, failed: 0, retried: 0, released: 0, held: 0, lost: 0, abandoned: 0, pages: 0, pageOutcomes: { read: 0, failed: 0, resumed: 0 }, searchablePdfs: { written: 0, failed: 0 }, stageMs: Object.fromEntries(STAGES.map((s) => [s, 0])) as StageMs, refinementMs: noRefinementMs() };
}

/** Count one job's outcome. */
export function countOutcome(stats: PoolStats, outcome: JobOutcome): void {
  switch (outcome.kind) {
    case 'completed':
      stats.completed++;
      stats.pages += outcome.pages;
      for (const s of STAGES) stats.stageMs[s] += outcome.stages[s];
      stats.refinementMs = sumRefinementMs([stats.refinementMs, outcome.refinements]);
      if (outcome.searchablePdf) stats.searchablePdfs[outcome.searchablePdf]++;
      break;
    case 'failed':
      if (outcome.status === 4) stats.failed++;
      else stats.retried++;
      break;
    case 'released':
      stats.released++;
      break;
    case 'held':
      stats.held++;
      break;
    case 'lost':
      stats.lost++;
      break;
    case 'abandoned':
      stats.abandoned++;
      break;
  }
}

export function copyStats(stats: PoolStats): PoolStats {
  return { ...stats, pageOutcomes: { ...stats.pageOutcomes }, searchablePdfs: { ...stats.searchablePdfs }, stageMs: { ...stats.stageMs }, refinementMs: { ...stats.refinementMs } };
}
