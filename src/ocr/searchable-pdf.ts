/**
 * A searchable PDF: the original file with, on each page read by OCR, its words as invisible text
 * (src/ocr/invisible-text.ts) in a content stream of its own. Nothing of the original is re-encoded
 * or rewritten: the page's own content streams are kept as they are, by reference, between a `q`
 * stream put before them and the text stream after them (so the text starts from the page's own
 * coordinates whatever state the original content leaves), and the file is saved incrementally
 * (the original bytes, then the new objects) whenever MuPDF can (not for a file it had to repair).
 *
 * The font is a glyphless Type 3 font written into the file (`glyphless`, below; the idea of
 * tesseract's and OCRmyPDF's GlyphLessFont, without a font program): its glyphs draw nothing, and its
 * metrics are chosen so that the size readers see (poppler scales its reading-order tolerances by it)
 * is set apart from the box a word is highlighted and searched in (MuPDF's quads, poppler's word
 * boxes), which spans the printed word. Any Unicode character is written (its ToUnicode map).
 */
// biome-ignore syntax/correctness/noTypeOnlyImportAttributes: TypeScript 5.3+ allows resolution-mode on a type-only import in a CommonJS build (Biome flags it wrongly)
import type * as Mupdf from 'mupdf' with { 'resolution-mode': 'import' };
import { deflateSync } from 'node:zlib';
import type { PageLayout } from '../text/page';
import { type InvisibleFont, invisibleText } from './invisible-text';
import { loadMupdf, type MupdfModule } from './mupdf';

/** The font's name in each page's resources: unlikely to be taken by a scanner's own. */
export const OCR_FONT = 'OcrPoolGlyphless';

/**
 * The glyphless font's metrics, in `UNITS` of the size set by `Tf`: every glyph `GLYPH_WIDTH` wide (a
 * word is stretched to its box by Tz anyway; poppler takes a Type 3 font's size to be `Tf` times a
 * letter's width over 0.5, so half an em keeps it `Tf`). Each face of the font has one box height, a
 * power of `FACE_STEP` times the size (so that a word's box is met within 5 %), between `MIN_RATIO`
 * and `MAX_RATIO` of it (poppler ignores an ascent of 3 ems or more), `ASCENT_SHARE` of it above the
 * baseline; a document gets only the faces its words use.
 */
const UNITS = 1000;
const GLYPH_WIDTH = 500;
const ASCENT_SHARE = 0.8;
const FACE_STEP = 1.1;
const MIN_RATIO = 0.02;
const MAX_RATIO = 3;

/**
 * `original` with each page's words (`pages[i]` for page i, 0-based) drawn invisibly on it; a null
 * layout (a text-layer page, a page not read) leaves its page alone. `pages` has one entry a page.
 */
export async function searchablePdf(original: Uint8Array, pages: ReadonlyArray<PageLayout | null>): Promise<Uint8Array> {
  const mupdf = await loadMupdf();
  const doc = mupdf.Document.openDocument(original, 'application/pdf').asPDF();
  if (!doc) throw new Error('not a PDF');
  try {
    const count = doc.countPages();
    if (pages.length !== count) throw new RangeError(`${pages.length} page layouts for a PDF of ${count} pages`);
    const drawn = pages.map((layout) => (layout?.words.some((w) => w.text.trim() !== '') ? layout : null));
    if (drawn.every((layout) => layout === null)) return original;
    const { font, used } = glyphless(doc, drawn.flatMap((layout) => layout?.words.map((w) => w.text) ?? []));
    drawn.forEach((layout, i) => {
      if (!layout) return;
      used.clear();
      const text = invisibleText(layout, font);
      addText(mupdf, doc, i, text, used);
    });
    return doc.saveToBuffer(doc.canBeSavedIncrementally() ? 'incremental' : '').asUint8Array().slice();
  } finally {
    doc.destroy();
  }
}

/** Page `index`'s content streams become [q, …its own…, Q + `text` in the page's displayed coordinates]. */
function addText(mupdf: MupdfModule, doc: Mupdf.PDFDocument, index: number, text: string, faces: ReadonlyMap<string, Mupdf.PDFObject>): void {
  const page = doc.loadPage(index) as Mupdf.PDFPage;
  try {
    const [bx, by] = page.getBounds();
    // The page's transform takes its user space to the page as displayed (turned, y down); its inverse
    // brings the words' coordinates (from the displayed page's top-left) back.
    const toUser = mupdf.Matrix.concat(mupdf.Matrix.translate(bx, by), mupdf.Matrix.invert(page.getTransform()));
    const pageObj = page.getObject();
    const resources = ownResources(doc, pageObj);
    let fonts = resources.get('Font');
    if (!fonts.isDictionary()) {
      fonts = doc.newDictionary();
      resources.put('Font', fonts);
    }
    for (const [name, ref] of faces) fonts.put(name, ref);
    const contents = doc.newArray();
    contents.push(doc.addStream('q\n', {}));
    const own = pageObj.get('Contents');
    if (own.isArray()) for (let i = 0; i < own.length; i++) contents.push(own.get(i));
    else if (!own.isNull()) contents.push(own);
    // Deflated here, so that saving needs no option that would touch the original's own streams
    // (a text layer deflates about 14:1: 2.2 kB for 400 words where it took 31 kB plain).
    const stream = Buffer.from(`Q\nq ${toUser.map(num).join(' ')} cm\n${text}\nQ\n`, 'latin1');
    contents.push(doc.addRawStream(deflateSync(stream), { Filter: 'FlateDecode' }));
    pageObj.put('Contents', contents);
  } finally {
    page.destroy();
  }
}

