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
