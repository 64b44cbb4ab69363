/**
 * What a scan adds that is not text: specks and rule fragments read as punctuation, margin scribbles and
 * stamps read as short low-confidence lines, page numbers, and running headers and footers (including the
 * banner a digitising library prints on every page). Shared by both modes.
 */
import { alnumCount } from '../text/words';
import { lineConfidence, type Line, type Token } from './lines';

/** A token without letters or digits read below this confidence is a speck or a rule fragment. */
export const SPECK_CONFIDENCE = 60;
/**
 * In a register, a fragment of one or two characters read below FRAGMENT_CONFIDENCE is a smudge, a stamp
 * or the page edge read as text (`i`, `Sa`, `oa` down a margin, which would make a column of its own),
 * not a cell's word. Not applied to prose, where short words are many and losing one costs more.
 */
export const FRAGMENT_CONFIDENCE = 40;
export const FRAGMENT_LENGTH = 2;
/** A short line (≤ SHORT_LINE_TOKENS tokens) read below this mean confidence is not text. */
export const NOISE_LINE_CONFIDENCE = 55;
export const SHORT_LINE_TOKENS = 5;
/** Any line read below this mean confidence is not text (cursive, stamps, a smudge). */
export const GARBAGE_LINE_CONFIDENCE = 35;

/** Marks that carry meaning in both prose and registers even alone: never dropped as specks. */
const MEANINGFUL_MARKS = /^(?:[-–—=:;!?%&"«»“”()]|\.{2,}|…)$/u;

export function isSpeck(t: Token): boolean {
  return t.confidence !== null && t.confidence < SPECK_CONFIDENCE && alnumCount(t.text) === 0 && !MEANINGFUL_MARKS.test(t.text);
}

export function isFragment(t: Token): boolean {
  return t.confidence !== null && t.confidence < FRAGMENT_CONFIDENCE && alnumCount(t.text) <= FRAGMENT_LENGTH;
}

/** Drop speck tokens (and, with `fragments`, short fragments), then lines that read as noise. Blank lines are kept. */
export function dropNoise(lines: Line[], options: { fragments?: boolean } = {}): Line[] {
  const out: Line[] = [];
  for (const line of lines) {
    if (line.length === 0) {
      out.push(line);
      continue;
    }
    const kept = line.filter((t) => !isSpeck(t) && !(options.fragments && isFragment(t)));
    if (kept.length === 0) continue;
    const c = lineConfidence(kept);
    if (c !== null && (c < GARBAGE_LINE_CONFIDENCE || (kept.length <= SHORT_LINE_TOKENS && c < NOISE_LINE_CONFIDENCE))) continue;
    out.push(kept);
  }
  return out;
}

/** `12`, `- 12 -`, `— 3 —`, `(4)`, `Page 5`, `5/12`, `p. 7`: a page number alone on its line. */
const PAGE_NUMBER = /^[\s\-–—(.]*(?:page|p\.)?\s*\d{1,4}(?:\s*(?:\/|sur|of)\s*\d{1,4})?[\s\-–—).]*$/iu;
/** A web address: a digitisation banner or a letterhead footer, not the deed's text. */
const WEB_ADDRESS = /\b(?:https?:\/\/|www\.)\S+|\b[\p{L}\d-]+\.(?:bnf\.fr|gouv\.fr|gouv\.qc\.ca|qc\.ca|com|org|net|fr|ca)\b/iu;

export function isPageNumber(text: string): boolean {
  return PAGE_NUMBER.test(text.trim());
}

/** Lines near the top or bottom of a page that are furniture, not content. How many lines from each edge are looked at. */
export const EDGE_LINES = 2;

/** Mask digits so `Page 3` and `Page 4`, or a dated header, compare equal across pages. */
function furnitureKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
}

/**
 * Remove, within EDGE_LINES non-blank lines of the top or bottom of each page: page numbers, lines with a
 * web address, and running headers/footers (the same line, digits aside, at an edge of at least two pages
 * and at least half of them). `pages` are each page's lines as strings; blank lines are kept.
 * `bareNumbers: false` keeps a number alone on its line (in a register it is more likely a registration
 * number wrapped onto its own line than a folio); decorated ones (`- 3 -`, `Page 3`) still go.
 * `pageNumbers: false` keeps every page number (deeds: see boostDocument).
 */
export function dropPageFurniture(pages: string[][], options: { bareNumbers?: boolean; pageNumbers?: boolean } = {}): string[][] {
  const bare = options.bareNumbers ?? true;
  const numbers = options.pageNumbers ?? true;
  const edgeIndexes = (lines: string[]): number[] => {
    const nonBlank = lines.map((l, i) => (l.trim() ? i : -1)).filter((i) => i >= 0);
    return [...new Set([...nonBlank.slice(0, EDGE_LINES), ...nonBlank.slice(-EDGE_LINES)])];
  };
  const counts = new Map<string, number>();
  for (const lines of pages) {
    const keys = new Set(edgeIndexes(lines).map((i) => furnitureKey(lines[i]!)));
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const repeated = (text: string) => {
    const n = counts.get(furnitureKey(text)) ?? 0;
    return pages.length >= 2 && n >= 2 && n >= pages.length / 2 && alnumCount(text) >= 3;
  };
  return pages.map((lines) => {
    const pageNumber = (s: string) => numbers && isPageNumber(s) && (bare || !/^\s*\d+\s*$/.test(s));
    const drop = new Set(edgeIndexes(lines).filter((i) => pageNumber(lines[i]!) || WEB_ADDRESS.test(lines[i]!) || repeated(lines[i]!)));
    return lines.filter((_, i) => !drop.has(i));
  });
}
