/**
 * Rebuild the demo's sample documents: `npm run samples` (or `npx tsx scripts/generate-samples.ts`).
 *
 * Writes samples/<bucket>/… (PDFs laid out as OCR_STORAGE_DIR expects), samples/ground-truth/<id>.txt and
 * samples/manifest.json, which `npm run demo` reads. The documents are invented (scripts/sample-documents.ts)
 * and drawn with MuPDF.js, nothing else:
 *   - born-digital: text drawn with MuPDF's built-in fonts into a PDF, which then has a real text layer;
 *   - scanned: the same page rasterised (grey, 200 dpi), skewed, with ink spread, uneven paper, noise and
 *     dust, JPEG-compressed and wrapped back into an image-only PDF;
 *   - scanned-bilevel: a black-and-white photocopy look (1 bit per pixel, Flate), harsher noise;
 *   - a cadastral plan (drawing, no OCR) and a PDF cut short, as a failed upload leaves it.
 * Ground truth is the text as printed, one line per paragraph, heading or table row, pages separated by
 * a form feed; line-end hyphens added by the layout are not in it. Everything is seeded: a rebuild gives
 * the same pixels.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
// biome-ignore syntax/correctness/noTypeOnlyImportAttributes: TypeScript 5.3+ allows resolution-mode on a type-only import in a CommonJS build (Biome flags it wrongly)
import type * as Mupdf from 'mupdf' with { 'resolution-mode': 'import' };
import {
  HYPOTHEQUE_1994,
  INDEX_1875044,
  INDEX_2475312,
  INDEX_206_112_EN,
  INDEX_412_7,
  SALE_1987_EN,
  TRANSMISSION_1978,
  VENTE_2019,
  type DeedSpec,
  type FontName,
  type RegisterSpec,
} from './sample-documents';
import type { Sample } from '../src/demo/samples';

type M = typeof Mupdf;

const ROOT = path.join(__dirname, '..', 'samples');

// ---------------------------------------------------------------------------------------------- model

type Op =
  | { t: 'text'; font: FontName; size: number; x: number; y: number; s: string }
  | { t: 'line'; x0: number; y0: number; x1: number; y1: number; w: number };

interface PageDraw {
  width: number;
  height: number;
  ops: Op[];
}

interface Laid {
  pages: PageDraw[];
  /** Page texts; joined with a form feed in the ground-truth file. */
  text: string[];
}

/** One entry of samples/manifest.json: the demo reads it with the same type. */
type ManifestEntry = Sample;
type SampleKind = Sample['kind'];

// ---------------------------------------------------------------------------------------------- text metrics

const NBSP = '\u00A0';

class Fonts {
  private readonly cache = new Map<FontName, Mupdf.Font>();
  constructor(private readonly m: M) {}
  get(name: FontName): Mupdf.Font {
    let f = this.cache.get(name);
    if (!f) {
      f = new this.m.Font(name);
      this.cache.set(name, f);
    }
    return f;
  }
  width(name: FontName, size: number, s: string): number {
    const f = this.get(name);
    let w = 0;
    for (const ch of s.replaceAll(NBSP, ' ')) w += f.advanceGlyph(f.encodeCharacter(ch)) * size;
    return w;
  }
}

const plain = (s: string) => s.replaceAll(NBSP, ' ');

// ---------------------------------------------------------------------------------------------- hyphenation

const VOWELS = new Set('aeiouyàâäéèêëîïôöùûüœæ');
/** Consonant pairs that stay together at the start of a syllable (French). */
const ONSETS = new Set(['bl', 'br', 'ch', 'cl', 'cr', 'dr', 'fl', 'fr', 'gl', 'gn', 'gr', 'ph', 'pl', 'pr', 'qu', 'th', 'tr', 'vr']);

