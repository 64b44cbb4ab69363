import { describe, expect, it } from 'vitest';
import type { GreyImage } from '../../src/ocr/pdf';
import { resize, thickenInk } from '../../src/ocr/image-transforms';
import { BILEVEL_SHARE, binarize, components, estimateSkew, inkComponents, textSize, tones } from '../../src/ocr/page-analysis';
import { DPI_TRUST_RATIO, prepareForOcr } from '../../src/ocr/preprocess';

/**
 * A page of fake text: rows of dark `H`-shaped glyphs (`h` px tall, 0.6 h wide) on light paper, rows
 * descending by `skewDeg` degrees to the right.
 */
function fakeText(h: number, opts: { width?: number; height?: number; skewDeg?: number; paper?: number; ink?: number } = {}): GreyImage {
  const width = opts.width ?? 1600;
  const height = opts.height ?? 1200;
  const pixels = new Uint8Array(width * height).fill(opts.paper ?? 235);
  const t = Math.tan(((opts.skewDeg ?? 0) * Math.PI) / 180);
  const w = Math.max(2, Math.round(h * 0.6));
  for (let row = 2 * h; row + h < height - 2 * h; row += 2 * h) {
    for (let x = 2 * h; x + w < width - 2 * h; x += w + Math.max(2, Math.round(h * 0.3))) {
      const y0 = Math.round(row + x * t);
      for (let y = y0; y < y0 + h; y++) {
        if (y < 0 || y >= height) continue;
        const stroke = Math.max(1, Math.round(h / 6));
        const bar = Math.abs(y - y0 - h / 2) < stroke / 2 + 0.5;
        for (let xx = x; xx < x + w; xx++) if (bar || xx - x < stroke || x + w - 1 - xx < stroke) pixels[y * width + xx] = opts.ink ?? 20;
      }
    }
  }
  return { width, height, pixels };
}

describe('prepareForOcr', () => {
  it('measures the paper tone as the bright end of the page', () => {
    expect(tones(fakeText(20)).paper).toBe(235);
  });

  // The estimate sits within the ±20 % window around the glyph height (between x-height and cap height).
  it.each([[12], [21], [40]])('measures a text height of %i px within 20 %%', (h) => {
    const img = fakeText(h);
    const size = textSize(components(binarize(img), img.width, img.height), img.width, img.height);
    expect(size!.charHeight).toBeGreaterThanOrEqual(Math.floor(h / 1.2));
    expect(size!.charHeight).toBeLessThanOrEqual(h);
  });

  // Thresholding on the fly must label exactly what the thresholded page would (uneven paper, so the
  // local threshold varies across the page; glyphs touching the edges too).
  it('finds the same components straight from the threshold as on the binarised page', () => {
    const img = fakeText(14, { skewDeg: 1, width: 701, height: 523 });
    for (let i = 0; i < img.pixels.length; i++) img.pixels[i] = Math.max(0, img.pixels[i]! - ((i % img.width) >> 4) - (i % 7));
    for (let y = 0; y < img.height; y++) img.pixels[y * img.width] = img.pixels[y * img.width + img.width - 1] = 10;
    const expected = components(binarize(img), img.width, img.height);
    expect(expected.length).toBeGreaterThan(100);
    expect(inkComponents(img)).toEqual(expected);
  });

  it('keeps the render resolution when the text size implies nearly the same one', () => {
    const r = prepareForOcr(fakeText(24), { renderDpi: 300 });
    expect(r.report.estimatedDpi! / 300).toBeLessThan(DPI_TRUST_RATIO);
    expect(r.dpi).toBe(300);
    expect(r.report.scale).toBe(1);
  });

  it('tells tesseract the resolution of large text', () => {
    const r = prepareForOcr(fakeText(50), { renderDpi: 300 });
    expect(r.dpi).toBeGreaterThan(300 * DPI_TRUST_RATIO);
    expect(r.report.scale).toBe(1);
  });

  it('enlarges small text', () => {
    const img = fakeText(10);
    const r = prepareForOcr(img, { renderDpi: 300 });
    expect(r.report.scale).toBeGreaterThan(1.5);
    expect(r.image.width).toBe(Math.round(img.width * r.report.scale));
  });

  it('thickens the ink of a 1-bit page by one pixel, and leaves a grey scan alone', () => {
    const bilevel = fakeText(21, { paper: 255, ink: 0 });
    expect(tones(bilevel).bilevel).toBeGreaterThanOrEqual(BILEVEL_SHARE);
    const r = prepareForOcr(bilevel, { renderDpi: 300 });
    expect(r.report.thickened).toBe(true);
    const dark = (img: GreyImage) => img.pixels.reduce((n, v) => n + (v < 128 ? 1 : 0), 0);
    expect(dark(r.image)).toBeGreaterThan(dark(bilevel) * 1.3);

    const grey = fakeText(21); // paper 235, ink 20: nothing within 10 levels of white
    expect(tones(grey).bilevel).toBeLessThan(0.5);
    const g = prepareForOcr(grey, { renderDpi: 300 });
    expect(g.report.thickened).toBe(false);
    expect(g.image).toBe(grey);

    expect(prepareForOcr(bilevel, { renderDpi: 300, thickenBilevel: false }).report.thickened).toBe(false);
  });

  it('thickens by taking the darkest pixel of each 3×3 neighbourhood', () => {
    // A one-pixel dot in the middle of a 5×5 white square grows to 3×3; a broken stroke is joined.
    const dot: GreyImage = { width: 5, height: 5, pixels: new Uint8Array(25).fill(255) };
    dot.pixels[12] = 0;
    expect([...thickenInk(dot).pixels]).toEqual([
      255, 255, 255, 255, 255,
      255, 0, 0, 0, 255,
      255, 0, 0, 0, 255,
      255, 0, 0, 0, 255,
      255, 255, 255, 255, 255,
    ]);
    const broken: GreyImage = { width: 5, height: 1, pixels: Uint8Array.from([0, 255, 255, 0, 255]) };
    expect([...thickenInk(broken).pixels]).toEqual([0, 0, 0, 0, 0]);
    expect([...dot.pixels].filter((v) => v === 0)).toHaveLength(1); // the input is not changed
  });

  it('finds no text on a blank page and changes nothing', () => {
    const blank: GreyImage = { width: 400, height: 300, pixels: new Uint8Array(400 * 300).fill(240) };
    const r = prepareForOcr(blank, { renderDpi: 300, deskew: true });
    expect(r.report.charHeight).toBeNull();
    expect(r.dpi).toBe(300);
    expect(r.image).toBe(blank);
  });

  it.each([[0], [1.5], [-2]])('estimates a skew of %f degrees', (deg) => {
    const img = fakeText(20, { skewDeg: deg });
    const comps = components(binarize(img), img.width, img.height);
    expect(Math.abs(estimateSkew(comps, 20) - deg)).toBeLessThan(0.2);
  });

  it('deskews register pages only when asked', () => {
    const img = fakeText(20, { skewDeg: 2 });
    expect(prepareForOcr(img, { renderDpi: 300 }).report.rotated).toBe(false);
    expect(prepareForOcr(img, { renderDpi: 300, deskew: true }).report.rotated).toBe(true);
  });

  it('resizes by a factor', () => {
    const r = resize({ width: 10, height: 4, pixels: new Uint8Array(40).fill(100) }, 2);
    expect([r.width, r.height]).toEqual([20, 8]);
    expect(r.pixels.every((p) => p === 100)).toBe(true);
  });
});
