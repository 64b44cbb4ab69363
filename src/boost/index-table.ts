/**
 * Register pages (index): tesseract's lines (psm 6 reads one physical line at a time) → a Markdown table
 * whose columns come from the words' x-positions.
 *
 * - Columns are the stretches of the page between **gutters**: vertical bands, at least GUTTER_EM text
 *   heights wide, that almost no line's words cross (a title line that spans the page may).
 * - A line whose words fall into at least two columns is a row (the first one, the header, must fill at
 *   least three quarters of them); a line with a word across a gutter, or in a single column, is running text
 *   (title, heading, note) and stays a plain line — unless its first column is empty (see below).
 * - A row whose first column is empty continues the row above (a cell written on two lines).
 * - The first row is the header, kept as it is, followed by the Markdown separator.
 * - Cells are normalised field by field (./fields: dates, numbers, `n°`, `Vol.`) and word by word against
 *   the registry vocabulary (./lexicon).
 * A page where no column structure is found is returned as normalised lines.
 */
import { normaliseField } from './fields';
import { registryWord } from './lexicon';
import type { Line, Token } from './lines';

/** A gutter is at least this many median word heights wide. */
export const GUTTER_EM = 1.2;
/** A gutter may be crossed by at most this share of the lines (at least one: a title, a stray long word). */
export const GUTTER_CROSSING = 0.12;
/** The header row fills at least this share of the columns. */
export const HEADER_FILL = 0.75;
/** Words below this confidence may be fixed by one letter against the vocabulary. */
export const UNSURE_CONFIDENCE = 80;

type Box = NonNullable<Token['box']>;
interface Column {
  x0: number;
  x1: number;
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Column bands between gutters, from the words' boxes (lines are the rows tesseract read). */
export function findColumns(lines: Line[], pageWidth: number): Column[] {
  const boxed = lines.map((l) => l.filter((t) => t.box).map((t) => t.box!)).filter((l) => l.length > 0);
  if (boxed.length < 3 || pageWidth <= 0) return [];
  const em = median(boxed.flat().map((b) => b.y1 - b.y0));
  if (em <= 0) return [];
  const cover = new Uint16Array(pageWidth + 1);
  for (const boxes of boxed) {
    // One count per line for each x its words cover (a line's own word spacing is not a gutter).
    const seen = new Uint8Array(pageWidth + 1);
    for (const b of boxes) for (let x = Math.max(0, b.x0); x <= Math.min(pageWidth, b.x1); x++) seen[x] = 1;
    for (let x = 0; x <= pageWidth; x++) cover[x]! += seen[x]!;
  }
  const limit = Math.max(1, Math.floor(boxed.length * GUTTER_CROSSING));
  const left = Math.min(...boxed.map((l) => l[0]!.x0));
  const right = Math.max(...boxed.map((l) => l[l.length - 1]!.x1));
  const columns: Column[] = [];
  let start = left;
  let x = left;
  while (x <= right) {
    if (cover[x]! <= limit) {
      let end = x;
      while (end <= right && cover[end]! <= limit) end++;
      if (end - x >= GUTTER_EM * em && end <= right) {
        columns.push({ x0: start, x1: x });
        start = end;
      }
      x = end;
    } else x++;
  }
  columns.push({ x0: start, x1: right });
  return columns.length >= 2 ? columns : [];
}

function columnOf(b: Box, columns: Column[]): number {
  const c = (b.x0 + b.x1) / 2;
  let best = 0;
  let dist = Infinity;
  columns.forEach((col, i) => {
    const d = c < col.x0 ? col.x0 - c : c > col.x1 ? c - col.x1 : 0;
    if (d < dist) {
      dist = d;
      best = i;
    }
  });
  return best;
}

/** True when a word's box runs across the gap between two columns. */
function crossesGutter(b: Box, columns: Column[]): boolean {
  for (let i = 0; i + 1 < columns.length; i++) {
    const g0 = columns[i]!.x1;
    const g1 = columns[i + 1]!.x0;
    if (b.x0 < g0 && b.x1 > g1) return true;
  }
  return false;
}

/** A vertical rule read as `|`, `[`, `]`, `!` or `¦` glued to the edge of a cell's word. */
const RULE_DEBRIS = /^[|[\]!¦]+(?=[\p{L}\p{N}])|(?<=[\p{L}\p{N}.,)])[|[\]!¦]+$/gu;

export function stripRuleDebris(token: string): string {
  return token.replace(RULE_DEBRIS, '');
}

/** Normalise the tokens of one cell or line: rule debris, fields, then registry words. */
export function normaliseTokens(tokens: Token[]): string {
  const clean = tokens.map((t) => ({ ...t, text: stripRuleDebris(t.text) })).filter((t) => t.text);
  return clean
    .map((t, i) => {
      const field = normaliseField(t.text, clean[i + 1]?.text);
      if (field !== t.text) return field;
      return registryWord(t.text, t.confidence !== null && t.confidence < UNSURE_CONFIDENCE);
    })
    .join(' ');
}

/** A `|` left inside a cell would split it: it becomes a space (it is never text in a register). */
const cellText = (s: string) => s.replaceAll('|', ' ').replace(/\s+/g, ' ').trim();

/** One register page → plain lines and a Markdown table. */
export function boostIndexPage(lines: Line[], pageWidth: number): string {
  const nonEmpty = lines.filter((l) => l.length > 0);
  const columns = findColumns(nonEmpty, pageWidth);
  if (columns.length === 0) return nonEmpty.map(normaliseTokens).join('\n');

  type Out = { kind: 'text'; text: string } | { kind: 'row'; cells: Token[][] };
  const out: Out[] = [];
  let lastRow: Token[][] | null = null;
  for (const line of nonEmpty) {
    const boxed = line.filter((t) => t.box);
    const spans = boxed.some((t) => crossesGutter(t.box!, columns));
    const cells: Token[][] = columns.map(() => []);
    let col = 0;
    for (const t of line) {
      if (t.box) col = columnOf(t.box, columns);
      cells[col]!.push(t);
    }
    const used = cells.filter((c) => c.length > 0).length;
    if (lastRow && !spans && cells[0]!.length === 0) {
      cells.forEach((c, i) => lastRow![i]!.push(...c));
      continue;
    }
    // Before the header, a line must fill three quarters of the columns to be a row (a title over the
    // columns, or a heading in two parts, is running text).
    if (spans || used < 2 || (lastRow === null && used < Math.ceil(columns.length * HEADER_FILL))) {
      out.push({ kind: 'text', text: normaliseTokens(line) });
      continue;
    }
    lastRow = cells;
    out.push({ kind: 'row', cells });
  }

  const text: string[] = [];
  let header = true;
  for (const o of out) {
    if (o.kind === 'text') {
      text.push(o.text);
      continue;
    }
    text.push(`| ${o.cells.map((c) => cellText(normaliseTokens(c))).join(' | ')} |`);
    if (header) {
      text.push(`|${columns.map(() => '---').join('|')}|`);
      header = false;
    }
  }
  return text.join('\n');
}
