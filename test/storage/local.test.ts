import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../src/errors.js';
import { BucketNotFoundError, ObjectNotFoundError, ObjectTooLargeError, StorageUnavailableError, StorageWriteRefusedError } from '../../src/storage/errors.js';
import { LocalStorage } from '../../src/storage/local.js';
import { parseStoragePath } from '../../src/storage/path.js';
import { rejection } from '../helpers/rejection';

const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
const MAX = 1024 * 1024;

let tmp: string;
let root: string;
let outside: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'ocr-storage-local-'));
  root = path.join(tmp, 'root');
  outside = path.join(tmp, 'outside');
  await fs.mkdir(path.join(root, 'index', '2023'), { recursive: true });
  await fs.mkdir(path.join(root, 'actes', 'dossier 1'), { recursive: true });
  await fs.mkdir(outside, { recursive: true });
  await fs.writeFile(path.join(root, 'index', '12345.pdf'), PDF);
  await fs.writeFile(path.join(root, 'index', '2023', 'nested.pdf'), PDF);
  await fs.writeFile(path.join(root, 'actes', 'dossier 1', 'acte été.pdf'), PDF);
  await fs.writeFile(path.join(root, 'index', 'big.pdf'), new Uint8Array(4096));
  await fs.writeFile(path.join(outside, 'secret.pdf'), 'secret');
  // Symlinks: one escaping the root (file and directory), one staying inside.
  await fs.symlink(path.join(outside, 'secret.pdf'), path.join(root, 'index', 'escape.pdf'));
  await fs.symlink(outside, path.join(root, 'index', 'escape-dir'));
  await fs.symlink(path.join(root, 'index', '12345.pdf'), path.join(root, 'actes', 'alias.pdf'));
  await fs.symlink(path.join(root, 'index', 'loop-b.pdf'), path.join(root, 'index', 'loop-a.pdf'));
  await fs.symlink(path.join(root, 'index', 'loop-a.pdf'), path.join(root, 'index', 'loop-b.pdf'));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('LocalStorage', () => {
  it('writes an object beside the source through a temporary file, creating folders, replacing an earlier write', async () => {
    const s = new LocalStorage(root);
    const ref = { bucket: 'actes', key: 'dossier 1/new/acte été.ocr.pdf' };
    await s.put(ref, PDF, { contentType: 'application/pdf' });
    await s.put(ref, new Uint8Array([...PDF, 0x0a]), { contentType: 'application/pdf' });
    expect(await s.fetch(ref, { maxBytes: MAX })).toEqual(new Uint8Array([...PDF, 0x0a]));
    expect((await fs.readdir(path.join(root, 'actes', 'dossier 1', 'new'))).sort()).toEqual(['acte été.ocr.pdf']); // no .tmp- left
  });

  it('refuses to write outside the root, over a symlink, or into a missing bucket folder', async () => {
    const s = new LocalStorage(root);
    const pdf = { contentType: 'application/pdf' };
    expect((await rejection(s.put({ bucket: 'index', key: 'escape-dir/x.ocr.pdf' }, PDF, pdf))).message).toMatch(/outside the storage root/);
    expect(await fs.readdir(outside)).toEqual(['secret.pdf']);
    expect((await rejection(s.put({ bucket: 'index', key: 'escape.pdf' }, PDF, pdf))).message).toMatch(/symlink: not replaced/);
    expect(await fs.readFile(path.join(outside, 'secret.pdf'), 'utf8')).toBe('secret');
    expect(await rejection(s.put({ bucket: 'nobucket', key: 'x.ocr.pdf' }, PDF, pdf))).toBeInstanceOf(BucketNotFoundError);
  });

  it.skipIf(process.getuid?.() === 0)('a folder it may not write to is a StorageWriteRefusedError (EACCES)', async () => {
    const dir = path.join(root, 'index', 'locked');
    await fs.mkdir(dir, { mode: 0o555 });
    const err = await rejection(new LocalStorage(root).put({ bucket: 'index', key: 'locked/x.ocr.pdf' }, PDF, { contentType: 'application/pdf' }));
    expect(err).toBeInstanceOf(StorageWriteRefusedError);
    expect(err.message).toMatch(/EACCES/);
  });

  it.skipIf(process.getuid?.() !== 0)('a read-only volume is a StorageWriteRefusedError (EROFS), and nothing is left on it', async () => {
    const dir = path.join(root, 'index', 'ro');
    await fs.mkdir(dir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir]);
    try {
      const err = await rejection(new LocalStorage(root).put({ bucket: 'index', key: 'ro/x.ocr.pdf' }, PDF, { contentType: 'application/pdf' }));
      expect(err).toBeInstanceOf(StorageWriteRefusedError);
      expect(err.message).toBe('local storage refused the write of index/ro/x.ocr.pdf (EROFS)');
      expect(await fs.readdir(dir)).toEqual([]);
    } finally {
      execFileSync('umount', ['-l', dir]);
    }
  });

  it('describes itself by its root', () => {
    expect(new LocalStorage(root).describe()).toBe(`local:${root}`);
  });

  it('reads a file by bucket and key', async () => {
    const bytes = await new LocalStorage(root).fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).equals(Buffer.from(PDF))).toBe(true);
  });

  it('reads nested and non-ASCII keys, straight from parseStoragePath', async () => {
    const storage = new LocalStorage(root);
    const a = await storage.fetch(parseStoragePath('index/2023/nested.pdf', 'index'), { maxBytes: MAX });
    const b = await storage.fetch(
      parseStoragePath('/storage/v1/object/public/actes/dossier%201/acte%20%C3%A9t%C3%A9.pdf', 'acte'),
      { maxBytes: MAX },
    );
    expect(a.length).toBe(PDF.length);
    expect(b.length).toBe(PDF.length);
  });

  it('accepts a relative root', async () => {
    const rel = path.relative(process.cwd(), root);
    const bytes = await new LocalStorage(rel).fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX });
    expect(bytes.length).toBe(PDF.length);
  });

  it('follows a symlink that stays inside the root', async () => {
    const bytes = await new LocalStorage(root).fetch({ bucket: 'actes', key: 'alias.pdf' }, { maxBytes: MAX });
    expect(bytes.length).toBe(PDF.length);
  });

  it('reports a missing object as a permanent "object not found"', async () => {
    const err = await rejection(new LocalStorage(root).fetch({ bucket: 'index', key: 'nope.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err).toBeInstanceOf(ObjectNotFoundError);
    expect(err.message).toBe('object not found: index/nope.pdf');
  });

  it('reports a missing bucket or a file used as a directory as not found', async () => {
    const s = new LocalStorage(root);
    expect(await rejection(s.fetch({ bucket: 'nobucket', key: 'x.pdf' }, { maxBytes: MAX }))).toBeInstanceOf(ObjectNotFoundError);
    expect(await rejection(s.fetch({ bucket: 'index', key: '12345.pdf/x' }, { maxBytes: MAX }))).toBeInstanceOf(ObjectNotFoundError);
  });

  it('tells a missing bucket folder (wrong directory: every document of it) from a missing object', async () => {
    const s = new LocalStorage(root);
    const err = await rejection(s.fetch({ bucket: 'nobucket', key: 'x.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(BucketNotFoundError);
    expect(err.message).toMatch(/no folder nobucket\//);
    expect(await rejection(s.fetch({ bucket: 'index', key: 'nope.pdf' }, { maxBytes: MAX }))).not.toBeInstanceOf(BucketNotFoundError);
  });

  it('an empty root (mount point of a volume that is not mounted) is the storage’s failure, not the document’s', async () => {
    const empty = path.join(tmp, 'empty-mount');
    await fs.mkdir(empty);
    const err = await rejection(new LocalStorage(empty).fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect(err).not.toBeInstanceOf(ObjectNotFoundError);
    expect(err.message).toMatch(/is empty \(volume not mounted\?\)/);
  });

  it('probe: healthy root and buckets resolve; empty root, missing root or bucket reject with the reason', async () => {
    await expect(new LocalStorage(root).probe(['index', 'actes'])).resolves.toBeUndefined();
    expect(await rejection(new LocalStorage(root).probe(['index', 'nobucket']))).toBeInstanceOf(BucketNotFoundError);
    const empty = path.join(tmp, 'empty-probe');
    await fs.mkdir(empty);
    expect(await rejection(new LocalStorage(empty).probe([]))).toBeInstanceOf(StorageUnavailableError);
    expect(await rejection(new LocalStorage(path.join(tmp, 'no-such-root')).probe([]))).toBeInstanceOf(StorageUnavailableError);
  });

  it('rejects a directory', async () => {
    const err = await rejection(new LocalStorage(root).fetch({ bucket: 'index', key: '2023' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/directory/);
  });

  it.each([
    [{ bucket: 'index', key: '../../outside/secret.pdf' }],
    [{ bucket: '..', key: 'outside/secret.pdf' }],
    [{ bucket: 'index', key: '/etc/passwd' }],
    [{ bucket: 'index', key: '%2e%2e/%2e%2e/outside/secret.pdf' }],
    [{ bucket: 'index', key: 'a\\..\\..\\secret.pdf' }],
  ])('rejects traversal %j before touching the disk', async (obj) => {
    const err = await rejection(new LocalStorage(root).fetch(obj, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/invalid storage path/);
  });

  it('rejects a symlink escaping the root (file)', async () => {
    const err = await rejection(new LocalStorage(root).fetch({ bucket: 'index', key: 'escape.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/outside the storage root/);
  });

  it('rejects a symlink escaping the root (directory)', async () => {
    const err = await rejection(
      new LocalStorage(root).fetch({ bucket: 'index', key: 'escape-dir/secret.pdf' }, { maxBytes: MAX }),
    );
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/outside the storage root/);
  });

  it('works when the root itself is reached through a symlink', async () => {
    const link = path.join(tmp, 'root-link');
    await fs.symlink(root, link);
    const s = new LocalStorage(link);
    expect((await s.fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX })).length).toBe(PDF.length);
    expect(await rejection(s.fetch({ bucket: 'index', key: 'escape.pdf' }, { maxBytes: MAX }))).toBeInstanceOf(PermanentError);
  });

  it('rejects a symlink loop permanently', async () => {
    const err = await rejection(new LocalStorage(root).fetch({ bucket: 'index', key: 'loop-a.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(PermanentError);
  });

  it('rejects a file bigger than maxBytes', async () => {
    const err = await rejection(new LocalStorage(root).fetch({ bucket: 'index', key: 'big.pdf' }, { maxBytes: 4095 }));
    expect(err).toBeInstanceOf(ObjectTooLargeError);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/4096 bytes > limit 4095/);
  });

  it('accepts a file of exactly maxBytes', async () => {
    const bytes = await new LocalStorage(root).fetch({ bucket: 'index', key: 'big.pdf' }, { maxBytes: 4096 });
    expect(bytes.length).toBe(4096);
  });

  it('treats a missing root as retryable (volume not mounted), not as a missing object', async () => {
    const err = await rejection(
      new LocalStorage(path.join(tmp, 'no-such-root')).fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX }),
    );
    expect(err).toBeInstanceOf(RetryableError);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect(err.message).toMatch(/not accessible/);
  });

  it('honours an already-aborted signal', async () => {
    const err = await rejection(
      new LocalStorage(root).fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX, signal: AbortSignal.abort() }),
    );
    expect(err).toBeInstanceOf(RetryableError);
  });

  it('rejects an invalid maxBytes as a programming error', async () => {
    await expect(new LocalStorage(root).fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: -1 })).rejects.toThrow(RangeError);
  });
});
