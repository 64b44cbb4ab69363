/**
 * Error classes of failed documents (the panel groups, filters and requeues by them), decided once from
 * the text of ocr_error. The same ordered patterns build the SQL (ERROR_CLASS, for filtering and bulk
 * requeues in the database) and the TypeScript (classifyError); test/queue/panel.test.ts checks that the
 * two agree on real messages. The first pattern that matches wins: "attempts exhausted (3/3):
 * TimeBudgetError: …" is a budget failure, not an exhaustion.
 *
 * Patterns are literal alternatives only (no \d, \s, classes), so Postgres' ~* and JavaScript's /i read
 * them the same.
 */

export const ERROR_CLASSES = [
  /** The page or document time budget ran out, or a shutdown interrupted a job past it. */
  { name: 'budget', pattern: 'TimeBudgetError|time budget' },
  /** The worker stopped heartbeating: killed, frozen, host lost. */
  { name: 'lease', pattern: 'lease expired' },
  /** The OCR thread ran out of memory or died. */
  { name: 'memory', pattern: 'out of memory|OCR thread crashed|OCR thread exited|OCR engine failed' },
  /** The PDF could not be fetched: missing object or bucket, storage refused or unavailable, rate limited. */
  {
    name: 'storage',
    pattern:
      'ObjectNotFoundError|BucketNotFoundError|StorageAuthError|StorageUnavailableError|RateLimitedError|InvalidStoragePathError|Supabase storage|object not found|download of|read of',
  },
  /** A poison input: not a PDF, corrupt, encrypted, empty, too large. Retrying the same bytes cannot help. */
  { name: 'poison', pattern: 'not a PDF|corrupt PDF|encrypted PDF|PDF has no pages|ObjectTooLargeError|PermanentError' },
] as const;

/** Anything no pattern names. */
export const OTHER_CLASS = 'other';

export type ErrorClass = (typeof ERROR_CLASSES)[number]['name'] | typeof OTHER_CLASS;

export const ERROR_CLASS_NAMES: readonly ErrorClass[] = [...ERROR_CLASSES.map((c) => c.name), OTHER_CLASS];

export function isErrorClass(s: string): s is ErrorClass {
  return (ERROR_CLASS_NAMES as readonly string[]).includes(s);
}

/** The class of an ocr_error text. Pure. */
export function classifyError(message: string | null | undefined): ErrorClass {
  const m = message ?? '';
  return ERROR_CLASSES.find((c) => new RegExp(c.pattern, 'i').test(m))?.name ?? OTHER_CLASS;
}

/** SQL: the class of a row's ocr_error (over extraction_queue without an alias). */
export const ERROR_CLASS = `CASE ${ERROR_CLASSES.map((c) => `WHEN coalesce(ocr_error, '') ~* '${c.pattern}' THEN '${c.name}'`).join(' ')} ELSE '${OTHER_CLASS}' END`;
