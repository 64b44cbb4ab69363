/**
 * A page's words as bytes, for its row in `ocr_pages` (docs/contract.md). A dense register page has
 * ~1,000 words: as JSON they take ~90 B each, here ~20 (boxes as 16-bit integers, confidence as the
 * 32-bit float tesseract computes it, so a page read back gives the boost and `ocr_confidence` exactly
 * the numbers it was read with).
 *
 * Layout, little-endian: u8 version (1), u8 flags (bit 0-2: box width in bytes, 2, or 4 when a
 * coordinate is past 65535; bit 3: lines present), u32 count, then per word the box (x0 y0 x1 y1), then
 * per word the confidence (f32), then, when lines are present, per word its line + 1 (u16, 0: none), then
 * per word the UTF-8 length of its text (u16), then the texts back to back.
 */
import type { OcrWord } from './page';

const VERSION = 1;
const HEADER = 6;
/** Flag: the words carry their line. */
const LINES = 8;

export function encodeWords(words: readonly OcrWord[]): Uint8Array {
  const n = words.length;
  const wide = words.some((w) => Math.max(w.x0, w.y0, w.x1, w.y1) > 0xffff || Math.min(w.x0, w.y0, w.x1, w.y1) < 0);
  const box = wide ? 4 : 2;
  const lines = words.some((w) => w.line !== undefined);
  const texts = words.map((w) => Buffer.from(w.text, 'utf8'));
  const textBytes = texts.reduce((s, t) => s + Math.min(t.length, 0xffff), 0);
  const out = new Uint8Array(HEADER + n * (4 * box + 4 + (lines ? 2 : 0) + 2) + textBytes);
  const v = new DataView(out.buffer);
  v.setUint8(0, VERSION);
  v.setUint8(1, box | (lines ? LINES : 0));
  v.setUint32(2, n, true);
  let at = HEADER;
  for (const w of words) {
    for (const c of [w.x0, w.y0, w.x1, w.y1]) {
      if (wide) v.setInt32(at, Math.round(c), true);
      else v.setUint16(at, Math.round(c), true);
      at += box;
    }
  }
  for (const w of words) {
    v.setFloat32(at, w.confidence, true);
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

export function decodeWords(bytes: Uint8Array): OcrWord[] {
  if (bytes.byteLength < HEADER) return [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint8(0) !== VERSION) throw new Error(`unknown word encoding version ${v.getUint8(0)}`);
  const box = v.getUint8(1) & 7;
  const lines = (v.getUint8(1) & LINES) !== 0;
  const n = v.getUint32(2, true);
  const coord = (at: number) => (box === 4 ? v.getInt32(at, true) : v.getUint16(at, true));
  const boxesAt = HEADER;
  const confAt = boxesAt + n * 4 * box;
  const lineAt = confAt + n * 4;
  const lenAt = lineAt + (lines ? n * 2 : 0);
  let textAt = lenAt + n * 2;
  const decoder = new TextDecoder();
  const words: OcrWord[] = [];
  for (let i = 0; i < n; i++) {
    const b = boxesAt + i * 4 * box;
    const len = v.getUint16(lenAt + i * 2, true);
    const text = decoder.decode(bytes.subarray(textAt, textAt + len));
    textAt += len;
    const word: OcrWord = { text, confidence: v.getFloat32(confAt + i * 4, true), x0: coord(b), y0: coord(b + box), x1: coord(b + 2 * box), y1: coord(b + 3 * box) };
    const line = lines ? v.getUint16(lineAt + i * 2, true) : 0;
    if (line > 0) word.line = line - 1;
    words.push(word);
  }
  return words;
}
