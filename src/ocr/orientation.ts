/**
 * Pages scanned sideways or upside down. Registers and deeds are often fed to the scanner turned a
 * quarter or a half turn; tesseract then reads noise (a typed page that reads at 1 % CER upright reads
 * at 87 % turned 90° or 180°, with a mean word confidence around 50).
 *
 * No orientation model is needed: the page's own first reading says whether to look. An upright typed
 * page reads with many confident words, and then nothing more is done (so upright pages pay nothing).
 * A page that reads poorly has a sample of it, the middle of the page, read at the three other
 * quarter turns with the model already loaded; a turn whose sample reads clearly better than the page as
 * it came is applied to the whole page, which is read again, and the better of the two readings is kept.
 * A page that reads poorly because it is handwritten or damaged reads no better turned, and stays as it is.
 */
import type { GreyImage } from './pdf';
import { inkComponents, type Component } from './page-analysis';
import type { OcrWord } from '../text/page';
import { alnumCount, hasLetterOrDigit } from '../text/words';

/** Clockwise quarter turns, in degrees: how far the page was turned to be read upright. */
export type Rotation = 0 | 90 | 180 | 270;
export const ROTATIONS: readonly Rotation[] = [0, 90, 180, 270];

/** `image` turned clockwise by `degrees` (a multiple of 90). */
export function rotateGrey(image: GreyImage, degrees: Rotation): GreyImage {
  const { width: w, height: h, pixels: src } = image;
  if (degrees === 0) return image;
  const out = new Uint8Array(w * h);
  if (degrees === 180) {
    for (let i = 0, n = w * h; i < n; i++) out[n - 1 - i] = src[i]!;
    return { width: w, height: h, pixels: out };
  }
  // A quarter turn: the new image is h wide and w high.
  for (let y = 0; y < h; y++) {
    const row = y * w;
    if (degrees === 90) {
      // (x, y) → (h - 1 - y, x)
      const nx = h - 1 - y;
      for (let x = 0; x < w; x++) out[x * h + nx] = src[row + x]!;
    } else {
      // 270: (x, y) → (y, w - 1 - x)
      for (let x = 0; x < w; x++) out[(w - 1 - x) * h + y] = src[row + x]!;
    }
  }
  return { width: h, height: w, pixels: out };
}

/**
 * The middle of the page, as a centred band along its lines (`across`: wide and low; `down`: narrow and
 * high) or a square when the direction of the lines is unknown. The band turned a quarter turn is the
 * band of the turned page, so readings at each turn compare like for like. Margins, where stamps and
 * folio numbers sit, are left out. A band is a third of the square's area, and a garbled reading of a
 * page the wrong way up costs time in proportion: the check stays cheap on handwritten pages, which read
 * poorly upright too.
 */
export function centralSample(
  image: GreyImage,
  shape: 'across' | 'down' | 'square' = 'square',
  share = SAMPLE_SHARE,
  /** A band's side across its lines times this (GLANCE: a first look at fewer lines). */
  factor = 1,
): GreyImage & { box: { x0: number; y0: number; x1: number; y1: number } } {
  const side = Math.min(image.width, image.height);
  // Never so small that it holds only a few words (a small page is sampled whole across).
  const long = Math.max(1, Math.min(side, Math.max(MIN_SAMPLE_SIDE, Math.round(side * share))));
  const short = shape === 'square' ? long : Math.min(long, Math.round(factor * Math.max(MIN_BAND_SIDE, long * BAND_RATIO)));
  const width = shape === 'down' ? short : long;
  const height = shape === 'across' ? short : long;
  const x0 = Math.floor((image.width - width) / 2);
  const y0 = Math.floor((image.height - height) / 2);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) pixels.set(image.pixels.subarray((y0 + y) * image.width + x0, (y0 + y) * image.width + x0 + width), y * width);
  return { width, height, pixels, box: { x0, y0, x1: x0 + width, y1: y0 + height } };
}

