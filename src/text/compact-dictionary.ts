/**
 * A word list kept in one string and one hash table, for the French dictionary every OCR thread loads
 * (≈336,000 forms). As a `Map` of ≈336,000 small strings it took ≈35 MiB of live heap and ≈66 MiB of RSS
 * per thread (measured: heap total 12 → 75 MiB on load); here it is one string of entries plus an
 * `Int32Array` of slots, ≈12 MiB, with the same answers (test/text/compact-dictionary.test.ts).
 *
 * Entries are keyed by the folded form (`foldAccents`: lower case, no accents), as before: each is
 * `fold \u0001 words \n`, where `words` is empty when the only word is the fold itself, else the words
 * that fold to it joined by \u0002. Slots hold an entry's offset + 1 (0 = empty), open addressing with
 * linear probing, a table of at least twice as many slots as entries.
 *
 * `wordsOfJsonArray` reads the word list's JSON one string at a time, so that the 336,000-string array
 * is never built.
 *
 * The built tables are two typed arrays (`WordTables`: the entries' UTF-16 code units and the slots),
 * which can live in SharedArrayBuffers: the pool builds them once, in a thread of their own that then
 * exits, and every OCR thread reads the same memory. Building leaves ≈55 MiB of garbage strings in the
 * builder's heap, which a thread with a 2 GiB heap limit has no reason to collect soon (measured: heap
 * used 9 → 68 MiB on load, 17 MiB after a forced full GC; RSS +80 MiB per thread).
 */
import { foldAccents } from './fold';

const KEY_END = '\u0001';
const WORD_SEP = '\u0002';
const ENTRY_END = '\n';
/** A key holding a separator could match across entries: no word has one. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the two control characters are the entry format's own separators.
const SEPARATORS = /[\u0001\u0002\n]/;

export interface WordLookup {
  has(word: string): boolean;
  /** The only word that folds to `key`, or undefined (none) / null (several). */
  byFold(key: string): string | null | undefined;
}

/** FNV-1a over UTF-16 code units. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A built word list: every entry's UTF-16 code units, and the hash table of entry offsets + 1. */
export interface WordTables {
  data: Uint16Array;
  slots: Int32Array;
}

export function compactDictionary(words: Iterable<string>, expected = 400_000): WordLookup {
  return dictionaryOver(buildWordTables(words, expected));
}

/** Build the tables; in SharedArrayBuffers when `shared` (to be handed to other threads). */
export function buildWordTables(words: Iterable<string>, expected = 400_000, shared = false): WordTables {
  // Built straight into the table, one entry string per fold (no array of every word, no Map of arrays):
  // the transient heap of the build is what the thread keeps as its high-water mark.
  let size = 1;
  while (size < expected * 2) size *= 2;
  let slots = new Int32Array(size);
  let mask = size - 1;
  let entries: string[] = [];
  const find = (fold: string): number => {
    let i = hash(fold) & mask;
    while (slots[i] !== 0) {
      const e = entries[slots[i]! - 1]!;
      if (e.length > fold.length && e.charCodeAt(fold.length) === 1 && e.startsWith(fold)) return i;
      i = (i + 1) & mask;
    }
    return i;
  };
  for (const w of words) {
    const fold = foldAccents(w);
    if (SEPARATORS.test(fold) || SEPARATORS.test(w)) continue;
    if (entries.length * 2 >= size) {
      // More words than expected: a table twice as large.
      size *= 2;
      mask = size - 1;
      const old = entries;
      slots = new Int32Array(size);
      entries = [];
      for (const e of old) {
        entries.push(e);
        slots[find(e.slice(0, e.indexOf(KEY_END)))] = entries.length;
      }
    }
    const i = find(fold);
    if (slots[i] === 0) {
      entries.push(fold + KEY_END + (w === fold ? '' : w));
      slots[i] = entries.length;
      continue;
    }
    const e = entries[slots[i]! - 1]!;
    const body = e.slice(fold.length + 1);
    const list = body === '' ? [fold] : body.split(WORD_SEP);
    if (!list.includes(w)) entries[slots[i]! - 1] = fold + KEY_END + [...list, w].join(WORD_SEP);
  }
  // Slots now point at entries; make them point at each entry's offset in one flat string.
  const offsets = new Int32Array(entries.length);
  let offset = 0;
  for (let k = 0; k < entries.length; k++) {
    offsets[k] = offset;
    offset += entries[k]!.length + 1;
  }
  for (let i = 0; i < size; i++) if (slots[i] !== 0) slots[i] = offsets[slots[i]! - 1]! + 1;
  const text = entries.join(ENTRY_END) + ENTRY_END;
  entries = [];
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const data = new Uint16Array(buffer(text.length * 2));
  for (let k = 0; k < text.length; k++) data[k] = text.charCodeAt(k);
  if (!shared) return { data, slots };
  const table = new Int32Array(buffer(slots.byteLength));
  table.set(slots);
  return { data, slots: table };
}

const ENTRY_END_CODE = ENTRY_END.charCodeAt(0);
const KEY_END_CODE = KEY_END.charCodeAt(0);

/** Look words up in built tables (this thread's own, or shared by another). */
export function dictionaryOver({ data, slots }: WordTables): WordLookup {
  const mask = slots.length - 1;
  const startsWith = (key: string, start: number): boolean => {
    for (let k = 0; k < key.length; k++) if (data[start + k] !== key.charCodeAt(k)) return false;
    return true;
  };
  /** The words that fold to `key` as stored ('' = the fold itself), or undefined when there are none. */
  const lookup = (key: string): string | undefined => {
    if (SEPARATORS.test(key)) return undefined;
    let i = hash(key) & mask;
    for (;;) {
      const at = slots[i]!;
      if (at === 0) return undefined;
      const start = at - 1;
      if (data[start + key.length] === KEY_END_CODE && startsWith(key, start)) {
        const from = start + key.length + 1;
        return String.fromCharCode(...data.subarray(from, data.indexOf(ENTRY_END_CODE, from)));
      }
      i = (i + 1) & mask;
    }
  };

  return {
    has(word) {
      const key = foldAccents(word);
      const body = lookup(key);
      if (body === undefined) return false;
      if (body === '') return word === key;
      return body === word || body.split(WORD_SEP).includes(word);
    },
    byFold(key) {
      const body = lookup(key);
      if (body === undefined) return undefined;
      if (body === '') return key;
      return body.includes(WORD_SEP) ? null : body;
    },
  };
}

/** The strings of a JSON array of plain strings (no escapes, as in `an-array-of-french-words`), one by one. */
export function* wordsOfJsonArray(text: string): Generator<string> {
  if (text.includes('\\')) {
    // Escapes: not this simple reader's job.
    yield* JSON.parse(text) as string[];
    return;
  }
  let i = text.indexOf('"');
  while (i >= 0) {
    const end = text.indexOf('"', i + 1);
    if (end < 0) return;
    yield text.slice(i + 1, end);
    i = text.indexOf('"', end + 1);
  }
}
