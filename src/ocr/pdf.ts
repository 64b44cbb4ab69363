/**
 * PDF access through MuPDF.js (`mupdf`, AGPL-3.0, WebAssembly: no system libraries).
 *
 * `mupdf` is ESM-only with top-level await, so this CommonJS build loads it with one cached dynamic
 * `import()` (TypeScript keeps `import()` as is under `module: nodenext`). Everything after the load is
 * synchronous: opening, text extraction (~10 ms a page) and rendering (~0.1–0.5 s for a 300 DPI page).
 *
 * Every problem with the input itself (not a PDF, corrupt, truncated, encrypted, no pages, a page that
 * cannot be rendered) is thrown as a `PermanentError` with a message meant for `ocr_error`.
 */
// biome-ignore syntax/correctness/noTypeOnlyImportAttributes: TypeScript 5.3+ allows resolution-mode on a type-only import in a CommonJS build (Biome flags it wrongly)
import type * as Mupdf from 'mupdf' with { 'resolution-mode': 'import' };
import { PermanentError, RetryableError, coerceError } from '../errors';

export type MupdfModule = typeof Mupdf;

/** An 8-bit greyscale image, one byte per pixel, rows top to bottom, no padding, no alpha. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface RenderedPage extends GreyImage {
  /** The resolution actually used: the requested one, or less when the page had to fit the pixel budget. */
  dpi: number;
  /** True when the page was rendered below the requested DPI to fit `maxPixels`. */
  downscaled: boolean;
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
  /** Render page `index` (0-based) in DeviceGray without alpha at `dpi` (or less, see `maxPixels`). */
  renderGrey(index: number, dpi: number): RenderedPage;
  /** Free the MuPDF objects (WebAssembly memory). Idempotent; the document is unusable afterwards. */
  close(): void;
}

export interface OpenPdfOptions {
  /**
   * Pixel budget for one rendered page. A page that would exceed it at the requested DPI is rendered
   * at the highest DPI that fits instead of failing (an A0 plan at 300 DPI is ≈140 MP, a 16-bit-sized
   * mistake in a page box can ask for gigapixels). Default 120 MP = 120 MB of grey pixels, which
   * tesseract's 32-bit WebAssembly heap still handles.
   */
  maxPixels?: number;
  /** Below this DPI a downscaled render is useless for OCR: the page is refused instead. Default 50. */
  minDpi?: number;
}

export const DEFAULT_MAX_PIXELS = 120_000_000;
export const DEFAULT_MIN_DPI = 50;

let mupdfPromise: Promise<MupdfModule> | undefined;

/** Size of MuPDF's WebAssembly memory at the last render (0 before any). */
let wasmHeapBytes = 0;

/**
 * MuPDF's WebAssembly memory, as last seen by a render. It grows to fit the largest page or image
 * decoded and never shrinks: after a decompression bomb the thread keeps gigabytes until it ends.
 */
export function mupdfHeapBytes(): number {
  return wasmHeapBytes;
}

/** MuPDF's warnings and errors, kept so a PermanentError can say what MuPDF saw. */
const mupdfLog: string[] = [];
const MUPDF_LOG_MAX = 20;

function remember(message: string): void {
  mupdfLog.push(message.trim());
  if (mupdfLog.length > MUPDF_LOG_MAX) mupdfLog.shift();
}

/** Load `mupdf` once (dynamic import: it is ESM-only with top-level await) and route its log to memory. */
export function loadMupdf(): Promise<MupdfModule> {
  mupdfPromise ??= import('mupdf').then((m) => {
    // Without a log callback MuPDF prints warnings such as "warning: aes padding out of range" straight to
    // stderr, which would break the pool's one-JSON-object-per-line logs. They are kept for error messages.
    m.setLog({ error: (msg) => remember(`error: ${msg}`), warning: (msg) => remember(`warning: ${msg}`) });
    return m;
  });
  mupdfPromise.catch(() => {
    mupdfPromise = undefined; // let a later call try again instead of caching a failed import
  });
  return mupdfPromise;
}

function logSince(mark: number): string {
  const seen = mupdfLog.slice(Math.max(0, mark));
  const unique = [...new Set(seen)].slice(-4);
  return unique.length ? ` (MuPDF: ${unique.join('; ')})` : '';
}

/** Error message of whatever MuPDF threw, without a trailing period. */
function reason(err: unknown): string {
  return coerceError(err).message.replace(/\.\s*$/, '');
}

/** Out-of-memory is about this process, not the file: another attempt (maybe on another worker) may pass. */
function isOutOfMemory(err: unknown): boolean {
  const e = coerceError(err);
  return e instanceof RangeError || /out of memory|cannot allocate|malloc|memory access out of bounds/i.test(e.message);
}

const PDF_HEADER = Buffer.from('%PDF-', 'latin1');
const PDF_EOF = Buffer.from('%%EOF', 'latin1');

/** The PDF spec wants `%PDF-` at the start; readers (and MuPDF) accept it within the first 1 KiB. */
function hasPdfHeader(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes(PDF_HEADER);
}

