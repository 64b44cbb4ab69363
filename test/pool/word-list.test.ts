import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildSharedWordList } from '../../src/pool/word-list';
import { dictionaryOver } from '../../src/text/compact-dictionary';
import { foldAccents } from '../../src/text/fold';
import { frenchDictionary } from '../../src/text/french-words';

describe('the French word list shared by the OCR threads', () => {
  it('is built in a thread of its own, in shared memory, and answers as a thread-built one does', async () => {
    const tables = await buildSharedWordList(60_000);
    expect(tables.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(tables.slots.buffer).toBeInstanceOf(SharedArrayBuffer);
    const shared = dictionaryOver(tables);
    const own = frenchDictionary();
    const require = createRequire(__filename);
    const words = JSON.parse(readFileSync(require.resolve('an-array-of-french-words'), 'utf8')) as string[];
    let checked = 0;
    let mismatches = 0;
    for (let i = 0; i < words.length; i += 7) {
      const w = words[i]!;
      const cap = w.charAt(0).toUpperCase() + w.slice(1);
      for (const probe of [w, w.slice(1), cap]) {
        checked++;
        if (shared.has(probe) !== own.has(probe)) mismatches++;
      }
      if (shared.byFold(foldAccents(w)) !== own.byFold(foldAccents(w))) mismatches++;
    }
    expect(checked).toBeGreaterThan(100_000);
    expect(mismatches).toBe(0);
    expect(shared.has('propriétaire')).toBe(true);
    expect(shared.has('proprietaire')).toBe(false);
    expect(shared.byFold('proprietaire')).toBe('propriétaire');
  }, 60_000);
});
