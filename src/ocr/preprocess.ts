/**
 * Image preparation before tesseract, on 8-bit grey pixels (no native libraries, a few hundred ms a page).
 *
 * - **Text size → resolution.** The DPI a PDF page is rendered at says nothing about the scan inside it:
 *   a 1024-px-wide scan placed on a 300 DPI page box holds text at ~125 DPI. Tesseract's layout analysis
 *   (psm 3) sizes its noise and line filters from the resolution it is told, and drops small text that it
 *   believes is specks; it also reads small glyphs worse. So the size of the page's characters is
 *   measured (connected components of a locally thresholded copy), tesseract is given the resolution that
 *   size implies, and a page whose characters are too small is enlarged first. Measured on the dev set:
 *   a 125 DPI prose page went from 0.26 to 0.07 CER.
 * - **Deskew** (register pages): the skew of text lines is estimated from the bottoms of character-sized
 *   components (projection profile, ±6°) and the page is rotated back. With psm 6 a skew of one degree
 *   merges neighbouring table rows into one line.
 * - **Rule-line removal** (register pages): long thin horizontal and vertical runs of ink (table rules,
 *   underlines, frame lines) are painted with the paper tone, so tesseract neither reads them as `|`, `_`
 *   or `[` nor glues a cell's first word to the rule next to it. A character stroke crossing a rule is
 *   kept (only ink whose thickness across the rule is line-like is removed). Where the rules were is
 *   returned, so the boost can use them as row and column hints.
 *
 * Everything here is pure and synchronous (pixels in, pixels out); `prepareForOcr` is what the engine calls.
 */
import type { GreyImage } from './pdf';

export interface TextSize {
  /** Median height in pixels of character-sized components (between x-height and cap height). */
  charHeight: number;
  /** How many components it is based on. */
  samples: number;
}

export interface RuleLines {
  /** y (pixels, in the prepared image) of each horizontal rule at least a quarter of the page wide. */
  rows: number[];
  /** x (pixels, in the prepared image) of each vertical rule at least an eighth of the page high. */
  columns: number[];
}

export interface PreprocessReport {
  /** Measured character height in the rendered image, px (null: too few characters to tell). */
  charHeight: number | null;
  /** Resolution implied by the character height (null when unknown). */
  estimatedDpi: number | null;
  /** Enlargement applied (1 = none). */
  scale: number;
  /** Skew measured, degrees (positive: text lines descend to the right); 0 when deskew is off. */
  skewDegrees: number;
  /** True when the page was rotated to undo the skew. */
  rotated: boolean;
  /** Pixels painted over as rule lines. */
  ruleLinePixels: number;
  /** Share of the rendered page within 10 grey levels of black or white (1-bit scans: ≈0.96). */
  bilevelShare: number;
  /** True when the ink was thickened by a pixel (a near-bilevel page; see `thickenInk`). */
  thickened: boolean;
  /** Long rules found (prepared-image coordinates). */
  rules: RuleLines;
  /** Time spent, ms. */
  ms: number;
}

export interface PreparedImage {
  image: GreyImage;
  /** The resolution to tell tesseract. */
  dpi: number;
  report: PreprocessReport;
}

export interface PrepareOptions {
  /** Resolution the page was rendered at (used when the text size cannot be measured). */
  renderDpi: number;
  /** Estimate skew and rotate the page back (register pages). */
  deskew?: boolean;
  /** Paint over table rules and other long lines (register pages). */
  removeRuleLines?: boolean;
  /** Tell tesseract the resolution the text size implies and enlarge small text. Default true. */
  normaliseScale?: boolean;
  /** Thicken the ink of near-bilevel pages (see `thickenInk`). Default true. */
  thickenBilevel?: boolean;
  /** Pixel budget for an enlarged page. Default 120 MP. */
  maxPixels?: number;
}

/**
 * Character height (median component height, px) that body text has at 300 DPI, measured against
 * tesseract's own resolution estimate on typewritten and printed pages (10–12 pt type).
 */
export const CHAR_HEIGHT_AT_300_DPI = 21;
/** Below this estimated resolution the page is enlarged (tesseract reads small glyphs poorly). */
export const MIN_TEXT_DPI = 220;
/** The resolution an enlarged page is brought to. */
export const TARGET_TEXT_DPI = 300;
/** The estimated resolution replaces the render resolution only when they differ by more than this factor. */
export const DPI_TRUST_RATIO = 1.25;
/** Never enlarge more than this. */
export const MAX_SCALE = 3;
/** Skews smaller than this are left alone (rotation blurs a little). */
export const MIN_SKEW_DEGREES = 0.12;
const MAX_SKEW_DEGREES = 6;