/** A complete PDF ends with `%%EOF` (possibly followed by a few bytes of whitespace or junk). */
function hasEofMarker(bytes: Uint8Array): boolean {
  const tailStart = Math.max(0, bytes.byteLength - 1024);
  return Buffer.from(bytes.buffer, bytes.byteOffset + tailStart, bytes.byteLength - tailStart).includes(PDF_EOF);
}

/**
 * Open a PDF held in memory. Throws `PermanentError` when the bytes are not a usable PDF: not a PDF,
 * corrupt, truncated, encrypted with a user password, or without pages.
 */
export async function openPdf(bytes: Uint8Array, options: OpenPdfOptions = {}): Promise<PdfDocument> {
  const mupdf = await loadMupdf();
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const minDpi = options.minDpi ?? DEFAULT_MIN_DPI;
  if (!(maxPixels > 0)) throw new RangeError(`maxPixels must be > 0, got ${maxPixels}`);

  if (bytes.byteLength === 0) throw new PermanentError('not a PDF: the file is empty (0 bytes)');
  if (!hasPdfHeader(bytes)) {
    const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(8, bytes.byteLength)).toString('hex');
    throw new PermanentError(`not a PDF: no %PDF- header in the first 1 KiB (file starts with 0x${head}, ${bytes.byteLength} bytes)`);
  }

  const mark = mupdfLog.length;
  let doc: Mupdf.Document;
  try {
    // The MIME type forces the PDF parser: without it MuPDF would happily open a PNG or an EPUB.
    doc = mupdf.Document.openDocument(bytes, 'application/pdf');
  } catch (err) {
    if (isOutOfMemory(err)) throw new RetryableError(`out of memory while opening the PDF: ${reason(err)}`, { cause: err });
    throw new PermanentError(`corrupt PDF: MuPDF cannot open it: ${reason(err)}${logSince(mark)}`, { cause: err });
  }

  let ok = false;
  try {
    if (doc.needsPassword()) {
      // A document with only an owner password (permissions) opens without one and is read normally.
      throw new PermanentError('encrypted PDF: a password is required to open it');
    }
    const pdf = doc.asPDF();
    const repaired = pdf?.wasRepaired() ?? false;
    // MuPDF repairs a broken cross-reference table by scanning the objects, which also "opens" a file cut
    // short by a failed download or upload: with no page tree left it has zero pages, with one left its
    // pages render blank. A repaired file with no %%EOF at its end is treated as truncated rather than
    // OCR'd into an empty, falsely successful result. (A repaired file that does end in %%EOF, e.g. with
    // stale xref offsets after an edit, is common in the wild and is read.)
    if (repaired && !hasEofMarker(bytes)) {
      throw new PermanentError(
        `truncated PDF: the file (${bytes.byteLength} bytes) has no %%EOF marker at its end and its cross-reference table is missing or broken${logSince(mark)}`,
      );
    }
    let pageCount: number;
    try {
      pageCount = doc.countPages();
    } catch (err) {
      throw new PermanentError(`corrupt PDF: cannot count its pages: ${reason(err)}${logSince(mark)}`, { cause: err });
    }
    if (pageCount === 0) {
      throw new PermanentError(`PDF has no pages${repaired ? ` (its structure was broken and had to be repaired${logSince(mark)})` : ''}`);
    }
    ok = true;
    return new MupdfDocument(mupdf, doc, pageCount, repaired, maxPixels, minDpi);
  } finally {
    if (!ok) doc.destroy();
  }
}

class MupdfDocument implements PdfDocument {
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
        return { width, height, pixels, dpi: effectiveDpi, downscaled: effectiveDpi !== dpi };
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

/**
 * Is this text layer real text, worth using instead of OCR? Pure, so it is table-tested.
 *
 * - at least 20 letters or digits, and at least 3 words of two or more letters: a page number, a
 *   stamp or a few stray glyphs left by a scanner are not a text layer;
 * - letters and digits make at least half of the visible characters, and replacement / private-use /
 *   control characters (a font without a usable encoding) at most 10 %;
 * - on a page mostly covered by an image (`imageCoverage` ≥ 0.5, i.e. a scan), at least 200 letters or
 *   digits: a digital header or "copie certifiée" stamp on top of a scanned deed must not hide the
 *   scan from OCR. A real OCR layer over a scan (a searchable PDF) passes easily.
 */
export function hasUsableTextLayer(text: string, options: { imageCoverage?: number } = {}): boolean {
  const visible = text.replace(/\s+/gu, '');
  if (visible.length === 0) return false;
  const alnum = (visible.match(/[\p{L}\p{N}]/gu) ?? []).length;
  const bad = (visible.match(/[\uFFFD\p{Co}\p{Cc}\p{Cs}]/gu) ?? []).length;
  const words = (text.match(/\p{L}{2,}/gu) ?? []).length;
  const minAlnum = (options.imageCoverage ?? 0) >= 0.5 ? 200 : 20;
  if (alnum < minAlnum) return false;
  if (words < 3) return false;
  if (alnum / visible.length < 0.5) return false;
  if (bad / visible.length > 0.1) return false;
  return true;
}