/** Places where a lower-case French word may be split at a line end ("hypo|thèque", "pro|priété"). */
export function hyphenPoints(word: string): number[] {
  if (!/^[a-zàâäéèêëîïôöùûüçœæ]{7,}$/u.test(word)) return [];
  const w = [...word];
  const isV = (i: number) => VOWELS.has(w[i] ?? '');
  const points: number[] = [];
  for (let i = 3; i <= w.length - 3; i++) {
    // V-CV: split before a single consonant followed by a vowel.
    if (isV(i - 1) && !isV(i) && isV(i + 1)) points.push(i);
    // VC-CV: split between two consonants unless they form an onset.
    else if (!isV(i - 1) && !isV(i) && isV(i - 2) && isV(i + 1) && !ONSETS.has(`${w[i - 1]}${w[i]}`)) points.push(i);
  }
  // Never leave "qu" split from its vowel, never split right after "gu"/"qu".
  return points.filter((i) => !(w[i - 1] === 'q' || (w[i - 2] === 'q' && w[i - 1] === 'u')));
}

// ---------------------------------------------------------------------------------------------- deed layout

const A4: [number, number] = [595, 842];
const A4_LANDSCAPE: [number, number] = [842, 595];

function layoutDeed(fonts: Fonts, spec: DeedSpec): Laid {
  const [W, H] = A4;
  const left = 72;
  const right = W - 72;
  const top = 78;
  const bottom = H - 70;
  const pages: PageDraw[] = [];
  const text: string[][] = [];
  let page!: PageDraw;
  let lines!: string[];
  let y = 0;
  const newPage = () => {
    page = { width: W, height: H, ops: [] };
    lines = [];
    pages.push(page);
    text.push(lines);
    y = top;
  };
  newPage();
  const body = spec.fonts.body;
  const bold = spec.fonts.bold;
  const size = spec.size;
  const lead = spec.leading;
  const ensure = (h: number) => {
    if (y + h > bottom) newPage();
  };
  const draw = (font: FontName, sz: number, x: number, s: string) => page.ops.push({ t: 'text', font, size: sz, x, y, s: plain(s) });

  for (const b of spec.blocks) {
    switch (b.kind) {
      case 'title': {
        const sz = size + 4;
        ensure(sz * 2.5);
        y += sz;
        draw(bold, sz, (W - fonts.width(bold, sz, b.text)) / 2, b.text);
        y += sz * 1.4;
        lines.push(plain(b.text));
        break;
      }
      case 'right': {
        ensure(lead);
        y += size;
        draw(body, size - 1, right - fonts.width(body, size - 1, b.text), b.text);
        y += lead - size + 4;
        lines.push(plain(b.text));
        break;
      }
      case 'heading': {
        const wrapped = wrap(fonts, bold, size, b.text, right - left, false);
        ensure(lead * (wrapped.length + 1.5));
        y += 6;
        for (const l of wrapped) {
          y += lead;
          drawLine(page, fonts, bold, size, left, y, l.words, right - left, false);
        }
        y += 4;
        lines.push(plain(b.text));
        break;
      }
      case 'para': {
        const x0 = b.indent ? left + 28 : left;
        const wrapped = wrap(fonts, body, size, b.text, right - x0, true);
        ensure(lead * wrapped.length + 5);
        wrapped.forEach((l, i) => {
          y += lead;
          const last = i === wrapped.length - 1;
          drawLine(page, fonts, body, size, x0, y, l.words, right - x0, spec.justify && !last);
        });
        y += 5;
        lines.push(plain(b.text));
        break;
      }
      case 'gap':
        y += b.pt;
        break;
      case 'pageBreak':
        newPage();
        break;
      case 'signatures': {
        const colW = (right - left) / 2;
        for (let i = 0; i < b.names.length; i += 2) {
          ensure(lead * 3.5);
          y += lead * 1.8;
          for (let j = 0; j < 2 && i + j < b.names.length; j++) {
            const x = left + j * colW;
            page.ops.push({ t: 'line', x0: x, y0: y, x1: x + colW - 30, y1: y, w: 0.6 });
            const name = b.names[i + j]!;
            page.ops.push({ t: 'text', font: body, size: size - 1, x, y: y + lead, s: plain(name) });
            lines.push(plain(name));
          }
          y += lead;
        }
        break;
      }
    }
  }
  return { pages, text: text.map((l) => l.join('\n')) };
}

