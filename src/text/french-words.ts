/**
 * The French word list (the `an-array-of-french-words` npm package: ~336,000 inflected forms, lower
 * case, offline), looked up as read or by its accent-folded form. The OCR engine asks it whether a
 * reading is French (src/ocr/text-layer.ts, src/ocr/second-opinion.ts); the boost spells with it
 * (src/boost/french.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compactDictionary, wordsOfJsonArray } from './compact-dictionary';

export interface FrenchDictionary {
  has(word: string): boolean;
  /** The only dictionary word that folds (accents removed, lower case) to `key`, or undefined/null (none / several). */
  byFold(key: string): string | null | undefined;
}

export function makeDictionary(words: Iterable<string>): FrenchDictionary {
  // One string and one hash table (./compact-dictionary): ≈12 MiB instead of ≈66 MiB per thread as a Map.
  return compactDictionary(words);
}

let cached: FrenchDictionary | null = null;

/** The word list, loaded once per thread (≈0.7 s, ≈12 MiB). */
export function frenchDictionary(): FrenchDictionary {
  if (!cached) {
    // Read, not require()d: the module cache would keep the 336,000-string array alive for good.
    // `wordsOfJsonArray` hands the words over one at a time: the array is never built.
    const require = createRequire(__filename);
    const file = require.resolve('an-array-of-french-words');
    cached = makeDictionary(wordsOfJsonArray(readFileSync(file, 'utf8')));
  }
  return cached;
}
