/**
 * Levenshtein distance: the fewest insertions, deletions and substitutions (each costing 1) that turn
 * one sequence into the other. Used on code points and words to score OCR (src/demo/metrics.ts) and on
 * variable names to suggest the one a typo meant (src/config.ts). Two rows of the table, the shorter
 * sequence across: linear memory on a page of text.
 */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length < b.length) [a, b] = [b, a];
  if (b.length === 0) return a.length;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (ai === b[j - 1] ? 0 : 1);
      const del = prev[j]! + 1;
      const ins = cur[j - 1]! + 1;
      cur[j] = Math.min(sub, del, ins);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
