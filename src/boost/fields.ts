/**
 * Fields of a register entry: dates, registration numbers and their abbreviations. Letter/digit
 * confusions (O→0, l/I/|→1, S→5, B→8) are fixed only inside a field that is numeric by shape, never in
 * words.
 */

const DIGIT_FOR: Record<string, string> = { O: '0', o: '0', D: '0', Q: '0', l: '1', I: '1', '|': '1', i: '1', S: '5', B: '8', Z: '2' };
const CONFUSABLE = 'OoDQlI|iSBZ';
const NUMERIC_CHAR = new RegExp(`[0-9${CONFUSABLE.replace('|', '\\|')}]`);

/**
 * A run of digits that OCR may have spelt with look-alike letters, e.g. `I98O` → `1980`, `4S21` → `4521`.
 * Only when at least half the characters are real digits (so `Il`, `Bob` or `SO` stay words).
 */
export function fixDigits(run: string): string {
  if (![...run].every((c) => NUMERIC_CHAR.test(c))) return run;
  const digits = (run.match(/\d/g) ?? []).length;
  if (digits === 0 || digits * 2 < run.length) return run;
  return run.replace(/[^0-9]/g, (c) => DIGIT_FOR[c] ?? c);
}

const DATE = new RegExp(`^([(\\[]?)([0-9${CONFUSABLE.replace('|', '\\|')}]{1,2})([./-])([0-9${CONFUSABLE.replace('|', '\\|')}]{1,2})([./-])([0-9${CONFUSABLE.replace('|', '\\|')}]{2,4})([.,;)\\]]?)$`);

/**
 * A numeric date (day first, as French and Québec registers write it) with its look-alike letters fixed
 * (`l4/O3/1962` → `14/03/1962`), written as printed otherwise: separators and digits are kept
 * (`4-3-1962` stays). Rewriting dates to `DD/MM/YYYY` was measured and dropped (issue 30): the 12 list
 * pages of the wider set print `10-1-1909`, and the rewrite cost 0.005 mean F1 there and nothing gained
 * on the shared set. A token that is not a valid day and month is left alone.
 */
export function normaliseDate(token: string): string {
  const m = DATE.exec(token);
  if (!m) return token;
  const [, pre, d, s1, mo, s2, y, post] = m as unknown as [string, string, string, string, string, string, string, string];
  const day = fixDigits(d);
  const month = fixDigits(mo);
  const year = fixDigits(y);
  if (!/^\d+$/.test(day + month + year)) return token;
  if (Number(day) < 1 || Number(day) > 31 || Number(month) < 1 || Number(month) > 12) return token;
  return `${pre}${day}${s1}${month}${s2}${year}${post}`;
}

/**
 * A token of a register cell: a date, a number (with look-alikes fixed), or the `n°` / `Vol.`
 * abbreviations when a number follows (`no`, `n*`, `nº` → `n°`, `N°.` → `N°`: the printed capital stays;
 * `Vol`, `vol;`, `VOL,` → `Vol.`).
 */
export function normaliseField(token: string, next: string | undefined): string {
  const nextIsNumber = next !== undefined && /^[0-9OlI|]*\d/.test(next);
  if (nextIsNumber && /^[nN][°º*'o°]?\.?$/.test(token) && token.length >= 2) return `${token[0]}°`;
  if (nextIsNumber && /^vol[.,;:]?$/i.test(token)) return 'Vol.';
  const date = normaliseDate(token);
  if (date !== token) return date;
  // A number, possibly with thousands/decimal separators and trailing punctuation.
  const m = /^([([]?)([0-9OoDQlI|iSBZ]+(?:[.,][0-9OoDQlI|iSBZ]+)*)([.,;:)\]%]?)$/.exec(token);
  if (m) {
    const [, pre, body, post] = m as unknown as [string, string, string, string];
    const fixed = body.split(/([.,])/).map((p) => (p === '.' || p === ',' ? p : fixDigits(p))).join('');
    if (/^[\d.,]+$/.test(fixed)) return `${pre}${fixed}${post}`;
  }
  return token;
}
