/**
 * Object storage backed by a local directory laid out as `<root>/<bucket>/<key>` (on-premise, demo,
 * tests). The resolved file (after symlinks) must stay inside the resolved root.
 *
 * Only regular files are read: a FIFO, a device or a socket fails at once (a FIFO without a writer blocks
 * its reader forever). Every read has the storage timeout, so a hung network mount fails the attempt
 * (retryable) instead of holding the worker and, at shutdown, the whole process.
 */
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PermanentError, RetryableError } from '../errors.js';
import { concatBytes } from './bytes.js';
import { BucketNotFoundError, ObjectNotFoundError, ObjectTooLargeError, StorageUnavailableError, StorageWriteRefusedError } from './errors.js';
import { validateObjectRef } from './path.js';
import { assertMaxBytes, type FetchOptions, type ObjectRef, type ObjectStorage, type PutOptions } from './types.js';

const CHUNK = 1 << 20;

export class LocalStorage implements ObjectStorage {
  /** Absolute root directory (not yet symlink-resolved). */
  readonly root: string;
  /** Deadline of one fetch, ms (OCR_STORAGE_TIMEOUT_MS). */
  readonly timeoutMs: number;

  constructor(rootDir: string, opts: { timeoutMs?: number } = {}) {
    if (typeof rootDir !== 'string' || rootDir.trim() === '') {
      throw new Error('LocalStorage: rootDir must be a non-empty directory path');
    }
    this.root = path.resolve(rootDir);
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  describe(): string {
    return `local:${this.root}`;
  }

  async fetch(obj: ObjectRef, opts: FetchOptions): Promise<Uint8Array> {
    assertMaxBytes(opts.maxBytes);
    validateObjectRef(obj);
    const label = `${obj.bucket}/${obj.key}`;
    throwIfAborted(opts.signal, label);
    // Each step below can block in the kernel (stat, open or read on a hung mount): the whole fetch races
    // the deadline and the job's abort signal.
    return withDeadline(() => this.read(obj, label, opts), this.timeoutMs, label, opts.signal);
  }

  private async read(obj: ObjectRef, label: string, opts: FetchOptions): Promise<Uint8Array> {
    // A missing or unreadable root is an operational problem (unmounted volume), not a bad document:
    // retryable, so rows are not failed for good while the disk is away.
    let realRoot: string;
    try {
      realRoot = await fs.realpath(this.root);
    } catch (err) {
      throw new StorageUnavailableError(`local storage root ${this.root} is not accessible (${errCode(err)})`, { cause: err });
    }

    const candidate = path.join(this.root, obj.bucket, ...obj.key.split('/'));
    let realFile: string;
    try {
      realFile = await fs.realpath(candidate);
    } catch (err) {
      const code = errCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw await this.whyMissing(obj.bucket, label, err);
      if (code === 'ELOOP') throw new PermanentError(`symlink loop for object ${label}`, { cause: err });
      if (code === 'ENAMETOOLONG') throw new PermanentError(`object name too long for the file system: ${label.slice(0, 200)}…`, { cause: err });
      throw new RetryableError(`cannot resolve object ${label} (${code})`, { cause: err });
    }
    if (!isInside(realRoot, realFile)) {
      throw new PermanentError(`object ${label} resolves outside the storage root (symlink escape)`);
    }
    // Before opening: opening a FIFO for reading blocks until a writer comes.
    let before: import('node:fs').Stats;
    try {
      before = await fs.stat(realFile);
    } catch (err) {
      const code = errCode(err);
      if (code === 'ENOENT') throw new ObjectNotFoundError(`object not found: ${label}`, { cause: err });
      throw new RetryableError(`cannot stat object ${label} (${code})`, { cause: err });
    }
    const kind = fileKind(before);
    if (kind !== 'file') throw new PermanentError(`object ${label} is ${kind}, not a regular file`);

    let handle: fs.FileHandle;
    try {
      // O_NOFOLLOW: the resolved path must not have become a symlink in the meantime.
      // O_NONBLOCK: should the file have been swapped for a FIFO since the stat, open does not block
      // (fstat below refuses it); on a regular file it changes nothing.
      handle = await fs.open(realFile, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0));
    } catch (err) {
      const code = errCode(err);
      if (code === 'ENOENT') throw await this.whyMissing(obj.bucket, label, err);
      if (code === 'ELOOP') throw new PermanentError(`object ${label} changed into a symlink while opening`, { cause: err });
      if (code === 'EISDIR') throw new PermanentError(`object ${label} is a directory, not a file`, { cause: err });
      throw new RetryableError(`cannot open object ${label} (${code})`, { cause: err });
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new PermanentError(`object ${label} is ${fileKind(st)}, not a regular file`);
      if (st.size > opts.maxBytes) {
        throw new ObjectTooLargeError(`object ${label} is too large: ${st.size} bytes > limit ${opts.maxBytes}`);
      }
      const buf = new Uint8Array(st.size);
      let total = 0;
      while (total < buf.length) {
        throwIfAborted(opts.signal, label);
        const { bytesRead } = await handle.read(buf, total, Math.min(CHUNK, buf.length - total), null);
        if (bytesRead === 0) break; // shrank after stat()
        total += bytesRead;
      }
      if (total === buf.length) {
        // Grew after stat()? Read on, still bounded by maxBytes.
        const extra: Uint8Array[] = [];
        const probe = new Uint8Array(Math.min(CHUNK, opts.maxBytes - total + 1));
        for (;;) {
          throwIfAborted(opts.signal, label);
          if (probe.length === 0) break;
          const { bytesRead } = await handle.read(probe, 0, probe.length, null);
          if (bytesRead === 0) break;
          total += bytesRead;
          if (total > opts.maxBytes) {
            throw new ObjectTooLargeError(`object ${label} is too large: more than ${opts.maxBytes} bytes`);
          }
          extra.push(probe.slice(0, bytesRead));
        }
        if (extra.length > 0) return concatBytes([buf, ...extra], total);
        return buf;
      }
      return buf.subarray(0, total);
    } catch (err) {
      if (err instanceof PermanentError || err instanceof RetryableError) throw err;
      throw new RetryableError(`cannot read object ${label} (${errCode(err)})`, { cause: err });
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /**
   * Written to a temporary file beside the target, then renamed over it: a reader never sees half a file,
   * and a crash leaves at most a `.tmp-…` file behind. The bucket folder must exist (it is not created: a
   * missing one is a wrong directory); folders inside it are. The target must stay inside the root.
   */
  async put(obj: ObjectRef, bytes: Uint8Array, opts: PutOptions): Promise<void> {
    validateObjectRef(obj);
    const label = `${obj.bucket}/${obj.key}`;
    if (opts.signal?.aborted) throw new RetryableError(`write of ${label} aborted`, { cause: opts.signal.reason });
    await withDeadline(() => this.write(obj, bytes, label), this.timeoutMs, label, opts.signal, 'write');
  }

  private async write(obj: ObjectRef, bytes: Uint8Array, label: string): Promise<void> {
    const problem = (await this.rootProblem()) ?? (await this.bucketProblem(obj.bucket));
    if (problem) throw problem;
    const target = path.join(this.root, obj.bucket, ...obj.key.split('/'));
    const dir = path.dirname(target);
    try {
      await fs.mkdir(dir, { recursive: true });
      const realRoot = await fs.realpath(this.root);
      if (!isInside(realRoot, path.join(await fs.realpath(dir), path.basename(target)))) {
        throw new PermanentError(`object ${label} would be written outside the storage root (symlink escape)`);
      }
      const st = await fs.lstat(target).catch(() => undefined);
      if (st && !st.isFile()) throw new PermanentError(`object ${label} exists and is ${st.isSymbolicLink() ? 'a symlink' : fileKind(st)}: not replaced`);
      const tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
      try {
        await fs.writeFile(tmp, bytes, { flag: 'wx', mode: 0o644 });
        await fs.rename(tmp, target);
      } catch (err) {
        await fs.rm(tmp, { force: true }).catch(() => undefined);
        throw err;
      }
    } catch (err) {
      if (err instanceof PermanentError || err instanceof RetryableError) throw err;
      const code = errCode(err);
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
        throw new StorageWriteRefusedError(`local storage refused the write of ${label} (${code})`, { cause: err });
      }
      if (code === 'ENAMETOOLONG') throw new PermanentError(`object name too long for the file system: ${label.slice(0, 200)}…`, { cause: err });
      throw new RetryableError(`cannot write object ${label} (${code})`, { cause: err });
    }
  }

  async probe(buckets: readonly string[]): Promise<void> {
    try {
      await fs.realpath(this.root);
    } catch (err) {
      throw new StorageUnavailableError(`local storage root ${this.root} is not accessible (${errCode(err)})`, { cause: err });
    }
    const rootProblem = await this.rootProblem();
    if (rootProblem) throw rootProblem;
    for (const bucket of buckets) {
      validateObjectRef({ bucket, key: 'probe' });
      const problem = await this.bucketProblem(bucket);
      if (problem) throw problem;
      try {
        await fs.readdir(path.join(this.root, bucket));
      } catch (err) {
        throw new StorageUnavailableError(`bucket folder ${bucket}/ of local storage root ${this.root} cannot be read (${errCode(err)})`, { cause: err });
      }
    }
  }

  /**
   * An object is missing: because of the document, or because the storage is not there at all? An
   * empty or unlistable root is an unmounted volume, a missing bucket folder a wrong directory; either
   * would fail every document alike.
   */
  private async whyMissing(bucket: string, label: string, cause: unknown): Promise<Error> {
    return (await this.rootProblem()) ?? (await this.bucketProblem(bucket)) ?? new ObjectNotFoundError(`object not found: ${label}`, { cause });
  }

  private async rootProblem(): Promise<Error | undefined> {
    try {
      const entries = await fs.readdir(this.root);
      if (entries.length === 0) return new StorageUnavailableError(`local storage root ${this.root} is empty (volume not mounted?)`);
    } catch (err) {
      return new StorageUnavailableError(`local storage root ${this.root} cannot be listed (${errCode(err)})`, { cause: err });
    }
    return undefined;
  }

  private async bucketProblem(bucket: string): Promise<Error | undefined> {
    try {
      const st = await fs.stat(path.join(this.root, bucket));
      if (st.isDirectory()) return undefined;
    } catch (err) {
      const code = errCode(err);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        return new StorageUnavailableError(`bucket folder ${bucket}/ of local storage root ${this.root} cannot be read (${code})`, { cause: err });
      }
    }
    return new BucketNotFoundError(`bucket not found: no folder ${bucket}/ in local storage root ${this.root}`);
  }
}

/** What a path is, in words for ocr_error. */
export function fileKind(st: Pick<import('node:fs').Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'>): string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

/**
 * Run `work` against a deadline and an abort signal. A call stuck in the kernel cannot be cancelled: the
 * caller gets a RetryableError at the deadline (or at once on abort) and the work is abandoned; it closes
 * its own file handle if the stuck call ever returns.
 */
export async function withDeadline<T>(work: () => Promise<T>, timeoutMs: number, label: string, signal?: AbortSignal, verb: 'read' | 'write' = 'read'): Promise<T> {
  const running = work();
  running.catch(() => undefined); // abandoned work must not surface later as an unhandled rejection
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RetryableError(`${verb} of ${label} timed out after ${timeoutMs} ms (local storage not answering)`)), timeoutMs);
    onAbort = () => reject(new RetryableError(`${verb} of ${label} aborted`, { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([running, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel);
}

function throwIfAborted(signal: AbortSignal | undefined, label: string): void {
  if (signal?.aborted) throw new RetryableError(`read of ${label} aborted`, { cause: signal.reason });
}

function errCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