interface WrappedLine {
  words: string[];
}

/** Greedy line breaking; with `hyphenate`, a word that does not fit may be split at a French syllable. */
function wrap(fonts: Fonts, font: FontName, size: number, text: string, width: number, hyphenate: boolean): WrappedLine[] {
  const words = text.split(' ').filter(Boolean);
  const space = fonts.width(font, size, ' ');
  const out: WrappedLine[] = [];
  let cur: string[] = [];
  let curW = 0;
  const queue = [...words];
  while (queue.length) {
    const word = queue.shift()!;
    const w = fonts.width(font, size, word);
    const need = cur.length ? curW + space + w : w;
    if (need <= width) {
      cur.push(word);
      curW = need;
      continue;
    }
    // Does not fit. Hyphenate when the line would otherwise end with a wide gap.
    if (hyphenate && cur.length && width - curW > width * 0.1) {
      const m = /^(.*?)([,.;:)]*)$/u.exec(word)!;
      const core = m[1] ?? word;
      const tail = m[2] ?? '';
      const points = hyphenPoints(core).reverse();
      const at = points.find((p) => curW + space + fonts.width(font, size, `${[...core].slice(0, p).join('')}-`) <= width);
      if (at !== undefined) {
        const chars = [...core];
        cur.push(`${chars.slice(0, at).join('')}-`);
        out.push({ words: cur });
        cur = [];
        curW = 0;
        queue.unshift(`${chars.slice(at).join('')}${tail}`);
        continue;
      }
    }
    if (cur.length) out.push({ words: cur });
    cur = [word];
    curW = w;
    if (w > width) throw new Error(`word wider than the line: ${word}`);
  }
  if (cur.length) out.push({ words: cur });
  return out;
}

function drawLine(page: PageDraw, fonts: Fonts, font: FontName, size: number, x0: number, y: number, words: string[], width: number, justify: boolean): void {
  const widths = words.map((w) => fonts.width(font, size, w));
  const space = fonts.width(font, size, ' ');
  const natural = widths.reduce((a, b) => a + b, 0) + space * (words.length - 1);
  const gap = justify && words.length > 1 ? space + (width - natural) / (words.length - 1) : space;
  let x = x0;
  words.forEach((w, i) => {
    page.ops.push({ t: 'text', font, size, x, y, s: plain(w) });
    x += widths[i]! + gap;
  });
}

// ---------------------------------------------------------------------------------------------- register layout

