/**
 * What a rendered page holds, measured on its 8-bit grey pixels: the paper's tone, whether it is a
 * 1-bit scan, where the ink is (local threshold, connected components), how tall its characters are
 * and how far its text lines are skewed. Pure and synchronous; src/ocr/preprocess.ts decides from
 * these what to do to the page, src/ocr/orientation.ts which way up it is.
 */
import type { GreyImage } from './pdf';

/** Skews are looked for within ± this many degrees. */
const MAX_SKEW_DEGREES = 6;

export interface TextSize {
  /** Median height in pixels of character-sized components (between x-height and cap height). */
  charHeight: number;
  /** How many components it is based on. */
  samples: number;
}

/**
 * A page is near-bilevel when this share of its pixels is within 10 grey levels of black or white.
 * On the dev set and the demo samples, 1-bit scans and photocopies measure 0.957–0.974 and every grey
 * scan 0.52 or less (most under 0.2). Crisp grey scans of printed books come close: the 11 Congrès 1878
 * pages of the wider set measure 0.922–0.937, and thickening their fine type cost 0.4 points of raw CER
 * (2.7 → 2.3 % without; boosted 2.7 → 2.4 %, bench:quality, issue 30), hence 0.95, not 0.9.
 */
export const BILEVEL_SHARE = 0.95;

/**
 * Two measures of a page's grey levels, from one pass over it (every 7th pixel of a page over 4 MP):
 * - `paper`: the grey level of the paper, the 90th percentile of the page (most of a page is paper);
 * - `bilevel`: the share of pixels within 10 levels of pure black or pure white.
 */
export function tones(image: GreyImage): { paper: number; bilevel: number } {
  const hist = new Uint32Array(256);
  const p = image.pixels;
  const step = p.length > 4_000_000 ? 7 : 1;
  let n = 0;
  for (let i = 0; i < p.length; i += step) {
    hist[p[i]!]!++;
    n++;
  }
  let extreme = 0;
  for (let v = 0; v <= 10; v++) extreme += hist[v]!;
  for (let v = 245; v < 256; v++) extreme += hist[v]!;
  let paper = 255;
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc >= n * 0.9) {
      paper = v;
      break;
    }
  }
  return { paper, bilevel: n === 0 ? 0 : extreme / n };
}

/**
 * Local (adaptive mean) threshold: ink where a pixel is clearly darker than the mean of its
 * neighbourhood. Block means on a coarse grid, interpolated bilinearly; robust to tinted paper and
 * uneven microfilm exposure, where a global (Otsu) threshold loses the text. Returns 1 for ink.
 */
export function binarize(image: GreyImage, contrast = 0.15): Uint8Array {
  const { width: w, height: h } = image;
  const out = new Uint8Array(w * h);
  const threshold = localThreshold(image, contrast);
  for (let y = 0; y < h; y++) threshold.row(y, out, y * w);
  return out;
}

/** `binarize`'s threshold one row at a time, y = 0…h-1 in turn. */
interface RowThreshold {
  /** Row y's ink (1) and paper (0) to `out[at…at + width)`. */
  row(y: number, out: Uint8Array, at: number): void;
  /** Row y's runs of ink to `starts`/`ends` (inclusive x), left to right; returns how many. */
  runs(y: number, starts: Int32Array, ends: Int32Array): number;
}

