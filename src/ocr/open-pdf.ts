/**
 * Opening a PDF held in memory, and telling apart the ways a file is not a usable PDF.
 *
 * Every problem with the input itself (not a PDF, corrupt, truncated, encrypted, no pages) is thrown as a
 * `PermanentError` with a message meant for `ocr_error`; running out of memory as a `RetryableError`.
 */
// biome-ignore syntax/correctness/noTypeOnlyImportAttributes: TypeScript 5.3+ allows resolution-mode on a type-only import in a CommonJS build (Biome flags it wrongly)
import type * as Mupdf from 'mupdf' with { 'resolution-mode': 'import' };
import { PermanentError, RetryableError } from '../errors';
import { isOutOfMemory, loadMupdf, logSince, mupdfLog, reason } from './mupdf';
import { MupdfDocument, type PdfDocument } from './pdf';

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
