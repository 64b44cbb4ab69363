/**
 * A page's words as invisible text (PDF text render mode 3): the content stream a searchable PDF adds
 * over a scanned page so that it can be searched, selected and copied (src/ocr/searchable-pdf.ts).
 * OCRmyPDF's hocrtransform approach: each line's words are drawn in turn, every word stretched (Tz) to
 * its box (to its share where OCR boxes overlap), with a real space glyph stretched over the gap to the
 * next word, so that copy-paste and pdftotext give the line's words with spaces between them, and lines
 * apart.
 *
 * Which way the text runs is read from the words themselves (a layout holds upright boxes only): the
 * direction from the first word of a line to its last, over all lines, to the nearest quarter turn. A
 * page scanned sideways and read turned has its lines running down or up the page, and its words are
 * drawn that way. Within that, words are drawn level, each over its own box (drawing the characters
 * along a 2° slope made pdftotext split lines in the middle of words), all of a page's words at one
 * font size (see `fontSize` below).
 *
 * Coordinates in are the page's as displayed: points from its top-left, y down; the stream draws in
 * them (the caller maps them to the page's user space).
 */
import type { PageLayout, PdfWord } from '../text/page';

export interface InvisibleFont {
  /**
   * The font (its name in the page's resources, with its slash) whose glyphs, at any size, have a box
   * `ratio` of that size high (what readers highlight and search: MuPDF's quads, poppler's word boxes),
   * `ascent` of it above the baseline; `ratio` is met to within 5 %.
   */
  face(ratio: number): { resource: string; ascent: number; height: number };
  /** Advance width of `text` at size 1 (ems), as encoded. */
  width(text: string): number;
  /** `text` as a PDF hex string of the font's codes (`<…>`). */
  hex(text: string): string;
}

/** Clockwise quarter turns: which way the page's text runs (0 left to right, 90 down the page, …). */
export type Turn = 0 | 90 | 180 | 270;

/** Lines steeper than this are taken as level: a slope fitted through a few stray words is no skew. */
export const MAX_LINE_DEGREES = 10;

/** The content stream drawing `layout`'s words invisibly in `font` (empty when it has none). */
export function invisibleText(layout: PageLayout, font: InvisibleFont): string {
  const turn = textDirection(layout.words);
  const upright = layout.words.map((w) => ({ ...w, ...toReading(w, turn, layout) }));
  const lines = linesOf(upright).map((words) => ({ words, ...fitLine(words) }));
  if (lines.length === 0) return '';
  const pitches = lines.map((line) => pitch(line, lines));
  const size = fontSize(lines, pitches);
  const body = lines.flatMap((line, i) => lineText(line, size, pitches[i]!, font));
  return [`q ${readingToPage(turn, layout).map(num).join(' ')} cm`, ...body, 'Q'].join('\n');
}

/**
 * Which way the words run: each line of two words or more points from its first word's centre to its
 * last's; their sum, to the nearest quarter turn. Without such a line, words taller than wide run down.
 */
export function textDirection(words: readonly PdfWord[]): Turn {
  let dx = 0;
  let dy = 0;
  for (const line of linesOf(words)) {
    if (line.length < 2) continue;
    const [a, b] = [line[0]!, line[line.length - 1]!];
    const vx = (b.x0 + b.x1 - a.x0 - a.x1) / 2;
    const vy = (b.y0 + b.y1 - a.y0 - a.y1) / 2;
    const length = Math.hypot(vx, vy);
    if (length === 0) continue;
    dx += vx / length;
    dy += vy / length;
  }
  if (dx === 0 && dy === 0) {
    const standing = words.filter((w) => w.y1 - w.y0 > w.x1 - w.x0).length;
    return standing > words.length / 2 ? 90 : 0;
  }
  const quarter = Math.round(Math.atan2(dy, dx) / (Math.PI / 2));
  return ([0, 90, 180, 270] as const)[(quarter + 4) % 4]!;
}

/** A word's box in the frame where the page's text reads left to right (the page turned back by `turn`). */
function toReading(w: PdfWord, turn: Turn, page: PageLayout): Pick<PdfWord, 'x0' | 'y0' | 'x1' | 'y1'> {
  const map = (x: number, y: number): [number, number] => {
    switch (turn) {
      case 90:
        return [y, page.width - x];
      case 180:
        return [page.width - x, page.height - y];
      case 270:
        return [page.height - y, x];
      default:
        return [x, y];
    }
  };
  const [ax, ay] = map(w.x0, w.y0);
  const [bx, by] = map(w.x1, w.y1);
  return { x0: Math.min(ax, bx), y0: Math.min(ay, by), x1: Math.max(ax, bx), y1: Math.max(ay, by) };
}

/** The matrix (PDF's a b c d e f) taking the reading frame of `toReading` back to the page. */
function readingToPage(turn: Turn, page: PageLayout): number[] {
  switch (turn) {
    case 90:
      return [0, 1, -1, 0, page.width, 0];
    case 180:
      return [-1, 0, 0, -1, page.width, page.height];
    case 270:
      return [0, -1, 1, 0, 0, page.height];
    default:
      return [1, 0, 0, 1, 0, 0];
  }
}

