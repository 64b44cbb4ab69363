/**
 * The one correction the OCR stage makes to tesseract's choice between language models.
 *
 * With `fra+eng`, tesseract keeps the English model's reading of a word whenever that model is more
 * certain, and the English model has no accented capitals: `VALLIÈRE`, `LEFÈVRE`, `ÉVALUATION`,
 * `Maître` come out as `VALLIERE`, `LEFEVRE`, `EVALUATION`, `Maitre`. Dropping English entirely costs
 * more than it saves (on the dev set, `fra` alone read the typed pages worse: prose CER 3.1 % vs 3.0 %).
 * So a word read by a secondary model is read again by the primary one alone, and the second reading
 * is kept only when it is the same word with diacritics added: nothing else about the word may change,
 * so a French re-read can restore an accent but never swap a letter the page's own choice got right.
 *
 * A crop read out of context can also invent a mark (`doit` → `doït`). With a word list of the primary
 * language, a re-read that turns a known word into an unknown one is refused. Names, which no list
 * holds, are decided by the re-read alone: the English model could not have written their accents.
 */

import { foldAccents } from '../boost/lexicon';

/** A lower-case word list of the primary language (the boost's `FrenchDictionary` is one). */
export interface WordList {
  has(word: string): boolean;
  /** The only word that folds (accents removed, lower case) to `key`; null when several, undefined when none. */
  byFold(key: string): string | null | undefined;
}

/**
 * True when `reread` is `read` with one or more diacritics added and nothing else changed: same
 * length, and each differing character is a bare letter of `read` that gained a mark in `reread`.
 */
export function addsOnlyDiacritics(read: string, reread: string): boolean {
  const a = [...read.normalize('NFC')];
  const b = [...reread.normalize('NFC')];
  if (a.length !== b.length) return false;
  let added = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    // `b[i]` must decompose into exactly `a[i]` plus combining marks, and `a[i]` carry none itself.
    const bare = a[i]!;
    const marked = b[i]!.normalize('NFD');
    if (bare.normalize('NFD') !== bare || marked.length < 2 || marked[0] !== bare || /\p{M}/u.test(bare)) return false;
    added = true;
  }
  return added;
}

/** `(VALLIÈRE,` → `vallière`: the word without surrounding punctuation, lower case, for a word list. */
function bareWord(token: string): string {
  return token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toLowerCase();
}

/**
 * Whether the re-read `reread` should replace `read`: diacritics added and nothing else, and, when
 * a word list is given, not a known word turned into an unknown one.
 */
export function acceptReread(read: string, reread: string, words?: WordList): boolean {
  if (!addsOnlyDiacritics(read, reread)) return false;
  if (!words) return true;
  return !(words.has(bareWord(read)) && !words.has(bareWord(reread)));
}

/** Below this a re-read is a guess, too weak to overrule the page's own reading even for an accent. */
export const MIN_REREAD_CONFIDENCE = 50;

/**
 * Worth a second reading: read by another model than the primary one, has letters, and could be
 * accepted with diacritics. A known word that is the only one of its unaccented form (`le`, `mai`,
 * `cent`) could not, so it is not read again; that spares most of the re-reads on a French page.
 */
export function wantsPrimaryReread(word: { text: string; lang?: string }, primary: string, words?: WordList): boolean {
  if (word.lang === undefined || word.lang === primary || !/\p{L}/u.test(word.text)) return false;
  if (!words) return true;
  const bare = bareWord(word.text);
  return !(words.has(bare) && words.byFold(foldAccents(bare)) === bare);
}

/**
 * Put corrected words back into tesseract's page text. Words appear in the text in reading order, so
 * each is looked for after the previous one; a word that cannot be found is left as it was (its index
 * is returned in `missed`, so the caller keeps the word list and the text in step).
 */
export function spliceWords(
  text: string,
  words: ReadonlyArray<{ text: string }>,
  replacements: ReadonlyMap<number, string>,
): { text: string; missed: number[] } {
  let out = '';
  let cursor = 0;
  const missed: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.text;
    if (word === '') continue;
    const at = text.indexOf(word, cursor);
    if (at < 0) {
      if (replacements.has(i)) missed.push(i);
      continue;
    }
    const replacement = replacements.get(i);
    out += text.slice(cursor, at) + (replacement ?? word);
    cursor = at + word.length;
  }
  return { text: out + text.slice(cursor), missed };
}
