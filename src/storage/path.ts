/**
 * Turn `extraction_queue.supabase_path` (+ `document_source`) into a bucket and key.
 *
 * Accepted forms:
 *  1. a bare file name: `12345.pdf` — bucket from document_source (index→index, acte→actes,
 *     plan_cadastraux→plans-cadastraux);
 *  2. `bucket/path/to/file.pdf`;
 *  3. a URL or path containing `/storage/v1/object/[public/|sign/|authenticated/]bucket/path`
 *     (full http(s) URL or just the path; the query string and fragment are dropped and segments
 *     are percent-decoded).
 *
 * Anything that could escape the bucket is rejected with an InvalidStoragePathError (a PermanentError).
 * Pure: no I/O.
 */
import { InvalidStoragePathError } from './errors.js';
import type { ObjectRef } from './types.js';

/** Bucket used for a bare file name, by `document_source`. */
export const SOURCE_BUCKETS: Readonly<Record<string, string>> = Object.freeze({
  index: 'index',
  acte: 'actes',
  plan_cadastraux: 'plans-cadastraux',
});

const STORAGE_MARKER = '/storage/v1/object/';
const ACCESS_PREFIXES = new Set(['public', 'sign', 'authenticated']);
const BUCKET_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const MAX_INPUT = 4096;

