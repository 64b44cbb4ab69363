/**
 * French spelling against a word list (the `an-array-of-french-words` npm package: ~336,000 inflected
 * forms, lower case, offline). Deeds are legal records: a word is changed only when the page itself gives
 * a reason to doubt the reading, never on the word list alone (./faithful states the rules). Two uses,
 * both on one word at a time:
 *
 * - **accents**: a word that is not French as read, but is once its accents are restored, and only one
 *   way (`aprés` → `après`, `devolution` → `dévolution`), when tesseract was unsure of it (below
 *   SPELL_CONFIDENCE). Tesseract drops accents and swaps acute and grave on worn type; but a word it read
 *   surely is the spelling on the page (`boitiers` stays, it is how the page spells it);
 * - **one misread letter** in a lower-case word tesseract was unsure of (or any lower-case word of 8+
 *   letters), that is not French as read, nor a French word with other accents: replaced when exactly one
 *   French word is one substitution or one swap of neighbours away (`tableeu` → `tableau`,
 *   `perceprion` → `perception`).
 *
 * Capitalised words are mostly names, which no word list holds: they are changed only below
 * CAPITAL_CONFIDENCE (their accents come back from a second reading of the image instead, in
 * src/ocr/reread.ts). No rule ever removes a diacritic that was read.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compactDictionary, wordsOfJsonArray } from './compact-dictionary';
import { keepReadDiacritics } from './faithful';
import { foldAccents, withCase } from './lexicon';

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

/** Letters tesseract confuses with one another in French text (substitution candidates). */
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœ'];

/** Words shorter than this are never corrected by a letter (too many neighbours). */
export const MIN_CORRECTION_LENGTH = 5;
/**
 * From this length a lower-case word that is not French is corrected by a letter even when tesseract
 * was sure of it (`perceprion` → `perception`, read at 90 %). A lower-case word is not a name, and at
 * this length one edit seldom lands on a French word at all, let alone on two.
 */
export const MIN_SURE_CORRECTION_LENGTH = 8;

function oneEditCandidates(word: string, dict: FrenchDictionary): Set<string> {
  const found = new Set<string>();
  const chars = [...word];
  for (let i = 0; i < chars.length; i++) {
    const orig = chars[i]!;
    for (const c of LETTERS) {
      if (c === orig) continue;
      chars[i] = c;
      const w = chars.join('');
      if (dict.has(w)) found.add(w);
    }
    chars[i] = orig;
  }
  for (let i = 0; i + 1 < chars.length; i++) {
    const s = [...chars];
    [s[i], s[i + 1]] = [s[i + 1]!, s[i]!];
    const w = s.join('');
    if (w !== word && dict.has(w)) found.add(w);
  }
  return found;
}

/**
 * Below this confidence a word that is not French may have one letter corrected, and a lower-case word
 * its accents restored. The word list is a second witness, not the first: a word tesseract read this
 * surely is taken as printed (`boitiers`, the reformed spelling, is not turned into `boîtiers`).
 */
export const SPELL_CONFIDENCE = 90;
/**
 * Capitalised words are mostly names, which no word list holds: they are changed only where tesseract
 * itself doubted what the image shows, i.e. below this confidence.
 */
export const CAPITAL_CONFIDENCE = 75;

/**
 * The French spelling of one bare word (letters and inner hyphens only; no punctuation, no elision), or
 * the word unchanged. `confidence`: tesseract's, 0..100. Whatever the rule, a diacritic that was read
 * is never removed (./faithful).
 */
export function frenchWord(word: string, confidence: number, dict: FrenchDictionary, options: SpellOptions = {}): string {
  if (!/^\p{L}+(?:-\p{L}+)*$/u.test(word) || word.length < 2) return word;
  const lower = word.toLowerCase();
  if (dict.has(lower)) return word;
  if (/^\p{Lu}/u.test(word) && confidence >= CAPITAL_CONFIDENCE) return word;
  const sure = confidence >= SPELL_CONFIDENCE;
  const accented = dict.byFold(foldAccents(word));
  // Read surely, the word is a French word's letters with other accents: a spelling as printed
  // (typewriters without `î`, reformed spellings), not a misreading.
  if (sure && accented !== undefined) return word;
  const capitals = word.length > 1 && word === word.toUpperCase();
  if (accented && (!capitals || options.accentCapitals !== false)) return keepReadDiacritics(word, withCase(accented, word));
  const length = [...word].length;
  if (word === lower && (length >= MIN_SURE_CORRECTION_LENGTH || (!sure && length >= MIN_CORRECTION_LENGTH))) {
    const near = oneEditCandidates(lower, dict);
    if (near.size === 1) return keepReadDiacritics(word, [...near][0]!);
  }
  return word;
}

export interface SpellOptions {
  /** Restore accents on words in capitals (default true); see `capitalsCarryAccents`. */
  accentCapitals?: boolean;
}

/**
 * Whether this document writes accents on capitals. Many typewriters had none (`REUNION`, `ETAT`), and
 * the text is kept as typed; a printed or digital deed has them (`DÉCÈS`). Judged from the document's own
 * words in capitals whose French spelling has an accent: at least half of them carry it as read. With no
 * such word, accents are restored.
 */
export function capitalsCarryAccents(tokens: Iterable<string>, dict: FrenchDictionary): boolean {
  let accented = 0;
  let total = 0;
  for (const t of tokens) {
    const w = t.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
    if (w.length < 3 || w !== w.toUpperCase() || !/^\p{L}+$/u.test(w)) continue;
    const spelt = dict.has(w.toLowerCase()) ? w.toLowerCase() : dict.byFold(foldAccents(w));
    if (!spelt || spelt === foldAccents(spelt)) continue;
    total++;
    if (w !== foldAccents(w).toUpperCase()) accented++;
  }
  return total === 0 || accented * 2 >= total;
}

/** Elided articles and pronouns in front of a word (`l’`, `d’`, `qu’`, …). */
const ELISION = /^((?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’])(.+)$/iu;

/** `frenchWord` on a token: punctuation around it and an elided article are kept as they are. */
export function frenchToken(token: string, confidence: number, dict: FrenchDictionary, options: SpellOptions = {}): string {
  const m = /^([^\p{L}]*)(.*?)([^\p{L}]*)$/u.exec(token);
  if (!m) return token;
  const [, pre, body, post] = m as unknown as [string, string, string, string];
  if (!body) return token;
  const el = ELISION.exec(body);
  if (el) return `${pre}${el[1]}${frenchWord(el[2]!, confidence, dict, options)}${post}`;
  return `${pre}${frenchWord(body, confidence, dict, options)}${post}`;
}
