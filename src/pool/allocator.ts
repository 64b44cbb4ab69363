/**
 * How many workers prefer each mode: a pure function of ready-queue depth, what each mode costs,
 * the configured minimums and the capacity the host has right now. Logged with its inputs and reason.
 *
 * Workers are work-conserving (a worker with nothing of its mode takes the other mode's work), so the
 * allocation decides who serves which backlog first; it never makes a worker idle next to a backlog.
 */
import type { OcrMode } from '../ocr/types';

export interface AllocationInput {
  poolSize: number;
  minIndex: number;
  minActe: number;
  /** Ready documents per mode, over every enabled environment. */
  depth: { index: number; acte: number };
  /** Workers the host can run now (capacity.ts); the rest park between jobs. Default: the pool size. */
  capacity?: number;
  /** Learned seconds per document of each mode: a backlog is weighed in work, not in documents. */
  secondsPerDocument?: { index: number; acte: number };
  /** The allocation in force: kept unless the new ideal is clearly different (no flapping). */
  previous?: Allocation;
}

export interface Allocation {
  /** Active workers preferring index / acte; index + acte = active. */
  index: number;
  acte: number;
  /** Workers allowed to take jobs; poolSize - active are parked. */
  active: number;
  reason: string;
}

/** How far (in workers) the ideal split must move before a worker is switched. */
export const HYSTERESIS = 0.75;

export function allocate(input: AllocationInput): Allocation {
  const active = Math.max(1, Math.min(input.poolSize, input.capacity ?? input.poolSize));
  const parked = input.poolSize - active;
  const parkNote = parked > 0 ? `; ${parked} parked (capacity ${active}/${input.poolSize})` : '';
  // Minimums larger than what may run are cut down to it, index first (config validation rejects
  // minimums above the pool, but capacity can shrink below them).
  const minIndex = Math.min(input.minIndex, active);
  const minActe = Math.min(input.minActe, active - minIndex);
  const free = active - minIndex - minActe;
  const cost = input.secondsPerDocument ?? { index: 1, acte: 1 };
  const work = { index: input.depth.index * cost.index, acte: input.depth.acte * cost.acte };
  const total = work.index + work.acte;

  if (total === 0) {
    const index = minIndex + Math.ceil(free / 2);
    return { index, acte: active - index, active, reason: `queues empty: even split${parkNote}` };
  }

  const ideal = minIndex + (free * work.index) / total;
  const prev = input.previous;
  if (prev && prev.active === active && prev.index >= minIndex && prev.acte >= minActe && Math.abs(prev.index - ideal) < HYSTERESIS) {
    return { ...prev, reason: `kept (ideal index ${ideal.toFixed(2)} within ${HYSTERESIS} of ${prev.index})${parkNote}` };
  }
  let index = Math.round(ideal);
  // A mode with work gets a worker of its own when the minimums leave room for both.
  if (input.depth.index > 0 && index === 0 && free > 0) index = 1;
  if (input.depth.acte > 0 && active - index === 0 && free > 1 && index > minIndex) index -= 1;
  const reason =
    `ready work index ${input.depth.index}×${cost.index.toFixed(1)}s, acte ${input.depth.acte}×${cost.acte.toFixed(1)}s` +
    ` → ${index} index / ${active - index} acte${parkNote}`;
  return { index, acte: active - index, active, reason };
}

/** The mode each slot should have, changing as few slots as possible; slots past `active` keep theirs. */
export function assignModes(current: readonly OcrMode[], target: Pick<Allocation, 'index' | 'active'>): OcrMode[] {
  const next = [...current];
  const active = Math.min(target.active, next.length);
  let index = next.slice(0, active).filter((m) => m === 'index').length;
  for (let i = active - 1; i >= 0 && index > target.index; i--) {
    if (next[i] === 'index') {
      next[i] = 'acte';
      index--;
    }
  }
  for (let i = 0; i < active && index < target.index; i++) {
    if (next[i] === 'acte') {
      next[i] = 'index';
      index++;
    }
  }
  return next;
}

/**
 * How the supervisor decides: the allocation and each slot's mode from what it gathered, and whether a
 * slot with nothing of its mode takes the other mode's work. The pool's is `SUPERVISED`; a benchmark
 * passes its own baseline (bench/pool.ts: fixed modes).
 */
export interface AllocationPolicy {
  decide(input: AllocationInput, current: readonly OcrMode[]): { allocation: Allocation; modes: OcrMode[] };
  readonly workConserving: boolean;
}

export const SUPERVISED: AllocationPolicy = {
  decide(input, current) {
    const allocation = allocate(input);
    return { allocation, modes: assignModes(current, allocation) };
  },
  workConserving: true,
};
