/**
 * Object storage backed by Supabase Storage over HTTP (Node's built-in fetch):
 * `GET <url>/storage/v1/object/authenticated/<bucket>/<key>` with the service key.
 *
 * The service key never appears in an error message: server-provided text is redacted and
 * truncated before it is quoted.
 */
import { PermanentError, RetryableError } from '../errors.js';
import { concatBytes } from './bytes.js';
import { BucketNotFoundError, ObjectNotFoundError, ObjectTooLargeError, RateLimitedError, StorageAuthError, StorageWriteRefusedError, parseRetryAfter } from './errors.js';
import { validateObjectRef } from './path.js';
import { describeCause, looksBucketNotFound, looksNotFound, looksUnauthorized, readErrorBody, redactSecrets } from './supabase-errors.js';
import { assertMaxBytes, type FetchOptions, type ObjectRef, type ObjectStorage, type PutOptions } from './types.js';

export interface SupabaseStorageOptions {
  /** Project URL, e.g. `https://abcd.supabase.co` (a trailing `/` or `/storage/v1` is tolerated). */
  url: string;
  serviceKey: string;
  /** Deadline for one whole download (headers and body), in milliseconds. */
  timeoutMs: number;
}

class TimeoutReason extends Error {
  override name = 'TimeoutError';
}

export class SupabaseStorage implements ObjectStorage {
  readonly #base: string;
  readonly #key: string;
  readonly #timeoutMs: number;

