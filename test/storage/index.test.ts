import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LocalStorage,
  SupabaseStorage,
  createStorage,
  describeContent,
  isPdfMagic,
  parseStoragePath,
  type ObjectStorage,
} from '../../src/storage/index.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('createStorage', () => {
  const KEY = 'service-key-secret-value';

  it('prefers the local directory when set', () => {
    const s = createStorage({ storageDir: '/srv/pdfs', supabaseUrl: 'https://x.supabase.co', supabaseServiceKey: KEY, timeoutMs: 1000 });
    expect(s).toBeInstanceOf(LocalStorage);
    expect(s.describe()).toBe('local:/srv/pdfs');
  });

  it('uses Supabase when url and key are set, describing it without the key', () => {
    const s = createStorage({ storageDir: '  ', supabaseUrl: 'https://x.supabase.co/', supabaseServiceKey: KEY, timeoutMs: 1000 });
    expect(s).toBeInstanceOf(SupabaseStorage);
    expect(s.describe()).toBe('supabase:https://x.supabase.co');
    expect(s.describe()).not.toContain(KEY);
  });

  it('throws a clear error when nothing or only half is configured', () => {
    expect(() => createStorage({ timeoutMs: 1000 })).toThrow(/set OCR_STORAGE_DIR .* <ENV>_SUPABASE_URL and <ENV>_SUPABASE_SERVICE_KEY/);
    expect(() => createStorage({ timeoutMs: 1000, env: 'prod' })).toThrow(/for PROD: set OCR_STORAGE_DIR .* PROD_SUPABASE_URL/);
    expect(() => createStorage({ supabaseUrl: 'https://x.supabase.co', timeoutMs: 1000, env: 'DEV' })).toThrow(
      /DEV_SUPABASE_URL is set but DEV_SUPABASE_SERVICE_KEY is not/,
    );
    expect(() => createStorage({ supabaseServiceKey: KEY, timeoutMs: 1000, env: 'DEV' })).toThrow(
      /DEV_SUPABASE_SERVICE_KEY is set but DEV_SUPABASE_URL is not/,
    );
    try {
      createStorage({ supabaseServiceKey: KEY, timeoutMs: 1000 });
    } catch (err) {
      expect((err as Error).message).not.toContain(KEY);
    }
  });

  it('gives a working ObjectStorage end to end (local)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ocr-storage-index-'));
    try {
      await fs.mkdir(path.join(dir, 'actes'));
      await fs.writeFile(path.join(dir, 'actes', 'A-1.pdf'), '%PDF-1.4\n%%EOF\n');
      const storage: ObjectStorage = createStorage({ storageDir: dir, timeoutMs: 1000 });
      const bytes = await storage.fetch(parseStoragePath('A-1.pdf', 'acte'), { maxBytes: 1024 });
      expect(isPdfMagic(bytes)).toBe(true);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('isPdfMagic', () => {
  const junk = (n: number): string => 'x'.repeat(n);
  it.each([
    ['plain header', enc('%PDF-1.7\n...'), true],
    ['header only', enc('%PDF-'), true],
    ['after a BOM and whitespace', new Uint8Array([0xef, 0xbb, 0xbf, 0x0a, ...enc('%PDF-1.4')]), true],
    ['after 1024 bytes of junk', enc(`${junk(1024)}%PDF-1.4`), true],
    ['after 1025 bytes of junk', enc(`${junk(1025)}%PDF-1.4`), false],
    ['HTML error page', enc('<!DOCTYPE html><html><body>Not found</body></html>'), false],
    ['JSON error', enc('{"statusCode":"404","message":"Object not found"}'), false],
    ['truncated header', enc('%PDF'), false],
    ['lowercase', enc('%pdf-1.4'), false],
    ['empty', new Uint8Array(0), false],
  ])('%s → %s', (_what, bytes, expected) => {
    expect(isPdfMagic(bytes)).toBe(expected);
  });
});

describe('describeContent', () => {
  it.each([
    [new Uint8Array(0), 'empty'],
    [enc('  <!DOCTYPE html><html></html>'), 'HTML'],
    [enc('<html><head><title>x</title></head></html>'), 'HTML'],
    [enc('<?xml version="1.0"?><Error><Code>NoSuchKey</Code></Error>'), 'XML'],
    [enc('{"error":"not_found"}'), 'JSON'],
    [enc('just some words\n'), 'text'],
    [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]), 'binary'],
    // Random bytes that happen to open like JSON or markup are still binary.
    [Uint8Array.from([0x7b, ...Array.from({ length: 511 }, (_, i) => (i * 149 + 7) % 256)]), 'binary'],
    [Uint8Array.from([0x3c, ...Array.from({ length: 511 }, (_, i) => (i * 151 + 3) % 256)]), 'binary'],
    // An error page in French (UTF-8 accents) is still recognised.
    [enc('<html><body>Accès refusé : clé révoquée, réessayez plus tard. Désolé, données indisponibles.</body></html>'), 'HTML'],
  ])('%#: %s', (bytes, expected) => {
    expect(describeContent(bytes)).toBe(expected);
  });
});
