/**
 * Writes a completed document's searchable PDF (OCR_SEARCHABLE_PDF) to the environment's storage, beside
 * the source (OCR_SEARCHABLE_PDF_PATH), and records where on the row, or why not. The text is done
 * before this starts (the row is at 5): nothing here can fail the document. A write is tried three times
 * (retryable errors only, through the shared rate limiter like every download); what still fails is
 * recorded in `ocr_pdf_error` (check-ocr-queue and /metrics show it) and logged once per cause, not once
 * per document: a read-only bucket would otherwise write one error line per document.
 */
import type { Queryable } from '../db/pg';
import { coerceError, PermanentError } from '../errors';
import type { RateLimiter } from '../limiter';
import type { Logger } from '../logger';
import { recordSearchablePdf } from '../queue/searchable-pdf';
import type { Claim } from '../queue/types';
import { RateLimitedError } from '../storage/errors';
import { searchablePdfRef } from '../storage/searchable-path';
import type { ObjectRef, ObjectStorage } from '../storage/types';

export type SearchablePdfOutcome = { kind: 'written'; path: string } | { kind: 'failed'; error: string };

export interface SearchableOutputOptions {
  /** OCR_SEARCHABLE_PDF_PATH. */
  template: string;
  /** Waits before the second and third tries, ms. */
  retryDelaysMs?: readonly number[];
  /** Longest wait a 429's Retry-After may ask for, ms. */
  maxRetryAfterMs?: number;
}

const DEFAULT_DELAYS_MS = [1_000, 4_000];

/** The cause of a failed write, without the document in it: `StorageWriteRefusedError EROFS`, `RetryableError HTTP 503`. */
export function causeKey(err: Error): string {
  const code = /\((E[A-Z]+)\)/.exec(err.message)?.[1] ?? /HTTP (\d{3})/.exec(err.message)?.[0] ?? '';
  return `${err.name} ${code}`.trim();
}

/** The PDF could not be built in the OCR thread (its message says why). */
class SearchableBuildError extends Error {
  override name = 'SearchableBuildError';
}

export class SearchableOutput {
  /** Causes already logged since the last successful write, with how many documents met each. */
  private readonly failing = new Map<string, number>();

  constructor(
    private readonly opts: SearchableOutputOptions,
    private readonly log: Logger,
  ) {}

  /**
   * Write the PDF built for the completed `claim` whose source is `source` (or record why it could not be
   * built: `{ error }`); never throws.
   */
  async save(env: { db: Queryable; storage: ObjectStorage; limiter: RateLimiter }, claim: Claim, source: ObjectRef, built: Uint8Array | { error: string }): Promise<SearchablePdfOutcome> {
    let outcome: SearchablePdfOutcome;
    try {
      if (!(built instanceof Uint8Array)) throw new SearchableBuildError(built.error);
      const target = searchablePdfRef(source, this.opts.template);
      await this.put(env, target, built);
      outcome = { kind: 'written', path: `${target.bucket}/${target.key}` };
      if (this.failing.size) {
        this.log.info({ failures: Object.fromEntries(this.failing) }, 'searchable PDFs are written again');
        this.failing.clear();
      }
    } catch (thrown) {
      const err = coerceError(thrown);
      outcome = { kind: 'failed', error: `${err.name}: ${err.message}` };
      const key = `${claim.env} ${causeKey(err)}`;
      const seen = this.failing.get(key) ?? 0;
      this.failing.set(key, seen + 1);
      if (seen === 0) this.log.error({ err, cause: key }, 'searchable PDF not written; the text is done. Further documents failing the same way are counted, not logged');
      else this.log.debug({ err, cause: key }, 'searchable PDF not written');
    }
    try {
      await recordSearchablePdf(env.db, claim, outcome.kind === 'written' ? { path: outcome.path } : { error: outcome.error });
    } catch (err) {
      this.log.warn({ err }, 'could not record the searchable PDF on the row');
    }
    return outcome;
  }

  private async put(env: { storage: ObjectStorage; limiter: RateLimiter }, target: ObjectRef, pdf: Uint8Array): Promise<void> {
    const delays = this.opts.retryDelaysMs ?? DEFAULT_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await env.limiter.schedule(() => env.storage.put(target, pdf, { contentType: 'application/pdf' }));
        return;
      } catch (err) {
        if (err instanceof PermanentError || attempt >= delays.length) throw err;
        const asked = err instanceof RateLimitedError ? (err.retryAfterMs ?? 0) : 0;
        const wait = Math.max(delays[attempt]!, Math.min(asked, this.opts.maxRetryAfterMs ?? 30_000));
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