export function prepareForOcr(input: GreyImage, options: PrepareOptions): PreparedImage {
  const started = performance.now();
  let image = input;
  const paper = paperTone(image);
  const bilevel = bilevelShare(image);
  let ink = binarize(image);
  let comps = components(ink, image.width, image.height);
  const size = textSize(comps, image.width, image.height);
  const charHeight = size ? size.charHeight : null;
  const estimatedDpi = charHeight ? Math.round((charHeight / CHAR_HEIGHT_AT_300_DPI) * 300) : null;

  let skewDegrees = 0;
  let rotated = false;
  if (options.deskew && charHeight) {
    skewDegrees = estimateSkew(comps, charHeight);
    if (Math.abs(skewDegrees) >= MIN_SKEW_DEGREES) {
      image = rotate(image, -skewDegrees, paper);
      rotated = true;
    }
  }

  let ruleLinePixels = 0;
  let rules: RuleLines = { rows: [], columns: [] };
  if (options.removeRuleLines && charHeight) {
    if (rotated) ink = binarize(image);
    const removed = removeRuleLines(image, ink, charHeight, paper);
    image = removed.image;
    ruleLinePixels = removed.pixels;
    rules = removed.rules;
  }
  comps = []; // free

  let scale = 1;
  let dpi = options.renderDpi;
  if (options.normaliseScale !== false && estimatedDpi) {
    // The estimate is only as good as the assumed body-text size (±20 % between faces): near the render
    // resolution it is noise, and overriding it cost 1.5 points of CER on a 204 DPI bilevel deed.
    if (estimatedDpi / options.renderDpi > DPI_TRUST_RATIO || options.renderDpi / estimatedDpi > DPI_TRUST_RATIO) dpi = estimatedDpi;
    if (estimatedDpi < MIN_TEXT_DPI) {
      const budget = options.maxPixels ?? 120_000_000;
      const wanted = Math.min(MAX_SCALE, TARGET_TEXT_DPI / estimatedDpi);
      const fits = Math.sqrt(budget / (image.width * image.height));
      scale = Math.round(Math.min(wanted, fits) * 100) / 100;
      if (scale > 1.05) {
        image = resize(image, scale);
        rules = { rows: rules.rows.map((y) => Math.round(y * scale)), columns: rules.columns.map((x) => Math.round(x * scale)) };
        dpi = Math.round(estimatedDpi * scale);
      } else {
        scale = 1;
      }
    }
  }
  // Last, so that the pixel it adds is a pixel at the resolution tesseract reads.
  const thickened = options.thickenBilevel !== false && charHeight !== null && bilevel >= BILEVEL_SHARE;
  if (thickened) image = thickenInk(image);
  dpi = Math.max(70, Math.min(1200, dpi));
  return {
    image,
    dpi,
    report: {
      charHeight,
      estimatedDpi,
      scale,
      skewDegrees,
      rotated,
      ruleLinePixels,
      bilevelShare: Math.round(bilevel * 1000) / 1000,
      thickened,
      rules,
      ms: Math.round(performance.now() - started),
    },
  };
}

/**
 * A page is near-bilevel when this share of its pixels is within 10 grey levels of black or white.
 * On the dev set and the demo samples, 1-bit scans and photocopies measure 0.957–0.974 and every grey
 * scan 0.52 or less (most under 0.2).
 */
export const BILEVEL_SHARE = 0.9;

/** Share of pixels within 10 levels of pure black or pure white. */
export function bilevelShare(image: GreyImage): number {
  const p = image.pixels;
  const step = p.length > 4_000_000 ? 7 : 1;
  let n = 0;
  let extreme = 0;
  for (let i = 0; i < p.length; i += step) {
    const v = p[i]!;
    if (v <= 10 || v >= 245) extreme++;
    n++;
  }
  return n === 0 ? 0 : extreme / n;
}

/**
 * Thicken dark strokes by one pixel: each pixel takes the darkest value of its 3×3 neighbourhood
 * (a grey-level erosion of the paper, i.e. a dilation of the ink), as two separable passes.
 *
 * A 1-bit scan was thresholded once already, by the scanner or the photocopier, and thin type lost
 * pixels there: strokes are broken and letters come apart into pieces, which tesseract reads as other
 * letters or punctuation. A grey scan still holds those strokes, and tesseract's own threshold does
 * better on it untouched. Measured with the recogniser on the same pages (CER for deeds, bag-of-words F1
 * for registers), near-bilevel pages: acte2-hard 1.6 → 0.3 %, acte1-hard 1.7 → 1.6 %, demo
 * acte-1978 5.2 → 2.7 %, register-hard F1 0.617 → 0.741, demo index-412-7 0.319 → 0.366. On grey pages
 * it did harm (lettre 4.3 → 4.9 %, souscription F1 0.949 → 0.928), hence the bilevel test.
 */