function layoutRegister(fonts: Fonts, spec: RegisterSpec): Laid {
  const [W, H] = A4_LANDSCAPE;
  const left = 36;
  const tableW = spec.columns.reduce((a, c) => a + c.width, 0);
  if (Math.abs(tableW - (W - 2 * left)) > 1) throw new Error(`register columns add up to ${tableW}, expected ${W - 2 * left}`);
  const { body, bold } = spec.fonts;
  const size = spec.size;
  const pages: PageDraw[] = [];
  const text: string[] = [];
  for (const p of spec.pages) {
    const page: PageDraw = { width: W, height: H, ops: [] };
    const lines: string[] = [];
    const tsz = size + 5;
    page.ops.push({ t: 'text', font: bold, size: tsz, x: (W - fonts.width(bold, tsz, p.title)) / 2, y: 52, s: p.title });
    lines.push(p.title);
    let y = 78;
    for (const info of p.info) {
      page.ops.push({ t: 'text', font: body, size: size + 1, x: left, y, s: plain(info) });
      lines.push(plain(info));
      y += 15;
    }
    const top = y + 8;
    const headH = 24;
    const rowH = 25;
    const bottomY = top + headH + rowH * p.rows.length;
    if (bottomY > H - 30) throw new Error(`register page "${p.title}" has too many rows`);
    // Grid: outer frame, column rules, a heavier rule under the header, light rules between rows.
    const hl = (yy: number, w: number) => page.ops.push({ t: 'line', x0: left, y0: yy, x1: left + tableW, y1: yy, w });
    hl(top, 1.2);
    hl(top + headH, 1);
    if (spec.rules === 'grid') for (let r = 1; r < p.rows.length; r++) hl(top + headH + r * rowH, 0.4);
    hl(bottomY, 1.2);
    let x = left;
    page.ops.push({ t: 'line', x0: x, y0: top, x1: x, y1: bottomY, w: 1.2 });
    for (const c of spec.columns) {
      x += c.width;
      page.ops.push({ t: 'line', x0: x, y0: top, x1: x, y1: bottomY, w: x >= left + tableW - 0.5 ? 1.2 : 0.6 });
    }
    const cells = (row: string[], yy: number, font: FontName) => {
      let cx = left;
      spec.columns.forEach((c, i) => {
        const s = plain(row[i] ?? '');
        const w = fonts.width(font, size, s);
        if (w > c.width - 8) throw new Error(`cell too wide for column "${c.title}": ${s}`);
        if (s) page.ops.push({ t: 'text', font, size, x: c.align === 'right' ? cx + c.width - 5 - w : cx + 5, y: yy, s });
        cx += c.width;
      });
    };
    cells(spec.columns.map((c) => c.title), top + headH / 2 + size * 0.35, bold);
    lines.push(spec.columns.map((c) => c.title).join(' '));
    p.rows.forEach((row, r) => {
      cells(row, top + headH + r * rowH + rowH / 2 + size * 0.35, body);
      lines.push(row.filter(Boolean).map(plain).join(' '));
    });
    pages.push(page);
    text.push(lines.join('\n'));
  }
  return { pages, text };
}

// ---------------------------------------------------------------------------------------------- plan layout

function layoutPlan(): PageDraw {
  const [W, H] = A4_LANDSCAPE;
  const ops: Op[] = [];
  const text = (s: string, x: number, y: number, size = 9, font: FontName = 'Helvetica') => ops.push({ t: 'text', font, size, x, y, s });
  const poly = (pts: [number, number][], w = 0.8) => {
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i]!;
      const b = pts[(i + 1) % pts.length]!;
      ops.push({ t: 'line', x0: a[0], y0: a[1], x1: b[0], y1: b[1], w });
    }
  };
  text('PLAN CADASTRAL', 330, 48, 16, 'Helvetica-Bold');
  text('Cadastre du Québec — Circonscription foncière de Québec — Échelle 1 : 1 000', 230, 68, 9);
  poly([[60, 90], [782, 90], [782, 560], [60, 560]], 1.4);
  // Street, lots along it, a lane behind.
  ops.push({ t: 'line', x0: 60, y0: 470, x1: 782, y1: 470, w: 1.2 });
  ops.push({ t: 'line', x0: 60, y0: 520, x1: 782, y1: 520, w: 1.2 });
  text('RUE DES ÉRABLES', 360, 500, 11, 'Helvetica-Bold');
  const lots = ['2 475 310', '2 475 311', '2 475 312', '2 475 313', '2 475 314'];
  lots.forEach((lot, i) => {
    const x0 = 90 + i * 135;
    poly([[x0, 150], [x0 + 130, 140 + (i % 2) * 12], [x0 + 130, 470], [x0, 470]]);
    text(lot, x0 + 36, 300, i === 2 ? 11 : 9, i === 2 ? 'Helvetica-Bold' : 'Helvetica');
    text(`${(612.4 + i * 17.3).toFixed(1).replace('.', ',')} m²`, x0 + 40, 318, 7);
  });
  // A building footprint on lot 2 475 312 and a north arrow.
  poly([[388, 330], [462, 330], [462, 420], [388, 420]], 0.5);
  ops.push({ t: 'line', x0: 740, y0: 150, x1: 740, y1: 110, w: 1 });
  ops.push({ t: 'line', x0: 740, y0: 110, x1: 734, y1: 122, w: 1 });
  ops.push({ t: 'line', x0: 740, y0: 110, x1: 746, y1: 122, w: 1 });
  text('N', 736, 165, 10, 'Helvetica-Bold');
  return { width: W, height: H, ops };
}

