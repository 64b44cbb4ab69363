/**
 * A conservative clean-up of OCR text: it changes no word, it only normalises encoding and whitespace.
 * The OCR thread applies it to `file_content`, and the boost to each page before rebuilding it.
 */

/** Control characters other than tab and newline (C0, DEL, C1). Form feed and vertical tab become newlines first. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/gu;
/** Invisible characters that only split words for search: BOM / zero-width no-break space, zero-width space, soft hyphen. */
const INVISIBLE = /[\uFEFF\u200B\u00AD]/gu;

/**
 * - Unicode NFC (e.g. `e` + combining acute → `é`);
 * - line ends `\r\n` / `\r` → `\n`; form feed and vertical tab → `\n` (a page break must not glue words);
 * - control characters removed (tab and newline kept), and BOM, zero-width space, soft hyphen removed;
 * - trailing spaces and tabs removed from every line;
 * - runs of two or more blank lines collapsed to one blank line (i.e. 3+ consecutive `\n` → `\n\n`);
 * - leading blank lines dropped, the text ends with exactly one `\n` ('' stays '').
 * Page separator lines (`--- Page N ---`) are left as they are.
 */
export function cleanText(raw: string): string {
  let t = raw.replace(/\r\n?/g, '\n').replace(/[\f\v]/g, '\n');
  // Removed before composing, so a stray control character cannot keep a letter from its accent.
  t = t.replace(CONTROL, '').replace(INVISIBLE, '').normalize('NFC');
  t = t.replace(/[ \t\u00A0]+$/gmu, '');
  t = t.replace(/\n{3,}/g, '\n\n');
  t = t.replace(/^\n+/, '').replace(/\n*$/, '');
  return t ? `${t}\n` : '';
}
