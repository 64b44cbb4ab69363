/**
 * Opening a PDF held in memory, and telling apart the ways a file is not a usable PDF.
 *
 * Every problem with the input itself (not a PDF, corrupt, truncated, encrypted, no pages) is thrown as a
 * `PermanentError` with a message meant for `ocr_error`; running out of memory as a `RetryableError`.
 */
// biome-ignore syntax/correctness/noTypeOnlyImportAttributes: TypeScript 5.3+ allows resolution-mode on a type-only import in a CommonJS build (Biome flags it wrongly)
import type * as Mupdf from 'mupdf' with { 'resolution-mode': 'import' };
import { PermanentError, RetryableError } from '../errors';
import { notAPdf } from '../storage/pdf-bytes';
import { PAGE_PIXEL_BUDGET } from '../util/resolution';
import { isOutOfMemory, loadMupdf, logSince, mupdfLog, reason } from './mupdf';
import { MupdfDocument, type PdfDocument } from './pdf';

export interface OpenPdfOptions {
  /** Pixel budget for one rendered page (see `PAGE_PIXEL_BUDGET`, the default; tests use smaller ones). */
  maxPixels?: number;
  /** Below this DPI a downscaled render is useless for OCR: the page is refused instead. Default 50. */
  minDpi?: number;
}

export const DEFAULT_MIN_DPI = 50;

const PDF_EOF = Buffer.from('%%EOF', 'latin1');

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
  const maxPixels = options.maxPixels ?? PAGE_PIXEL_BUDGET;
  const minDpi = options.minDpi ?? DEFAULT_MIN_DPI;
  if (!(maxPixels > 0)) throw new RangeError(`maxPixels must be > 0, got ${maxPixels}`);

  const notPdf = notAPdf(bytes);
  if (notPdf) throw new PermanentError(notPdf);

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
