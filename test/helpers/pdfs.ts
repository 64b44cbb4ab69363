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

/** A word drawn on a generated page, and the box of its ink on the page as displayed: points from the top-left. */
export interface KnownWord {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Lines for `wordsScan`: every word once, none inside another (each is found on the drawn page by searching for it). */
export const WORD_LINES = [
  'Vente chez Monsieur Pierre Tremblay',
  'demeurant rue Sherbrooke numero quarante',
  'immeuble connu comme lot cinq cents',
  'cadastre officiel paroisse Montreal',
  'prix payable comptant quittance totale',
  'hypotheque radiee avant signature',
];
/** The line of WORD_LINES each word is on. */
export const LINE_OF = new Map(WORD_LINES.flatMap((l, i) => l.split(' ').map((w) => [w, i] as const)));

export interface WordsScanSpec {
  /** Lines of words, each word once on the page (each is found by searching for it). */
  lines: string[];
  /** Font size, points (Helvetica). */
  size?: number;
  /** Resolution the page is scanned at. */
  dpi: number;
  /**
   * Resolution the scan's page box claims (default `dpi`): a 150 DPI scan on a page box sized as if it
   * were 300 DPI is half as large in points, its text too (the case preprocessing enlarges).
   */
  pageDpi?: number;
  /** The text turned this many degrees clockwise on the page (lines descending to the right: a skewed scan). */
  skew?: number;
  /** The page fed to the scanner turned this far clockwise (the page is then as wide as it was high). */
  turn?: 0 | 90 | 180 | 270;
}

/**
 * A scan of an A4 page of text lines, centred on the page, drawn turned and skewed as `spec` says, with
 * the true box of each word's ink on the scan's page. The truth is the word's ink as drawn upright (a
 * 300 DPI render, inside the box MuPDF's search gives for the word) carried by the same turn and skew as
 * the page, then the box around it: where an upright box of the word stands on the page. `drawn` is the
 * page before scanning (vector text, a text layer); the boxes hold for it too unless `pageDpi` is set.
 */
export async function wordsScan(spec: WordsScanSpec): Promise<{ pdf: Uint8Array; drawn: Uint8Array; words: KnownWord[] }> {
  const mupdf = await loadMupdf();
  const [W, H] = [595, 842];
  const size = spec.size ?? 12;
  const lead = size * 2;
  const top = H / 2 + (spec.lines.length * lead) / 2;
  const body = spec.lines.map((l, i) => `BT /F1 ${size} Tf 90 ${top - i * lead} Td (${escapePdfString(l)}) Tj ET`).join('\n');

  // The upright page's ink boxes, in PDF user space (y up).
  const upright = await buildPdf('', (doc) => {
    const resources = doc.addObject({ Font: { F1: doc.addSimpleFont(new mupdf.Font('Helvetica')) } });
    doc.insertPage(-1, doc.addPage([0, 0, W, H], 0, resources, body));
  });
  const inkBoxes = uprightInkBoxes(mupdf, upright, spec.lines.join(' ').split(/\s+/), H);

  // Content matrix (PDF user space): skew about the page's centre, then the turn onto the turned page.
  const phi = (-(spec.skew ?? 0) * Math.PI) / 180;
  const [c, s] = [Math.cos(phi), Math.sin(phi)];
  const skew = [c, s, -s, c, W / 2 - c * (W / 2) + s * (H / 2), H / 2 - s * (W / 2) - c * (H / 2)];
  const turn = spec.turn ?? 0;
  const turned = turn === 90 || turn === 270;
  const [PW, PH] = turned ? [H, W] : [W, H];
  const turnMatrix: Record<number, number[]> = {
    0: [1, 0, 0, 1, 0, 0],
    90: [0, -1, 1, 0, 0, W],
    180: [-1, 0, 0, -1, W, H],
    270: [0, 1, -1, 0, H, 0],
  };
  const m = concat(skew, turnMatrix[turn]!);
  const apply = (x: number, y: number): [number, number] => [m[0]! * x + m[2]! * y + m[4]!, m[1]! * x + m[3]! * y + m[5]!];
  const drawn = await buildPdf('', (doc) => {
    const resources = doc.addObject({ Font: { F1: doc.addSimpleFont(new mupdf.Font('Helvetica')) } });
    doc.insertPage(-1, doc.addPage([0, 0, PW, PH], 0, resources, `q ${m.map((v) => v.toFixed(6)).join(' ')} cm\n${body}\nQ`));
  });

  // The scan: the drawn page rendered at `dpi`, on a page box sized for `pageDpi`.
  const pageScale = spec.dpi / (spec.pageDpi ?? spec.dpi);
  const pdf = await buildPdf('compress', (out) => {
    const text = mupdf.Document.openDocument(drawn, 'application/pdf');
    try {
      const page = text.loadPage(0);
      const pixmap = page.toPixmap(mupdf.Matrix.scale(spec.dpi / 72, spec.dpi / 72), mupdf.ColorSpace.DeviceGray, false);
      const [w, h] = [(pixmap.getWidth() * 72) / (spec.pageDpi ?? spec.dpi), (pixmap.getHeight() * 72) / (spec.pageDpi ?? spec.dpi)];
      const resources = out.addObject({ XObject: { Im0: out.addImage(new mupdf.Image(pixmap)) } });
      out.insertPage(-1, out.addPage([0, 0, w, h], 0, resources, `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`));
      pixmap.destroy();
      page.destroy();
    } finally {
      text.destroy();
    }
  });
  const words = inkBoxes.map(({ text, box }) => {
    const corners = [apply(box[0], box[1]), apply(box[2], box[1]), apply(box[0], box[3]), apply(box[2], box[3])];
    const xs = corners.map((p) => p[0] * pageScale);
    // Top-left origin on the scan's page.
    const ys = corners.map((p) => (PH - p[1]) * pageScale);
    return { text, x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
  });
  return { pdf, drawn, words };
}

/** Matrix product: `a` applied first, then `b` (PDF's [a b c d e f] row-vector convention). */
function concat(a: number[], b: number[]): number[] {
  return [
    a[0]! * b[0]! + a[1]! * b[2]!,
    a[0]! * b[1]! + a[1]! * b[3]!,
    a[2]! * b[0]! + a[3]! * b[2]!,
    a[2]! * b[1]! + a[3]! * b[3]!,
    a[4]! * b[0]! + a[5]! * b[2]! + b[4]!,
    a[4]! * b[1]! + a[5]! * b[3]! + b[5]!,
  ];
}

/** Each word's ink on the one page of `pdf`: [x0, y0, x1, y1] in PDF user space (y up), from a 300 DPI render. */
function uprightInkBoxes(mupdf: Mupdf, pdf: Uint8Array, words: string[], H: number): { text: string; box: [number, number, number, number] }[] {
  const dpi = 300;
  const k = dpi / 72;
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  try {
    const page = doc.loadPage(0);
    const pixmap = page.toPixmap(mupdf.Matrix.scale(k, k), mupdf.ColorSpace.DeviceGray, false);
    const [pw, ph] = [pixmap.getWidth(), pixmap.getHeight()];
    const pixels = pixmap.getPixels().slice();
    const stride = pixmap.getStride();
    pixmap.destroy();
    const found = words.map((text) => {
      const hits = page.search(text, {});
      if (hits.length !== 1) throw new Error(`'${text}' is on the page ${hits.length} times; the words of a known page must be unique`);
      const q = hits[0]![0]!;
      const [qx0, qy0, qx1, qy1] = [Math.min(q[0]!, q[4]!), Math.min(q[1]!, q[3]!), Math.max(q[2]!, q[6]!), Math.max(q[5]!, q[7]!)];
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let y = Math.max(0, Math.floor((qy0 - 1) * k)); y < Math.min(ph, Math.ceil((qy1 + 1) * k)); y++) {
        for (let x = Math.max(0, Math.floor((qx0 - 1) * k)); x < Math.min(pw, Math.ceil((qx1 + 1) * k)); x++) {
          if (pixels[y * stride + x]! < 128) {
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x + 1);
            y1 = Math.max(y1, y + 1);
          }
        }
      }
      // Top-left pixels to PDF user space.
      return { text, box: [x0 / k, H - y1 / k, x1 / k, H - y0 / k] as [number, number, number, number] };
    });
    page.destroy();
    return found;
  } finally {
    doc.destroy();
  }
}
