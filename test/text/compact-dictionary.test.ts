import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compactDictionary, wordsOfJsonArray } from '../../src/text/compact-dictionary';
import { frenchDictionary } from '../../src/text/french-words';
import { foldAccents } from '../../src/text/fold';

/** The Map the dictionary was before (fold → word or words): the reference answers. */
function reference(words: string[]) {
  const folds = new Map<string, string | string[]>();
  for (const w of words) {
    const k = foldAccents(w);
    const prev = folds.get(k);
    if (prev === undefined) folds.set(k, w);
    else if (typeof prev === 'string') {
      if (prev !== w) folds.set(k, [prev, w]);
    } else if (!prev.includes(w)) prev.push(w);
  }
  return {
    has: (w: string) => {
      const e = folds.get(foldAccents(w));
      return e !== undefined && (e === w || (typeof e !== 'string' && e.includes(w)));
    },
    byFold: (k: string) => {
      const e = folds.get(k);
      return e === undefined ? undefined : typeof e === 'string' ? e : null;
    },
  };
}

describe('compactDictionary', () => {
  it('answers as the Map did, on a small list (one word per fold, several, the fold itself or not)', () => {
    const words = ['a', 'à', 'après', 'apres', 'élève', 'élevé', 'eleve', 'tableau', 'cœur', 'a'];
    const d = compactDictionary(words, 2); // a tiny expected size: the table grows as words come
    const ref = reference(words);
    for (const w of [...words, 'A', 'Après', 'élève', 'eleve', 'elevé', 'coeur', 'tableaux', '', 'x\u0001', 'a\nb']) {
      expect(d.has(w), w).toBe(ref.has(w));
    }
    for (const k of ['a', 'apres', 'eleve', 'tableau', 'cœur', 'coeur', 'zz', '']) expect(d.byFold(k), k).toBe(ref.byFold(k));
    expect(d.byFold('tableau')).toBe('tableau');
    expect(d.byFold('apres')).toBeNull();
  });

  it('answers as the Map did on the whole French word list', () => {
    const require = createRequire(__filename);
    const text = readFileSync(require.resolve('an-array-of-french-words'), 'utf8');
    const words = JSON.parse(text) as string[];
    expect([...wordsOfJsonArray(text)]).toEqual(words);
    const ref = reference(words);
    const d = frenchDictionary();
    let mismatches = 0;
    for (const w of words) {
      if (!d.has(w)) mismatches++;
      const k = foldAccents(w);
      if (d.byFold(k) !== ref.byFold(k)) mismatches++;
      // Near misses: a letter dropped, a capital.
      const cut = w.slice(1);
      if (d.has(cut) !== ref.has(cut)) mismatches++;
      const cap = w.charAt(0).toUpperCase() + w.slice(1);
      if (d.has(cap) !== ref.has(cap)) mismatches++;
    }
    expect(mismatches).toBe(0);
  }, 60_000);
});

describe('wordsOfJsonArray', () => {
  it('yields the strings of a JSON array, escapes included', () => {
    expect([...wordsOfJsonArray('["a","b c","é"]')]).toEqual(['a', 'b c', 'é']);
    expect([...wordsOfJsonArray('["a\\"b","c"]')]).toEqual(['a"b', 'c']);
    expect([...wordsOfJsonArray('[]')]).toEqual([]);
  });
});
