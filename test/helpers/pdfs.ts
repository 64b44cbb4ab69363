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
 * `pdf` with every page turned `degrees` clockwise (the page's /Rotate), the way a scan fed sideways or
 * upside down comes out: MuPDF renders the page turned, as any viewer would.
 */
export async function turnPages(pdf: Uint8Array, degrees: 0 | 90 | 180 | 270): Promise<Uint8Array> {
  const mupdf = await loadMupdf();
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf').asPDF()!;
  try {
    for (let i = 0; i < doc.countPages(); i++) {
      const page = doc.findPage(i);
      page.put('Rotate', (((page.get('Rotate').asNumber() || 0) + degrees) % 360));
    }
    return doc.saveToBuffer('').asUint8Array().slice();
  } finally {
    doc.destroy();
  }
}

/** A one-page PDF holding `image` (JPEG or PNG bytes) over the whole page, as a scanner makes them at `dpi`. */
export async function imagePdf(image: Uint8Array, dpi: number): Promise<Uint8Array> {
  const mupdf = await loadMupdf();
  const doc = new mupdf.PDFDocument();
  try {
    const img = new mupdf.Image(image);
    const w = (img.getWidth() * 72) / dpi;
    const h = (img.getHeight() * 72) / dpi;
    const resources = doc.addObject({ XObject: { Im0: doc.addImage(img) } });
    doc.insertPage(-1, doc.addPage([0, 0, w, h], 0, resources, `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`));
    return doc.saveToBuffer('').asUint8Array().slice();
  } finally {
    doc.destroy();
  }
}
