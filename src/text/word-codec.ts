/**
 * A page's words as bytes, for its row in `ocr_pages` (docs/contract.md). A dense register page has
 * ~1,000 words: as JSON they take ~70–140 B each, here ~20 for the words in pixels (boxes as 16-bit
 * integers, confidence as the 32-bit float tesseract computes it, so a page read back gives the boost and
 * `ocr_confidence` exactly the numbers it was read with) and ~45 for its layout in PDF points (boxes as
 * 64-bit floats, exact).
 *
 * Layout, little-endian: u8 version (1), u8 flags (bits 0-3: box width in bytes: 2, 4 when a pixel
 * coordinate is past 65535, 8 for points; bit 4: lines present), u32 count, then per word the box
 * (x0 y0 x1 y1), then per word the confidence (f32, NaN: none), then, when lines are present, per word
 * its line + 1 (u16, 0: none), then per word the UTF-8 length of its text (u16), then the texts back to
 * back. A page layout is its width and height (f64 each) followed by its words so encoded.
 */
import type { OcrWord, PageLayout, PdfWord } from './page';

const VERSION = 1;
const HEADER = 6;
/** Flag: the words carry their line. */
const LINES = 16;

/** A recognised word (pixels, line optional) or a placed one (points, confidence null for the text layer). */
type AnyWord = Omit<PdfWord, 'line'> & Partial<Pick<PdfWord, 'line'>>;

export function encodeWords(words: readonly OcrWord[]): Uint8Array {
  const wide = words.some((w) => Math.max(w.x0, w.y0, w.x1, w.y1) > 0xffff || Math.min(w.x0, w.y0, w.x1, w.y1) < 0);
  return encode(words, wide ? 4 : 2, 0);
}

export function decodeWords(bytes: Uint8Array): OcrWord[] {
  return decode(bytes).map(({ confidence, ...w }) => ({ ...w, confidence: confidence ?? 0 }));
}

export function encodeLayout(layout: PageLayout): Uint8Array {
  return encode(layout.words, 8, 16, (v) => {
    v.setFloat64(0, layout.width, true);
    v.setFloat64(8, layout.height, true);
  });
}

export function decodeLayout(bytes: Uint8Array): PageLayout {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = decode(bytes.subarray(16)).map((w) => ({ ...w, line: w.line ?? 0 }) as PdfWord);
  return { width: v.getFloat64(0, true), height: v.getFloat64(8, true), words };
}

function encode(words: readonly AnyWord[], box: 2 | 4 | 8, prefix: number, writePrefix?: (v: DataView) => void): Uint8Array {
  const n = words.length;
  const lines = words.some((w) => w.line !== undefined);
  const texts = words.map((w) => Buffer.from(w.text, 'utf8'));
  const textBytes = texts.reduce((s, t) => s + Math.min(t.length, 0xffff), 0);
  const out = new Uint8Array(prefix + HEADER + n * (4 * box + 4 + (lines ? 2 : 0) + 2) + textBytes);
  const v = new DataView(out.buffer);
  writePrefix?.(v);
  v.setUint8(prefix, VERSION);
  v.setUint8(prefix + 1, box | (lines ? LINES : 0));
  v.setUint32(prefix + 2, n, true);
  let at = prefix + HEADER;
  for (const w of words) {
    for (const c of [w.x0, w.y0, w.x1, w.y1]) {
      if (box === 8) v.setFloat64(at, c, true);
      else if (box === 4) v.setInt32(at, Math.round(c), true);
      else v.setUint16(at, Math.round(c), true);
      at += box;
    }
  }
  for (const w of words) {
    v.setFloat32(at, w.confidence ?? Number.NaN, true);
    at += 4;
  }
  if (lines) {
    for (const w of words) {
      v.setUint16(at, w.line === undefined ? 0 : Math.min(w.line + 1, 0xffff), true);
      at += 2;
    }
  }
  for (const t of texts) {
    v.setUint16(at, Math.min(t.length, 0xffff), true);
    at += 2;
  }
  for (const t of texts) {
    const len = Math.min(t.length, 0xffff);
    out.set(t.subarray(0, len), at);
    at += len;
  }
  return out;
}

function decode(bytes: Uint8Array): AnyWord[] {
  if (bytes.byteLength < HEADER) return [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint8(0) !== VERSION) throw new Error(`unknown word encoding version ${v.getUint8(0)}`);
  const box = v.getUint8(1) & 15;
  const lines = (v.getUint8(1) & LINES) !== 0;
  const n = v.getUint32(2, true);
  const coord = (at: number) => (box === 8 ? v.getFloat64(at, true) : box === 4 ? v.getInt32(at, true) : v.getUint16(at, true));
  const confAt = HEADER + n * 4 * box;
  const lineAt = confAt + n * 4;
  const lenAt = lineAt + (lines ? n * 2 : 0);
  let textAt = lenAt + n * 2;
  const decoder = new TextDecoder();
  const words: AnyWord[] = [];
  for (let i = 0; i < n; i++) {
    const b = HEADER + i * 4 * box;
    const len = v.getUint16(lenAt + i * 2, true);
    const text = decoder.decode(bytes.subarray(textAt, textAt + len));
    textAt += len;
    const confidence = v.getFloat32(confAt + i * 4, true);
    const word: AnyWord = { text, confidence: Number.isNaN(confidence) ? null : confidence, x0: coord(b), y0: coord(b + box), x1: coord(b + 2 * box), y1: coord(b + 3 * box) };
    const line = lines ? v.getUint16(lineAt + i * 2, true) : 0;
    if (line > 0) word.line = line - 1;
    words.push(word);
  }
  return words;
}
