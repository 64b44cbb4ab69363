/**
 * Where a worker claims from next, pure: which environment first, then which source.
 *
 * Environments: prod is served first, but never to the point of starving the others: a weighted round
 * robin (prod 3, staging 2, dev 1) picks the environment tried first on each claim; the others follow in
 * priority order, so an idle worker still takes whatever is ready. With work everywhere, prod gets 1/2 of
 * the claims, staging 1/3, dev 1/6.
 */
import type { EnvName } from '../config';
import type { OcrMode } from '../ocr/types';

const WEIGHT: Record<EnvName, number> = { prod: 3, staging: 2, dev: 1 };
const PRIORITY: EnvName[] = ['prod', 'staging', 'dev'];

/** The order in which to try the enabled environments for the `tick`-th claim. */
export function environmentOrder(enabled: readonly EnvName[], tick: number): EnvName[] {
  const envs = PRIORITY.filter((e) => enabled.includes(e));
  if (envs.length <= 1) return envs;
  // Interleave so one cycle is e.g. prod, staging, prod, dev, prod, staging (smooth, not bursty).
  const cycle = smoothWeightedCycle(envs);
  const first = cycle[((tick % cycle.length) + cycle.length) % cycle.length]!;
  return [first, ...envs.filter((e) => e !== first)];
}

/** nginx's smooth weighted round robin, unrolled over one full cycle. */
function smoothWeightedCycle(envs: EnvName[]): EnvName[] {
  const total = envs.reduce((s, e) => s + WEIGHT[e], 0);
  const current = new Map(envs.map((e) => [e, 0]));
  const out: EnvName[] = [];
  for (let i = 0; i < total; i++) {
    let best = envs[0]!;
    for (const e of envs) {
      current.set(e, current.get(e)! + WEIGHT[e]);
      if (current.get(e)! > current.get(best)!) best = e;
    }
    current.set(best, current.get(best)! - total);
    out.push(best);
  }
  return out;
}

const OTHER: Record<OcrMode, OcrMode> = { index: 'acte', acte: 'index' };

export interface ClaimOrderInput {
  /** Environments that may be claimed from now: serving, their storage not paused. */
  open: readonly EnvName[];
  /** How many claims this pool has tried before (drives the environments' round robin). */
  tick: number;
  /** The slot's mode: its own source is tried everywhere first. */
  mode: OcrMode;
  /** A slot with nothing of its mode then takes the other mode's work (false only in a benchmark's baseline). */
  workConserving: boolean;
}

/**
 * The (environment, source) pairs to try, in order: own mode everywhere first (in environment order),
 * then the other mode, so an idle worker never sits next to a backlog.
 */
export function claimOrder(input: ClaimOrderInput): { env: EnvName; source: OcrMode }[] {
  const envs = environmentOrder(input.open, input.tick);
  const sources = input.workConserving ? [input.mode, OTHER[input.mode]] : [input.mode];
  return sources.flatMap((source) => envs.map((env) => ({ env, source })));
}
