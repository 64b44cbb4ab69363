/**
 * Where a document's searchable PDF goes (OCR_SEARCHABLE_PDF_PATH): a template over the source object's
 * reference. `{bucket}` is the source's bucket, `{dir}` its folder with a trailing `/` (empty at the top),
 * `{name}` its file name without a final `.pdf` (any case). The default, `{bucket}/{dir}{name}.ocr.pdf`,
 * puts `actes/2024/123.pdf` at `actes/2024/123.ocr.pdf`; the first segment of the result is the bucket.
 * Pure: config checks the template once, the job applies it per document.
 */
import { InvalidStoragePathError } from './errors.js';
import { validateObjectRef } from './path.js';
import type { ObjectRef } from './types.js';

export const DEFAULT_SEARCHABLE_PDF_PATH = '{bucket}/{dir}{name}.ocr.pdf';

const PLACEHOLDER = /\{(bucket|dir|name)\}/g;

/** Why a template cannot be used (undefined when it can): checked on a sample source, as config does at start. */
export function searchablePathProblem(template: string): string | undefined {
  const unknown = template.replace(PLACEHOLDER, '').match(/\{[^}]*\}/);
  if (unknown) return `unknown placeholder ${unknown[0]} (use {bucket}, {dir}, {name})`;
  if (!template.includes('{name}')) return 'must contain {name}: every document needs a file of its own';
  for (const sample of [{ bucket: 'actes', key: '2024/123.pdf' }, { bucket: 'index', key: 'r.PDF' }]) {
    try {
      searchablePdfRef(sample, template);
    } catch (err) {
      return /source PDF itself/.test((err as Error).message) ? 'would write over the source PDF' : (err as Error).message;
    }
  }
  return undefined;
}

/** The searchable PDF's reference for `source`; throws InvalidStoragePathError when it is not a valid object or is the source itself. */
export function searchablePdfRef(source: ObjectRef, template: string = DEFAULT_SEARCHABLE_PDF_PATH): ObjectRef {
  const slash = source.key.lastIndexOf('/');
  const dir = slash < 0 ? '' : source.key.slice(0, slash + 1);
  const file = source.key.slice(slash + 1);
  const name = /\.pdf$/i.test(file) && file.length > 4 ? file.slice(0, -4) : file;
  const values: Record<string, string> = { bucket: source.bucket, dir, name };
  const full = template.replace(PLACEHOLDER, (_, k: string) => values[k]!).replace(/\/{2,}/g, '/');
  const at = full.indexOf('/');
  if (at <= 0 || at === full.length - 1) throw new InvalidStoragePathError(`searchable PDF path '${full}' is not <bucket>/<key>`);
  const ref = { bucket: full.slice(0, at), key: full.slice(at + 1) };
  validateObjectRef(ref);
  if (ref.bucket === source.bucket && ref.key === source.key) throw new InvalidStoragePathError(`searchable PDF path '${full}' is the source PDF itself`);
  return ref;
}
