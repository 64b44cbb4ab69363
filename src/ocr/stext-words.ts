/**
 * A text layer's words, from the characters MuPDF's structured text gives line by line: a word is a run
 * of characters between white space or line ends, its box the union of its characters' quads. The text
 * layer says nothing of confidence (null), and its boxes are the font's (ascender to descender), not
 * the ink's as tesseract's are.
 */
import type { PdfWord } from '../text/page';

/** One character as MuPDF's structured text walks it: its quad (eight numbers, four corners) in page points. */
export interface StextChar {
  c: string;
  quad: readonly number[];
  /** The structured-text line it is on, counted from 0 in MuPDF's order. */
  line: number;
}

/** The words of `chars`, in their order, boxes shifted by the page's origin; `line` renumbered from 0 over the lines that hold a word. */
export function wordsFromChars(chars: readonly StextChar[], originX = 0, originY = 0): PdfWord[] {
  const words: PdfWord[] = [];
  let current: PdfWord | null = null;
  let currentLine = -1;
  let lastStextLine = -1;
  let line = -1;
  for (const ch of chars) {
    if (ch.line !== currentLine) {
      current = null;
      currentLine = ch.line;
    }
    if (/^\s*$/u.test(ch.c)) {
      current = null;
      continue;
    }
    const xs = [ch.quad[0]!, ch.quad[2]!, ch.quad[4]!, ch.quad[6]!].map((x) => x - originX);
    const ys = [ch.quad[1]!, ch.quad[3]!, ch.quad[5]!, ch.quad[7]!].map((y) => y - originY);
    const box = { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
    if (current) {
      current.text += ch.c;
      current.x0 = Math.min(current.x0, box.x0);
      current.y0 = Math.min(current.y0, box.y0);
      current.x1 = Math.max(current.x1, box.x1);
      current.y1 = Math.max(current.y1, box.y1);
      continue;
    }
    if (ch.line !== lastStextLine) {
      lastStextLine = ch.line;
      line++;
    }
    current = { text: ch.c, confidence: null, ...box, line };
    words.push(current);
  }
  return words;
}
