/** Where one PDF lives: a Supabase bucket (or a top-level folder of the local store) and a key in it. */
export interface ObjectRef {
  bucket: string;
  /** `/`-separated, already decoded (no percent-encoding), never starts with `/`, no `.`/`..` segments. */
  key: string;
}

export interface FetchOptions {
  /** Refuse (PermanentError) objects larger than this many bytes. */
  maxBytes: number;
  /** Aborting it stops the download; the fetch then rejects with a RetryableError. */
  signal?: AbortSignal;
}

export interface PutOptions {
  contentType: string;
  signal?: AbortSignal;
}

/** A source of PDF bytes: Supabase storage over HTTP or a local directory. */
export interface ObjectStorage {
  /**
   * Download one object in full.
   * Rejects with PermanentError (not found, too large, bad credentials, invalid reference) or
   * RetryableError (timeouts, 5xx, network errors, rate limiting, caller abort).
   */
  fetch(obj: ObjectRef, opts: FetchOptions): Promise<Uint8Array>;
  /**
   * Write one object in full, replacing what was there (a second write of the same bytes is harmless).
   * Rejects with PermanentError when the storage refuses it (read-only, 401/403, no bucket) or
   * RetryableError (timeouts, 5xx, network errors, rate limiting, a full disk, caller abort).
   */
  put(obj: ObjectRef, bytes: Uint8Array, opts: PutOptions): Promise<void>;
  /**
   * Check the storage as a whole, without downloading anything: credentials accepted, the storage root
   * readable and not empty, each of `buckets` present. Resolves when healthy; otherwise rejects with the
   * error a download would meet (StorageAuthError, BucketNotFoundError, StorageUnavailableError, …).
   */
  probe(buckets: readonly string[], opts?: { signal?: AbortSignal }): Promise<void>;
  /** Human-readable, secret-free description, e.g. `local:/srv/pdfs` or `supabase:https://x.supabase.co`. */
  describe(): string;
}

/** Throws a RangeError for a maxBytes that is not a non-negative safe integer (a programming error). */
export function assertMaxBytes(maxBytes: number): void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
  }
}
