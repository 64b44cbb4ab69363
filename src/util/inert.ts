/**
 * Row text is written by other programs (the extractor, an operator's SQL) and may hold anything: ESC
 * sequences that move a terminal's cursor or set its title, bidi overrides that reorder what an operator
 * reads, line separators that split a log line. Every surface that shows it makes it inert here.
 */

/**
 * What JSON.stringify leaves raw but a terminal or viewer acts on: C1 controls, bidi marks, overrides
 * and isolates, the Unicode line and paragraph separators.
 */
const UNSAFE_IN_JSON = /[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
/** The same, plus C0 controls and DEL: what must never reach a terminal from row text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const UNSAFE_IN_TEXT = /[\u0000-\u001f\u007f\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const asUnicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Serialized JSON with those characters written as \uXXXX escapes. They can only occur inside strings,
 * where the escape is the same text: a parser reads back exactly what was written.
 */
export function inertJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, asUnicodeEscape);
}

/** `JSON.stringify`, inert. */
export function stringifyInert(value: unknown, space?: number): string {
  return inertJson(JSON.stringify(value, null, space));
}

/** Row text for a terminal or a plain-text line: every control or bidi character shown as `\uXXXX`. */
export function displayText(s: string): string {
  return s.replace(UNSAFE_IN_TEXT, asUnicodeEscape);
}
