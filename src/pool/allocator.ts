/**
 * How many workers prefer each mode: a pure function of ready-queue depth and the configured minimums.
 * Workers are work-conserving (a worker with nothing of its mode takes the other mode's work), so the
 * allocation is a preference that decides who serves which backlog first, never a cause of idling.
 */
import type { OcrMode } from '../ocr/types';

export interface AllocationInput {
  poolSize: number;
  minIndex: number;
  minActe: number;
  /** Ready documents per mode, over every enabled environment. */
  depth: { index: number; acte: number };
}

export interface Allocation {
  index: number;
  acte: number;
  reason: string;
}

export function allocate(input: AllocationInput): Allocation {
  const { poolSize, depth } = input;
  // Minimums larger than the pool are scaled down to it, index first (config validation prevents it, but
  // the function must stay total).
  const minIndex = Math.min(input.minIndex, poolSize);
  const minActe = Math.min(input.minActe, poolSize - minIndex);
  const free = poolSize - minIndex - minActe;
  const total = depth.index + depth.acte;
  let index: number;
  let reason: string;
  if (total === 0) {
    index = minIndex + Math.ceil(free / 2);
    reason = 'queues empty: even split';
  } else {
    const share = depth.index / total;
    index = minIndex + Math.round(free * share);
    // A mode with work gets at least one worker when the minimums leave room for both.
    if (depth.index > 0 && index === 0 && free > 0) index = 1;
    if (depth.acte > 0 && poolSize - index === 0 && free > 1 && index > minIndex) index -= 1;
    reason = `proportional to ready depth (index ${depth.index}, acte ${depth.acte})`;
  }
  return { index, acte: poolSize - index, reason };
}

/** The mode each slot should have, changing as few slots as possible from `current`. */
export function assignModes(current: readonly OcrMode[], target: Allocation): OcrMode[] {
  const next = [...current];
  let index = next.filter((m) => m === 'index').length;
  for (let i = next.length - 1; i >= 0 && index > target.index; i--) {
    if (next[i] === 'index') {
      next[i] = 'acte';
      index--;
    }
  }
  for (let i = 0; i < next.length && index < target.index; i++) {
    if (next[i] === 'acte') {
      next[i] = 'index';
      index++;
    }
  }
  return next;
}
