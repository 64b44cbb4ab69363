/**
 * Pixels in, pixels out, on 8-bit grey images: thicken the ink, rotate by any angle, resize. Pure and
 * synchronous; src/ocr/preprocess.ts chooses which to apply.
 */
import type { GreyImage } from './pdf';

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
  // The edges (fewer neighbours) apart, so that the inner loops carry no bounds tests.
  if (horizontal) {
    for (let y = 0; y < h; y++) {
      const row = y * w;
      const end = row + w - 1;
      if (w === 1) {
        out[row] = src[row]!;
        continue;
      }
      out[row] = Math.min(src[row]!, src[row + 1]!);
      for (let i = row + 1; i < end; i++) out[i] = Math.min(src[i - 1]!, src[i]!, src[i + 1]!);
      out[end] = Math.min(src[end - 1]!, src[end]!);
    }
  } else {
    if (h === 1) {
      out.set(src);
      return out;
    }
    const last = src.length - w;
    for (let i = 0; i < w; i++) out[i] = Math.min(src[i]!, src[i + w]!);
    for (let i = w; i < last; i++) out[i] = Math.min(src[i - w]!, src[i]!, src[i + w]!);
    for (let i = last; i < src.length; i++) out[i] = Math.min(src[i - w]!, src[i]!);
  }
  return out;
}

/** Rotate by `degrees` (counter-clockwise positive, image y pointing down) about the centre, bilinear; the canvas grows to keep every pixel. */
export function rotate(image: GreyImage, degrees: number, fill: number): GreyImage {
  const { width: w, height: h, pixels } = image;
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const { width: W, height: H } = rotatedSize(w, h, degrees);
  const out = new Uint8Array(W * H);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const CX = (W - 1) / 2;
  const CY = (H - 1) / 2;
  const xMax = w - 1;
  const yMax = h - 1;
  for (let Y = 0; Y < H; Y++) {
    const dy = Y - CY;
    // Inverse mapping: source = R(-a) · (dest - centre) + centre, with y down.
    let sx = cos * -CX + sin * dy + cx;
    let sy = -sin * -CX + cos * dy + cy;
    const row = Y * W;
    for (let X = 0; X < W; X++, sx += cos, sy -= sin) {
      // floor(s) < 0 ⇔ s < 0 and floor(s) ≥ n - 1 ⇔ s ≥ n - 1: the test on the doubles themselves, and
      // inside it truncation is floor, so the integer parts are plain int32 (V8 then indexes directly).
      if (sx < 0 || sy < 0 || sx >= xMax || sy >= yMax) {
        out[row + X] = fill;
        continue;
      }
      const x0 = sx | 0;
      const y0 = sy | 0;
      const fx = sx - x0;
      const fy = sy - y0;
      const i = y0 * w + x0;
      const top = pixels[i]! * (1 - fx) + pixels[i + 1]! * fx;
      const bottom = pixels[i + w]! * (1 - fx) + pixels[i + w + 1]! * fx;
      out[row + X] = top * (1 - fy) + bottom * fy + 0.5;
    }
  }
  return { width: W, height: H, pixels: out };
}

/** The canvas `rotate` makes for a `w`×`h` image turned by `degrees`: every pixel kept. */
export function rotatedSize(w: number, h: number, degrees: number): { width: number; height: number } {
  const a = (degrees * Math.PI) / 180;
  const cos = Math.abs(Math.cos(a));
  const sin = Math.abs(Math.sin(a));
  return { width: Math.ceil(w * cos + h * sin), height: Math.ceil(w * sin + h * cos) };
}

/** Bilinear resize by `scale`. */
export function resize(image: GreyImage, scale: number): GreyImage {
  const { width: w, height: h, pixels } = image;
  const W = Math.max(1, Math.round(w * scale));
  const H = Math.max(1, Math.round(h * scale));
  const out = new Uint8Array(W * H);
  const x0s = new Int32Array(W);
  const x1s = new Int32Array(W);
  // fx as float32, as it always was; 1 - fx from that value.
  const xf = new Float32Array(W);
  for (let X = 0; X < W; X++) {
    const sx = Math.min(w - 1, Math.max(0, (X + 0.5) / scale - 0.5));
    const x0 = Math.max(0, Math.min(w - 2, Math.floor(sx)));
    x0s[X] = x0;
    x1s[X] = w > 1 ? x0 + 1 : x0;
    xf[X] = w > 1 ? sx - Math.min(w - 2, Math.floor(sx)) : 0;
  }
  // The horizontal step of a source row is the same for every output row that reads it: each source
  // row is interpolated across once (two slots: the pair of rows the current output row reads), and
  // each output pixel pays only the vertical step.
  const across = (r: number, into: Float64Array) => {
    const base = r * w;
    for (let X = 0; X < W; X++) {
      const fx = xf[X]!;
      into[X] = pixels[base + x0s[X]!]! * (1 - fx) + pixels[base + x1s[X]!]! * fx;
    }
  };
  let top = new Float64Array(W);
  let bottom = new Float64Array(W);
  let topRow = -1;
  let bottomRow = -1;
  for (let Y = 0; Y < H; Y++) {
    const sy = Math.min(h - 1, Math.max(0, (Y + 0.5) / scale - 0.5));
    const y0 = Math.min(Math.max(0, h - 2), Math.floor(sy));
    const fy = h > 1 ? sy - y0 : 0;
    const y1 = h > 1 ? y0 + 1 : y0;
    if (topRow !== y0) {
      if (bottomRow === y0) {
        [top, bottom] = [bottom, top];
        [topRow, bottomRow] = [bottomRow, topRow];
      } else {
        across(y0, top);
        topRow = y0;
      }
    }
    if (bottomRow !== y1) {
      across(y1, bottom);
      bottomRow = y1;
    }
    const uy = 1 - fy;
    const row = Y * W;
    for (let X = 0; X < W; X++) out[row + X] = top[X]! * uy + bottom[X]! * fy + 0.5;
  }
  return { width: W, height: H, pixels: out };
}