/**
 * Share of the shorter side of the page the orientation sample spans, and its least side in pixels (the
 * prepared image has body text about 21–30 px high, so that is some 25 lines of a few words each).
 * A sample read at 0.35 of a dev page takes 0.3–0.6 s where the page takes 2–10 s.
 */
export const SAMPLE_SHARE = 0.35;
export const MIN_SAMPLE_SIDE = 700;
/** A band is this share of the square's side across its lines, and at least MIN_BAND_SIDE px (some 5 lines of body text). */
export const BAND_RATIO = 0.4;
export const MIN_BAND_SIDE = 300;
/**
 * A first look at a half turn is the band with this share of its lines (as long, half as high: half the
 * reading). A page whose lines run across and reads poorly is most often handwriting, which reads no
 * better upside down: when the glance reads no confident word, the rest of the band is not read. Lines
 * are kept long because a table's words are spread along them (a quarter-size glance missed every word
 * of the typed cast list turned upside down).
 */
export const GLANCE = 0.5;

/**
 * A page whose mean word confidence is below this is looked at turned. Upright typed pages of the dev
 * set read at 80–93; the same pages turned a quarter or a half turn read at 30–60.
 */
export const ORIENTATION_CHECK_CONFIDENCE = 70;

/**
 * Whether a first reading calls for the orientation check: little confidence in its words, or words
 * standing on end. Tesseract's automatic layout (psm 3) reads a page turned a quarter turn clockwise as
 * vertical text, confidently but worse than upright (dev prose pages: 3.1 → 10.2 % CER, 7.9 → 12.1 %);
 * its word boxes are then taller than wide, which upright words of three letters or more never are.
 */
export function wantsOrientationCheck(words: ReadonlyArray<Pick<OcrWord, 'text' | 'confidence' | 'x0' | 'y0' | 'x1' | 'y1'>>): boolean {
  const real = words.filter((w) => hasLetterOrDigit(w.text));
  if (real.length === 0) return true;
  const mean = real.reduce((s, w) => s + w.confidence, 0) / real.length;
  return mean < ORIENTATION_CHECK_CONFIDENCE || standingWordsShare(real) >= STANDING_SHARE;
}

/** Share of the words of three letters or digits or more whose box is taller than wide (0 when there are fewer than 5). */
export function standingWordsShare(words: ReadonlyArray<Pick<OcrWord, 'text' | 'x0' | 'y0' | 'x1' | 'y1'>>): number {
  const long = words.filter((w) => alnumCount(w.text) >= 3);
  if (long.length < 5) return 0;
  return long.filter((w) => w.y1 - w.y0 > w.x1 - w.x0).length / long.length;
}

/** Upright pages of the dev set: 0.02–0.05 of their words stand; turned ones read as vertical text: 0.94–0.98. */
export const STANDING_SHARE = 0.5;

/** A turn is taken only when its sample reads this many times more confident words than the page as it came… */
export const TURN_ADVANTAGE = 2;
/** …and at least this many. */
export const MIN_TURN_WORDS = 4;

/**
 * The turn to apply, from the confident-word count of the sample read at each turn (0 = as scanned).
 * 0 unless one turn reads clearly better than the page as it came.
 */
export function chooseRotation(counts: Readonly<Record<Rotation, number>>): Rotation {
  let best: Rotation = 0;
  for (const r of ROTATIONS) if (counts[r] > counts[best]) best = r;
  if (best === 0) return 0;
  return counts[best] >= MIN_TURN_WORDS && counts[best] >= TURN_ADVANTAGE * counts[0] ? best : 0;
}

/**
 * Which way the text lines of `image` run, from the ink alone: the share of character-sized marks whose
 * nearest neighbour lies to the side rather than above or below. Letters of a word sit closer to each
 * other than lines do (whatever the script or hand), so on an upright or upside-down page the nearest
 * neighbour is beside, on a sideways one above or below. Null when there are too few marks to say.
 * Rotation-invariant by construction: a quarter turn of the image turns the share into its complement.
 */
