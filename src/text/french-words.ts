/**
 * The French word list (the `an-array-of-french-words` npm package: ~336,000 inflected forms, lower
 * case, offline), looked up as read or by its accent-folded form. The OCR engine asks it whether a
 * reading is French (src/ocr/text-layer.ts, src/ocr/second-opinion.ts); the boost spells with it
 * (src/boost/french.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildWordTables, compactDictionary, dictionaryOver, type WordTables, wordsOfJsonArray } from './compact-dictionary';

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

/**
 * The word list's tables, built from the npm package (≈1 s). `shared`: in SharedArrayBuffers, for a
 * builder thread to hand to the OCR threads (src/pool/word-list.ts).
 */
export function frenchWordTables(shared = false): WordTables {
  // Read, not require()d: the module cache would keep the 336,000-string array alive for good.
  // `wordsOfJsonArray` hands the words over one at a time: the array is never built.
  const require = createRequire(__filename);
  const file = require.resolve('an-array-of-french-words');
  return buildWordTables(wordsOfJsonArray(readFileSync(file, 'utf8')), undefined, shared);
}

/** Look words up in tables built elsewhere (another thread's, shared) instead of building this thread's own. */
export function useFrenchWordTables(tables: WordTables): void {
  cached = dictionaryOver(tables);
}

/** The word list: the tables handed over by `useFrenchWordTables`, or else built here once per thread (≈1 s, ≈12 MiB). */
export function frenchDictionary(): FrenchDictionary {
  cached ??= dictionaryOver(frenchWordTables());
  return cached;
}
