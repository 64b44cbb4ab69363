/**
 * Loading MuPDF.js (`mupdf`, AGPL-3.0, WebAssembly: no system libraries), its log, and how its errors read.
 *
 * `mupdf` is ESM-only with top-level await, so this CommonJS build loads it with one cached dynamic
 * `import()` (TypeScript keeps `import()` as is under `module: nodenext`). Everything after the load is
 * synchronous: opening, text extraction (~10 ms a page) and rendering (~0.1–0.5 s for a 300 DPI page).
 */
// biome-ignore syntax/correctness/noTypeOnlyImportAttributes: TypeScript 5.3+ allows resolution-mode on a type-only import in a CommonJS build (Biome flags it wrongly)
import type * as Mupdf from 'mupdf' with { 'resolution-mode': 'import' };
import { coerceError } from '../errors';

export type MupdfModule = typeof Mupdf;

let mupdfPromise: Promise<MupdfModule> | undefined;

/** MuPDF's warnings and errors, kept so a PermanentError can say what MuPDF saw. */
export const mupdfLog: string[] = [];
const MUPDF_LOG_MAX = 20;

function remember(message: string): void {
  mupdfLog.push(message.trim());
  if (mupdfLog.length > MUPDF_LOG_MAX) mupdfLog.shift();
}

/** Load `mupdf` once (dynamic import: it is ESM-only with top-level await) and route its log to memory. */
export function loadMupdf(): Promise<MupdfModule> {
  mupdfPromise ??= import('mupdf').then((m) => {
    // Without a log callback MuPDF prints warnings such as "warning: aes padding out of range" straight to
    // stderr, which would break the pool's one-JSON-object-per-line logs. They are kept for error messages.
    m.setLog({ error: (msg) => remember(`error: ${msg}`), warning: (msg) => remember(`warning: ${msg}`) });
    return m;
  });
  mupdfPromise.catch(() => {
    mupdfPromise = undefined; // let a later call try again instead of caching a failed import
  });
  return mupdfPromise;
}

export function logSince(mark: number): string {
  const seen = mupdfLog.slice(Math.max(0, mark));
  const unique = [...new Set(seen)].slice(-4);
  return unique.length ? ` (MuPDF: ${unique.join('; ')})` : '';
}

/** Error message of whatever MuPDF threw, without a trailing period. */
export function reason(err: unknown): string {
  return coerceError(err).message.replace(/\.\s*$/, '');
}

/** Out-of-memory is about this process, not the file: another attempt (maybe on another worker) may pass. */
export function isOutOfMemory(err: unknown): boolean {
  const e = coerceError(err);
  return e instanceof RangeError || /out of memory|cannot allocate|malloc|memory access out of bounds/i.test(e.message);
}