/**
 * poppler (pdftotext, Evince, Okular) reads a page's text in its own reading order, not the stream's, with
 * tolerances scaled by the font size: a line takes the words whose baseline is within half the font size
 * of its first word's, it ends at a word that starts more than half a font size back over the one before
 * (a word of the next line, within that half, ends it: one word per line), and a gap of about a font size
 * between two words is a gap between columns. The font (src/ocr/searchable-pdf.ts) sets the size apart
 * from a word's box, so the size is the page's: the median distance between a line and the nearest line
 * over or under it (`fontSize`). Each word's box is then drawn where it is printed, of its own height,
 * but for two things poppler needs:
 *
 * - A skewed scan's lines drift. A word's baseline keeps its place on the skewed line only within
 *   `drift` of the line's middle: `DRIFT_SHARE` of how much farther than half a size the nearest line
 *   is, at most `DRIFT` of the size, so that no word comes within half a size of another line's. On a 1978 deed skewed 1.1° (typewritten, double-spaced) nothing is
 *   given up; on tighter lines the highlight of a word at the end of a long skewed line sits a little
 *   off its ink.
 * - A gap wider than `GAP` of the size is closed by stretching the words beside it into it (their
 *   highlight is wider), so that poppler keeps a register's row on one line rather than reading its
 *   columns one after the other (left open on register 2475312: CER 59 %).
 *
 * On a ruled page OCR boxes overlap: a word's box runs along the rule to the end of its row, over the words
 * after it, or takes in the next short word (a typewritten register in a closed grid, where poppler cut
 * lines in two and read their halves elsewhere: CER 6.0 %). A gap narrower than `MIN_GAP` is opened, the
 * two words sharing the overlap (below: each keeps at least `MIN_WIDTH` of its text's width), so that
 * each line's words are drawn one after the other, apart: poppler reads a space between them (its raw
 * order, `pdftotext -raw`, wants more than 0.15 font size) and keeps the line whole and in order.
 */
const DRIFT = 0.25;
const DRIFT_SHARE = 0.35;
const GAP = 0.7;
const MIN_GAP = 0.2;
const MIN_WIDTH = 0.25;

interface Line {
  words: PdfWord[];
  slope: number;
  at: (x: number) => number;
}

/**
 * The font size for the page: the median distance between a line and the nearest line over or under it
 * (`pitches`, a line's each), or twice the lines' height on a page of one line.
 */
function fontSize(lines: readonly Line[], pitches: readonly number[]): number {
  const height = median(lines.map(lineHeight));
  const near = pitches.filter((p) => Number.isFinite(p) && p >= height / 2);
  return Math.max(0.75 * height, near.length ? median(near) : 2 * height);
}

/** How far `line`'s middle is from that of the nearest line sharing some of its width (Infinity if none). */
function pitch(line: Line, lines: readonly Line[]): number {
  const [x0, x1] = [line.words[0]!.x0, line.words[line.words.length - 1]!.x1];
  let nearest = Number.POSITIVE_INFINITY;
  for (const other of lines) {
    if (other === line) continue;
    const [o0, o1] = [other.words[0]!.x0, other.words[other.words.length - 1]!.x1];
    const [a, b] = [Math.max(x0, o0), Math.min(x1, o1)];
    if (a > b) continue;
    const x = (a + b) / 2;
    nearest = Math.min(nearest, Math.abs(line.at(x) - other.at(x)));
  }
  return nearest;
}

const lineHeight = (line: Line) => Math.max(1, median(line.words.map((w) => uprightHeight(w, line.slope))));

