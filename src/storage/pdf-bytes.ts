/**
 * Whether bytes are a PDF at all, checked once, before anything opens them: the job checks a download
 * (a storage that answers an HTML error page with 200 is common), and `openPdf` checks whatever it is
 * given (bench, tests). Either way the document ends at 4 with the same message.
 */

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
/** The PDF header may be preceded by up to 1024 bytes of junk (PDF 1.7 Annex H, as readers accept). */
const MAX_LEADING_JUNK = 1024;

/** True when `%PDF-` starts within the first 1024 bytes. */
export function isPdfMagic(bytes: Uint8Array): boolean {
  const last = Math.min(MAX_LEADING_JUNK, bytes.length - PDF_MAGIC.length);
  outer: for (let i = 0; i <= last; i++) {
    for (let j = 0; j < PDF_MAGIC.length; j++) {
      if (bytes[i + j] !== PDF_MAGIC[j]) continue outer;
    }
    return true;
  }
  return false;
}

/**
 * Why `bytes` are not a PDF, or null when they start like one (MuPDF then says whether the rest is one):
 * `not a PDF: the file is empty (0 bytes)`, or `not a PDF (got HTML): no %PDF- header in the first 1 KiB
 * (starts with 0x3c21444f, 5120 bytes)`.
 */
export function notAPdf(bytes: Uint8Array): string | null {
  if (bytes.byteLength === 0) return 'not a PDF: the file is empty (0 bytes)';
  if (isPdfMagic(bytes)) return null;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(8, bytes.byteLength)).toString('hex');
  return `not a PDF (got ${describeContent(bytes)}): no %PDF- header in the first 1 KiB (starts with 0x${head}, ${bytes.byteLength} bytes)`;
}

/**
 * A short guess at what non-PDF bytes are, for error messages: `empty`, `HTML`, `JSON`, `XML`,
 * `text` or `binary`. E.g. `not a PDF (got ${describeContent(bytes)})`.
 */
export function describeContent(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty';
  // Markup and JSON are text first: random bytes that happen to start with '{' or '<' are binary
  // (one random file in 128 starts with '{', and was called JSON).
  const text = utf8Text(bytes.subarray(0, 512));
  if (text === null) return mostlyPrintable(bytes) ? 'text' : 'binary';
  const head = text.replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /<(head|body|title)[\s>]/.test(head)) return 'HTML';
  if (head.startsWith('<?xml') || head.startsWith('<')) return 'XML';
  if (head.startsWith('{') || head.startsWith('[')) return 'JSON';
  return 'text';
}

/** `sample` as UTF-8 text (a character cut at its end is allowed), or null when it is not mostly text. */
function utf8Text(sample: Uint8Array): string | null {
  for (let cut = 0; cut < 4 && cut < sample.length; cut++) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, sample.length - cut));
    } catch {
      continue;
    }
    let controls = 0;
    for (const ch of text) if (ch < ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') controls++;
    return controls / Math.max(1, text.length) < 0.1 ? text : null;
  }
  return null;
}

/** Latin-1 or similar text that is not UTF-8: over 90 % printable bytes in the first 512. */
function mostlyPrintable(bytes: Uint8Array): boolean {
  let printable = 0;
  const n = Math.min(bytes.length, 512);
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0xc0) printable++;
  }
  return printable / n > 0.9;
}
