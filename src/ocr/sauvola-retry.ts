/**
 * When a page read (nearly) empty with Otsu's global threshold is read again with Sauvola's local one
 * (the retry itself is `OcrEngine.recognizeOnce`).
 */
import type { OcrWord } from '../text/page';

/**
 * Whether a first pass calls for a Sauvola retry: fewer than `MIN_READABLE_WORDS` readable words, and
 * fewer than `MAX_WORDS_FOR_RETRY` words found at all (a page where tesseract found many words it could
 * not read is handwriting or noise, not text lost to the threshold).
 */
export function wantsSauvolaRetry(words: ReadonlyArray<Pick<OcrWord, 'text' | 'confidence'>>): boolean {
  if (readableWordCount(words) >= MIN_READABLE_WORDS) return false;
  return words.filter((w) => /[\p{L}\p{N}]/u.test(w.text)).length < MAX_WORDS_FOR_RETRY;
}

/** Above this many words found, a nearly unreadable first pass is not retried (see `wantsSauvolaRetry`). */
export const MAX_WORDS_FOR_RETRY = 40;

/** Below this many readable words an OCR'd page is retried with Sauvola binarisation. */
export const MIN_READABLE_WORDS = 5;

/** Words of two or more letters/digits recognised with confidence ≥ 60. */
export function readableWordCount(words: ReadonlyArray<Pick<OcrWord, 'text' | 'confidence'>>): number {
  let n = 0;
  for (const w of words) if (w.confidence >= 60 && (w.text.match(/[\p{L}\p{N}]/gu) ?? []).length >= 2) n++;
  return n;
}