function localThreshold(image: GreyImage, contrast: number): RowThreshold {
  const { width: w, height: h, pixels } = image;
  const block = Math.max(16, Math.round(Math.max(w, h) / 48));
  const gw = Math.ceil(w / block);
  const gh = Math.ceil(h / block);
  // Block sums are integers (exact in a double whatever the order), summed a block-row span at a time.
  const sums = new Float64Array(gw * gh);
  const counts = new Uint32Array(gw * gh);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const gy = Math.floor(y / block) * gw;
    for (let gx = 0, x = 0; gx < gw; gx++) {
      const end = Math.min(w, x + block);
      let s = 0;
      const n = end - x;
      for (; x < end; x++) s += pixels[row + x]!;
      sums[gy + gx]! += s;
      counts[gy + gx]! += n;
    }
  }
  // Smooth the block means over a 3×3 neighbourhood: a window of ~3 blocks, several text lines tall.
  const mean = new Float64Array(gw * gh);
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      let s = 0;
      let c = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = gy + dy;
        if (yy < 0 || yy >= gh) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = gx + dx;
          if (xx < 0 || xx >= gw) continue;
          s += sums[yy * gw + xx]!;
          c += counts[yy * gw + xx]!;
        }
      }
      mean[gy * gw + gx] = c ? s / c : 255;
    }
  }
  // Bilinear interpolation of the means, factored: the horizontal step depends only on x and on the grid
  // row pair, so it is computed once per pair (every `block` rows) into `top`/`bottom`, with the very
  // same arithmetic, and each pixel pays only the vertical step.
  const x0s = new Int32Array(w);
  const x1s = new Int32Array(w);
  const txs = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(gw - 1, Math.max(0, (x + 0.5) / block - 0.5));
    const x0 = Math.floor(fx);
    x0s[x] = x0;
    x1s[x] = Math.min(gw - 1, x0 + 1);
    txs[x] = fx - x0;
  }
  const top = new Float64Array(w);
  const bottom = new Float64Array(w);
  let rowsOf = -1;
  const k = 1 - contrast;
  // The interpolation rows for row y (recomputed when y enters another pair of grid rows); returns ty.
  const rowsFor = (y: number): number => {
    const fy = Math.min(gh - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(gh - 1, y0 + 1);
    if (y0 !== rowsOf) {
      rowsOf = y0;
      const r0 = y0 * gw;
      const r1 = y1 * gw;
      for (let x = 0; x < w; x++) {
        const tx = txs[x]!;
        const x0 = x0s[x]!;
        const x1 = x1s[x]!;
        top[x] = mean[r0 + x0]! * (1 - tx) + mean[r0 + x1]! * tx;
        bottom[x] = mean[r1 + x0]! * (1 - tx) + mean[r1 + x1]! * tx;
      }
    }
    return fy - y0;
  };
  return {
    row(y, out, at) {
      const ty = rowsFor(y);
      thresholdSpan(pixels, y * w, top, bottom, 1 - ty, ty, k, out, at, w);
    },
    runs(y, starts, ends) {
      const ty = rowsFor(y);
      return thresholdRuns(pixels, y * w, top, bottom, 1 - ty, ty, k, w, starts, ends);
    },
  };
}

// The two per-pixel loops below take everything as arguments, out of `localThreshold`'s closure, so that
// the arrays they read are plain locals.

/** Runs of ink of one thresholded row into `starts`/`ends` (inclusive); returns how many. */
function thresholdRuns(
  pixels: Uint8Array,
  row: number,
  top: Float64Array,
  bottom: Float64Array,
  uy: number,
  ty: number,
  k: number,
  w: number,
  starts: Int32Array,
  ends: Int32Array,
): number {
  let n = 0;
  let inRun = false;
  for (let x = 0; x < w; x++) {
    const ink = pixels[row + x]! < (top[x]! * uy + bottom[x]! * ty) * k;
    if (ink !== inRun) {
      if (ink) starts[n] = x;
      else ends[n++] = x - 1;
      inRun = ink;
    }
  }
  if (inRun) ends[n++] = w - 1;
  return n;
}

/** One thresholded row into `out` from `at`: 1 for ink, 0 for paper. */
function thresholdSpan(
  pixels: Uint8Array,
  row: number,
  top: Float64Array,
  bottom: Float64Array,
  uy: number,
  ty: number,
  k: number,
  out: Uint8Array,
  at: number,
  w: number,
): void {
  for (let x = 0; x < w; x++) out[at + x] = pixels[row + x]! < (top[x]! * uy + bottom[x]! * ty) * k ? 1 : 0;
}

