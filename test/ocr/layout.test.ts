import { describe, expect, it } from 'vitest';
import { inTextColumns, PSM_FOR_MODE, psmForPage } from '../../src/ocr/layout';
import { layoutCues, textColumns } from '../../src/ocr/layout-cues';
import { inkComponents, type Component } from '../../src/ocr/page-analysis';
import type { GreyImage } from '../../src/ocr/pdf';
import { prepareForOcr } from '../../src/ocr/preprocess';
import { PSM } from '../../src/ocr/tesseract';

/** A white page with rows of small glyph-like blocks (text), optionally a ruled grid and a dark scan border. */
function page(opts: { grid?: boolean; border?: boolean; columns?: number } = {}): GreyImage {
  const width = 1200;
  const height = 1600;
  const pixels = new Uint8Array(width * height).fill(235);
  const ink = (x: number, y: number) => {
    pixels[y * width + x] = 20;
  };
  const columns = opts.columns ?? 1;
  const colWidth = Math.floor((width - 200) / columns);
  for (let c = 0; c < columns; c++) {
    const left = 100 + c * colWidth;
    for (let y = 150; y + 20 < height - 150; y += 40) {
      // `H`-shaped glyphs, 20 px tall: text as preprocessing measures it.
      for (let x = left + 10; x + 12 < left + colWidth - 40; x += 18) {
        for (let yy = y; yy < y + 20; yy++) for (let xx = x; xx < x + 12; xx++) if (xx - x < 3 || x + 11 - xx < 3 || Math.abs(yy - y - 10) < 2) ink(xx, yy);
      }
    }
  }
  if (opts.grid) {
    for (let y = 130; y <= height - 130; y += 160) for (let x = 90; x <= width - 90; x++) ink(x, y);
    for (let x = 90; x <= width - 90; x += 250) for (let y = 130; y <= height - 130; y++) ink(x, y);
  }
  if (opts.border) {
    for (let y = 0; y < height; y++) for (let x = 0; x < 25; x++) ink(x, y);
    for (let x = 0; x < width; x++) for (let y = 0; y < 3; y++) ink(x, y);
  }
  return { width, height, pixels };
}

const box = (x0: number, y0: number, x1: number, y1: number, pixels: number): Component => ({ x0, y0, x1, y1, pixels });

describe('layoutCues', () => {
  it('finds a ruled grid in the ink of a register page', () => {
    const image = page({ grid: true });
    expect(layoutCues(inkComponents(image), image.width, image.height, 20).grids).toBe(1);
  });

  it('finds none on text alone, in one column or two', () => {
    for (const columns of [1, 2]) {
      const image = page({ columns });
      expect(layoutCues(inkComponents(image), image.width, image.height, 20).grids).toBe(0);
    }
  });

  it('measures the columns of text between gutters, as shares of the text width', () => {
    const one = page({ columns: 1 });
    expect(layoutCues(inkComponents(one), one.width, one.height, 20).columns).toEqual([1]);
    const three = page({ columns: 3 });
    const cols = layoutCues(inkComponents(three), three.width, three.height, 20).columns;
    expect(cols).toHaveLength(3);
    for (const c of cols) expect(c).toBeGreaterThan(0.28);
  });

  it('cuts a column only at a gutter at least a character wide: word spaces do not cut', () => {
    // Characters 12 px wide, 20 px tall: spaces of 6 and 14 px between them, then a gutter of 150 px.
    const chars = [box(200, 300, 211, 319, 120), box(218, 300, 229, 319, 120), box(244, 300, 255, 319, 120)];
    expect(textColumns(chars, 20, 1200, 1600)).toEqual([1]);
    const gutter = [...chars, box(406, 300, 417, 319, 120), box(424, 300, 435, 319, 120), box(450, 300, 461, 319, 120)];
    expect(textColumns(gutter, 20, 1200, 1600)).toHaveLength(2);
  });

  it('does not take the dark border of a scan, or the edge of a book, for a grid', () => {
    const image = page({ border: true, columns: 2 });
    expect(layoutCues(inkComponents(image), image.width, image.height, 20).grids).toBe(0);
    // The same outline moved inside the page is a frame of rules.
    expect(layoutCues([box(100, 100, 1100, 1500, 8_000)], 1200, 1600, 20).grids).toBe(1);
  });

  it('does not take a dense blob (a photograph, text run together) for a grid', () => {
    expect(layoutCues([box(100, 100, 1100, 1500, 600_000)], 1200, 1600, 20).grids).toBe(0);
  });

  it('does not take a short rule under a heading for a grid', () => {
    expect(layoutCues([box(100, 300, 1100, 303, 4_000)], 1200, 1600, 20).grids).toBe(0);
  });

  it('is measured when a page is prepared, and not when it holds too little text to tell', () => {
    expect(prepareForOcr(page({ grid: true }), { renderDpi: 300 }).report.layout?.grids).toBe(1);
    const twoColumns = prepareForOcr(page({ columns: 2 }), { renderDpi: 300 }).report.layout!;
    expect(twoColumns.grids).toBe(0);
    expect(twoColumns.columns).toHaveLength(2);
    for (const c of twoColumns.columns) expect(c).toBeGreaterThan(0.4);
    const blank = { width: 800, height: 800, pixels: new Uint8Array(800 * 800).fill(235) };
    expect(prepareForOcr(blank, { renderDpi: 300 }).report.layout).toBeNull();
  });
});