/** The page's resource dictionary, made its own when it had none or inherited one (a font added to a shared one is harmless). */
function ownResources(doc: Mupdf.PDFDocument, pageObj: Mupdf.PDFObject): Mupdf.PDFObject {
  const own = pageObj.get('Resources');
  if (own.isDictionary()) return own;
  const inherited = pageObj.getInheritable('Resources');
  const resources = doc.newDictionary();
  if (inherited.isDictionary()) {
    inherited.forEach((value, key) => {
      resources.put(key, value);
    });
  }
  pageObj.put('Resources', resources);
  return resources;
}

/**
 * A Type 3 font of one empty glyph under every code, written into `doc`: nothing to render, nothing to
 * download or embed (its glyph is an empty procedure in the file itself), and any metrics wanted (a
 * standard font's are fixed). A simple font has 256 codes: each character of `texts` gets one, the space
 * first, in the order they come, and the ToUnicode map gives each back (accents and any other Unicode
 * character included); past 255 characters (no French or English page comes near) the rest are written
 * as `?`.
 */
function glyphless(doc: Mupdf.PDFDocument, texts: readonly string[]): { font: InvisibleFont; used: Map<string, Mupdf.PDFObject> } {
  const codes = new Map<string, number>([
    [' ', 0x20],
    ['?', 0x3f],
  ]);
  let next = 1;
  for (const text of texts) {
    for (const ch of text.trim()) {
      if (codes.has(ch) || next > 0xff) continue;
      while (next === 0x20 || next === 0x3f) next++;
      if (next > 0xff) break;
      codes.set(ch, next++);
    }
  }
  const code = (ch: string) => codes.get(ch) ?? 0x3f;
  const [first, last] = [Math.min(...codes.values()), Math.max(...codes.values())];
  const unicode = [...codes].map(([ch, c]) => `<${hex2(c)}> <${[...ch].map((u) => utf16(u)).join('')}>`);
  const blocks: string[] = [];
  for (let i = 0; i < unicode.length; i += 100) {
    const chunk = unicode.slice(i, i + 100);
    blocks.push(`${chunk.length} beginbfchar\n${chunk.join('\n')}\nendbfchar`);
  }
  const cmap = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <00> <FF> endcodespacerange',
    ...blocks,
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const glyph = doc.addStream(`${GLYPH_WIDTH} 0 d0\n`, {});
  const differences: unknown[] = [first];
  for (let c = first; c <= last; c++) differences.push('g');
  const shared = {
    Type: 'Font',
    Subtype: 'Type3',
    FontMatrix: [1 / UNITS, 0, 0, 1 / UNITS, 0, 0],
    CharProcs: doc.addObject({ g: glyph }),
    Encoding: doc.addObject({ Type: 'Encoding', Differences: differences }),
    FirstChar: first,
    LastChar: last,
    Widths: doc.addObject(Array.from({ length: last - first + 1 }, () => GLYPH_WIDTH)),
    ToUnicode: doc.addStream(cmap, {}),
    Resources: doc.addObject({}),
  };
  const faces = new Map<number, { name: string; ref: Mupdf.PDFObject; ascent: number; height: number }>();
  const used = new Map<string, Mupdf.PDFObject>();
  const font: InvisibleFont = {
    face: (ratio) => {
      const step = Math.round(Math.log(Math.min(MAX_RATIO, Math.max(MIN_RATIO, ratio))) / Math.log(FACE_STEP));
      let face = faces.get(step);
      if (!face) {
        const height = Math.round(UNITS * FACE_STEP ** step);
        const ascent = Math.round(height * ASCENT_SHARE);
        const bbox = [0, ascent - height, GLYPH_WIDTH, ascent];
        const name = `${OCR_FONT}${step < 0 ? 'm' : 'p'}${Math.abs(step)}`;
        const descriptor = doc.addObject({ Type: 'FontDescriptor', FontName: name, Flags: 4, FontBBox: bbox, ItalicAngle: 0, Ascent: ascent, Descent: ascent - height, CapHeight: ascent, StemV: 0 });
        const ref = doc.addObject({ ...shared, Name: name, FontBBox: bbox, FontDescriptor: descriptor });
        face = { name, ref, ascent: ascent / UNITS, height: height / UNITS };
        faces.set(step, face);
      }
      used.set(face.name, face.ref);
      return { resource: `/${face.name}`, ascent: face.ascent, height: face.height };
    },
    width: (text) => ([...text].length * GLYPH_WIDTH) / UNITS,
    hex: (text) => `<${[...text].map((ch) => hex2(code(ch))).join('')}>`,
  };
  return { font, used };
}

const hex2 = (c: number) => c.toString(16).padStart(2, '0');

/** A character as UTF-16BE hex (two code units beyond the BMP). */
function utf16(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += ch.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
}

function num(v: number): string {
  const r = Math.round(v * 1e5) / 1e5;
  return Object.is(r, -0) ? '0' : String(r);
}
