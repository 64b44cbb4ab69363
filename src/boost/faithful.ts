/**
 * What the boost may never do to a word, whatever rule proposes it. Deeds and registers are legal
 * records: surnames, place names and spellings must come out as printed, and a correction needs
 * evidence from the page, not only from a word list.
 *
 * - A diacritic that was read is never removed (`Pyrénées` never becomes `Pyrenées`): tesseract does
 *   not invent accents on clean type, but it does drop them, so an accent it saw is the page's.
 * - A word read with high confidence is not turned into another spelling of the same letters
 *   (`boitiers`, printed so, stays; ./french).
 * - Capitalised words (names) are changed only where tesseract doubted the image (./french); their
 *   accents come back from a second reading of the image (src/ocr/second-opinion.ts).
 */

/** The letters of `s` (NFC code points), each with whether it carries a combining mark. */
function marks(s: string): { base: string; marked: boolean }[] {
  return [...s.normalize('NFC')].map((c) => {
    const d = c.normalize('NFD');
    return { base: d[0]!, marked: d.length > 1 && /\p{M}/u.test(d.slice(1)) };
  });
}

/**
 * True when `corrected` has lost a diacritic that `read` carries: with the same number of letters, a
 * letter marked in `read` is bare in `corrected` (a changed mark, `é` → `è`, is not a loss); otherwise,
 * fewer marked letters overall.
 */
export function removesDiacritic(read: string, corrected: string): boolean {
  const a = marks(read);
  const b = marks(corrected);
  if (a.length === b.length) return a.some((l, i) => l.marked && !b[i]!.marked);
  return b.filter((l) => l.marked).length < a.filter((l) => l.marked).length;
}

/** `corrected`, unless it removes a diacritic that was read: then `read`. */
export function keepReadDiacritics(read: string, corrected: string): string {
  return corrected !== read && removesDiacritic(read, corrected) ? read : corrected;
}
