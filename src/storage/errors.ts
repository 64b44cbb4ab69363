import { PermanentError, RetryableError } from '../errors.js';

/** HTTP 429 from storage: retry later, preferably not before `retryAfterMs` (from Retry-After). */
export class RateLimitedError extends RetryableError {
  override name = 'RateLimitedError';
  /** Delay the server asked for, in milliseconds; undefined when it sent no usable Retry-After. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The object does not exist (HTTP 404, Supabase's 400 "Object not found", ENOENT). */
export class ObjectNotFoundError extends PermanentError {
  override name = 'ObjectNotFoundError';
}

/**
 * The bucket itself does not exist (Supabase's 400 "Bucket not found", no `<bucket>/` folder in the
 * local store): every document of that bucket would fail the same way, so it is an environment problem
 * (wrong project, wrong bucket, wrong directory), not this document's.
 */
export class BucketNotFoundError extends ObjectNotFoundError {
  override name = 'BucketNotFoundError';
}

/**
 * The storage as a whole cannot be read: the local root is missing, unreadable or empty (a volume that
 * is not mounted). Retryable, and never the document's fault.
 */
export class StorageUnavailableError extends RetryableError {
  override name = 'StorageUnavailableError';
}

/** The object is larger than the caller's maxBytes. */
export class ObjectTooLargeError extends PermanentError {
  override name = 'ObjectTooLargeError';
}

/**
 * Storage refused our credentials (HTTP 401/403). Permanent for the row, but it is a configuration
 * problem affecting every row of that environment: callers may want to stop claiming and alert.
 */
export class StorageAuthError extends PermanentError {
  override name = 'StorageAuthError';
}

/** The storage will not take a write: a read-only directory or volume, no permission, a refused upload. */
export class StorageWriteRefusedError extends PermanentError {
  override name = 'StorageWriteRefusedError';
}

/** The storage path / object reference itself is invalid (traversal, bad bucket, unknown source). */
export class InvalidStoragePathError extends PermanentError {
  override name = 'InvalidStoragePathError';
}

/**
 * Parse an HTTP Retry-After value (delta-seconds or HTTP-date) into milliseconds from `now`.
 * Returns undefined when absent or unparsable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) {
    const seconds = Number(v);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
  }
  // An HTTP-date always names a month; this keeps V8's lenient Date.parse from reading "-1" as a year.
  if (!/[A-Za-z]{3}/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
