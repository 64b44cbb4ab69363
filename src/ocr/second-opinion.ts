/**
 * What the primary language alone reads worse than all languages together. With `fra+eng`, tesseract
 * lets the English model read every word the French one is unsure of and keeps the surer reading; on
 * typed French pages that fixes a few words a page (`IB58` → `1858`, `Nessieurs` → `Messieurs`,
 * `1'at` → `J'ai`), and reading with `fra` alone lost them: prose CER 3.0 % vs 2.8 %, boosted 2.0 % vs
 * 1.5 % on the dev set. Running both models over the whole page costs 1.5× the time; here only the
 * words the primary model was unsure of are cropped and read again by all the languages, as one line
 * each, and a new reading is kept when it is surer and passes the guards below.
 */
import type { GreyImage } from './pdf';
import { PSM, type Recognition, type Recognizer } from './tesseract';
import type { OcrWord } from '../text/page';
import { hasLetterOrDigit, SURE } from '../text/words';

/** Words the primary model read with less confidence than this get a second opinion (`SURE`, src/text/words.ts). */
export const UNSURE_BELOW = SURE;
/**
 * A page with more than `MAX_UNSURE_SHARE` of its words unsure is handwriting or noise (the handwritten
 * registers of both development sets: 0.82–0.99 of their words; typed pages 0–0.33): a second opinion on
 * each would cost seconds and the page is flagged as unreadable anyway.
 *
 * Any other page gets one on at most `MAX_UNSURE_WORDS` words, its least sure first: that bounds the time
 * a page can take. It used to give up on the whole page past that count, so a dense typed page (a list of
 * 600 words, 82 of them unsure: 0.14) lost every second opinion that a page half its size got.
 */
export const MAX_UNSURE_WORDS = 80;
export const MAX_UNSURE_SHARE = 0.4;

/** A lower-case word list of the primary language (src/text/french-words.ts's `FrenchDictionary` is one). */
export interface WordList {
  has(word: string): boolean;
}

export interface SecondOpinionReport {
  /** Words read again. */
  asked: number;
  /** Of those, words whose reading was replaced. */
  changed: number;
  /** Why it could not run (the page then keeps the primary reading). */
  failed?: string;
}

/** Indexes (in reading order) of the words worth a second opinion, or [] when the page is not worth it (see `MAX_UNSURE_SHARE`). */
export function unsureWords(words: ReadonlyArray<OcrWord>): number[] {
  const candidates = words.flatMap((w, i) => (w.confidence < UNSURE_BELOW && hasLetterOrDigit(w.text) && w.x1 > w.x0 && w.y1 > w.y0 ? [i] : []));
  const withText = words.filter((w) => hasLetterOrDigit(w.text)).length;
  if (candidates.length > MAX_UNSURE_SHARE * withText) return [];
  if (candidates.length <= MAX_UNSURE_WORDS) return candidates;
  const leastSure = [...candidates].sort((a, b) => words[a]!.confidence - words[b]!.confidence || a - b).slice(0, MAX_UNSURE_WORDS);
  return leastSure.sort((a, b) => a - b);
}

/** `(Vallière,` → `vallière`. */
function bareWord(token: string): string {
  return token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toLowerCase();
}

const stripMarks = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');

/**
 * Whether a second reading replaces the first: surer, still a word (letters or digits), not the same
 * word with its accents dropped (the English model has no accented capitals: `ÉVALUATION` must not
 * become `EVALUATION`), and not a known word of the primary language turned into an unknown one.
 */
export function acceptSecondOpinion(first: Pick<OcrWord, 'text' | 'confidence'>, second: Pick<OcrWord, 'text' | 'confidence'>, words?: WordList): boolean {
  if (second.text === first.text || second.confidence <= first.confidence || !hasLetterOrDigit(second.text)) return false;
  if (stripMarks(first.text) === second.text) return false;
  return !(words?.has(bareWord(first.text)) && !words.has(bareWord(second.text)));
}

/**
 * The word's box on white, with a margin of half its height: neighbours are blanked rather than cut,
 * so the crop cannot pick up half a letter from the next word.
 */
export function cropWord(image: GreyImage, box: Pick<OcrWord, 'x0' | 'y0' | 'x1' | 'y1'>): GreyImage {
  const x0 = Math.max(0, Math.min(image.width, box.x0));
  const x1 = Math.max(x0, Math.min(image.width, box.x1));
  const y0 = Math.max(0, Math.min(image.height, box.y0));
  const y1 = Math.max(y0, Math.min(image.height, box.y1));
  const pad = Math.max(4, Math.round((y1 - y0) / 2));
  const width = x1 - x0 + 2 * pad;
  const height = y1 - y0 + 2 * pad;
  const pixels = new Uint8Array(width * height).fill(255);
  for (let y = y0; y < y1; y++) {
    pixels.set(image.pixels.subarray(y * image.width + x0, y * image.width + x1), (y - y0 + pad) * width + pad);
  }
  return { width, height, pixels };
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

/**
 * Read the unsure words of `recognition` again with `all` (a recogniser loaded with every language)
 * and splice the accepted readings into its words and text. A replaced word's confidence becomes the
 * mean of both readings': the boost drops low-confidence lines as noise, and a noise line read again
 * must not become sure of itself.
 */
export async function secondOpinion(
  image: GreyImage,
  recognition: Recognition,
  indexes: readonly number[],
  all: Recognizer,
  dpi: number,
  words?: WordList,
): Promise<{ recognition: Recognition; report: SecondOpinionReport }> {
  const replacements = new Map<number, OcrWord>();
  for (const i of indexes) {
    const word = recognition.words[i]!;
    const again = await all.recognize(cropWord(image, word), PSM.SINGLE_LINE, { dpi });
    const read = again.words.filter((w) => w.text !== '');
    // One word in, one word out: a crop read as two words is not the same word.
    if (read.length !== 1) continue;
    if (acceptSecondOpinion(word, read[0]!, words)) {
      replacements.set(i, { ...word, text: read[0]!.text, confidence: (word.confidence + read[0]!.confidence) / 2 });
    }
  }
  const report = { asked: indexes.length, changed: replacements.size };
  if (replacements.size === 0) return { recognition, report };
  const spliced = spliceWords(recognition.text, recognition.words, new Map([...replacements].map(([i, w]) => [i, w.text])));
  for (const i of spliced.missed) replacements.delete(i);
  return {
    recognition: { ...recognition, text: spliced.text, words: recognition.words.map((w, i) => replacements.get(i) ?? w) },
    report: { ...report, changed: replacements.size },
  };
}
