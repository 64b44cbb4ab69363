/**
 * When a page read (nearly) empty with Otsu's global threshold is read again with Sauvola's local one
 * (the retry is the `sauvola` page step, src/ocr/steps/sauvola.ts). Otsu's threshold can lose every
 * character on tinted, low-contrast paper (one dev page: 0 words, then 86 % word recall with Sauvola).
 */
import type { OcrWord } from '../text/page';
import { hasLetterOrDigit, readableWordCount } from '../text/words';

/**
 * Whether a first pass calls for a Sauvola retry: fewer than `MIN_READABLE_WORDS` readable words, and
 * fewer than `MAX_WORDS_FOR_RETRY` words found at all (a page where tesseract found many words it could
 * not read is handwriting or noise, not text lost to the threshold).
 */
export function wantsSauvolaRetry(words: ReadonlyArray<Pick<OcrWord, 'text' | 'confidence'>>): boolean {
  if (readableWordCount(words) >= MIN_READABLE_WORDS) return false;
  return words.filter((w) => hasLetterOrDigit(w.text)).length < MAX_WORDS_FOR_RETRY;
}

/** Above this many words found, a nearly unreadable first pass is not retried (see `wantsSauvolaRetry`). */
export const MAX_WORDS_FOR_RETRY = 40;

/** Below this many readable words an OCR'd page is retried with Sauvola binarisation. */
export const MIN_READABLE_WORDS = 5;
