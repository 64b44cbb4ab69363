/**
 * Second reading of the words a secondary language model won (src/ocr/diacritics.ts says why): each is
 * cropped from the page, read by the primary language alone as one line, and its new reading kept only
 * when it adds diacritics and nothing else. Costs ≈8 ms per word re-read (≈20 words on a deed page).
 */
import type { GreyImage } from './pdf';
import { acceptReread, MIN_REREAD_CONFIDENCE, spliceWords, wantsPrimaryReread, type WordList } from './diacritics';
import { PSM, type Recognition, type Recognizer } from './tesseract';
import type { OcrWord } from './types';

export interface RereadReport {
  /** Words read again by the primary language. */
  reread: number;
  /** Of those, words whose reading was replaced. */
  changed: number;
  /** Why the re-read could not run (the page then keeps tesseract's text as it was). */
  failed?: string;
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
 * Re-read with `primary` (a recogniser loaded with the primary language only) every word that
 * another model read and that could gain diacritics. Returns the recognition with accepted readings in both its words and its text.
 */
export async function rereadWithPrimary(
  image: GreyImage,
  recognition: Recognition,
  primaryLang: string,
  /** The recogniser to use; only asked for when some word needs a re-read (it may start a worker). */
  primary: () => Promise<Recognizer>,
  dpi: number,
  /** The primary language's word list, when there is one: see `acceptReread` and `wantsPrimaryReread`. */
  wordList?: WordList,
): Promise<{ recognition: Recognition; report: RereadReport }> {
  const wanted = recognition.words.flatMap((word, i) =>
    wantsPrimaryReread(word, primaryLang, wordList) && word.x1 > word.x0 && word.y1 > word.y0 ? [i] : [],
  );
  if (wanted.length === 0) return { recognition, report: { reread: 0, changed: 0 } };
  const recognizer = await primary();
  const replacements = new Map<number, OcrWord>();
  for (const i of wanted) {
    const word = recognition.words[i]!;
    const again = await recognizer.recognize(cropWord(image, word), PSM.SINGLE_LINE, { dpi });
    const read = again.words.filter((w) => w.text !== '');
    // One word in, one word out: a crop read as two words is not the same word.
    if (read.length !== 1) continue;
    const candidate = read[0]!;
    if (candidate.confidence >= MIN_REREAD_CONFIDENCE && acceptReread(word.text, candidate.text, wordList)) {
      replacements.set(i, { ...word, text: candidate.text, confidence: candidate.confidence, lang: primaryLang });
    }
  }
  const reread = wanted.length;
  if (replacements.size === 0) return { recognition, report: { reread, changed: 0 } };

  const spliced = spliceWords(
    recognition.text,
    recognition.words,
    new Map([...replacements].map(([i, w]) => [i, w.text])),
  );
  for (const i of spliced.missed) replacements.delete(i);
  const words = recognition.words.map((w, i) => replacements.get(i) ?? w);
  return {
    recognition: { ...recognition, text: spliced.text, words },
    report: { reread, changed: replacements.size },
  };
}
