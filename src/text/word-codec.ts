/**
 * A page's words as bytes, for its row in `ocr_pages` (docs/contract.md). A dense register page has
 * ~1,000 words: as JSON they take ~90 B each, here ~20 (boxes as 16-bit integers, confidence as the
 * 32-bit float tesseract computes it, so a page read back gives the boost and `ocr_confidence` exactly
 * the numbers it was read with).
 *
 * Layout, little-endian: u8 version (1), u8 box width in bytes (2, or 4 when a coordinate is past 65535),
 * u32 count, then per word the box (x0 y0 x1 y1), then per word the confidence (f32), then per word the
 * UTF-8 length of its text (u16), then the texts back to back.
 */
import type { OcrWord } from './page';

const VERSION = 1;
const HEADER = 6;

export function encodeWords(words: readonly OcrWord[]): Uint8Array {
  const n = words.length;
  const wide = words.some((w) => Math.max(w.x0, w.y0, w.x1, w.y1) > 0xffff || Math.min(w.x0, w.y0, w.x1, w.y1) < 0);
  const box = wide ? 4 : 2;
  const texts = words.map((w) => Buffer.from(w.text, 'utf8'));
  const textBytes = texts.reduce((s, t) => s + Math.min(t.length, 0xffff), 0);
  const out = new Uint8Array(HEADER + n * (4 * box + 4 + 2) + textBytes);
  const v = new DataView(out.buffer);
  v.setUint8(0, VERSION);
  v.setUint8(1, box);
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
  const box = v.getUint8(1);
  const n = v.getUint32(2, true);
  const coord = (at: number) => (box === 4 ? v.getInt32(at, true) : v.getUint16(at, true));
  const boxesAt = HEADER;
  const confAt = boxesAt + n * 4 * box;
  const lenAt = confAt + n * 4;
  let textAt = lenAt + n * 2;
  const decoder = new TextDecoder();
  const words: OcrWord[] = [];
  for (let i = 0; i < n; i++) {
    const b = boxesAt + i * 4 * box;
    const len = v.getUint16(lenAt + i * 2, true);
    const text = decoder.decode(bytes.subarray(textAt, textAt + len));
    textAt += len;
    words.push({ text, confidence: v.getFloat32(confAt + i * 4, true), x0: coord(b), y0: coord(b + box), x1: coord(b + 2 * box), y1: coord(b + 3 * box) });
  }
  return words;
}
