/**
 * Deeds (prose): one page's cleaned lines → paragraphs. Rules come from French typography and from how
 * typewritten and printed deeds are made, never from a particular page:
 *
 * - typewriters had no dash key: `=` glued to a word is a hyphen or a dash (`inter=` / `vention`,
 *   `interprétons=la`), and `=` opening a line is a list dash;
 * - a word cut at the end of a line (`Lam-` / `bert`) is joined when the next line goes on in lower case;
 *   before a capital the hyphen is the name's own and stays (`Saint-` / `Égrève` → `Saint-Égrève`);
 * - the lines of a paragraph are reflowed into one line; a short line (signature, address, heading)
 *   keeps its break; a paragraph that opens in lower case continues the one before;
 * - French typography: no space before `,` `.` `)` or after `(`; a plain space before `; : ! ?`;
 *   typographic apostrophe `’` (one, where OCR doubled it); `à` for a capital `A` alone inside a
 *   sentence; « guillemets » for paired straight or curly double quotes; ligatures
 *   (`ﬁ`, `ﬂ`, …) spelt out;
 * - confusions a typewriter face invites are fixed only in words tesseract was unsure of
 *   (LOW_CONFIDENCE): `1'` for `l'` before a word, a digit inside a word of letters (`0`→`o`, `1`→`l`);
 * - French spelling (./french): accents restored on words that are French only with them, one misread
 *   letter fixed in unsure lower-case words. Text-layer words are never changed.
 */
import type { FrenchDictionary } from '../text/french-words';
import { frenchToken, type SpellOptions } from './french';
import { keepReadDiacritics } from './faithful';
import type { Line, Token } from './lines';
import { isPageNumber } from './noise';

/** Below this word confidence a word may be corrected. */
export const LOW_CONFIDENCE = 75;
/** A line shorter than this share of the paragraph's longest line ends a line of its own. */
export const SHORT_LINE_RATIO = 0.6;

