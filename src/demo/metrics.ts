/**
 * OCR quality scores, computed exactly as ocr_metrics.py (the team's scorer; a copy is in test/fixtures/tools/) does (with `--canonical`), so the
 * demo's numbers can be checked against the team's scoring script (test/demo/metrics.test.ts does).
 *
 * Python's `re` and `str` are Unicode-aware where JavaScript's are not, so each rule is spelt out:
 *   - `\s`, `str.split()`, `str.strip()`: Python's whitespace set (PY_SPACE), which includes the
 *     information separators U+001C–U+001F and U+0085 and excludes U+FEFF, unlike JavaScript's `\s`;
 *   - `\w`: letters, numbers and `_` of any script (`[\p{L}\p{N}_]`); `\d`: `\p{Nd}`;
 *   - `(?m)^` / `$`: only `\n` ends a line (JavaScript's `m` flag would also break at `\r`, U+2028, U+2029);
 *   - `len()` and Levenshtein count code points, not UTF-16 units;
 *   - the script reads its inputs as text files, which turns `\r\n` and a lone `\r` into `\n`: so does `prepare`.
 * Characters assigned after the Python build's Unicode version (14.0 for Python 3.11) may classify
 * differently; nothing in French text does.
 */
import { editDistance } from '../util/edit-distance';

const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WORD = '[\\p{L}\\p{N}_]';
const BOL = '(?<=^|\\n)';
const EOL = '(?=\\n|$)';

const PAGE_SEPARATOR = new RegExp(`${BOL}[ \\t]*-{2,}[ \\t]*Page[ \\t]+\\p{Nd}+[ \\t]*-{2,}[ \\t]*${EOL}`, 'gu');
const TABLE_RULE = new RegExp(`${BOL}[ \\t]*\\|?[ \\t]*:?-{3,}:?[ \\t]*(\\|[ \\t]*:?-{3,}:?[ \\t]*)*\\|?[ \\t]*${EOL}`, 'gu');
const APOSTROPHES = /[\u2018\u2019\u02bc`\u00b4]/gu;
const DOUBLE_QUOTES = /[\u201c\u201d\u00ab\u00bb\u201e"]/gu;
const LINE_END_HYPHEN = new RegExp(`(${WORD})-[ \\t]*\\n[ \\t]*(${WORD})`, 'gu');
const SPACE_BEFORE_PUNCT = /[ \t]+([;:!?])/gu;
const SPACE_RUN = new RegExp(`[${PY_SPACE}]+`, 'gu');
const EDGE_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'gu');
const DIGIT_I = /(?<=\p{Nd})I|I(?=\p{Nd})/gu;

/**
 * `canonical()` of ocr_metrics.py: NFKC, page separators and Markdown table syntax removed, one apostrophe,
 * double quotes and guillemets dropped, line-end hyphenation joined, no space before `; : ! ?`.
 */
export function canonical(text: string): string {
  let t = text.normalize('NFKC');
  t = t.replace(PAGE_SEPARATOR, ' ');
  t = t.replace(TABLE_RULE, ' ');
  t = t.replaceAll('|', ' ');
  t = t.replace(APOSTROPHES, "'");
  t = t.replace(DOUBLE_QUOTES, ' ');
  t = t.replace(LINE_END_HYPHEN, '$1$2');
  t = t.replace(SPACE_BEFORE_PUNCT, '$1');
  return t;
}

export interface ScoreOptions {
  /** `--canonical` (default true here: the project scores with it). */
  canonical?: boolean;
  /** `--fold-digit-I`: a typewriter `I` next to a digit counts as `1`. */
  foldDigitI?: boolean;
}

/** `prep()` of ocr_metrics.py: what is actually compared. */
export function prepare(text: string, options: ScoreOptions = {}): string {
  const read = text.replace(/\r\n?/g, '\n');
  let t = options.canonical === false ? read : canonical(read);
  t = t.normalize('NFC').replaceAll('\f', ' ').replaceAll('\u2019', "'");
  if (options.foldDigitI) for (let i = 0; i < 3; i++) t = t.replace(DIGIT_I, '1');
  return t.replace(SPACE_RUN, ' ').replace(EDGE_SPACE, '');
}

export interface TextScore {
  /** Characters (code points) and words of the prepared ground truth. */
  gtChars: number;
  gtWords: number;
  /** Levenshtein over code points / ground-truth length (order-sensitive). */
  cer: number;
  /** Levenshtein over words / ground-truth word count. */
  wer: number;
  /** Bag-of-words F1 (multiset overlap of words): insensitive to reading order, for tables. */
  bowF1: number;
  bowRecall: number;
}

/** `score()` of ocr_metrics.py, canonical by default. */
export function score(groundTruth: string, hypothesis: string, options: ScoreOptions = {}): TextScore {
  const g = prepare(groundTruth, options);
  const h = prepare(hypothesis, options);
  const gw = g ? g.split(' ') : [];
  const hw = h ? h.split(' ') : [];
  const counts = new Map<string, number>();
  for (const w of gw) counts.set(w, (counts.get(w) ?? 0) + 1);
  let common = 0;
  for (const w of hw) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      common++;
      counts.set(w, n - 1);
    }
  }
  const prec = hw.length ? common / hw.length : 0;
  const rec = gw.length ? common / gw.length : 0;
  const gc = [...g];
  return {
    gtChars: gc.length,
    gtWords: gw.length,
    cer: editDistance(gc, [...h]) / Math.max(1, gc.length),
    wer: editDistance(gw, hw) / Math.max(1, gw.length),
    bowF1: prec + rec ? (2 * prec * rec) / (prec + rec) : 0,
    bowRecall: rec,
  };
}
