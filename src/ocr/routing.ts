/**
 * Language routing (docs/contract.md, "Reading a page": a page is read with the primary language alone
 * unless it is better fitted by another). Reading with `fra+eng` at once makes tesseract run the second model on every word the first
 * is unsure of: 1.5× slower on typed pages, 2× on handwriting, and the English model strips accents off
 * French capitals. So each page is read with the primary language alone, and read again with all the
 * languages at once (as before routing) only when that first reading shows the page to be in another
 * one; the reading that fits better is kept (`fitsBetter`, src/ocr/better-reading.ts). (On the English register sample, all languages read better
 * than English alone: bag-of-words F1 0.837 vs 0.807.)
 *
 * The evidence is function words ("the", "of", "which" against "le", "des", "qui"): every typed page of
 * prose or deed has many, a model of the wrong language still reads them right (they are short and
 * common to both alphabets), register pages of names and numbers and handwriting have few or none, so
 * they are never routed. Languages without a list here are never routed to.
 */
import type { OcrWord } from '../text/page';
import { READ_CONFIDENCE } from '../text/words';

const FUNCTION_WORDS: Record<string, ReadonlySet<string>> = {
  // Words that are not also words of the other list's language ("a", "on", "en", "or", "as" are both).
  fra: new Set(
    'le la les de des du un une et au aux dans par pour sur que qui ne pas est sont avec ce cette ces son sa ses leur leurs il elle ils nous vous ont été être lequel laquelle lesquels dont où mais ou sous entre'.split(' '),
  ),
  eng: new Set(
    'the of and to in is that for by with this which be are was were from at it its his her their have has been shall said hereby whereas whom such any all upon unto herein thereof being'.split(' '),
  ),
};

/** French elisions (l'acte, d'un, qu'il) are French evidence on their own. */
const ELISION: Record<string, RegExp> = { fra: /^(?:[ldjmnst]|qu)['’]\p{L}/iu };

/** A page needs this many function words of another language before it is read again in it. */
export const MIN_ROUTING_EVIDENCE = 8;

/** Whether `lang` has a function-word list (only such languages are routed to). */
export function routable(lang: string): boolean {
  return lang in FUNCTION_WORDS;
}

/** Function words of each of `langs` among confidently read words. */
export function languageEvidence(words: ReadonlyArray<Pick<OcrWord, 'text' | 'confidence'>>, langs: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>(langs.map((l) => [l, 0]));
  for (const w of words) {
    if (w.confidence < READ_CONFIDENCE) continue;
    const token = w.text.normalize('NFC').replace(/^[^\p{L}]+|[^\p{L}'’]+$/gu, '');
    const lower = token.toLowerCase();
    for (const l of langs) {
      if (FUNCTION_WORDS[l]?.has(lower) || ELISION[l]?.test(token)) counts.set(l, counts.get(l)! + 1);
    }
  }
  return counts;
}

/**
 * The other language a page read by `primary` should be read in, or null to keep the primary reading:
 * the routable language with the most function words, when it has at least `MIN_ROUTING_EVIDENCE` and
 * more than the primary language.
 */
export function routeTo(words: ReadonlyArray<Pick<OcrWord, 'text' | 'confidence'>>, primary: string, others: readonly string[]): string | null {
  const candidates = others.filter(routable);
  if (candidates.length === 0) return null;
  const counts = languageEvidence(words, [primary, ...candidates]);
  const own = counts.get(primary)!;
  let best: string | null = null;
  for (const l of candidates) {
    const n = counts.get(l)!;
    if (n >= MIN_ROUTING_EVIDENCE && n > own && (best === null || n > counts.get(best)!)) best = l;
  }
  return best;
}
