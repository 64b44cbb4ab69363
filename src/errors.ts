/**
 * Named errors that the job loop uses to decide what happens to a row (BullMQ's model):
 * a PermanentError goes straight to status 4, anything else is retried until attempts run out.
 */

/** The input itself is bad (corrupt, encrypted, zero pages, missing object): retrying cannot help. */
export class PermanentError extends Error {
  override name = 'PermanentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A transient failure (timeout, 5xx, crashed worker): worth another attempt after a backoff. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A document ran past its page or document time budget (src/pool/budget.ts): its OCR thread was stopped.
 * Retryable once (a loaded host can be slow once); a second overrun in a row is final (`decideFailure`).
 */
export class TimeBudgetError extends RetryableError {
  override name = 'TimeBudgetError';
  /** Which budget was spent: a page's (that page fails, the document goes on) or the whole document's. */
  scope: 'page' | 'document' = 'page';
}

/** True when a row's `ocr_error` says its last attempt overran a time budget. */
export function isBudgetOverrun(ocrError: string | null | undefined): boolean {
  return typeof ocrError === 'string' && ocrError.startsWith('TimeBudgetError');
}

/** Coerce anything thrown into an Error, so callers never deal with `unknown`. */
export function coerceError(err: unknown): Error {
  if (err instanceof Error) return err;
  if (typeof err === 'string') return new Error(err);
  try {
    return new Error(JSON.stringify(err));
  } catch {
    return new Error(String(err));
  }
}
