/**
 * From the pixels tesseract read back to the PDF page: the render's scaling, the quarter turn of a page
 * read turned (src/ocr/steps/orientation.ts), preprocessing's deskew and enlargement
 * (src/ocr/preprocess.ts) and the recogniser's fit (src/ocr/unreadable.ts), each undone in the reverse
 * order. Every one of them is affine, so a point maps exactly; a box maps to the box around its four
 * corners (a deskewed word's box stands tilted on the page, and the page box holds it).
 *
 * Coordinates are continuous, pixel i covering [i, i + 1): tesseract's box `x0..x1` spans pixels
 * x0 to x1 - 1, and the rotation and resizing below map pixel centres the way image-transforms.ts does.
 */
import { rotatedSize } from './image-transforms';
import type { Rotation } from './orientation';
import type { RenderedPage } from './pdf';

/** What was done to a page's render before it was read: enough to place the reading's pixels back on the page. */
export interface ImagePlacement {
  /** The render as it was read: turned already when `turn` is set (its size then is the turned one). */
  rendered: Pick<RenderedPage, 'width' | 'height' | 'dpi' | 'page'>;
  /** Clockwise quarter turn applied to the render (0: read as rendered). */
  turn: Rotation;
  /** Degrees the turned render was rotated by (`rotate`, counter-clockwise positive): minus the skew, 0 without deskew. */
  deskew: number;
  /** Preprocessing's enlargement (1: none). */
  scale: number;
  /** Size of the prepared image, and of the image read (smaller when it was fitted to the recogniser). */
  prepared: { width: number; height: number };
  read: { width: number; height: number };
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The point of the page, in points from its top-left as displayed, that pixel point (x, y) of the image read shows. */
export function imageToPage(p: ImagePlacement): (x: number, y: number) => [number, number] {
  const fitX = p.read.width / p.prepared.width;
  const fitY = p.read.height / p.prepared.height;
  const { width: tw, height: th } = p.rendered;
  const rotated = rotatedSize(tw, th, p.deskew);
  const a = (p.deskew * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const perPixel = 72 / p.rendered.dpi;
  const { xPt, yPt } = p.rendered.page;
  return (x, y) => {
    // The recogniser's fit and preprocessing's enlargement: plain scalings from the corner.
    const sx = x / fitX / p.scale;
    const sy = y / fitY / p.scale;
    // The deskew: about the centres of the rotated canvas and of the image it came from (rotate's own inverse map).
    const dx = sx - rotated.width / 2;
    const dy = sy - rotated.height / 2;
    const u = cos * dx + sin * dy + tw / 2;
    const v = -sin * dx + cos * dy + th / 2;
    // The quarter turn (rotateGrey's mapping, reversed), back to the render as MuPDF made it.
    const [rx, ry] = unturn(p.turn, u, v, tw, th);
    return [rx * perPixel + xPt, ry * perPixel + yPt];
  };
}

/** Point (u, v) of a render turned clockwise by `turn` (now `tw`×`th`), in the render before the turn. */
function unturn(turn: Rotation, u: number, v: number, tw: number, th: number): [number, number] {
  switch (turn) {
    case 90:
      return [v, tw - u];
    case 180:
      return [tw - u, th - v];
    case 270:
      return [th - v, u];
    default:
      return [u, v];
  }
}

/** The box on the page around pixel box `box` of the image read, kept within the page. */
export function boxToPage(toPage: (x: number, y: number) => [number, number], box: Box, page: { widthPt: number; heightPt: number }): Box {
  const corners = [toPage(box.x0, box.y0), toPage(box.x1, box.y0), toPage(box.x0, box.y1), toPage(box.x1, box.y1)];
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return {
    x0: clamp(Math.min(...xs), page.widthPt),
    y0: clamp(Math.min(...ys), page.heightPt),
    x1: clamp(Math.max(...xs), page.widthPt),
    y1: clamp(Math.max(...ys), page.heightPt),
  };
}
