/**
 * The demo's sample documents (samples/, built by scripts/generate-samples.ts): read the manifest, lay the
 * chosen PDFs out as OCR_STORAGE_DIR expects (`<bucket>/<path>`), and queue them in extraction_queue at
 * status 3 (ready for OCR), exactly as the upstream extractor leaves its rows.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { seedRow } from '../queue/demo-rows';

/** samples/ at the root of the package (this file runs from src/demo or dist/demo). */
export const SAMPLES_DIR = path.join(__dirname, '..', '..', 'samples');

/** One entry of samples/manifest.json (written by scripts/generate-samples.ts). */
export interface Sample {
  id: string;
  title: string;
  source: 'index' | 'acte' | 'plan_cadastraux';
  documentNumber: string;
  /** `<bucket>/<path>` under samples/ (and under the demo's OCR_STORAGE_DIR). */
  file: string;
  /** What the demo writes to extraction_queue.supabase_path (each of the three accepted forms is used). */
  supabasePath: string;
  kind: 'born-digital' | 'scanned' | 'scanned-bilevel' | 'corrupt' | 'plan';
  pages: number;
  /** done: 3 → 6 → 5 with text; error: ends at 4; skipped: a plan, 3 → 5 without OCR. */
  expect: 'done' | 'error' | 'skipped';
  groundTruth: string | null;
  bytes: number;
}

export function loadSamples(dir = SAMPLES_DIR): Sample[] {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) throw new Error(`no sample manifest at ${file}: run \`npm run samples\` to build the sample documents`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { documents: Sample[] };
  for (const s of manifest.documents) {
    if (!existsSync(path.join(dir, s.file))) throw new Error(`sample ${s.id}: ${s.file} is missing from ${dir} (run \`npm run samples\`)`);
  }
  return manifest.documents;
}

/** The ground truth of a sample, or null (plans, corrupt files). */
export function groundTruth(sample: Sample, dir = SAMPLES_DIR): string | null {
  return sample.groundTruth ? readFileSync(path.join(dir, sample.groundTruth), 'utf8') : null;
}

/** Copy the chosen PDFs into `storageDir` as `<bucket>/<path>` (the demo never touches samples/ itself). */
export function stageStorage(samples: readonly Sample[], storageDir: string, dir = SAMPLES_DIR): void {
  for (const s of samples) {
    const to = path.join(storageDir, s.file);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(path.join(dir, s.file), to);
  }
}

/**
 * One extraction_queue row per sample at status 3, oldest first in manifest order (workers claim the
 * oldest ready row). Returns the row ids by sample id. `tag` prefixes document_number, so rows seeded
 * into a database of one's own (DEV_DATABASE_URL) are easy to recognise.
 */
export async function seedQueue(db: Pick<pg.Client, 'query'>, samples: readonly Sample[], tag = ''): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [i, s] of samples.entries()) {
    ids.set(s.id, await seedRow(db, s.source, `${tag}${s.documentNumber}`, s.supabasePath, samples.length - i));
  }
  return ids;
}
