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