  constructor(opts: SupabaseStorageOptions) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new Error('SupabaseStorage: url is not a valid URL');
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      throw new Error(`SupabaseStorage: url must be http(s), got ${u.protocol}`);
    }
    if (u.username || u.password) throw new Error('SupabaseStorage: url must not contain credentials');
    if (typeof opts.serviceKey !== 'string' || opts.serviceKey.trim() === '') {
      throw new Error('SupabaseStorage: serviceKey is empty');
    }
    if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) {
      throw new RangeError(`SupabaseStorage: timeoutMs must be > 0, got ${String(opts.timeoutMs)}`);
    }
    const pathname = u.pathname.replace(/\/+$/, '').replace(/\/storage\/v1$/, '');
    this.#base = `${u.origin}${pathname}`;
    this.#key = opts.serviceKey.trim();
    this.#timeoutMs = opts.timeoutMs;
  }

  describe(): string {
    return `supabase:${this.#base}`;
  }

  /** The URL an object is downloaded from (no secrets in it). */
  objectUrl(obj: ObjectRef): string {
    const key = obj.key.split('/').map(encodeURIComponent).join('/');
    return `${this.#base}/storage/v1/object/authenticated/${encodeURIComponent(obj.bucket)}/${key}`;
  }

  async fetch(obj: ObjectRef, opts: FetchOptions): Promise<Uint8Array> {
    assertMaxBytes(opts.maxBytes);
    validateObjectRef(obj);
    const label = `${obj.bucket}/${obj.key}`;
    if (opts.signal?.aborted) throw new RetryableError(`download of ${label} aborted`, { cause: opts.signal.reason });

    // One controller for the deadline and the caller's signal (same as AbortSignal.any([timeout, signal]),
    // but with the timer cleared and the listener removed afterwards, so a long-lived caller signal
    // does not accumulate dependants over thousands of downloads).
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new TimeoutReason(`timed out after ${this.#timeoutMs} ms`)),
      this.#timeoutMs,
    );
    const onCallerAbort = (): void => controller.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onCallerAbort, { once: true });

    try {
      let res: Response;
      try {
        res = await fetch(this.objectUrl(obj), {
          method: 'GET',
          headers: {
            authorization: `Bearer ${this.#key}`,
            apikey: this.#key,
            accept: '*/*',
          },
          // Never forward the key to wherever a redirect points.
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (err) {
        throw this.#transportError(err, controller.signal, opts.signal, label, 'request');
      }

      if (res.status === 200) return await this.#readBody(res, opts.maxBytes, label, controller, opts.signal);

      throw await this.#refusal(res, obj, label, 'download');
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /** The error for a non-200 answer to a download or an upload of `label`. */
  async #refusal(res: Response, obj: ObjectRef, label: string, what: 'download' | 'upload'): Promise<Error> {
    const body = await readErrorBody(res);
    const detail = this.#redact(body);
    const status = res.status;
    const quoted = detail ? `: ${detail}` : '';
    if ((status === 404 || status === 400) && looksBucketNotFound(body)) {
      return new BucketNotFoundError(`Supabase storage has no bucket ${obj.bucket} (HTTP ${status}): wrong project or bucket?`);
    }
    if (what === 'download' && (status === 404 || (status === 400 && looksNotFound(body)))) {
      return new ObjectNotFoundError(`object not found: ${label}`);
    }
    if (status === 401 || status === 403 || (status === 400 && looksUnauthorized(body))) {
      const message = `Supabase storage rejected the service key (HTTP ${status}) for ${what === 'upload' ? 'the upload of ' : ''}${label}${quoted}`;
      return what === 'upload' ? new StorageWriteRefusedError(message) : new StorageAuthError(message);
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      const after = retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`;
      return new RateLimitedError(`Supabase storage rate-limited the ${what} of ${label} (HTTP 429${after})`, retryAfterMs);
    }
    if (status >= 500 || status === 408) {
      return new RetryableError(`Supabase storage error HTTP ${status} for ${what === 'upload' ? 'the upload of ' : ''}${label}${quoted}`);
    }
    if (status >= 300 && status < 400) {
      return new PermanentError(`Supabase storage answered with a redirect (HTTP ${status}) for ${label}; not followed`);
    }
    if (what === 'upload') return new StorageWriteRefusedError(`Supabase storage refused the upload of ${label} (HTTP ${status})${quoted}`);
    return new PermanentError(`Supabase storage refused ${label} (HTTP ${status})${quoted}`);
  }

  /** `POST /storage/v1/object/<bucket>/<key>` with `x-upsert: true`: a second upload replaces the first. */
  async put(obj: ObjectRef, bytes: Uint8Array, opts: PutOptions): Promise<void> {
    validateObjectRef(obj);
    const label = `${obj.bucket}/${obj.key}`;
    if (opts.signal?.aborted) throw new RetryableError(`upload of ${label} aborted`, { cause: opts.signal.reason });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutReason(`timed out after ${this.#timeoutMs} ms`)), this.#timeoutMs);
    const onCallerAbort = (): void => controller.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      let res: Response;
      try {
        const key = obj.key.split('/').map(encodeURIComponent).join('/');
        res = await fetch(`${this.#base}/storage/v1/object/${encodeURIComponent(obj.bucket)}/${key}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.#key}`, apikey: this.#key, 'content-type': opts.contentType, 'x-upsert': 'true' },
          body: bytes,
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (err) {
        throw this.#transportError(err, controller.signal, opts.signal, label, 'request', 'upload');
      }
      if (res.status === 200 || res.status === 201) {
        await res.body?.cancel().catch(() => undefined);
        return;
      }
      throw await this.#refusal(res, obj, label, 'upload');
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /**
   * `GET /storage/v1/bucket/<bucket>` for each bucket (or the bucket list when none is named): the key
   * is accepted and the buckets exist. Nothing is downloaded.
   */
  async probe(buckets: readonly string[], opts: { signal?: AbortSignal } = {}): Promise<void> {
    const targets = buckets.length ? buckets.map((b) => `/storage/v1/bucket/${encodeURIComponent(b)}`) : ['/storage/v1/bucket'];
    for (const [i, target] of targets.entries()) {
      const what = buckets[i] ?? 'the bucket list';
      const signal = AbortSignal.any([AbortSignal.timeout(Math.min(this.#timeoutMs, 10_000)), ...(opts.signal ? [opts.signal] : [])]);
      let res: Response;
      try {
        res = await fetch(`${this.#base}${target}`, {
          headers: { authorization: `Bearer ${this.#key}`, apikey: this.#key, accept: 'application/json' },
          redirect: 'manual',
          signal,
        });
      } catch (err) {
        throw new RetryableError(`Supabase storage did not answer for ${what}: ${this.#redact(describeCause(err))}`, { cause: err });
      }
      if (res.status === 200) {
        await res.body?.cancel().catch(() => undefined);
        continue;
      }
      const body = await readErrorBody(res);
      const detail = this.#redact(body);
      if (res.status === 401 || res.status === 403 || looksUnauthorized(body)) {
        throw new StorageAuthError(`Supabase storage rejected the service key (HTTP ${res.status})${detail ? `: ${detail}` : ''}`);
      }
      if ((res.status === 404 || res.status === 400) && (looksBucketNotFound(body) || looksNotFound(body))) {
        throw new BucketNotFoundError(`Supabase storage has no bucket ${what} (HTTP ${res.status}): wrong project or bucket?`);
      }
      throw new RetryableError(`Supabase storage answered HTTP ${res.status} for ${what}${detail ? `: ${detail}` : ''}`);
    }
  }

  async #readBody(
    res: Response,
    maxBytes: number,
    label: string,
    controller: AbortController,
    callerSignal: AbortSignal | undefined,
  ): Promise<Uint8Array> {
    const lengthHeader = res.headers.get('content-length');
    const declared = lengthHeader !== null && /^\d+$/.test(lengthHeader.trim()) ? Number(lengthHeader) : undefined;
    const encoded = (res.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
    if (declared !== undefined && !encoded && declared > maxBytes) {
      controller.abort(); // drop the connection rather than drain a huge body
      throw new ObjectTooLargeError(`object ${label} is too large: ${declared} bytes > limit ${maxBytes}`);
    }
    if (res.body === null) return new Uint8Array(0);

    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        let step: Awaited<ReturnType<typeof reader.read>>;
        try {
          step = await reader.read();
        } catch (err) {
          throw this.#transportError(err, controller.signal, callerSignal, label, 'body');
        }
        if (step.done) break;
        total += step.value.byteLength;
        if (total > maxBytes) {
          controller.abort();
          throw new ObjectTooLargeError(`object ${label} is too large: more than ${maxBytes} bytes`);
        }
        chunks.push(step.value);
      }
    } finally {
      reader.releaseLock();
    }
    return concatBytes(chunks, total);
  }

  #transportError(
    err: unknown,
    combined: AbortSignal,
    callerSignal: AbortSignal | undefined,
    label: string,
    phase: 'request' | 'body',
    what: 'download' | 'upload' = 'download',
  ): RetryableError {
    if (combined.aborted) {
      if (combined.reason instanceof TimeoutReason) {
        return new RetryableError(`${what} of ${label} ${combined.reason.message}`);
      }
      if (callerSignal?.aborted) return new RetryableError(`${what} of ${label} aborted`, { cause: callerSignal.reason });
    }
    const kind = phase === 'request' ? 'network error' : 'connection lost while downloading';
    return new RetryableError(`${kind} for ${label}: ${this.#redact(describeCause(err))}`, { cause: err });
  }

  #redact(text: string): string {
    return redactSecrets(text, this.#key);
  }
}