describe('psmForPage', () => {
  it('reads a ruled grid as one block, in either mode, whatever its columns', () => {
    expect(psmForPage('index', { grids: 1, columns: [0.5, 0.5] })).toBe(PSM.SINGLE_BLOCK);
    expect(psmForPage('acte', { grids: 2, columns: [1] })).toBe(PSM.SINGLE_BLOCK);
  });

  it('reads a register page in two or more wide columns of text (a typed list) with automatic layout', () => {
    expect(psmForPage('index', { grids: 0, columns: [0.48, 0.49] })).toBe(PSM.AUTO);
    expect(psmForPage('index', { grids: 0, columns: [0.01, 0.42, 0.41] })).toBe(PSM.AUTO);
  });

  it('keeps one block for other register pages: one column, or a table with a narrow column', () => {
    expect(psmForPage('index', { grids: 0, columns: [1] })).toBe(PSM.SINGLE_BLOCK);
    expect(psmForPage('index', { grids: 0, columns: [0.17, 0.74] })).toBe(PSM.SINGLE_BLOCK);
    expect(psmForPage('index', { grids: 0, columns: [0.09, 0.03, 0.47, 0.11] })).toBe(PSM.SINGLE_BLOCK);
  });

  it('reads a deed page without a grid with automatic layout, in columns or not', () => {
    expect(psmForPage('acte', { grids: 0, columns: [1] })).toBe(PSM.AUTO);
    expect(psmForPage('acte', { grids: 0, columns: [0.48, 0.49] })).toBe(PSM.AUTO);
  });

  it('calls a page in two wide columns without a grid a page in columns of text, nothing else', () => {
    expect(inTextColumns({ grids: 0, columns: [0.48, 0.49] })).toBe(true);
    expect(inTextColumns({ grids: 1, columns: [0.48, 0.49] })).toBe(false);
    expect(inTextColumns({ grids: 0, columns: [0.17, 0.74] })).toBe(false);
    expect(inTextColumns(null)).toBe(false);
  });

  it("falls back on the mode's segmentation when the page could not be measured", () => {
    expect(psmForPage('index', null)).toBe(PSM_FOR_MODE.index);
    expect(psmForPage('acte', undefined)).toBe(PSM_FOR_MODE.acte);
    expect(PSM_FOR_MODE).toEqual({ index: PSM.SINGLE_BLOCK, acte: PSM.AUTO });
  });
});
