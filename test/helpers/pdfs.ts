/** PDFs made on the spot with MuPDF, for tests that need a particular kind of (bad) input. */
import { loadMupdf } from '../../src/ocr/pdf';

export interface PageSpec {
  /** Page size in points (1/72 in). */
  width?: number;
  height?: number;
  /** Lines of text drawn on the page (a real text layer). */
  lines?: string[];
}

function escape(s: string): string {
  return s.replace(/[\\()]/g, (c) => `\\${c}`);
}

export async function makePdf(pages: PageSpec[], saveOptions = ''): Promise<Uint8Array> {
  const mupdf = await loadMupdf();
  const doc = new mupdf.PDFDocument();
  try {
    const font = doc.addSimpleFont(new mupdf.Font('Times-Roman'));
    for (const p of pages) {
      const w = p.width ?? 595;
      const h = p.height ?? 842;
      const resources = doc.addObject({ Font: { F1: font } });
      const body = (p.lines ?? []).map((l, i) => `BT /F1 10 Tf 36 ${h - 40 - i * 12} Td (${escape(l)}) Tj ET`).join('\n');
      doc.insertPage(-1, doc.addPage([0, 0, w, h], 0, resources, body));
    }
    return doc.saveToBuffer(saveOptions).asUint8Array().slice();
  } finally {
    doc.destroy();
  }
}

/** A page of plausible French deed text, `n` lines long. */
export function deedLines(n: number, seed = 0): string[] {
  const words = ['acte', 'de', 'vente', 'immeuble', 'situé', 'cadastre', 'lot', 'numéro', 'notaire', 'hypothèque', 'servitude', 'prix'];
  return Array.from({ length: n }, (_, i) => Array.from({ length: 12 }, (_, j) => words[(i * 7 + j * 3 + seed) % words.length]).join(' '));
}

/**
 * An image-only PDF (no text layer, so the engine must OCR it): the pages of `makePdf(pages)` rendered
 * in grey at `dpi` and put back as one image per page.
 */
export async function scannedPdf(pages: PageSpec[], dpi = 300): Promise<Uint8Array> {
  const mupdf = await loadMupdf();
  const text = mupdf.Document.openDocument(await makePdf(pages), 'application/pdf');
  const out = new mupdf.PDFDocument();
  try {
    for (let i = 0; i < text.countPages(); i++) {
      const page = text.loadPage(i);
      const [x0, y0, x1, y1] = page.getBounds();
      const pixmap = page.toPixmap(mupdf.Matrix.scale(dpi / 72, dpi / 72), mupdf.ColorSpace.DeviceGray, false);
      const image = out.addImage(new mupdf.Image(pixmap));
      const resources = out.addObject({ XObject: { Im0: image } });
      const [w, h] = [x1 - x0, y1 - y0];
      out.insertPage(-1, out.addPage([0, 0, w, h], 0, resources, `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`));
      pixmap.destroy();
      page.destroy();
    }
    return out.saveToBuffer('compress').asUint8Array().slice();
  } finally {
    out.destroy();
    text.destroy();
  }
}