export function parseStoragePath(supabasePath: string, documentSource: string): ObjectRef {
  if (typeof supabasePath !== 'string') fail('storage path is not a string', supabasePath);
  const raw = supabasePath.trim();
  if (raw === '') fail('storage path is empty', supabasePath);
  if (raw.length > MAX_INPUT) fail(`storage path is longer than ${MAX_INPUT} characters`, raw);
  checkChars(raw, raw);

  const scheme = SCHEME_RE.exec(raw);
  if (scheme) {
    const proto = (scheme[1] ?? '').toLowerCase();
    if (proto !== 'http' && proto !== 'https') fail(`unsupported URL scheme "${proto}:"`, raw);
    // Manual split on purpose: `new URL()` would silently resolve `..` and `%2e%2e` segments.
    const afterAuthority = raw.slice(scheme[0].length);
    const slash = afterAuthority.search(/[/?#]/);
    const pathPart = slash < 0 ? '' : stripQuery(afterAuthority.slice(slash));
    const at = pathPart.indexOf(STORAGE_MARKER);
    if (at < 0) fail(`URL is not a Supabase storage object URL (expected ${STORAGE_MARKER}...)`, raw);
    return parseAfterMarker(pathPart.slice(at + STORAGE_MARKER.length), raw);
  }

  const withoutQuery = stripQuery(raw);
  const markerPath = withoutQuery.startsWith(STORAGE_MARKER.slice(1)) ? `/${withoutQuery}` : withoutQuery;
  const at = markerPath.indexOf(STORAGE_MARKER);
  if (at >= 0) return parseAfterMarker(markerPath.slice(at + STORAGE_MARKER.length), raw);

  if (raw.startsWith('/')) fail('absolute path', raw);
  const segments = raw.split('/');
  if (segments.length === 1) {
    checkSegment(raw, raw, false);
    const source = typeof documentSource === 'string' ? documentSource.trim().toLowerCase() : '';
    const bucket = Object.hasOwn(SOURCE_BUCKETS, source) ? SOURCE_BUCKETS[source] : undefined;
    if (bucket === undefined) {
      fail(
        `unknown document_source ${JSON.stringify(documentSource)} for a bare file name ` +
          `(expected one of ${Object.keys(SOURCE_BUCKETS).join(', ')}, or a bucket/path)`,
        raw,
      );
    }
    return { bucket, key: raw };
  }
  return fromSegments(segments, raw, false);
}

/**
 * Validate an ObjectRef that did not necessarily come from parseStoragePath (defence in depth for
 * the storage back-ends). Throws InvalidStoragePathError.
 */
export function validateObjectRef(obj: ObjectRef): void {
  if (obj === null || typeof obj !== 'object' || typeof obj.bucket !== 'string' || typeof obj.key !== 'string') {
    throw new InvalidStoragePathError('invalid object reference: bucket and key must be strings');
  }
  const label = `${obj.bucket}/${obj.key}`;
  checkChars(label, label);
  if (obj.key.startsWith('/')) fail('absolute path after the bucket', label);
  const ref = fromSegments([obj.bucket, ...obj.key.split('/')], label, false);
  if (ref.key !== obj.key || ref.bucket !== obj.bucket) fail('object reference is not normalised', label);
}

function parseAfterMarker(rest: string, input: string): ObjectRef {
  const segments = rest.split('/');
  if (segments[0] !== undefined && ACCESS_PREFIXES.has(segments[0])) segments.shift();
  return fromSegments(segments, input, true);
}

/** segments[0] is the bucket, the rest the key. */
function fromSegments(segments: string[], input: string, decode: boolean): ObjectRef {
  const [rawBucket, ...rawKey] = segments;
  if (rawBucket === undefined || rawBucket === '') fail('missing bucket name', input);
  checkSegment(rawBucket, input, decode);
  const bucket = decode ? decodeSegment(rawBucket, input) : rawBucket;
  if (!BUCKET_RE.test(bucket)) {
    fail(`invalid bucket name ${JSON.stringify(bucket)} (letters, digits, '.', '_', '-')`, input);
  }
  if (rawKey.length === 0 || (rawKey.length === 1 && rawKey[0] === '')) fail('missing object path after the bucket', input);
  const key: string[] = [];
  rawKey.forEach((seg, i) => {
    if (seg === '') {
      if (i === 0) fail('absolute path after the bucket', input);
      if (i === rawKey.length - 1) fail("path ends with '/' (no file name)", input);
      fail("empty path segment ('//')", input);
    }
    checkSegment(seg, input, decode);
    key.push(decode ? decodeSegment(seg, input) : seg);
  });
  return { bucket, key: key.join('/') };
}

/**
 * Reject a segment that is, or decodes (even repeatedly) to, `.`/`..`, or that hides a separator,
 * backslash or NUL behind percent-encoding.
 */
function checkSegment(seg: string, input: string, decoding: boolean): void {
  let current = seg;
  for (let i = 0; i < 4; i++) {
    if (current === '..') fail("path traversal ('..' segment)", input);
    if (current === '.') fail("dot segment ('.') in path", input);
    if (current.includes('\0')) fail('NUL byte in path', input);
    if (current.includes('\\')) fail('backslash in path', input);
    if (i > 0 && current.includes('/')) fail("percent-encoded '/' in a path segment", input);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (i > 0 && /[\u0000-\u001f\u007f]/.test(current)) fail('control character in path', input);
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      if (decoding && i === 0) fail('malformed percent-encoding', input);
      return;
    }
    if (next === current) return;
    current = next;
  }
}

function decodeSegment(seg: string, input: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return fail('malformed percent-encoding', input);
  }
}

function checkChars(s: string, input: string): void {
  if (s.includes('\0')) fail('NUL byte in path', input);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0001-\u001f\u007f]/.test(s)) fail('control character in path', input);
  if (s.includes('\\')) fail('backslash in path', input);
}

function stripQuery(s: string): string {
  const q = s.search(/[?#]/);
  return q < 0 ? s : s.slice(0, q);
}

/** Never echo a query string (signed URLs carry a token) and keep messages short. */
function show(input: unknown): string {
  if (typeof input !== 'string') return String(input);
  const noQuery = stripQuery(input);
  const cut = noQuery.length > 200 ? `${noQuery.slice(0, 200)}…` : noQuery;
  return JSON.stringify(cut);
}

function fail(problem: string, input: unknown): never {
  throw new InvalidStoragePathError(`invalid storage path ${show(input)}: ${problem}`);
}