/** Bounding box and pixel count of one 8-connected component of ink. */
export interface Component {
  x0: number;
  y0: number;
  x1: number; // inclusive
  y1: number; // inclusive
  pixels: number;
}

/** 8-connected components of `ink` (1 = ink), by run-length union-find: one pass, O(pixels). */
export function components(ink: Uint8Array, w: number, h: number): Component[] {
  return labelRuns(w, h, (y, starts, ends) => {
    const row = y * w;
    let n = 0;
    let x = 0;
    while (x < w) {
      if (!ink[row + x]) {
        x++;
        continue;
      }
      starts[n] = x;
      while (x < w && ink[row + x]) x++;
      ends[n++] = x - 1;
    }
    return n;
  });
}

/**
 * `components(binarize(image, contrast), …)`, the runs of ink taken straight from the threshold: the
 * same components, without a byte per pixel of the page written and scanned again.
 */
export function inkComponents(image: GreyImage, contrast = 0.15): Component[] {
  const threshold = localThreshold(image, contrast);
  return labelRuns(image.width, image.height, (y, starts, ends) => threshold.runs(y, starts, ends));
}

/** The components of the runs of ink that `rowRuns(y, …)` gives for each row y = 0…h-1 in turn. */
function labelRuns(w: number, h: number, rowRuns: (y: number, starts: Int32Array, ends: Int32Array) => number): Component[] {
  // A row holds at most ⌈w/2⌉ runs.
  const starts = new Int32Array((w >> 1) + 1);
  const ends = new Int32Array((w >> 1) + 1);
  // Runs in growable typed arrays: a dense page has millions of runs, and number[] pushes cost more
  // than the scan itself.
  let cap = 1024;
  let runX0 = new Int32Array(cap);
  let runX1 = new Int32Array(cap);
  let runY = new Int32Array(cap);
  let parent = new Int32Array(cap);
  let n = 0;
  let prevStart = 0;
  let prevEnd = 0;
  for (let y = 0; y < h; y++) {
    const rowStart = n;
    const count = rowRuns(y, starts, ends);
    let p = prevStart;
    for (let r = 0; r < count; r++) {
      const s = starts[r]!;
      const e = ends[r]!;
      if (n === cap) {
        cap *= 2;
        runX0 = grown(runX0, cap);
        runX1 = grown(runX1, cap);
        runY = grown(runY, cap);
        parent = grown(parent, cap);
      }
      const id = n++;
      runX0[id] = s;
      runX1[id] = e;
      runY[id] = y;
      parent[id] = id;
      // Runs of the previous row touching [s-1, e+1] (8-connectivity).
      while (p < prevEnd && runX1[p]! < s - 1) p++;
      let q = p;
      // The new run's root, kept as the unions move it (a run of its own to begin with).
      let a = id;
      while (q < prevEnd && runX0[q]! <= e + 1) {
        const b = root(parent, q);
        if (b < a) {
          parent[a] = b;
          a = b;
        } else if (b > a) {
          parent[b] = a;
        }
        q++;
      }
    }
    prevStart = rowStart;
    prevEnd = n;
  }
  // Components numbered in the order of their first run, as the runs are scanned.
  const index = new Int32Array(n).fill(-1);
  const out: Component[] = [];
  for (let i = 0; i < n; i++) {
    const r = root(parent, i);
    let k = index[r]!;
    if (k < 0) {
      k = out.length;
      index[r] = k;
      out.push({ x0: runX0[i]!, y0: runY[i]!, x1: runX1[i]!, y1: runY[i]!, pixels: 0 });
    }
    const c = out[k]!;
    if (runX0[i]! < c.x0) c.x0 = runX0[i]!;
    if (runX1[i]! > c.x1) c.x1 = runX1[i]!;
    if (runY[i]! > c.y1) c.y1 = runY[i]!;
    c.pixels += runX1[i]! - runX0[i]! + 1;
  }
  return out;
}

