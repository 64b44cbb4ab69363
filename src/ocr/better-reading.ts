/**
 * Whether a new reading of a page replaces the one it has: the `keep` of each refinement step
 * (src/ocr/page-steps.ts). There is no single measure, because each refinement is asked a different
 * question, and one measure used for all of them read worse where it did not belong:
 *
 * - `moreReadableWords` (the Sauvola retry): the first reading lost the text to a threshold; the one
 *   that finds more words read rather than guessed wins. Confidence would not do: a near-empty reading
 *   can be sure of its two words.
 * - `turnedReadsAsWell` (orientation): a page read turned is kept when it has nearly as many confident
 *   words as the page as it came. Noise read off a turned page is short and unsure, so counting sure
 *   words of three letters separates the two; the mean confidence of vertical text read by psm 3 can
 *   be as high as upright and still read worse.
 * - `fitsBetter` (a page routed to another language): both readings are of the same text by models that
 *   both know it; tesseract's mean word confidence compares them.
 * - The second opinion decides word by word (`acceptSecondOpinion`, src/ocr/second-opinion.ts): it
 *   replaces single words, never the page's reading.
 */
import type { Recognition } from './tesseract';
import { confidentWordCount, readableWordCount } from '../text/words';

type Reading = Pick<Recognition, 'words' | 'confidence'>;

/** The Sauvola retry replaces the first reading when it has more readable words. */
export function moreReadableWords(before: Reading, after: Reading): boolean {
  return readableWordCount(after.words) > readableWordCount(before.words);
}

/**
 * A turned page's reading replaces the first when it has at least this share of its confident words
 * (and one at least). The sample said to turn; the whole page must agree. A first reading of vertical
 * text can be nearly as confident as the upright one (and still worse), hence 0.9 rather than 1.
 */
export const TURNED_READING_SHARE = 0.9;

export function turnedReadsAsWell(before: Reading, after: Reading): boolean {
  return confidentWordCount(after.words) >= Math.max(1, TURNED_READING_SHARE * confidentWordCount(before.words));
}

/**
 * The all-languages reading of a routed page replaces its primary reading unless it is less sure
 * (tesseract's mean word confidence). A tie goes to it, since the page's function words already said
 * the page is not in the primary language.
 */
export function fitsBetter(before: Pick<Reading, 'confidence'>, after: Pick<Reading, 'confidence'>): boolean {
  return after.confidence >= before.confidence;
}
