import { describe, expect, it } from 'vitest';
import { resize, rotate } from '../../src/ocr/image-transforms';
import { rotateGrey, type Rotation } from '../../src/ocr/orientation';
import { type Box, boxToPage, imageToPage, type ImagePlacement } from '../../src/ocr/page-geometry';
import type { GreyImage } from '../../src/ocr/pdf';

/** A white `w`×`h` image with black pixels over `box` (pixel edges). */
function imageWith(w: number, h: number, box: Box): GreyImage {
  const pixels = new Uint8Array(w * h).fill(255);
  for (let y = box.y0; y < box.y1; y++) pixels.fill(0, y * w + box.x0, y * w + box.x1);
  return { width: w, height: h, pixels };
}

/** The box around the dark pixels of `image`, pixel edges. */
function inkBox(image: GreyImage): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.pixels[y * image.width + x]! < 128) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1)];
    }
  }
  return { x0, y0, x1, y1 };
}

function iou(a: Box, b: Box): number {
  const inter = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const area = (r: Box) => (r.x1 - r.x0) * (r.y1 - r.y0);
  return inter / (area(a) + area(b) - inter);
}

/** A 400×300 px render at 144 DPI (2 px a point) of a 200×150 pt page, a mark at 25..75 × 30..45 pt. */
const PAGE = { widthPt: 200, heightPt: 150, xPt: 0, yPt: 0 };
const MARK_PX: Box = { x0: 50, y0: 60, x1: 150, y1: 90 };
const MARK_PT: Box = { x0: 25, y0: 30, x1: 75, y1: 45 };

/** The render put through a turn, a deskew, an enlargement and a fit, as the page steps do; the mark found in what comes out, placed back on the page. */
function roundTrip(turn: Rotation, deskew: number, scale: number, fit: number, page = PAGE): Box {
  const render = imageWith(400, 300, MARK_PX);
  const turned = rotateGrey(render, turn);
  const deskewed = deskew === 0 ? turned : rotate(turned, deskew, 255);
  const prepared = scale === 1 ? deskewed : resize(deskewed, scale);
  const read = fit === 1 ? prepared : resize(prepared, fit);
  const placement: ImagePlacement = {
    rendered: { width: turned.width, height: turned.height, dpi: 144, page },
    turn,
    deskew,
    scale,
    prepared,
    read,
  };
  return boxToPage(imageToPage(placement), inkBox(read), page);
}

describe('imageToPage', () => {
  it.each([0, 90, 180, 270] as const)('undoes the render scaling and a quarter turn of %i° exactly', (turn) => {
    const box = roundTrip(turn, 0, 1, 1);
    for (const k of ['x0', 'y0', 'x1', 'y1'] as const) expect(box[k]).toBeCloseTo(MARK_PT[k], 5);
  });

  it.each([0, 90, 270] as const)('undoes an enlargement and a fit to the recogniser (turn %i°) to within a pixel', (turn) => {
    const box = roundTrip(turn, 0, 1.7, 0.6);
    for (const k of ['x0', 'y0', 'x1', 'y1'] as const) expect(Math.abs(box[k] - MARK_PT[k])).toBeLessThanOrEqual(0.5);
  });

  it.each([-2, 1.5, 6] as const)('undoes a deskew of %f° about the canvas centre', (deskew) => {
    // The mark is found tilted in the deskewed image and placed back tilted the other way: the box holds
    // the mark, centred on it, grown by no more than the two tilts of a 50×15 pt box (+ a pixel).
    const box = roundTrip(90, deskew, 1.4, 1);
    const [cos, sin] = [Math.cos((deskew * Math.PI) / 180), Math.abs(Math.sin((deskew * Math.PI) / 180))];
    const [w1, h1] = [50 * cos + 15 * sin, 50 * sin + 15 * cos];
    expect(box.x1 - box.x0).toBeLessThanOrEqual(w1 * cos + h1 * sin + 0.5);
    expect(box.y1 - box.y0).toBeLessThanOrEqual(w1 * sin + h1 * cos + 0.5);
    expect(box.x0).toBeLessThanOrEqual(MARK_PT.x0 + 0.5);
    expect(box.y0).toBeLessThanOrEqual(MARK_PT.y0 + 0.5);
    expect(box.x1).toBeGreaterThanOrEqual(MARK_PT.x1 - 0.5);
    expect(box.y1).toBeGreaterThanOrEqual(MARK_PT.y1 - 0.5);
    if (Math.abs(deskew) <= 2) expect(iou(box, MARK_PT)).toBeGreaterThan(0.8);
    expect(Math.abs((box.x0 + box.x1) / 2 - 50)).toBeLessThan(0.5);
    expect(Math.abs((box.y0 + box.y1) / 2 - 37.5)).toBeLessThan(0.5);
  });

  it("places the render's pixels where the page's box says they start", () => {
    const box = roundTrip(0, 0, 1, 1, { ...PAGE, xPt: 10, yPt: -5 });
    expect(box).toEqual({ x0: 35, y0: 25, x1: 85, y1: 40 });
  });

  it('keeps a box within the page', () => {
    const toPage = (x: number, y: number): [number, number] => [x, y];
    expect(boxToPage(toPage, { x0: -3, y0: 10, x1: 250, y1: 160 }, PAGE)).toEqual({ x0: 0, y0: 10, x1: 200, y1: 150 });
  });
});