// ---------------------------------------------------------------------------------------------- drawing

function replay(m: M, fonts: Fonts, dev: Mupdf.Device, page: PageDraw, ctm: Mupdf.Matrix): void {
  for (const op of page.ops) {
    if (op.t === 'text') {
      const t = new m.Text();
      t.showString(fonts.get(op.font), [op.size, 0, 0, -op.size, op.x, op.y], op.s);
      dev.fillText(t, ctm, m.ColorSpace.DeviceGray, [0], 1);
    } else {
      const p = new m.Path();
      p.moveTo(op.x0, op.y0);
      p.lineTo(op.x1, op.y1);
      const st = new m.StrokeState({ lineCap: 'Butt', lineJoin: 'Miter', lineWidth: op.w, miterLimit: 10 });
      dev.strokePath(p, st, ctm, m.ColorSpace.DeviceGray, [0], 1);
    }
  }
}

/** A PDF with real text (the born-digital variant), fonts subset. */
function bornDigitalPdf(m: M, fonts: Fonts, pages: PageDraw[]): Uint8Array {
  const buf = new m.Buffer();
  const writer = new m.DocumentWriter(buf, 'pdf', 'compress');
  for (const p of pages) {
    const dev = writer.beginPage([0, 0, p.width, p.height]);
    replay(m, fonts, dev, p, m.Matrix.identity);
    writer.endPage();
  }
  writer.close();
  const doc = new m.PDFDocument(buf.asUint8Array());
  doc.subsetFonts();
  return doc.saveToBuffer('compress,garbage=compact').asUint8Array().slice();
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ScanOptions {
  dpi: number;
  angleDeg: number;
  seed: number;
  bilevel: boolean;
}

interface ScanImage {
  width: number;
  height: number;
  /** JPEG bytes (grey) or Flate-compressed 1-bit rows (bilevel). */
  data: Uint8Array;
  bilevel: boolean;
}

/** Rasterise a page as a scanner would see it, then age it. */
function scanPage(m: M, fonts: Fonts, page: PageDraw, o: ScanOptions): ScanImage {
  const s = o.dpi / 72;
  const pw = Math.round(page.width * s);
  const ph = Math.round(page.height * s);
  const pix = new m.Pixmap(m.ColorSpace.DeviceGray, [0, 0, pw, ph], false);
  pix.clear(255);
  let ctm = m.Matrix.translate(-page.width / 2, -page.height / 2);
  ctm = m.Matrix.concat(ctm, m.Matrix.rotate(o.angleDeg));
  ctm = m.Matrix.concat(ctm, m.Matrix.translate(page.width / 2 + 4, page.height / 2 + 3)); // a little off-centre too
  ctm = m.Matrix.concat(ctm, m.Matrix.scale(s, s));
  const dev = new m.DrawDevice(m.Matrix.identity, pix);
  replay(m, fonts, dev, page, ctm);
  dev.close();
  const stride = pix.getStride();
  const view = pix.getPixels();
  const src = new Float32Array(pw * ph);
  for (let y = 0; y < ph; y++) for (let x = 0; x < pw; x++) src[y * pw + x] = view[y * stride + x]!;

  const rand = rng(o.seed);
  const gauss = () => rand() + rand() + rand() + rand() - 2; // sd ≈ 0.577
  // Ink spread: one [1 2 1] blur pass, twice for the photocopy.
  let img = blur121(src, pw, ph);
  if (o.bilevel) img = blur121(img, pw, ph);

  const phase = rand() * Math.PI * 2;
  const out = new Uint8Array(pw * ph);
  const paperBase = o.bilevel ? 245 : 232;
  const ink = o.bilevel ? 20 : 48;
  const noise = o.bilevel ? 22 : 7;
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      // Uneven paper: a slow wave plus a darker band along the binding edge.
      let paper = paperBase + 5 * Math.sin((x / pw) * 2.2 + phase) * Math.cos((y / ph) * 1.7 + phase / 2);
      const edge = x / (o.dpi * 0.35);
      if (edge < 1) paper -= 38 * (1 - edge) * (1 - edge);
      const v = img[y * pw + x]!;
      let g = ink + ((paper - ink) * v) / 255 + gauss() * noise * 1.73;
      if (o.bilevel) g = g < 150 ? 0 : 255;
      out[y * pw + x] = Math.min(255, Math.max(0, g));
    }
  }
  // Dust and toner specks.
  const specks = Math.round((pw * ph) / (o.bilevel ? 9000 : 14000));
  for (let i = 0; i < specks; i++) {
    const cx = Math.floor(rand() * pw);
    const cy = Math.floor(rand() * ph);
    const r = 0.6 + rand() * (o.bilevel ? 1.6 : 1.2);
    const dark = o.bilevel ? 0 : 60 + rand() * 90;
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        if (dx * dx + dy * dy > r * r) continue;
        const xx = cx + dx;
        const yy = cy + dy;
        if (xx >= 0 && yy >= 0 && xx < pw && yy < ph) out[yy * pw + xx] = Math.min(out[yy * pw + xx]!, dark);
      }
    }
  }

  if (o.bilevel) {
    const rowBytes = Math.ceil(pw / 8);
    const bits = new Uint8Array(rowBytes * ph);
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) if (out[y * pw + x]! >= 128) bits[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
    return { width: pw, height: ph, data: zlib.deflateSync(bits, { level: 9 }), bilevel: true };
  }
  const view2 = pix.getPixels();
  for (let y = 0; y < ph; y++) view2.set(out.subarray(y * pw, (y + 1) * pw), y * stride);
  pix.setResolution(o.dpi, o.dpi);
  const jpeg = pix.asJPEG(42).slice();
  pix.destroy();
  return { width: pw, height: ph, data: jpeg, bilevel: false };
}

