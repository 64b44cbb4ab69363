/**
 * Tesseract's text and its word list describe the same words in the same order. The boost works on
 * lines of tokens that carry the word's confidence, so rules can act only where the engine was unsure.
 */
import type { OcrWord } from '../text/page';

export interface Token {
  text: string;
  /** 0..100; null when the token could not be matched to a recognised word (text-layer pages, edits). */
  confidence: number | null;
  /** The recognised word's box in page pixels, when matched. */
  box?: { x0: number; y0: number; x1: number; y1: number };
}

export type Line = Token[];

/** How far ahead in the word list a token is looked for before it is taken as unmatched. */
const LOOKAHEAD = 4;

/**
 * Split `text` into lines of whitespace-separated tokens and give each token the confidence of the
 * recognised word it is (matched in order; a token that matches nothing nearby gets null). Blank lines
 * are kept as empty arrays: they separate paragraphs.
 */
export function alignLines(text: string, words: ReadonlyArray<Pick<OcrWord, 'text' | 'confidence'> & Partial<OcrWord>>): Line[] {
  let k = 0;
  return text.split('\n').map((line) =>
    line
      .split(/[ \t\u00A0]+/u)
      .filter(Boolean)
      .map((t) => {
        for (let j = k; j < Math.min(words.length, k + LOOKAHEAD); j++) {
          const w = words[j]!;
          if (w.text === t) {
            k = j + 1;
            return w.x0 === undefined
              ? { text: t, confidence: w.confidence }
              : { text: t, confidence: w.confidence, box: { x0: w.x0, y0: w.y0!, x1: w.x1!, y1: w.y1! } };
          }
        }
        return { text: t, confidence: null };
      }),
  );
}

export function lineText(line: Line): string {
  return line.map((t) => t.text).join(' ');
}

/** Mean confidence of a line's matched tokens (null when none matched). */
export function lineConfidence(line: Line): number | null {
  const c = line.filter((t) => t.confidence !== null).map((t) => t.confidence!);
  return c.length ? c.reduce((a, b) => a + b, 0) / c.length : null;
}
