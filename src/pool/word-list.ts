/**
 * The French word list, built once per process and shared by its OCR threads. Built by each thread, it
 * cost each one ≈80 MiB of RSS (≈12 MiB of tables, the rest the build's garbage, which a thread with a
 * 2 GiB heap limit keeps for a long time); built here, in a thread that exits once it has handed over
 * its tables, it costs the process the tables alone, in SharedArrayBuffers every OCR thread reads.
 */
import type { WordTables } from '../text/compact-dictionary';
import { coerceError } from '../errors';
import { withTimeout } from '../util/timeout';
import { spawn } from './spawn-thread';

/** The tables, or an Error after `timeoutMs` or when the builder fails (the threads then build their own). */
export async function buildSharedWordList(timeoutMs: number): Promise<WordTables> {
  const worker = spawn('word-list-thread', { stdout: false, stderr: false });
  const built = new Promise<WordTables>((resolve, reject) => {
    worker.once('message', (tables: WordTables) => resolve(tables));
    worker.once('error', (err) => reject(new Error(`building the French word list failed: ${coerceError(err).message}`)));
    worker.once('exit', (code) => reject(new Error(`the word list's builder exited (code ${code}) before handing its tables over`)));
  });
  try {
    return await withTimeout(built, timeoutMs, () => new Error(`the French word list was not built within ${timeoutMs} ms`));
  } finally {
    void worker.terminate();
  }
}
