/**
 * One copy of downloaded chunks into a buffer of their own. Always a copy: chunks may be views into larger
 * pooled buffers, and the result is handed to an OCR thread.
 */
export function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