function blur121(src: Float32Array, w: number, h: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    const r = y * w;
    for (let x = 0; x < w; x++) {
      const a = src[r + Math.max(0, x - 1)]!;
      const b = src[r + x]!;
      const c = src[r + Math.min(w - 1, x + 1)]!;
      tmp[r + x] = (a + 2 * b + c) / 4;
    }
  }
  for (let y = 0; y < h; y++) {
    const up = Math.max(0, y - 1) * w;
    const dn = Math.min(h - 1, y + 1) * w;
    const r = y * w;
    for (let x = 0; x < w; x++) out[r + x] = (tmp[up + x]! + 2 * tmp[r + x]! + tmp[dn + x]!) / 4;
  }
  return out;
}

/** An image-only PDF: one scan per page, page size in points as the original. */
function imagePdf(m: M, pages: { width: number; height: number; image: ScanImage }[]): Uint8Array {
  const pdf = new m.PDFDocument();
  for (const p of pages) {
    const d = pdf.newDictionary();
    d.put('Type', pdf.newName('XObject'));
    d.put('Subtype', pdf.newName('Image'));
    d.put('Width', p.image.width);
    d.put('Height', p.image.height);
    d.put('ColorSpace', pdf.newName('DeviceGray'));
    d.put('BitsPerComponent', p.image.bilevel ? 1 : 8);
    d.put('Filter', pdf.newName(p.image.bilevel ? 'FlateDecode' : 'DCTDecode'));
    const ref = pdf.addRawStream(p.image.data, d);
    const xobjects = pdf.newDictionary();
    xobjects.put('Im0', ref);
    const resources = pdf.newDictionary();
    resources.put('XObject', xobjects);
    const pageObj = pdf.addPage([0, 0, p.width, p.height], 0, resources, `q ${p.width} 0 0 ${p.height} 0 0 cm /Im0 Do Q`);
    pdf.insertPage(-1, pageObj);
  }
  return pdf.saveToBuffer('compress').asUint8Array().slice();
}

