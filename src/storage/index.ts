/**
 * PDF storage: parse `supabase_path`, fetch bytes from a local directory or Supabase storage.
 */
import { LocalStorage } from './local.js';
import { SupabaseStorage } from './supabase.js';
import type { ObjectStorage } from './types.js';

export type { ObjectRef, ObjectStorage } from './types.js';
export { parseStoragePath } from './path.js';
export { LocalStorage } from './local.js';
export { SupabaseStorage } from './supabase.js';

export interface CreateStorageOptions {
  /** `OCR_STORAGE_DIR`: when set, wins (on-premise, demo, tests). */
  storageDir?: string;
  /** `<ENV>_SUPABASE_URL`. */
  supabaseUrl?: string;
  /** `<ENV>_SUPABASE_SERVICE_KEY`. */
  supabaseServiceKey?: string;
  /** Per-download deadline for Supabase, in milliseconds. */
  timeoutMs: number;
  /** Environment name (e.g. `PROD`), only used to name the variables in error messages. */
  env?: string;
}

/**
 * Local directory when `storageDir` is set, else Supabase when both url and key are set, else throws
 * an Error naming the variables to set.
 */
export function createStorage(opts: CreateStorageOptions): ObjectStorage {
  const dir = opts.storageDir?.trim();
  if (dir) return new LocalStorage(dir, { timeoutMs: opts.timeoutMs });
  const url = opts.supabaseUrl?.trim();
  const key = opts.supabaseServiceKey?.trim();
  const p = opts.env ? `${opts.env.toUpperCase()}_` : '<ENV>_';
  if (url && key) return new SupabaseStorage({ url, serviceKey: key, timeoutMs: opts.timeoutMs });
  if (url && !key) throw new Error(`storage: ${p}SUPABASE_URL is set but ${p}SUPABASE_SERVICE_KEY is not`);
  if (key && !url) throw new Error(`storage: ${p}SUPABASE_SERVICE_KEY is set but ${p}SUPABASE_URL is not`);
  throw new Error(
    `storage: no PDF storage configured${opts.env ? ` for ${opts.env.toUpperCase()}` : ''}: ` +
      `set OCR_STORAGE_DIR (local directory) or ${p}SUPABASE_URL and ${p}SUPABASE_SERVICE_KEY`,
  );
}

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
