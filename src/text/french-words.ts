/**
 * The French word list (the `an-array-of-french-words` npm package: ~336,000 inflected forms, lower
 * case, offline), looked up as read or by its accent-folded form. The OCR engine asks it whether a
 * reading is French (src/ocr/text-layer.ts, src/ocr/second-opinion.ts); the boost spells with it
 * (src/boost/french.ts).
 */
import { createRequire } from 'node:module';
import { foldAccents } from './fold';

export interface FrenchDictionary {
  has(word: string): boolean;
  /** The only dictionary word that folds (accents removed, lower case) to `key`, or undefined/null (none / several). */
  byFold(key: string): string | null | undefined;
}

export function makeDictionary(words: Iterable<string>): FrenchDictionary {
  // One map, keyed by the folded form, holding the word or the words that fold to it: half the memory
  // of a Set plus a Map (≈336,000 forms).
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
    has: (w) => {
      const e = folds.get(foldAccents(w));
      return e !== undefined && (e === w || (typeof e !== 'string' && e.includes(w)));
    },
    byFold: (k) => {
      const e = folds.get(k);
      return e === undefined ? undefined : typeof e === 'string' ? e : null;
    },
  };
}

let cached: FrenchDictionary | null = null;

/** The word list, loaded once per thread (≈0.7 s, ≈50 MB of heap). */
export function frenchDictionary(): FrenchDictionary {
  if (!cached) {
    const require = createRequire(__filename);
    cached = makeDictionary(require('an-array-of-french-words') as string[]);
  }
  return cached;
}