// ---------------------------------------------------------------------------------------------- the set

interface Job {
  id: string;
  title: string;
  source: ManifestEntry['source'];
  documentNumber: string;
  file: string;
  supabasePath: string;
  kind: SampleKind;
  expect: ManifestEntry['expect'];
  build: () => { pdf: Uint8Array; pages: number; text: string[] | null };
}

async function main(): Promise<void> {
  const m: M = await import('mupdf');
  m.setLog({ error: (s) => console.error(`mupdf: ${s}`), warning: () => undefined });
  const fonts = new Fonts(m);

  const deed = (spec: DeedSpec) => layoutDeed(fonts, spec);
  const reg = (spec: RegisterSpec) => layoutRegister(fonts, spec);
  const digital = (laid: Laid) => ({ pdf: bornDigitalPdf(m, fonts, laid.pages), pages: laid.pages.length, text: laid.text });
  const scanned = (laid: Laid, seed: number, angles: number[], bilevel: boolean) => ({
    pdf: imagePdf(
      m,
      laid.pages.map((p, i) => ({
        width: p.width,
        height: p.height,
        image: scanPage(m, fonts, p, { dpi: 200, angleDeg: angles[i % angles.length]!, seed: seed + i, bilevel }),
      })),
    ),
    pages: laid.pages.length,
    text: laid.text,
  });

  // Demo order: `--docs N` takes the first N, so the first three cover a text layer, OCR and a failure.
  const jobs: Job[] = [
    {
      id: 'acte-2019-vente',
      title: 'Deed of sale, 2019 (word-processed)',
      source: 'acte',
      documentNumber: '12 457',
      file: 'actes/2019/acte-12457-vente.pdf',
      supabasePath: 'actes/2019/acte-12457-vente.pdf',
      kind: 'born-digital',
      expect: 'done',
      build: () => digital(deed(VENTE_2019)),
    },
    {
      id: 'index-2475312',
      title: 'Register page, lot 2 475 312 (scanned)',
      source: 'index',
      documentNumber: '2 475 312',
      file: 'index/2475312.pdf',
      supabasePath: '2475312.pdf',
      kind: 'scanned',
      expect: 'done',
      build: () => scanned(reg(INDEX_2475312), 7101, [0.9], false),
    },
    {
      id: 'acte-2021-tronque',
      title: 'Deed cut short by a failed upload (corrupt)',
      source: 'acte',
      documentNumber: '13 088',
      file: 'actes/2021/acte-13088.pdf',
      supabasePath: 'https://your-project.supabase.co/storage/v1/object/public/actes/2021/acte-13088.pdf',
      kind: 'corrupt',
      expect: 'error',
      build: () => {
        const whole = bornDigitalPdf(m, fonts, deed(VENTE_2019).pages);
        return { pdf: whole.slice(0, Math.floor(whole.length * 0.55)), pages: 0, text: null };
      },
    },
    {
      id: 'plan-2475312',
      title: 'Cadastral plan around lot 2 475 312 (no OCR)',
      source: 'plan_cadastraux',
      documentNumber: 'P-2475312',
      file: 'plans-cadastraux/2475312.pdf',
      supabasePath: '2475312.pdf',
      kind: 'plan',
      expect: 'skipped',
      build: () => ({ pdf: bornDigitalPdf(m, fonts, [layoutPlan()]), pages: 1, text: null }),
    },
    {
      id: 'acte-1994-hypotheque',
      title: 'Immovable hypothec, 1994 (scanned, 2 pages)',
      source: 'acte',
      documentNumber: '8 304',
      file: 'actes/1994/acte-8304-hypotheque.pdf',
      supabasePath: 'actes/1994/acte-8304-hypotheque.pdf',
      kind: 'scanned',
      expect: 'done',
      build: () => scanned(deed(HYPOTHEQUE_1994), 1994, [0.7, -0.5], false),
    },
    {
      id: 'index-1875044',
      title: 'Register page, lot 1 875 044 (born-digital)',
      source: 'index',
      documentNumber: '1 875 044',
      file: 'index/1875044.pdf',
      supabasePath: 'index/1875044.pdf',
      kind: 'born-digital',
      expect: 'done',
      build: () => digital(reg(INDEX_1875044)),
    },
    {
      id: 'acte-1978-transmission',
      title: 'Declaration of transmission, 1978 (typewritten, photocopy)',
      source: 'acte',
      documentNumber: '5 610',
      file: 'actes/1978/acte-5610-transmission.pdf',
      supabasePath: 'actes/1978/acte-5610-transmission.pdf',
      kind: 'scanned-bilevel',
      expect: 'done',
      build: () => scanned(deed(TRANSMISSION_1978), 1978, [-1.1], true),
    },
    {
      id: 'index-412-7',
      title: 'Register, lot 412-7 Château-Richer, 1952-1986 (typewritten, photocopy, 2 pages)',
      source: 'index',
      documentNumber: '412-7',
      file: 'index/412-7.pdf',
      supabasePath: '412-7.pdf',
      kind: 'scanned-bilevel',
      expect: 'done',
      build: () => scanned(reg(INDEX_412_7), 4127, [0.6, -0.8], true),
    },
    {
      id: 'acte-1987-sale-en',
      title: 'Deed of sale in English, 1987 (scanned)',
      source: 'acte',
      documentNumber: '4 081',
      file: 'actes/1987/acte-4081-sale.pdf',
      supabasePath: 'actes/1987/acte-4081-sale.pdf',
      kind: 'scanned',
      expect: 'done',
      build: () => scanned(deed(SALE_1987_EN), 1987, [-0.6], false),
    },
    {
      id: 'index-206-112-en',
      title: 'Register page in English, lot 206-112 Westmount (scanned)',
      source: 'index',
      documentNumber: '206-112',
      file: 'index/206-112.pdf',
      supabasePath: 'index/206-112.pdf',
      kind: 'scanned',
      expect: 'done',
      build: () => scanned(reg(INDEX_206_112_EN), 2061, [0.5], false),
    },
  ];

  for (const dir of ['index', 'actes', 'plans-cadastraux', 'ground-truth']) rmSync(path.join(ROOT, dir), { recursive: true, force: true });
  const manifest: ManifestEntry[] = [];
  let total = 0;
  for (const j of jobs) {
    const t0 = Date.now();
    const built = j.build();
    const file = path.join(ROOT, j.file);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, built.pdf);
    let groundTruth: string | null = null;
    if (built.text) {
      groundTruth = `ground-truth/${j.id}.txt`;
      mkdirSync(path.join(ROOT, 'ground-truth'), { recursive: true });
      writeFileSync(path.join(ROOT, groundTruth), `${built.text.join('\f')}\n`);
    }
    total += built.pdf.length;
    manifest.push({
      id: j.id,
      title: j.title,
      source: j.source,
      documentNumber: j.documentNumber,
      file: j.file,
      supabasePath: j.supabasePath,
      kind: j.kind,
      pages: built.pages,
      expect: j.expect,
      groundTruth,
      bytes: built.pdf.length,
    });
    console.log(`${j.id.padEnd(24)} ${j.kind.padEnd(16)} ${String(built.pages).padStart(2)} p  ${(built.pdf.length / 1024).toFixed(0).padStart(5)} KiB  ${Date.now() - t0} ms`);
  }
  writeFileSync(
    path.join(ROOT, 'manifest.json'),
    `${JSON.stringify({ generatedBy: 'scripts/generate-samples.ts', documents: manifest }, null, 2)}\n`,
  );
  console.log(`${manifest.length} documents, ${(total / 1024 / 1024).toFixed(2)} MiB in ${path.relative(process.cwd(), ROOT) || ROOT}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
