/**
 * An open PDF document: its pages' text layers and grey renders, through MuPDF (src/ocr/mupdf.ts loads
 * it; src/ocr/open-pdf.ts opens and validates a file).
 *
 * A page that cannot be read or rendered is thrown as a `PermanentError` with a message meant for
 * `ocr_error`; running out of memory as a `RetryableError`.
 */
// biome-ignore syntax/correctness/noTypeOnlyImportAttributes: TypeScript 5.3+ allows resolution-mode on a type-only import in a CommonJS build (Biome flags it wrongly)
import type * as Mupdf from 'mupdf' with { 'resolution-mode': 'import' };
import { PermanentError, RetryableError } from '../errors';
import { isOutOfMemory, logSince, mupdfLog, reason, type MupdfModule } from './mupdf';
import { type StextChar, wordsFromChars } from './stext-words';
import type { PageLayout } from '../text/page';

/** An 8-bit greyscale image, one byte per pixel, rows top to bottom, no padding, no alpha. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface RenderedPage extends GreyImage {
  /** The resolution actually used: the requested one, or less when the page had to fit the pixel budget. */
  dpi: number;
  /** True when the page was rendered below the requested DPI to fit `PAGE_PIXEL_BUDGET` (src/util/resolution.ts). */
  downscaled: boolean;
  /**
   * Where the render sits on the page, for placing words back on it (src/ocr/page-geometry.ts): the
   * page's size as displayed, points, and the top-left corner of pixel (0, 0) in points from the page's
   * top-left. Those of the page as rendered, before any turn (src/ocr/steps/orientation.ts).
   */
  page: { widthPt: number; heightPt: number; xPt: number; yPt: number };
}

export interface PageInfo {
  /** The page's text layer as plain text (MuPDF structured text), '' when it has none. */
  text: string;
  /** Share of the page area covered by images, 0..1 (a scanned page is ≈1). */
  imageCoverage: number;
  /** Page size in PDF points (1/72 inch). */
  widthPt: number;
  heightPt: number;
  /** Boxes of the text layer's lines, in points from the page's top-left corner (visible or not). */
  textBoxes: [number, number, number, number][];
}

export interface PdfDocument {
  readonly pageCount: number;
  /** MuPDF had to rebuild a broken cross-reference table to open the file (it still opened). */
  readonly repaired: boolean;
  /** Text layer of page `index` (0-based) as plain text; '' when the page has none. */
  textLayer(index: number): string;
  /** Text layer plus what is needed to judge it (image coverage, page size). `index` is 0-based. */
  pageInfo(index: number): PageInfo;
  /** The words of page `index`'s text layer (0-based), boxes in points from the page's top-left (src/ocr/stext-words.ts). */
  pageWords(index: number): PageLayout;
  /** Render page `index` (0-based) in DeviceGray without alpha at `dpi` (or less, to fit `PAGE_PIXEL_BUDGET`). */
  renderGrey(index: number, dpi: number): RenderedPage;
  /** Free the MuPDF objects (WebAssembly memory). Idempotent; the document is unusable afterwards. */
  close(): void;
}

/** Size of MuPDF's WebAssembly memory at the last render (0 before any). */
let wasmHeapBytes = 0;

/**
 * MuPDF's WebAssembly memory, as last seen by a render. It grows to fit the largest page or image
 * decoded and never shrinks: after a decompression bomb the thread keeps gigabytes until it ends.
 */
export function mupdfHeapBytes(): number {
  return wasmHeapBytes;
}

/** A document `openPdf` (src/ocr/open-pdf.ts) has opened and checked. */
export class MupdfDocument implements PdfDocument {
  private closed = false;

  constructor(
    private readonly mupdf: MupdfModule,
    private readonly doc: Mupdf.Document,
    readonly pageCount: number,
    readonly repaired: boolean,
    private readonly maxPixels: number,
    private readonly minDpi: number,
  ) {}

  textLayer(index: number): string {
    return this.pageInfo(index).text;
  }

  pageInfo(index: number): PageInfo {
    return this.withPage(index, 'read the text of', (page) => {
      const [x0, y0, x1, y1] = page.getBounds();
      const widthPt = x1 - x0;
      const heightPt = y1 - y0;
      const area = widthPt * heightPt;
      // 'preserve-images' adds image blocks (bbox only, cheap) so a scan with a thin text stamp on top
      // can be told from a real text page; asText() ignores them.
      const stext = page.toStructuredText('preserve-whitespace,preserve-images');
      try {
        let covered = 0;
        const textBoxes: [number, number, number, number][] = [];
        stext.walk({
          beginLine(bbox) {
            textBoxes.push([bbox[0] - x0, bbox[1] - y0, bbox[2] - x0, bbox[3] - y0]);
          },
          onImageBlock(bbox) {
            const w = Math.max(0, Math.min(bbox[2], x1) - Math.max(bbox[0], x0));
            const h = Math.max(0, Math.min(bbox[3], y1) - Math.max(bbox[1], y0));
            covered += w * h;
          },
        });
        const imageCoverage = area > 0 ? Math.min(1, covered / area) : 0;
        return { text: stext.asText(), imageCoverage, widthPt, heightPt, textBoxes };
      } finally {
        stext.destroy();
      }
    });
  }

