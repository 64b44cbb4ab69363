/** PDFs made on the spot with MuPDF, for tests that need a particular kind of (bad) input. */
import { loadMupdf } from '../../src/ocr/mupdf';

export interface PageSpec {
  /** Page size in points (1/72 in). */
  width?: number;
  height?: number;
  /** Lines of text drawn on the page (a real text layer). */
  lines?: string[];
  /**
   * scannedPdf only: paint the page this many times more over its scan, a poison page (as makeFillsPdf:
   * 100 000 keep it rendering for minutes).
   */
  fills?: number;
}

type Mupdf = Awaited<ReturnType<typeof loadMupdf>>;

/** A new PDF made by `build`, saved with MuPDF's `saveOptions`; the document is freed either way. */
async function buildPdf(saveOptions: string, build: (doc: InstanceType<Mupdf['PDFDocument']>, mupdf: Mupdf) => void): Promise<Uint8Array> {
  const mupdf = await loadMupdf();
  const doc = new mupdf.PDFDocument();
  try {
    build(doc, mupdf);
    return doc.saveToBuffer(saveOptions).asUint8Array().slice();
  } finally {
    doc.destroy();
  }
}

function escapePdfString(s: string): string {
  return s.replace(/[\\()]/g, (c) => `\\${c}`);
}

export function makePdf(pages: PageSpec[], saveOptions = ''): Promise<Uint8Array> {
  return buildPdf(saveOptions, (doc, mupdf) => {
    const font = doc.addSimpleFont(new mupdf.Font('Times-Roman'));
    for (const p of pages) {
      const w = p.width ?? 595;
      const h = p.height ?? 842;
      const resources = doc.addObject({ Font: { F1: font } });
      const body = (p.lines ?? []).map((l, i) => `BT /F1 10 Tf 36 ${h - 40 - i * 12} Td (${escapePdfString(l)}) Tj ET`).join('\n');
      doc.insertPage(-1, doc.addPage([0, 0, w, h], 0, resources, body));
    }
  });
}

/** A page of plausible French deed text, `n` lines long. */
export function deedLines(n: number, seed = 0): string[] {
  const words = ['acte', 'de', 'vente', 'immeuble', 'situé', 'cadastre', 'lot', 'numéro', 'notaire', 'hypothèque', 'servitude', 'prix'];
  return Array.from({ length: n }, (_, i) => Array.from({ length: 12 }, (_, j) => words[(i * 7 + j * 3 + seed) % words.length]).join(' '));
}

/**
 * A poison PDF: pages whose content stream paints the same rectangle `fills` times. A few hundred bytes
 * compressed; MuPDF pays for every fill at render time (≈ 6 ms per full-page fill at 300 DPI here, so
 * 100 000 of them keep a page rendering for about ten minutes).
 */
export function makeFillsPdf(opts: { pages?: number; fills: number; rect?: [number, number, number, number] }): Promise<Uint8Array> {
  return buildPdf('compress', (doc) => {
    const [x, y, w, h] = opts.rect ?? [36, 36, 523, 770];
    const body = `0 g\n${`${x} ${y} ${w} ${h} re f\n`.repeat(opts.fills)}`;
    for (let i = 0; i < (opts.pages ?? 1); i++) doc.insertPage(-1, doc.addPage([0, 0, 595, 842], 0, doc.addObject({}), body));
  });
}

/**
 * A poison PDF of form XObjects nested `depth` deep, each drawing the next `fan` times: fan^depth
 * full-page fills from about 2 kB (8 deep, 4 wide: 65 536 fills, minutes of rendering).
 */
export function makeNestedFormsPdf(depth: number, fan: number): Promise<Uint8Array> {
  return buildPdf('compress', (doc) => {
    const form = (body: string, resources: Record<string, unknown>) =>
      doc.addStream(body, { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 595, 842], Resources: resources });
    let inner = form('0 g 36 36 523 770 re f', {});
    for (let d = 0; d < depth; d++) {
      const body = Array.from({ length: fan }, (_, i) => `q 1 0 0 1 ${i} ${i} cm /X Do Q`).join('\n');
      inner = form(body, { XObject: { X: inner } });
    }
    doc.insertPage(-1, doc.addPage([0, 0, 595, 842], 0, doc.addObject({ XObject: { X: inner } }), '/X Do'));
  });
}

export interface ScanOverlay {
  /** Lines of text drawn over the scan, each at its own position (points from the bottom-left). */
  lines: { x: number; y: number; size: number; text: string }[];
  /** Text render mode 3: in the text layer, not on the page (how searchable PDFs carry their OCR). */
  invisible?: boolean;
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
export function imagePdf(image: Uint8Array, dpi: number): Promise<Uint8Array> {
  return buildPdf('', (doc, mupdf) => {
    const img = new mupdf.Image(image);
    const w = (img.getWidth() * 72) / dpi;
    const h = (img.getHeight() * 72) / dpi;
    const resources = doc.addObject({ XObject: { Im0: doc.addImage(img) } });
    doc.insertPage(-1, doc.addPage([0, 0, w, h], 0, resources, `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`));
  });
}

/**
 * A scan: the pages of `makePdf(pages)` rendered in grey at `dpi` and put back as one full-page image
 * each, with no text (the engine must OCR them). `overlay` adds a text layer over every page: a stamp,
 * or an OCR layer when `invisible`.
 */
export async function scannedPdf(pages: PageSpec[], dpi = 300, overlay?: ScanOverlay): Promise<Uint8Array> {
  const mupdf = await loadMupdf();
  const text = mupdf.Document.openDocument(await makePdf(pages), 'application/pdf');
  const out = new mupdf.PDFDocument();
  try {
    const font = out.addSimpleFont(new mupdf.Font('Times-Roman'));
    const mode = overlay?.invisible ? '3 Tr ' : '';
    const layer = (overlay?.lines ?? []).map((l) => `BT ${mode}/F1 ${l.size} Tf ${l.x} ${l.y} Td (${escapePdfString(l.text)}) Tj ET`).join('\n');
    for (let i = 0; i < text.countPages(); i++) {
      const page = text.loadPage(i);
      const poison = pages[i]?.fills ? `\n0 g\n${'36 36 523 770 re f\n'.repeat(pages[i]!.fills!)}` : '';
      const [x0, y0, x1, y1] = page.getBounds();
      const pixmap = page.toPixmap(mupdf.Matrix.scale(dpi / 72, dpi / 72), mupdf.ColorSpace.DeviceGray, false);
      const image = out.addImage(new mupdf.Image(pixmap));
      const resources = out.addObject({ XObject: { Im0: image }, Font: { F1: font } });
      const [w, h] = [x1 - x0, y1 - y0];
      out.insertPage(-1, out.addPage([0, 0, w, h], 0, resources, `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q\n${layer}${poison}`));
      pixmap.destroy();
      page.destroy();
    }
    return out.saveToBuffer('compress').asUint8Array().slice();
  } finally {
    out.destroy();
    text.destroy();
  }
}