function lineText(line: Line, size: number, pitch: number, font: InvisibleFont): string[] {
  const { words, slope } = line;
  const drift = size * Math.max(0, Math.min(DRIFT, DRIFT_SHARE * (pitch / size - 0.5)));
  // Each word's box spans its own height, centred where it is printed; its baseline, what poppler lines
  // words up by, is kept within `drift` of the line's (fitted through the words' baselines).
  const faced = words.map((w) => {
    const face = font.face(Math.max(1, w.y1 - w.y0) / size);
    const baseline = (w.y0 + w.y1) / 2 - (face.height * size) / 2 + face.ascent * size;
    return { word: w, face, baseline, cx: (w.x0 + w.x1) / 2 };
  });
  const mx = mean(faced.map((f) => f.cx));
  const mb = mean(faced.map((f) => f.baseline));
  const middle = mb + slope * ((words[0]!.x0 + words[words.length - 1]!.x1) / 2 - mx);
  const placed = faced.map(({ word, face, baseline, cx }) => {
    const fitted = mb + slope * (cx - mx);
    const own = fitted + Math.max(-drift, Math.min(drift, baseline - fitted));
    return { word, face, baseline: Math.min(middle + drift, Math.max(middle - drift, own)), x0: word.x0, x1: word.x1 };
  });
  const [open, wide] = [MIN_GAP * size, GAP * size];
  for (let i = 0; i + 1 < placed.length; i++) {
    const [a, b] = [placed[i]!, placed[i + 1]!];
    const gap = b.x0 - a.x1;
    if (gap > wide) {
      // Too wide: the words stretch into it, each in proportion to its width, when both highlights stay
      // two thirds on their ink; else the word of fewer letters covers it alone (one word highlighted off
      // its ink rather than two, and the one with fewer characters: on a register, a 150 pt gap between
      // columns split in two put both words' highlights a third on their ink).
      const stretch = gap - wide;
      const [wa, wb] = [a.x1 - a.x0, b.x1 - b.x0];
      let toA = (stretch * wa) / (wa + wb || 1);
      if ((wa + wb) / (wa + wb + stretch) < 2 / 3) toA = [...a.word.text].length < [...b.word.text].length ? stretch : 0;
      a.x1 += toA;
      b.x0 -= stretch - toA;
    } else if (gap < open) {
      // Too narrow: boxes that touch, or overlap, or one holding the next (a box run along a rule over
      // the words after it). Which box is wrong is not known; the one drawn wider than its text is the
      // likelier, so the two split the disputed stretch where their letters are stretched alike, and
      // neither gives up its whole box (down to a quarter of its text's width).
      const [na, nb] = [font.width(a.word.text) * size, font.width(b.word.text) * size];
      let cut = Math.min(Math.max((a.x0 * nb + b.x1 * na) / (na + nb || 1), Math.min(a.x1, b.x0)), Math.max(a.x1, b.x0));
      cut = Math.max(cut, a.x0 + Math.min(a.x1 - a.x0, MIN_WIDTH * na) + open / 2);
      const bWidth = b.x1 - b.x0;
      a.x1 = cut - open / 2;
      b.x0 = cut + open / 2;
      b.x1 = Math.max(b.x1, b.x0 + Math.min(bWidth, MIN_WIDTH * nb));
    }
  }
  const out = ['BT 3 Tr'];
  placed.forEach(({ word, face, baseline, x0, x1 }, i) => {
    // y down on the page: the text matrix turns the glyphs' up back up.
    out.push(`${face.resource} ${num(size)} Tf 1 0 0 -1 ${num(x0)} ${num(baseline)} Tm ${num((100 * (x1 - x0)) / (font.width(word.text) * size))} Tz ${font.hex(word.text)} Tj`);
    const next = placed[i + 1];
    if (!next) return;
    // The gap to the next word, filled by one space (the least stretch when the boxes touch or overlap).
    const gap = next.x0 - x1;
    out.push(`${num(Math.max(1, (100 * gap) / (font.width(' ') * size)))} Tz ${font.hex(' ')} Tj`);
  });
  out.push('ET');
  return out;
}

/** The line through the words' centres (least squares, y on x); level through their mean for one word or a slope past `MAX_LINE_DEGREES`. */
function fitLine(words: readonly PdfWord[]): { slope: number; at: (x: number) => number } {
  const cx = words.map((w) => (w.x0 + w.x1) / 2);
  const cy = words.map((w) => (w.y0 + w.y1) / 2);
  const mx = mean(cx);
  const my = mean(cy);
  let sxx = 0;
  let sxy = 0;
  cx.forEach((x, i) => {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (cy[i]! - my);
  });
  let slope = sxx > 0 ? sxy / sxx : 0;
  if (Math.abs(Math.atan(slope)) > (MAX_LINE_DEGREES * Math.PI) / 180) slope = 0;
  return { slope, at: (x) => my + slope * (x - mx) };
}

/**
 * A word's height across its line, from the upright box around it: a word tilted by angle a has a box
 * `w cos a + h sin a` wide and `w sin a + h cos a` high.
 */
function uprightHeight(w: PdfWord, slope: number): number {
  const a = Math.atan(Math.abs(slope));
  const [cos, sin] = [Math.cos(a), Math.sin(a)];
  const W = w.x1 - w.x0;
  const H = w.y1 - w.y0;
  return Math.max(H / 2, (H * cos - W * sin) / (cos * cos - sin * sin));
}

/**
 * The words grouped by `line`, lines in the order their first word comes; words without text or area left
 * out. A word's white space at either end (a reading can give ` [hars`) is left out too: drawn, it would
 * widen the gap poppler sees before the word, and squeeze the word's letters into the rest of its box.
 */
function linesOf(words: readonly PdfWord[]): PdfWord[][] {
  const lines = new Map<number, PdfWord[]>();
  for (const word of words) {
    const w = { ...word, text: word.text.trim() };
    if (w.text === '' || !(w.x1 > w.x0 && w.y1 > w.y0)) continue;
    const line = lines.get(w.line);
    if (line) line.push(w);
    else lines.set(w.line, [w]);
  }
  return [...lines.values()];
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A number for a content stream: at most 3 decimals, no exponent. */
function num(v: number): string {
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
}