export function thickenInk(image: GreyImage): GreyImage {
  const { width, height } = image;
  const across = darkestOfThree(image.pixels, width, height, true);
  return { width, height, pixels: darkestOfThree(across, width, height, false) };
}

/** Each pixel becomes the darkest of itself and its two neighbours along one axis. */
function darkestOfThree(src: Uint8Array, w: number, h: number, horizontal: boolean): Uint8Array {
  const out = new Uint8Array(src.length);
  const step = horizontal ? 1 : w;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let m = src[i]!;
      if ((horizontal ? x > 0 : y > 0) && src[i - step]! < m) m = src[i - step]!;
      if ((horizontal ? x + 1 < w : y + 1 < h) && src[i + step]! < m) m = src[i + step]!;
      out[i] = m;
    }
  }
  return out;
}

/** Grey level of the paper: the 90th percentile of the page (most of a page is paper). */
export function paperTone(image: GreyImage): number {
  const hist = new Uint32Array(256);
  const p = image.pixels;
  const step = p.length > 4_000_000 ? 7 : 1;
  let n = 0;
  for (let i = 0; i < p.length; i += step) {
    hist[p[i]!]!++;
    n++;
  }
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc >= n * 0.9) return v;
  }
  return 255;
}

/**
 * Local (adaptive mean) threshold: ink where a pixel is clearly darker than the mean of its
 * neighbourhood. Block means on a coarse grid, interpolated bilinearly; robust to tinted paper and
 * uneven microfilm exposure, where a global (Otsu) threshold loses the text. Returns 1 for ink.
 */