export function horizontalShare(image: GreyImage): number | null {
  const marks = inkComponents(image).filter(markLike);
  if (marks.length < MIN_MARKS) return null;
  const extent = (c: Component) => Math.max(c.x1 - c.x0, c.y1 - c.y0) + 1;
  const sizes = marks.map(extent).sort((a, b) => a - b);
  const size = sizes[sizes.length >> 1]!;
  // Body-text letters only: dots, accents and broken strokes have their nearest neighbour anywhere.
  const comps = marks.filter((c) => extent(c) >= size / 2 && extent(c) <= size * 2);
  const cell = 3 * size;
  const cx = comps.map((c) => (c.x0 + c.x1) / 2);
  const cy = comps.map((c) => (c.y0 + c.y1) / 2);
  const grid = new Map<number, number[]>();
  const key = (gx: number, gy: number) => gy * 100_000 + gx;
  comps.forEach((_, i) => {
    const k = key(Math.floor(cx[i]! / cell), Math.floor(cy[i]! / cell));
    const list = grid.get(k);
    if (list) list.push(i);
    else grid.set(k, [i]);
  });
  let beside = 0;
  let counted = 0;
  for (let i = 0; i < comps.length; i++) {
    const gx = Math.floor(cx[i]! / cell);
    const gy = Math.floor(cy[i]! / cell);
    let best = Infinity;
    let dxBest = 0;
    let dyBest = 0;
    for (let oy = -1; oy <= 1; oy++) {
      for (let ox = -1; ox <= 1; ox++) {
        for (const j of grid.get(key(gx + ox, gy + oy)) ?? []) {
          if (j === i) continue;
          const dx = cx[j]! - cx[i]!;
          const dy = cy[j]! - cy[i]!;
          const d = dx * dx + dy * dy;
          if (d < best) {
            best = d;
            dxBest = dx;
            dyBest = dy;
          }
        }
      }
    }
    if (best === Infinity) continue;
    counted++;
    if (Math.abs(dxBest) > Math.abs(dyBest)) beside++;
  }
  return counted >= MIN_MARKS ? beside / counted : null;
}

/** Fewer marks than this say nothing about the direction of the lines. */
const MIN_MARKS = 30;

/** A mark the size and shape of a character in any orientation (not a speck, a rule or a picture). */
function markLike(c: Component): boolean {
  const w = c.x1 - c.x0 + 1;
  const h = c.y1 - c.y0 + 1;
  if (Math.min(w, h) < 3 || Math.max(w, h) > 4 * Math.min(w, h) || Math.max(w, h) > 200) return false;
  const fill = c.pixels / (w * h);
  return fill >= 0.08 && fill <= 0.9;
}

/**
 * Lines run across the page when this share of marks or more have their nearest neighbour beside them,
 * and up or down it when this share or less do not (measured on the dev pages: 0.78–0.94 upright and
 * 0.05–0.21 turned; one enlarged typewritten page with broken type measures 0.51 either way).
 */
export const ACROSS_SHARE = 0.65;

/**
 * The turns worth reading a sample at, from the direction of the lines: a page whose lines run across
 * can only be upside down; one whose lines run up or down is turned a quarter either way; when the ink
 * does not say, all three.
 */
export function candidateTurns(horizontal: number | null): Rotation[] {
  if (horizontal === null) return [180, 90, 270];
  if (horizontal >= ACROSS_SHARE) return [180];
  if (horizontal <= 1 - ACROSS_SHARE) return [90, 270];
  return [180, 90, 270];
}

/** Words of `words` whose box lies inside `box` (the first reading's share of the sample). */
export function wordsInside<W extends Pick<OcrWord, 'x0' | 'y0' | 'x1' | 'y1'>>(words: readonly W[], box: { x0: number; y0: number; x1: number; y1: number }): W[] {
  return words.filter((w) => w.x0 >= box.x0 && w.x1 <= box.x1 && w.y0 >= box.y0 && w.y1 <= box.y1);
}

