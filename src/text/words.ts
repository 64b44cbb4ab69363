/**
 * What counts as a word of a reading, in one place. Tesseract returns every mark it segmented as a
 * "word" with a confidence: rule debris (`|`, `—`), specks read as `.` or `'`, fragments of a turned page.
 * The OCR's refinements and the boost each ask "is this a real word?", with bars of their own:
 *
 * | bar | confidence | length | who asks, and why that bar |
 * |---|---|---|---|
 * | `hasLetterOrDigit` | any | 1 letter or digit | the mean confidence of a page (flagging, the orientation check), unsure words: a token with no letter or digit is not text at all |
 * | `readableWordCount` | ≥ `READ_CONFIDENCE` (60) | ≥ 2 letters or digits | the Sauvola retry (did a threshold lose the page's text?): any word tesseract read rather than guessed |
 * | routing evidence | ≥ `READ_CONFIDENCE` (60) | a function word | language routing (src/ocr/routing.ts): short words count, if read |
 * | `confidentWordCount` | ≥ `CONFIDENT` (75) | ≥ 3 letters | orientation (src/ocr/orientation.ts): noise read off a turned page is short fragments; three sure letters in a row it rarely makes |
 * | unsure | < `SURE` (80) | 1 letter or digit | the second opinion (src/ocr/second-opinion.ts): below it, the English model is asked too |
 *
 * The bars differ because the questions do; each was measured where it is used (the figures are in the
 * comments there and in docs/benchmarks.md). Changing one changes what pages read.
 */
import type { OcrWord } from './page';

/** A word tesseract read rather than guessed (the Sauvola retry's count, routing's evidence). */
export const READ_CONFIDENCE = 60;
/** A word read with confidence: what readings at different turns of a page are compared on. */
export const CONFIDENT = 75;
/** Below this a word is unsure: it gets a second opinion from every language. */
export const SURE = 80;

type Word = Pick<OcrWord, 'text' | 'confidence'>;

/** At least one letter or digit: punctuation, specks and rule debris are not words. */
export function hasLetterOrDigit(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** Letters and digits in a string. */
export function alnumCount(text: string): number {
  return (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
}

/** Letters in a string (digits not counted). */
export function letterCount(text: string): number {
  return (text.match(/\p{L}/gu) ?? []).length;
}

/** Words of two or more letters or digits read with confidence ≥ `READ_CONFIDENCE`. */
export function readableWordCount(words: ReadonlyArray<Word>): number {
  let n = 0;
  for (const w of words) if (w.confidence >= READ_CONFIDENCE && alnumCount(w.text) >= 2) n++;
  return n;
}

/** Words of three or more letters read with confidence ≥ `CONFIDENT`. */
export function confidentWordCount(words: ReadonlyArray<Word>): number {
  let n = 0;
  for (const w of words) if (w.confidence >= CONFIDENT && letterCount(w.text) >= 3) n++;
  return n;
}