export function binarize(image: GreyImage, contrast = 0.15): Uint8Array {
  const { width: w, height: h, pixels } = image;
  const block = Math.max(16, Math.round(Math.max(w, h) / 48));
  const gw = Math.ceil(w / block);
  const gh = Math.ceil(h / block);
  const sums = new Float64Array(gw * gh);
  const counts = new Uint32Array(gw * gh);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const gy = Math.floor(y / block) * gw;
    for (let x = 0; x < w; x++) {
      const g = gy + Math.floor(x / block);
      sums[g]! += pixels[row + x]!;
      counts[g]!++;
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
  const out = new Uint8Array(w * h);
  const k = 1 - contrast;
  for (let y = 0; y < h; y++) {
    const fy = Math.min(gh - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(gh - 1, y0 + 1);
    const ty = fy - y0;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(gw - 1, Math.max(0, (x + 0.5) / block - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(gw - 1, x0 + 1);
      const tx = fx - x0;
      const m =
        (mean[y0 * gw + x0]! * (1 - tx) + mean[y0 * gw + x1]! * tx) * (1 - ty) +
        (mean[y1 * gw + x0]! * (1 - tx) + mean[y1 * gw + x1]! * tx) * ty;
      if (pixels[row + x]! < m * k) out[row + x] = 1;
    }
  }
  return out;
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
  const parent: number[] = [];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  const runX0: number[] = [];
  const runX1: number[] = [];
  const runY: number[] = [];
  let prevStart = 0;
  let prevEnd = 0;
  for (let y = 0; y < h; y++) {
    const rowStart = runX0.length;
    const row = y * w;
    let x = 0;
    let p = prevStart;
    while (x < w) {
      if (!ink[row + x]) {
        x++;
        continue;
      }
      const s = x;
      while (x < w && ink[row + x]) x++;
      const e = x - 1;
      const id = runX0.length;
      runX0.push(s);
      runX1.push(e);
      runY.push(y);
      parent.push(id);
      // Runs of the previous row touching [s-1, e+1] (8-connectivity).
      while (p < prevEnd && runX1[p]! < s - 1) p++;
      let q = p;
      while (q < prevEnd && runX0[q]! <= e + 1) {
        const a = find(id);
        const b = find(q);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
        q++;
      }
    }
    prevStart = rowStart;
    prevEnd = runX0.length;
  }
  const index = new Map<number, number>();
  const out: Component[] = [];
  for (let i = 0; i < runX0.length; i++) {
    const r = find(i);
    let k = index.get(r);
    if (k === undefined) {
      k = out.length;
      index.set(r, k);
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
  const score = (deg: number): number => {
    const t = Math.tan((deg * Math.PI) / 180);
    const hist = new Map<number, number>();
    for (let i = 0; i < xs.length; i++) {
      const b = Math.round((ys[i]! - xs[i]! * t) / bin);
      hist.set(b, (hist.get(b) ?? 0) + 1);
    }
    let s = 0;
    for (const v of hist.values()) s += v * v;
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

/** Rotate by `degrees` (counter-clockwise positive, image y pointing down) about the centre, bilinear; the canvas grows to keep every pixel. */
export function rotate(image: GreyImage, degrees: number, fill: number): GreyImage {
  const { width: w, height: h, pixels } = image;
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const W = Math.ceil(Math.abs(w * cos) + Math.abs(h * sin));
  const H = Math.ceil(Math.abs(w * sin) + Math.abs(h * cos));
  const out = new Uint8Array(W * H);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const CX = (W - 1) / 2;
  const CY = (H - 1) / 2;
  for (let Y = 0; Y < H; Y++) {
    const dy = Y - CY;
    // Inverse mapping: source = R(-a) · (dest - centre) + centre, with y down.
    let sx = cos * -CX + sin * dy + cx;
    let sy = -sin * -CX + cos * dy + cy;
    for (let X = 0; X < W; X++, sx += cos, sy -= sin) {
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 >= w - 1 || y0 >= h - 1) {
        out[Y * W + X] = fill;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const i = y0 * w + x0;
      const top = pixels[i]! * (1 - fx) + pixels[i + 1]! * fx;
      const bottom = pixels[i + w]! * (1 - fx) + pixels[i + w + 1]! * fx;
      out[Y * W + X] = top * (1 - fy) + bottom * fy + 0.5;
    }
  }
  return { width: W, height: H, pixels: out };
}

/** Bilinear resize by `scale`. */
export function resize(image: GreyImage, scale: number): GreyImage {
  const { width: w, height: h, pixels } = image;
  const W = Math.max(1, Math.round(w * scale));
  const H = Math.max(1, Math.round(h * scale));
  const out = new Uint8Array(W * H);
  const xs0 = new Int32Array(W);
  const xf = new Float32Array(W);
  for (let X = 0; X < W; X++) {
    const sx = Math.min(w - 1, Math.max(0, (X + 0.5) / scale - 0.5));
    xs0[X] = Math.min(w - 2, Math.floor(sx));
    xf[X] = sx - xs0[X]!;
  }
  for (let Y = 0; Y < H; Y++) {
    const sy = Math.min(h - 1, Math.max(0, (Y + 0.5) / scale - 0.5));
    const y0 = Math.min(Math.max(0, h - 2), Math.floor(sy));
    const fy = h > 1 ? sy - y0 : 0;
    const r0 = y0 * w;
    const r1 = h > 1 ? r0 + w : r0;
    for (let X = 0; X < W; X++) {
      const x0 = Math.max(0, xs0[X]!);
      const x1 = w > 1 ? x0 + 1 : x0;
      const fx = w > 1 ? xf[X]! : 0;
      const top = pixels[r0 + x0]! * (1 - fx) + pixels[r0 + x1]! * fx;
      const bottom = pixels[r1 + x0]! * (1 - fx) + pixels[r1 + x1]! * fx;
      out[Y * W + X] = top * (1 - fy) + bottom * fy + 0.5;
    }
  }
  return { width: W, height: H, pixels: out };
}

/**
 * Paint long thin horizontal and vertical ink runs with the paper tone.
 *
 * A horizontal rule is a run of ink at least `8 × charHeight` long (gaps of a few pixels bridged, as
 * in broken scans); in each of its columns the ink is removed only where the vertical stretch of ink
 * through it is no thicker than a rule (`0.45 × charHeight`): a letter touching or crossing the rule is
 * taken for text and kept. Vertical rules the same way, at least `5 × charHeight` long. Linear time:
 * run lengths are computed in row-order passes, never by walking from each pixel.
 */
export function removeRuleLines(
  image: GreyImage,
  ink: Uint8Array,
  charHeight: number,
  fill: number,
): { image: GreyImage; pixels: number; rules: RuleLines } {
  const { width: w, height: h } = image;
  const n = w * h;
  const out = new Uint8Array(image.pixels);
  const gap = Math.max(2, Math.round(charHeight / 8));
  const maxThick = Math.max(3, Math.round(charHeight * 0.45));
  const minH = Math.max(40, Math.round(charHeight * 8));
  const minV = Math.max(30, Math.round(charHeight * 5));
  const vThick = verticalRunLengths(ink, w, h);
  const erased = new Uint8Array(n);
  let removed = 0;
  const erase = (i: number) => {
    if (!erased[i]) {
      erased[i] = 1;
      out[i] = fill;
      removed++;
    }
  };
  // The anti-aliased fringe of a rule (too light to count as ink) is painted too, or a faint ghost of
  // the rule is left for tesseract: two pixels on each side, across the rule's direction.
  const fringe = (i: number, step: number) => {
    for (let k = 1; k <= 2; k++) {
      const a = i - k * step;
      const b = i + k * step;
      if (a >= 0 && !ink[a]) erase(a);
      if (b < n && !ink[b]) erase(b);
    }
  };

  // Horizontal rules: bridged runs along each row.
  const rowRules: number[] = [];
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let x = 0;
    while (x < w) {
      if (!ink[row + x]) {
        x++;
        continue;
      }
      const s = x;
      let last = x;
      while (x < w) {
        if (ink[row + x]) last = x;
        else if (x - last > gap) break;
        x++;
      }
      const len = last - s + 1;
      if (len < minH) continue;
      if (len >= w / 4) rowRules.push(y);
      for (let i = row + s; i <= row + last; i++) {
        if (ink[i] && vThick[i]! <= maxThick) {
          erase(i);
          fringe(i, w);
        }
      }
    }
  }

  // Vertical rules: close small vertical gaps, then vertical run lengths of the closed ink. Thickness
  // across a vertical rule is measured without the horizontal rules just removed, so the crossings go too.
  const rest = new Uint8Array(n);
  for (let i = 0; i < n; i++) rest[i] = ink[i]! & (erased[i]! ^ 1);
  const hThick = horizontalRunLengths(rest, w, h);
  const closed = new Uint8Array(n);
  const up = new Uint16Array(n); // rows since the last ink pixel above (capped)
  for (let i = 0; i < n; i++) {
    if (ink[i]) up[i] = 0;
    else up[i] = i >= w ? Math.min(65535, up[i - w]! + 1) : 65535;
  }
  let down = new Uint16Array(w).fill(65535);
  for (let y = h - 1; y >= 0; y--) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      if (ink[i]) {
        down[x] = 0;
        closed[i] = 1;
      } else {
        down[x] = Math.min(65535, down[x]! + 1);
        if (up[i]! + down[x]! <= gap + 1) closed[i] = 1;
      }
    }
  }
  down = new Uint16Array(0);
  const vLen = verticalRunLengths(closed, w, h);
  const colCount = new Uint32Array(w);
  for (let i = 0; i < n; i++) {
    if (vLen[i]! < minV || !closed[i]) continue;
    if (vLen[i]! >= h / 8) colCount[i % w]!++;
    if (ink[i] && hThick[i]! <= maxThick) {
      erase(i);
      fringe(i, 1);
    }
  }
  const colRules: number[] = [];
  for (let x = 0; x < w; x++) if (colCount[x]! >= h / 8) colRules.push(x);

  return {
    image: { width: w, height: h, pixels: out },
    pixels: removed,
    rules: { rows: mergePositions(rowRules, maxThick * 2), columns: mergePositions(colRules, maxThick * 2) },
  };
}

/** For every pixel, the length of the vertical run of `mask` pixels it belongs to (0 off the mask). */
function verticalRunLengths(mask: Uint8Array, w: number, h: number): Uint16Array {
  const len = new Uint16Array(w * h);
  // Top-down: length so far; bottom-up: propagate each run's total.
  for (let i = 0; i < w * h; i++) if (mask[i]) len[i] = i >= w && mask[i - w] ? Math.min(65535, len[i - w]! + 1) : 1;
  for (let i = w * h - 1 - w; i >= 0; i--) if (mask[i] && mask[i + w]) len[i] = len[i + w]!;
  return len;
}

/** For every pixel, the length of the horizontal run of `mask` pixels it belongs to (0 off the mask). */
function horizontalRunLengths(mask: Uint8Array, w: number, h: number): Uint16Array {
  const len = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let x = 0;
    while (x < w) {
      if (!mask[row + x]) {
        x++;
        continue;
      }
      const s = x;
      while (x < w && mask[row + x]) x++;
      const l = Math.min(65535, x - s);
      len.fill(l, row + s, row + x);
    }
  }
  return len;
}

/** Sorted positions within `tolerance` of each other merged into their mean. */
function mergePositions(values: number[], tolerance: number): number[] {
  const v = [...values].sort((a, b) => a - b);
  const out: number[] = [];
  let group: number[] = [];
  for (const x of v) {
    if (group.length && x - group[group.length - 1]! > tolerance) {
      out.push(Math.round(group.reduce((s, g) => s + g, 0) / group.length));
      group = [];
    }
    group.push(x);
  }
  if (group.length) out.push(Math.round(group.reduce((s, g) => s + g, 0) / group.length));
  return out;
}
