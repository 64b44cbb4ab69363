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
export { describeContent, isPdfMagic, notAPdf } from './pdf-bytes.js';

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