const LIGATURES: Record<string, string> = { 'ﬀ': 'ff', 'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'st', 'ﬆ': 'st' };

/** Corrections of one token that tesseract was unsure of. */
export function fixLowConfidenceWord(text: string): string {
  // French elision: `1'` / `1’` before a letter is `l'`.
  let t = text.replace(/^([(«"]?)1(['’])(?=\p{L})/u, '$1l$2');
  // A lone digit inside a word that is otherwise letters: 0 → o, 1 → l (`v0us`, `vi1le`).
  if (/^[\p{L}01]+[.,;:!?]?$/u.test(t) && (t.match(/\p{L}/gu) ?? []).length >= 2 && (t.match(/[01]/g) ?? []).length === 1) {
    t = t.replace(/(?<=\p{Ll})0(?=\p{Ll})/u, 'o').replace(/(?<=\p{Ll})1(?=\p{Ll})/u, 'l');
  }
  return t;
}

/** Typewriter `=` used for the hyphen and the dash. */
export function typewriterDashes(line: string): string {
  return line
    .replace(/^=(?=\s)/u, '-')
    .replace(/(?<=\s)=(?=\s)/gu, '-')
    .replace(/(?<=\p{L})=(?=\p{L}|\s|$)/gu, '-')
    .replace(/(?<=\s)=(?=\p{L})/gu, '-');
}

/** French typography on one paragraph (already reflowed). */
export function frenchTypography(text: string): string {
  let t = text.replace(/[ﬀ-ﬆ]/gu, (c) => LIGATURES[c] ?? c);
  t = t.replace(/(?<=\p{L})['‘’`´ʼ]{1,3}(?=\p{L})/gu, '’');
  // The preposition à inside a sentence, read as a capital A (typewriters and OCR both lose the accent).
  t = t.replace(/(?<=[\p{Ll},] )A(?= \p{Ll})/gu, 'à');
  // No space before , . ) and none after ( ; but keep `...` fillers and spaced ellipses alone.
  t = t.replace(/(?<=[\p{L}\p{N}])[ \t]+([,.)])(?=[\s\p{L}]|$)/gu, (m, p: string, offset: number, all: string) => (p === '.' && all[offset + m.length] === '.' ? m : p));
  t = t.replace(/\([ \t]+(?=\p{L})/gu, '(');
  // One plain space before ; : ! ? (French); none doubled.
  t = t.replace(/(?<=[\p{L}\p{N})»])([;!?])/gu, ' $1').replace(/(?<=\p{L})(:)(?=\s|$)/gu, ' $1');
  // Paired double quotes → « guillemets » (only when they pair up within the paragraph).
  const quotes = t.match(/["“”]/gu) ?? [];
  if (quotes.length >= 2 && quotes.length % 2 === 0) {
    let open = true;
    t = t.replace(/[ \t]*["“”][ \t]*/gu, (m) => {
      const lead = /^[ \t]/.test(m);
      const trail = /[ \t]$/.test(m);
      const s = open ? `${lead ? ' ' : ''}«\u00A0` : `\u00A0»${trail ? ' ' : ''}`;
      open = !open;
      return s;
    });
  }
  return t.replace(/[ \t]{2,}/g, ' ').trim();
}

/**
 * Join a paragraph's lines: a line ending in a hyphen after a letter, followed by a line that goes on in
 * lower case, is one word cut in two; a long line runs on into the next; a short one keeps its break.
 */
export function reflow(lines: readonly string[]): string[] {
  const longest = Math.max(0, ...lines.map((l) => l.length));
  const out: string[] = [];
  let cur = '';
  let runsOn = false;
  for (const line of lines) {
    if (!cur) cur = line;
    else if (/\p{L}-$/u.test(cur) && /^\p{Ll}/u.test(line)) cur = cur.slice(0, -1) + line;
    else if (/\p{L}-$/u.test(cur) && /^\p{Lu}/u.test(line)) cur += line; // Saint- / Égrève: a compound name
    else if (runsOn && !isPageNumber(line)) cur = `${cur} ${line}`; // a folio (`- 2 -`) keeps its own line
    else {
      out.push(cur);
      cur = line;
    }
    runsOn = line.length >= SHORT_LINE_RATIO * longest && !/:$/.test(line);
  }
  if (cur) out.push(cur);
  return out;
}

export interface ActeOptions extends SpellOptions {
  /** French word list for accents and one-letter fixes (./french); none: no spelling rules. */
  dictionary?: FrenchDictionary;
}

/** One recognised word, corrected: look-alike digits first (unsure words), then French spelling. */
function fixToken(t: Token, options: ActeOptions): string {
  if (t.confidence === null) return t.text; // a text layer is what the author typed
  const unsure = t.confidence < LOW_CONFIDENCE;
  const text = unsure ? fixLowConfidenceWord(t.text) : t.text;
  const spelt = options.dictionary ? frenchToken(text, t.confidence, options.dictionary, options) : text;
  return keepReadDiacritics(t.text, spelt);
}

/**
 * Which tokens are halves of a word cut at a line end (`profes-` / `seur`): the last token of a line
 * that ends in a letter and a hyphen, and the first of the next line when it goes on in lower case.
 * Neither half is a word: the word list must not "correct" it (`profes-` → `profès-`, `fication` →
 * `fixation`, both seen on the wider set), and reflow() joins them as read.
 */
export function cutWordHalves(lines: readonly Line[]): Set<Token> {
  const halves = new Set<Token>();
  const nonEmpty = lines.filter((l) => l.length > 0);
  for (let i = 0; i + 1 < nonEmpty.length; i++) {
    const last = nonEmpty[i]!.at(-1)!;
    const first = nonEmpty[i + 1]![0]!;
    if (/\p{L}-$/u.test(last.text) && /^\p{Ll}/u.test(first.text)) {
      halves.add(last);
      halves.add(first);
    }
  }
  return halves;
}

/** One page of a deed: aligned, de-noised lines → text (paragraphs separated by a blank line). */
export function boostActePage(lines: Line[], options: ActeOptions = {}): string {
  const halves = cutWordHalves(lines);
  const spell = (t: Token) => (halves.has(t) ? fixToken(t, { ...options, dictionary: undefined }) : fixToken(t, options));
  const text = lines.map((line) => typewriterDashes(line.map(spell).join(' ')));
  const paragraphs: string[][] = [];
  let cur: string[] = [];
  for (const l of text) {
    if (l.trim()) cur.push(l.trim());
    else if (cur.length) {
      paragraphs.push(cur);
      cur = [];
    }
  }
  if (cur.length) paragraphs.push(cur);
  // French paragraphs open with a capital: one that opens in lower case continues the previous one
  // (tesseract split it at a wide line gap), and a word cut across that split is joined.
  for (let i = paragraphs.length - 1; i > 0; i--) {
    if (/^\p{Ll}/u.test(paragraphs[i]![0]!)) paragraphs.splice(i - 1, 2, [...paragraphs[i - 1]!, ...paragraphs[i]!]);
  }
  return paragraphs.map((p) => reflow(p).map(frenchTypography).join('\n')).join('\n\n');
}