  pageWords(index: number): PageLayout {
    return this.withPage(index, 'read the words of', (page) => {
      const [x0, y0, x1, y1] = page.getBounds();
      const stext = page.toStructuredText('preserve-whitespace');
      try {
        const chars: StextChar[] = [];
        let line = -1;
        stext.walk({
          beginLine() {
            line++;
          },
          onChar(c, _origin, _font, _size, quad) {
            chars.push({ c, quad, line });
          },
        });
        return { width: x1 - x0, height: y1 - y0, words: wordsFromChars(chars, x0, y0) };
      } finally {
        stext.destroy();
      }
    });
  }

  renderGrey(index: number, dpi: number): RenderedPage {
    if (!Number.isFinite(dpi) || dpi <= 0) throw new RangeError(`dpi must be a positive number, got ${dpi}`);
    return this.withPage(index, 'render', (page) => {
      const [x0, y0, x1, y1] = page.getBounds();
      const widthPt = x1 - x0;
      const heightPt = y1 - y0;
      if (!(widthPt > 0 && heightPt > 0 && Number.isFinite(widthPt * heightPt))) {
        throw new PermanentError(`page ${index + 1} has an empty or invalid page box [${[x0, y0, x1, y1].join(' ')}]`);
      }
      // Pixel budget: rather than failing on an oversized page (a plan, a poster, a bogus MediaBox),
      // render it at the highest DPI that fits `maxPixels`. Only when even `minDpi` would not fit, or
      // the fit would fall below `minDpi` (text too small to read), is the page refused.
      const requested = (widthPt / 72) * dpi * ((heightPt / 72) * dpi);
      let effectiveDpi = dpi;
      if (requested > this.maxPixels) {
        effectiveDpi = Math.floor(dpi * Math.sqrt(this.maxPixels / requested) * 100) / 100;
        // Pixel sizes are rounded up by the rasteriser: step down until the real size fits.
        while (Math.ceil((widthPt / 72) * effectiveDpi) * Math.ceil((heightPt / 72) * effectiveDpi) > this.maxPixels) {
          effectiveDpi = Math.floor(effectiveDpi * 0.99 * 100) / 100;
        }
        if (effectiveDpi < this.minDpi) {
          throw new PermanentError(
            `page ${index + 1} is too large to render: ${Math.round(widthPt)}×${Math.round(heightPt)} pt would need ` +
              `${(requested / 1e6).toFixed(0)} MP at ${dpi} DPI, and fitting the ${(this.maxPixels / 1e6).toFixed(0)} MP budget ` +
              `would mean ${effectiveDpi.toFixed(1)} DPI (minimum ${this.minDpi})`,
          );
        }
      }
      const scale = effectiveDpi / 72;
      const pixmap = page.toPixmap(this.mupdf.Matrix.scale(scale, scale), this.mupdf.ColorSpace.DeviceGray, false);
      try {
        const width = pixmap.getWidth();
        const height = pixmap.getHeight();
        const stride = pixmap.getStride();
        const n = pixmap.getNumberOfComponents() + pixmap.getAlpha();
        if (n !== 1) throw new Error(`expected a 1-channel grey pixmap, got ${n} channels`);
        // getPixels() is a view into WebAssembly memory that dies with the pixmap: copy it out.
        const view = pixmap.getPixels();
        wasmHeapBytes = view.buffer.byteLength;
        let pixels: Uint8Array;
        if (stride === width) {
          pixels = new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + width * height));
        } else {
          pixels = new Uint8Array(width * height);
          for (let y = 0; y < height; y++) pixels.set(view.subarray(y * stride, y * stride + width), y * width);
        }
        // MuPDF's bounds start at 0, 0 on every page seen, and its pixmap at the bounds' pixel; kept exact anyway.
        const placed = { widthPt, heightPt, xPt: pixmap.getX() / scale - x0, yPt: pixmap.getY() / scale - y0 };
        return { width, height, pixels, dpi: effectiveDpi, downscaled: effectiveDpi !== dpi, page: placed };
      } finally {
        pixmap.destroy();
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.doc.destroy();
    // MuPDF keeps decoded images and fonts in its store (up to 256 MiB) after their document is gone, and
    // its WebAssembly memory never shrinks: without this, every thread's heap grew document after document
    // towards that cap (26 → 95 MiB over 30 one-page scans, 241 MiB over the dev set). Nothing in it is
    // shared between documents, which are all different files.
    this.mupdf.emptyStore();
  }

  private withPage<T>(index: number, action: string, fn: (page: Mupdf.Page) => T): T {
    if (this.closed) throw new Error('PDF document is closed');
    if (!Number.isInteger(index) || index < 0 || index >= this.pageCount) {
      throw new RangeError(`page index ${index} out of range 0..${this.pageCount - 1}`);
    }
    const mark = mupdfLog.length;
    let page: Mupdf.Page | undefined;
    try {
      page = this.doc.loadPage(index);
      return fn(page);
    } catch (err) {
      if (err instanceof PermanentError || err instanceof RangeError) throw err;
      if (isOutOfMemory(err)) {
        throw new RetryableError(`out of memory while trying to ${action} page ${index + 1}: ${reason(err)}`, { cause: err });
      }
      throw new PermanentError(`corrupt PDF: cannot ${action} page ${index + 1}: ${reason(err)}${logSince(mark)}`, { cause: err });
    } finally {
      page?.destroy();
    }
  }
}
