/**
 * Accent folding and case copying: the keys the word lists are looked up by (src/text/french-words.ts,
 * src/boost/lexicon.ts), shared by the OCR engine and the boost.
 */

/** Remove accents and lower-case: the key OCR variants share with the right spelling. */
export function foldAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Write `word` in the case pattern of `like` (all capitals, capitalised, or as it is). */
export function withCase(word: string, like: string): string {
  if (like.length > 1 && like === like.toUpperCase() && like !== like.toLowerCase()) return word.toUpperCase();
  if (/^\p{Lu}/u.test(like)) return word.charAt(0).toUpperCase() + word.slice(1);
  return word;
}
