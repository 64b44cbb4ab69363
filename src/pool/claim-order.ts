/**
 * Which environment a worker looks at first. Prod is served first, but never to the point of starving
 * the others: a weighted round robin (prod 3, staging 2, dev 1) picks the environment tried first on
 * each claim; the others follow in priority order, so an idle worker still takes whatever is ready.
 * With work everywhere, prod gets 1/2 of the claims, staging 1/3, dev 1/6.
 */
import type { EnvName } from '../config';

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