function grown(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/** Union-find root of run `a`, halving the path on the way. */
function root(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    parent[a] = parent[parent[a]!]!;
    a = parent[a]!;
  }
  return a;
}

/** Components that look like characters: not specks, not rules or pictures, not too sparse. */
function characterLike(c: Component, pageW: number, pageH: number): boolean {
  const w = c.x1 - c.x0 + 1;
  const h = c.y1 - c.y0 + 1;
  if (h < 3 || w < 2) return false;
  if (h > pageH / 12 || w > pageW / 12) return false;
  if (w > 3 * h || h > 4 * w) return false;
  const fill = c.pixels / (w * h);
  return fill >= 0.08 && fill <= 0.9;
}

/**
 * Typical character height: the height around which most ink sits. Heights of character-like
 * components are weighted by their pixel count (so specks and dust, numerous but light, do not count
 * much) and smoothed over ±20 %, and the heaviest height wins; it lies between the x-height and the
 * cap height of the body text. Null when fewer than 30 components look like characters.
 */
export function textSize(comps: Component[], pageW: number, pageH: number): TextSize | null {
  const mass = new Map<number, number>();
  let samples = 0;
  for (const c of comps) {
    if (!characterLike(c, pageW, pageH)) continue;
    const h = c.y1 - c.y0 + 1;
    mass.set(h, (mass.get(h) ?? 0) + c.pixels);
    samples++;
  }
  if (samples < 30) return null;
  const maxH = Math.max(...mass.keys());
  let best = 0;
  let bestMass = -1;
  for (let h = 5; h <= maxH; h++) {
    let m = 0;
    for (const [hh, v] of mass) if (hh >= h / 1.2 && hh <= h * 1.2) m += v;
    if (m > bestMass) {
      bestMass = m;
      best = h;
    }
  }
  return { charHeight: best, samples };
}

/**
 * Skew in degrees (positive when lines descend to the right), from the bottom-centre points of
 * character-sized components: the angle whose projection profile of those points is sharpest.
 */
export function estimateSkew(comps: Component[], charHeight: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const c of comps) {
    const h = c.y1 - c.y0 + 1;
    const w = c.x1 - c.x0 + 1;
    if (h < charHeight * 0.5 || h > charHeight * 2 || w > charHeight * 3 || w < 2) continue;
    xs.push((c.x0 + c.x1) / 2);
    ys.push(c.y1);
  }
  if (xs.length < 30) return 0;
  const bin = Math.max(1, charHeight / 5);
  // The profile in a typed array indexed from its lowest bin; the score is a sum of integers, exact in
  // any order.
  const n = xs.length;
  const bins = new Int32Array(n);
  let counts = new Int32Array(0);
  const score = (deg: number): number => {
    const t = Math.tan((deg * Math.PI) / 180);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const b = Math.round((ys[i]! - xs[i]! * t) / bin);
      bins[i] = b;
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
    const size = hi - lo + 1;
    if (counts.length < size) counts = new Int32Array(size);
    else counts.fill(0, 0, size);
    for (let i = 0; i < n; i++) counts[bins[i]! - lo]!++;
    let s = 0;
    for (let k = 0; k < size; k++) s += counts[k]! * counts[k]!;
    return s;
  };
  let best = 0;
  let bestScore = score(0);
  for (let d = -MAX_SKEW_DEGREES; d <= MAX_SKEW_DEGREES + 1e-9; d += 0.1) {
    const s = score(d);
    if (s > bestScore) {
      bestScore = s;
      best = d;
    }
  }
  const coarse = best;
  for (let d = coarse - 0.1; d <= coarse + 0.1 + 1e-9; d += 0.01) {
    const s = score(d);
    if (s > bestScore) {
      bestScore = s;
      best = d;
    }
  }
  return Math.round(best * 100) / 100;
}
