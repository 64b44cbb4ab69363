/**
 * Register pages (index): tesseract's lines (psm 6 reads one physical line at a time) → a Markdown table
 * whose columns come from the words' x-positions.
 *
 * - Columns are the stretches of the page between **gutters**: vertical bands, at least GUTTER_EM text
 *   heights wide, that almost no line's words cross (a title line that spans the page may), further
 *   split at the table's vertical rules where tesseract read them as `|` on many lines.
 * - A line whose words fall into at least two columns is a row (the first one, the header, must fill at
 *   least three quarters of them); a line with a word across a gutter, or in a single column, is running text
 *   (title, heading, note) and stays a plain line — unless its first column is empty (see below).
 * - A row whose first column is empty continues the row above (a cell written on two lines).
 * - The header is the line (or a line and a heading word wrapped under it) just above the first row;
 *   columns that one of its words runs across are merged (the header names the columns). It is kept as
 *   the table's first row, followed by the Markdown separator; without one, the first row heads the table.
 * - Cells are normalised field by field (./fields: dates, numbers, `n°`, `Vol.`) and word by word against
 *   the registry vocabulary (./lexicon).
 * A page where no column structure is found is returned as normalised lines.
 */
import { normaliseField } from './fields';
import { keepReadDiacritics } from './faithful';
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

/** A token that is only a vertical rule read as a glyph. */
const RULE_GLYPH = /^[|¦[\]!]+$/u;
/** A rule must be seen on at least this share of the lines (and on 3 of them) to split a column. */
export const RULE_SHARE = 0.2;

/**
 * x of the vertical rules of a ruled table: tesseract reads a rule crossing a line as `|` (or `[`, `]`,
 * `!`), tall and thin. Rules seen at the same x (within one text height) on enough lines are kept.
 */
export function ruleColumns(words: ReadonlyArray<Pick<Token, 'text'> & { box?: Token['box'] }>, lineCount: number): number[] {
  const xs: number[] = [];
  const heights: number[] = [];
  for (const w of words) {
    if (!w.box || !RULE_GLYPH.test(w.text)) continue;
    const h = w.box.y1 - w.box.y0;
    if (h < 2 * (w.box.x1 - w.box.x0)) continue;
    xs.push((w.box.x0 + w.box.x1) / 2);
    heights.push(h);
  }
  if (xs.length === 0) return [];
  const em = median(heights);
  xs.sort((a, b) => a - b);
  const out: number[] = [];
  let group: number[] = [xs[0]!];
  const flush = () => {
    if (group.length >= Math.max(3, lineCount * RULE_SHARE)) out.push(median(group));
  };
  for (const x of xs.slice(1)) {
    if (x - group[group.length - 1]! <= em) group.push(x);
    else {
      flush();
      group = [x];
    }
  }
  flush();
  return out;
}

/**
 * Column bands between gutters, from the words' boxes (lines are the rows tesseract read). `rules`: x of
 * vertical rules (see ruleColumns); a column with a rule inside, and words on both sides of it, is split
 * there (ruled tables often leave less than a gutter's width between a cell's text and the next).
 */
export function findColumns(lines: Line[], pageWidth: number, rules: readonly number[] = []): Column[] {
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
  const split: Column[] = [];
  const words = boxed.flat();
  for (const col of columns) {
    let cur = col;
    for (const r of rules) {
      if (r <= cur.x0 || r >= cur.x1) continue;
      const leftOf = words.some((b) => b.x1 <= r && b.x0 >= cur.x0);
      const rightOf = words.some((b) => b.x0 >= r && b.x1 <= cur.x1);
      if (!leftOf || !rightOf) continue;
      split.push({ x0: cur.x0, x1: r });
      cur = { x0: r, x1: cur.x1 };
    }
    split.push(cur);
  }
  return split.length >= 2 ? split : [];
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
      return keepReadDiacritics(t.text, registryWord(t.text, t.confidence !== null && t.confidence < UNSURE_CONFIDENCE));
    })
    .join(' ');
}

/** A `|` left inside a cell would split it: it becomes a space (it is never text in a register). */
const cellText = (s: string) => s.replaceAll('|', ' ').replace(/\s+/g, ' ').trim();

/** One register page → plain lines and a Markdown table. */
type Out = { kind: 'text'; line: number; text: string } | { kind: 'row'; line: number; cells: Token[][]; header?: boolean };

function cellsOf(line: Token[], columns: Column[]): Token[][] {
  const cells: Token[][] = columns.map(() => []);
  let col = 0;
  for (const t of line) {
    if (t.box) col = columnOf(t.box, columns);
    cells[col]!.push(t);
  }
  return cells;
}

