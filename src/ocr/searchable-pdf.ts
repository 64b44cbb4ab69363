/**
 * A searchable PDF: the original file with, on each page read by OCR, its words as invisible text
 * (src/ocr/invisible-text.ts) in a content stream of its own. Nothing of the original is re-encoded
 * or rewritten: the page's own content streams are kept as they are, by reference, between a `q`
 * stream put before them and the text stream after them (so the text starts from the page's own
 * coordinates whatever state the original content leaves), and the file is saved incrementally
 * (the original bytes, then the new objects) whenever MuPDF can (not for a file it had to repair).
 *
 * The font is the standard Type 1 Helvetica with WinAnsiEncoding, not embedded: every reader has it
 * and its widths (so a word is stretched to its box exactly), it adds a few bytes where an embedded
 * font adds tens of kilobytes, and it needs no font file in the repository (OCRmyPDF's GlyphLessFont
 * is one). What it costs: only the characters of Windows-1252 can be written, which covers French and
 * English text; any other character is written as `?`.
 */
// biome-ignore syntax/correctness/noTypeOnlyImportAttributes: TypeScript 5.3+ allows resolution-mode on a type-only import in a CommonJS build (Biome flags it wrongly)
import type * as Mupdf from 'mupdf' with { 'resolution-mode': 'import' };
import { deflateSync } from 'node:zlib';
import type { PageLayout } from '../text/page';
import { type InvisibleFont, invisibleText } from './invisible-text';
import { loadMupdf, type MupdfModule } from './mupdf';

/** The font's name in each page's resources: unlikely to be taken by a scanner's own. */
export const OCR_FONT = 'OcrPoolHelv';

/**
 * Above and below the baseline, in ems, of the box MuPDF gives a Helvetica glyph (its quads, what
 * search and selection highlight): measured on MuPDF.js 1.26 (12 pt: 12.9 pt above, 3.59 below).
 */
const HELVETICA_ASCENT = 1.075;
const HELVETICA_DESCENT = 0.299;

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
    const font = helvetica(mupdf);
    let fontRef: Mupdf.PDFObject | undefined;
    pages.forEach((layout, i) => {
      if (!layout?.words.some((w) => w.text.trim() !== '')) return;
      fontRef ??= doc.addSimpleFont(new mupdf.Font('Helvetica'), 'Latin');
      addText(mupdf, doc, i, invisibleText(layout, font), fontRef);
    });
    if (!fontRef) return original;
    return doc.saveToBuffer(doc.canBeSavedIncrementally() ? 'incremental' : '').asUint8Array().slice();
  } finally {
    doc.destroy();
  }
}

/** Page `index`'s content streams become [q, …its own…, Q + `text` in the page's displayed coordinates]. */
function addText(mupdf: MupdfModule, doc: Mupdf.PDFDocument, index: number, text: string, fontRef: Mupdf.PDFObject): void {
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
    fonts.put(OCR_FONT, fontRef);
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

/** Helvetica's widths (MuPDF's metric-compatible face) and Windows-1252 codes. */
function helvetica(mupdf: MupdfModule): InvisibleFont {
  const face = new mupdf.Font('Helvetica');
  const advance = new Map<string, number>();
  const em = (ch: string) => {
    let w = advance.get(ch);
    if (w === undefined) {
      w = face.advanceGlyph(face.encodeCharacter(ch));
      advance.set(ch, w);
    }
    return w;
  };
  const encodable = (text: string) => [...text].map((ch) => (WIN_ANSI.has(ch) ? ch : '?'));
  return {
    resource: `/${OCR_FONT}`,
    width: (text) => encodable(text).reduce((s, ch) => s + em(ch), 0),
    ascent: HELVETICA_ASCENT,
    descent: HELVETICA_DESCENT,
    hex: (text) => `<${encodable(text)
      .map((ch) => WIN_ANSI.get(ch)!.toString(16).padStart(2, '0'))
      .join('')}>`,
  };
}

/** Each printable character of Windows-1252 (PDF's WinAnsiEncoding) and its code. */
const WIN_ANSI: ReadonlyMap<string, number> = (() => {
  const decoder = new TextDecoder('windows-1252');
  const map = new Map<string, number>();
  for (let code = 0x20; code <= 0xff; code++) {
    if (code === 0x7f) continue;
    const ch = decoder.decode(Uint8Array.of(code));
    if (!/\p{Cc}/u.test(ch)) map.set(ch, code);
  }
  return map;
})();

function num(v: number): string {
  const r = Math.round(v * 1e5) / 1e5;
  return Object.is(r, -0) ? '0' : String(r);
}
