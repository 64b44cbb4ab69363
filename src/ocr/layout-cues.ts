/**
 * What a page's ink says about its layout, measured while it is prepared (src/ocr/preprocess.ts) from the
 * ink components it labels anyway; src/ocr/layout.ts decides the page segmentation from it.
 */
import type { Component } from './page-analysis';

/** What the page's ink says about its layout (preprocessing measures it; `PreprocessReport.layout`). */
export interface LayoutCues {
  /** Ink components that are a ruled grid: large, sparse, away from the page's edges. */
  grids: number;
  /**
   * Widths of the page's columns of text, as shares of the text's width, left to right: the text cut at
   * every gutter (a vertical band, top to bottom of the text, that (nearly) no character crosses).
   * One column (`[1]`) when there is no gutter. A typed list in two columns measures ≈[0.45, 0.45], a
   * table with a narrow first column (dates, numbers) ≈[0.2, 0.7].
   */
  columns: number[];
}

/** Components closer than this share of the page to an edge are the scan's border or the book's edge, not rules. */
const EDGE_MARGIN = 0.03;
/** A grid spans at least this share of the page in both directions… */
const GRID_SPAN = 0.3;
/** …and its ink fills at most this share of its box (a page of text glued together is denser). */
const GRID_FILL = 0.1;

/**
 * A gutter is at least this many character heights wide, where fewer marks than `GUTTER_EMPTY` of the
 * densest band cross it: a photographed book page is skewed by a degree or so, and then the ends of
 * lines reach into the gutter (2 characters and 3 % found it on 6 of 12 two-column list pages; these
 * values on all 12, and on none of 29 prose pages).
 */
const GUTTER_CHARS = 1;
const GUTTER_EMPTY = 0.12;

/**
 * The columns of text of a page from its character-sized components (`charHeight` tall, give or take):
 * how many of them cross each x, and where that count falls to (nearly) nothing over at least
 * `GUTTER_CHARS` character heights inside the text's span, the text is cut.
 */
export function textColumns(comps: readonly Component[], charHeight: number, w: number, h: number): number[] {
  const cover = new Float64Array(w + 1);
  const mx = EDGE_MARGIN * w;
  const my = EDGE_MARGIN * h;
  for (const c of comps) {
    const ch = c.y1 - c.y0 + 1;
    if (ch < charHeight * 0.5 || ch > charHeight * 2 || c.x0 < mx || c.x1 > w - mx || c.y0 < my || c.y1 > h - my) continue;
    cover[c.x0]! += 1;
    cover[c.x1 + 1]! -= 1;
  }
  const count = new Float64Array(w);
  let run = 0;
  for (let x = 0; x < w; x++) {
    run += cover[x]!;
    count[x] = run;
  }
  // The text's span: from the 2nd to the 98th percentile of the marks' coverage, so a stray mark in the
  // margin does not widen it.
  const total = count.reduce((a, b) => a + b, 0);
  if (total === 0) return [1];
  const left = percentileX(count, total * 0.02, 1);
  const right = percentileX(count, total * 0.02, -1);
  const span = right - left + 1;
  if (span <= 0) return [1];
  const peak = Math.max(...count.subarray(left, right + 1));
  const cuts: [number, number][] = [];
  for (let x = left; x <= right; ) {
    if (count[x]! > peak * GUTTER_EMPTY) {
      x++;
      continue;
    }
    const start = x;
    while (x <= right && count[x]! <= peak * GUTTER_EMPTY) x++;
    if (x - start >= GUTTER_CHARS * charHeight) cuts.push([start, x]);
  }
  const columns: number[] = [];
  let from = left;
  for (const [a, b] of cuts) {
    columns.push((a - from) / span);
    from = b;
  }
  columns.push((right + 1 - from) / span);
  return columns.map((c) => Math.round(c * 100) / 100);
}

/** The first x, from the left (`step` 1) or the right (-1), where the coverage summed so far reaches `mass`. */
function percentileX(count: Float64Array, mass: number, step: 1 | -1): number {
  let x = step === 1 ? 0 : count.length - 1;
  let acc = count[x]!;
  while (acc < mass && x + step >= 0 && x + step < count.length) {
    x += step;
    acc += count[x]!;
  }
  return x;
}

/** The layout cues of a page of `w` × `h` pixels from its ink components and its text's character height. */
export function layoutCues(comps: readonly Component[], w: number, h: number, charHeight: number): LayoutCues {
  const mx = EDGE_MARGIN * w;
  const my = EDGE_MARGIN * h;
  let grids = 0;
  for (const c of comps) {
    if (c.x0 < mx || c.y0 < my || c.x1 > w - mx || c.y1 > h - my) continue;
    const cw = c.x1 - c.x0 + 1;
    const ch = c.y1 - c.y0 + 1;
    if (cw >= GRID_SPAN * w && ch >= GRID_SPAN * h && c.pixels / (cw * ch) < GRID_FILL) grids++;
  }
  return { grids, columns: textColumns(comps, charHeight, w, h) };
}