const usedColumns = (cells: Token[][]) => cells.filter((c) => c.length > 0).length;

/** Lines → running text and rows. `header`: indexes of the lines that make the header row (given, or found by the first-row rule). */
function layout(lines: Line[], columns: Column[], header: readonly number[] = []): Out[] {
  const out: Out[] = [];
  let lastRow: Token[][] | null = null;
  let seenHeader = false;
  lines.forEach((line, i) => {
    if (header.includes(i)) {
      const cells = cellsOf(line, columns);
      const prev = out[out.length - 1];
      if (prev?.kind === 'row' && prev.header) for (const [k, c] of cells.entries()) prev.cells[k]!.push(...c);
      else out.push({ kind: 'row', line: i, cells, header: true });
      seenHeader = true;
      return;
    }
    const spans = line.some((t) => t.box && crossesGutter(t.box, columns));
    const cells = cellsOf(line, columns);
    const used = usedColumns(cells);
    if (lastRow && !spans && cells[0]!.length === 0) {
      for (const [k, c] of cells.entries()) lastRow![k]!.push(...c);
      return;
    }
    // Before the header, a line must fill three quarters of the columns to be a row (a title over the
    // columns, or a heading in two parts, is running text).
    if (spans || used < 2 || (!seenHeader && lastRow === null && used < Math.ceil(columns.length * HEADER_FILL))) {
      out.push({ kind: 'text', line: i, text: normaliseTokens(line) });
      return;
    }
    lastRow = cells;
    out.push({ kind: 'row', line: i, cells });
  });
  return out;
}

/**
 * The header: the line just above the first row when its words fall into three quarters of the columns
 * (HEADER_FILL; it may run words across gutters, which made it running text at first), with the
 * line below it when that one is a single heading word wrapped under it (`Numéro` / `d'inscription`);
 * or the line above that, when the one just above the row is such a wrapped word.
 */
function headerLines(lines: Line[], columns: Column[], firstRowLine: number): number[] {
  const spread = (i: number) => i >= 0 && usedColumns(cellsOf(lines[i]!, columns)) >= Math.max(2, Math.ceil(columns.length * HEADER_FILL));
  const single = (i: number) => i >= 0 && usedColumns(cellsOf(lines[i]!, columns)) === 1;
  if (spread(firstRowLine - 1)) return [firstRowLine - 1];
  if (single(firstRowLine - 1) && spread(firstRowLine - 2)) return [firstRowLine - 2, firstRowLine - 1];
  return [];
}

/** Columns the header runs a word across are one column: the header names the columns. */
function mergeColumnsUnder(header: Token[], columns: Column[]): Column[] {
  const out: Column[] = [columns[0]!];
  for (let i = 1; i < columns.length; i++) {
    const prev = out[out.length - 1]!;
    const col = columns[i]!;
    const crossed = header.some((t) => t.box && t.box.x0 < prev.x1 && t.box.x1 > col.x0);
    if (crossed) out[out.length - 1] = { x0: prev.x0, x1: col.x1 };
    else out.push(col);
  }
  return out;
}

/** One register page → plain lines and a Markdown table. */
export function boostIndexPage(lines: Line[], pageWidth: number, rules: readonly number[] = [], options: { table?: boolean } = {}): string {
  // A rule read as `|` is never text in a register (and would straddle the column boundary it marks).
  const nonEmpty = lines.map((l) => l.filter((t) => !RULE_GLYPH.test(t.text))).filter((l) => l.length > 0);
  let columns = options.table === false ? [] : findColumns(nonEmpty, pageWidth, rules);
  if (columns.length === 0) return nonEmpty.map(normaliseTokens).join('\n');

  let out = layout(nonEmpty, columns);
  const first = out.find((o) => o.kind === 'row');
  if (first) {
    const header = headerLines(nonEmpty, columns, first.line);
    if (header.length) {
      const merged = mergeColumnsUnder(header.flatMap((i) => nonEmpty[i]!), columns);
      if (merged.length >= 2) {
        columns = merged;
        out = layout(nonEmpty, columns, header);
      }
    }
  }

  const text: string[] = [];
  let headerDone = false;
  for (const o of out) {
    if (o.kind === 'text') {
      text.push(o.text);
      continue;
    }
    text.push(`| ${o.cells.map((c) => cellText(normaliseTokens(c))).join(' | ')} |`);
    if (!headerDone) {
      text.push(`|${columns.map(() => '---').join('|')}|`);
      headerDone = true;
    }
  }
  return text.join('\n');
}
