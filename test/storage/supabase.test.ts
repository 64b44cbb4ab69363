import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../src/errors.js';
import {
  BucketNotFoundError,
  ObjectNotFoundError,
  ObjectTooLargeError,
  RateLimitedError,
  StorageAuthError,
  StorageWriteRefusedError,
  parseRetryAfter,
} from '../../src/storage/errors.js';
import { parseStoragePath } from '../../src/storage/path.js';
import { SupabaseStorage } from '../../src/storage/supabase.js';
import { redactSecrets } from '../../src/storage/supabase-errors.js';
import { rejection } from '../helpers/rejection';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2VjcmV0LXNpZ25hdHVyZQ';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
const BIG = Buffer.alloc(300 * 1024, 0x41);
const PREFIX = '/storage/v1/object/authenticated/';
const BUCKET_PREFIX = '/storage/v1/bucket/';
const MAX = 1024 * 1024;

interface Seen {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  apikey: string | undefined;
}

const seen: Seen[] = [];
const pending = new Set<NodeJS.Timeout>();
let server: http.Server;
let baseUrl: string;

/** Mimics Supabase storage's authenticated object route, with a few misbehaving objects. */
function handler(req: http.IncomingMessage, res: http.ServerResponse) {
  const apikey = req.headers.apikey;
  seen.push({
    method: req.method,
    url: req.url,
    authorization: req.headers.authorization,
    apikey: Array.isArray(apikey) ? apikey[0] : apikey,
  });
  const json = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const url = req.url ?? '';
  const bucketNotFound = () => json(400, { statusCode: '404', error: 'Bucket not found', message: 'Bucket not found' });
  if (req.method === 'GET' && (url.startsWith(BUCKET_PREFIX) || url === '/storage/v1/bucket')) {
    if (req.headers.authorization !== `Bearer ${KEY}` || apikey !== KEY) return json(400, { statusCode: '403', error: 'Unauthorized', message: 'invalid signature' });
    if (url === '/storage/v1/bucket') return json(200, [{ id: 'index' }, { id: 'actes' }]);
    const name = decodeURIComponent(url.slice(BUCKET_PREFIX.length));
    return ['index', 'actes'].includes(name) ? json(200, { id: name, name, public: false }) : bucketNotFound();
  }
  if (req.method === 'POST' && url.startsWith(UPLOAD_PREFIX)) return upload(req, url.slice(UPLOAD_PREFIX.length), json);
  if (req.method !== 'GET' || !url.startsWith(PREFIX)) return json(404, { message: 'route not found' });
  if (req.headers.authorization !== `Bearer ${KEY}` || apikey !== KEY) {
    // Like a misbehaving proxy: echo the credentials it was given back in the body.
    return json(401, { statusCode: '401', error: 'Unauthorized', message: `Invalid JWT: ${req.headers.authorization ?? ''} ${String(apikey)}` });
  }
  const objectPath = url.slice(PREFIX.length).split('?')[0] ?? '';
  const [bucket, ...rest] = objectPath.split('/').map(decodeURIComponent);
  const key = rest.join('/');
  if (bucket !== 'index' && bucket !== 'actes') return bucketNotFound();
  switch (`${bucket}/${key}`) {
    case 'index/12345.pdf':
    case 'actes/dossier 1/acte été #1?.pdf':
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': PDF.length });
      return void res.end(PDF);
    case 'index/chunked.pdf': {
      res.writeHead(200, { 'content-type': 'application/pdf' }); // no content-length: chunked
      res.write(PDF.subarray(0, 10));
      const t = setTimeout(() => {
        pending.delete(t);
        res.end(PDF.subarray(10));
      }, 20);
      pending.add(t);
      return;
    }
    case 'index/big.pdf':
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': BIG.length });
      return void res.end(BIG);
    case 'index/big-chunked.pdf':
      res.writeHead(200, { 'content-type': 'application/pdf' });
      return void res.end(BIG);
    case 'index/huge.pdf':
      // Claims 10 GB, sends a few bytes, then stalls: the client must give up on the header alone.
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(10 * 1024 ** 3) });
      res.write(PDF);
      return;
    case 'index/html.pdf':
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<!DOCTYPE html><html><body>login</body></html>');
    case 'index/missing-400.pdf':
      return json(400, { statusCode: '404', error: 'not_found', message: 'Object not found' });
    case 'index/rls-400.pdf':
      return json(400, { statusCode: '403', error: 'Unauthorized', message: 'new row violates row-level security policy' });
    case 'index/forbidden.pdf':
      return json(403, { statusCode: '403', error: 'Forbidden', message: `denied for Bearer ${KEY}` });
    case 'index/weird-400.pdf':
      return json(400, { statusCode: '400', error: 'InvalidKey', message: `bad key ${KEY}` });
    case 'index/rate.pdf':
      return json(429, { message: 'Too Many Requests' }, { 'retry-after': '7' });
    case 'index/rate-date.pdf':
      return json(429, { message: 'Too Many Requests' }, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() });
    case 'index/rate-none.pdf':
      return json(429, { message: 'Too Many Requests' });
    case 'index/boom.pdf':
      return json(500, { statusCode: '500', error: 'internal', message: `db down; auth was Bearer ${KEY}` });
    case 'index/unavailable.pdf':
      res.writeHead(503, { 'content-type': 'text/html' });
      return void res.end('<html>Service Unavailable</html>');
    case 'index/redirect.pdf':
      res.writeHead(302, { location: 'http://evil.example/steal' });
      return void res.end();
    case 'index/slow.pdf': {
      // Headers only after 5 s: longer than any timeout used here.
      const t = setTimeout(() => {
        pending.delete(t);
        res.writeHead(200, { 'content-length': PDF.length });
        res.end(PDF);
      }, 5000);
      pending.add(t);
      return;
    }
    case 'index/slow-body.pdf': {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': PDF.length });
      res.write(PDF.subarray(0, 5));
      const t = setTimeout(() => {
        pending.delete(t);
        res.end(PDF.subarray(5));
      }, 5000);
      pending.add(t);
      return;
    }
    case 'index/truncated.pdf':
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': PDF.length + 100 });
      res.write(PDF);
      return void setImmediate(() => res.socket?.destroy());
    default:
      return json(404, { statusCode: '404', error: 'not_found', message: 'Object not found' });
  }
}

const UPLOAD_PREFIX = '/storage/v1/object/';
/** Objects uploaded, by `bucket/key`, with the headers that came with them. */
const uploaded = new Map<string, { body: Buffer; contentType: string | undefined; upsert: string | undefined }>();
let busyOnce = true;

/** Supabase's upload route: POST /storage/v1/object/<bucket>/<key>, with a refusing folder and a flaky object. */
function upload(req: http.IncomingMessage, objectPath: string, json: (status: number, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.headers.authorization !== `Bearer ${KEY}`) return json(400, { statusCode: '403', error: 'Unauthorized', message: 'invalid signature' });
    const [bucket, ...rest] = objectPath.split('/').map(decodeURIComponent);
    const key = rest.join('/');
    if (bucket !== 'index' && bucket !== 'actes') return json(400, { statusCode: '404', error: 'Bucket not found', message: 'Bucket not found' });
    if (key.startsWith('readonly/')) return json(400, { statusCode: '403', error: 'Unauthorized', message: 'new row violates row-level security policy' });
    if (key === 'busy.ocr.pdf' && busyOnce) {
      busyOnce = false;
      return json(503, { message: 'upstream busy' });
    }
    const upsert = req.headers['x-upsert'];
    uploaded.set(`${bucket}/${key}`, { body: Buffer.concat(chunks), contentType: req.headers['content-type'], upsert: Array.isArray(upsert) ? upsert[0] : upsert });
    json(200, { Key: `${bucket}/${key}` });
  });
}

beforeAll(async () => {
  server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  seen.length = 0;
});

afterAll(async () => {
  for (const t of pending) clearTimeout(t);
  pending.clear();
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  expect(server.listening).toBe(false);
});

function storage(timeoutMs = 2000, key = KEY): SupabaseStorage {
  return new SupabaseStorage({ url: baseUrl, serviceKey: key, timeoutMs });
}

/** Everything an operator could ever see of an error, flattened. */
function everything(err: unknown, depth = 0): string {
  if (!(err instanceof Error) || depth > 5) return String(err);
  return `${err.name} ${err.message} ${err.stack ?? ''} ${everything(err.cause, depth + 1)}`;
}

describe('SupabaseStorage', () => {
  it('uploads an object with upsert (a second upload replaces it), its key segments percent-encoded', async () => {
    const s = storage();
    await s.put({ bucket: 'actes', key: 'dossier 1/acte été.ocr.pdf' }, PDF, { contentType: 'application/pdf' });
    await s.put({ bucket: 'actes', key: 'dossier 1/acte été.ocr.pdf' }, PDF, { contentType: 'application/pdf' });
    expect(uploaded.get('actes/dossier 1/acte été.ocr.pdf')).toEqual({ body: PDF, contentType: 'application/pdf', upsert: 'true' });
    expect(seen.map((x) => x.url)).toEqual(Array(2).fill('/storage/v1/object/actes/dossier%201/acte%20%C3%A9t%C3%A9.ocr.pdf'));
    expect(seen[0]!.apikey).toBe(KEY);
  });

  it('a refused upload is a StorageWriteRefusedError without the key; a 5xx is retryable; no bucket is BucketNotFoundError', async () => {
    const refused = await rejection(storage().put({ bucket: 'actes', key: 'readonly/x.ocr.pdf' }, PDF, { contentType: 'application/pdf' }));
    expect(refused).toBeInstanceOf(StorageWriteRefusedError);
    expect(refused.message).toMatch(/upload of actes\/readonly\/x\.ocr\.pdf/);
    expect(refused.message).not.toContain(KEY);
    expect(await rejection(storage().put({ bucket: 'actes', key: 'busy.ocr.pdf' }, PDF, { contentType: 'application/pdf' }))).toBeInstanceOf(RetryableError);
    await storage().put({ bucket: 'actes', key: 'busy.ocr.pdf' }, PDF, { contentType: 'application/pdf' });
    expect(uploaded.has('actes/busy.ocr.pdf')).toBe(true);
    expect(await rejection(storage().put({ bucket: 'nope', key: 'x.pdf' }, PDF, { contentType: 'application/pdf' }))).toBeInstanceOf(BucketNotFoundError);
  });

  it('describes itself without the key', () => {
    const s = new SupabaseStorage({ url: 'https://abcd.supabase.co/', serviceKey: KEY, timeoutMs: 1000 });
    expect(s.describe()).toBe('supabase:https://abcd.supabase.co');
    expect(new SupabaseStorage({ url: 'https://abcd.supabase.co/storage/v1/', serviceKey: KEY, timeoutMs: 1 }).describe()).toBe(
      'supabase:https://abcd.supabase.co',
    );
  });

  it('validates its options', () => {
    expect(() => new SupabaseStorage({ url: 'not a url', serviceKey: KEY, timeoutMs: 1 })).toThrow(/valid URL/);
    expect(() => new SupabaseStorage({ url: 'ftp://x', serviceKey: KEY, timeoutMs: 1 })).toThrow(/http/);
    expect(() => new SupabaseStorage({ url: baseUrl, serviceKey: ' ', timeoutMs: 1 })).toThrow(/serviceKey/);
    expect(() => new SupabaseStorage({ url: baseUrl, serviceKey: KEY, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it('downloads an object with the service key in Authorization and apikey', async () => {
    const bytes = await storage().fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX });
    expect(Buffer.from(bytes).equals(PDF)).toBe(true);
    expect(seen).toEqual([
      { method: 'GET', url: `${PREFIX}index/12345.pdf`, authorization: `Bearer ${KEY}`, apikey: KEY },
    ]);
  });

  it('percent-encodes each key segment, keeping the slashes', async () => {
    const obj = parseStoragePath('actes/dossier 1/acte été #1?.pdf', 'acte');
    const bytes = await storage().fetch(obj, { maxBytes: MAX });
    expect(bytes.length).toBe(PDF.length);
    expect(seen[0]?.url).toBe(`${PREFIX}actes/dossier%201/acte%20%C3%A9t%C3%A9%20%231%3F.pdf`);
  });

  it('reads a chunked body', async () => {
    const bytes = await storage().fetch({ bucket: 'index', key: 'chunked.pdf' }, { maxBytes: MAX });
    expect(Buffer.from(bytes).equals(PDF)).toBe(true);
  });

  it('returns whatever the object holds (the caller checks the PDF magic)', async () => {
    const bytes = await storage().fetch({ bucket: 'index', key: 'html.pdf' }, { maxBytes: MAX });
    expect(Buffer.from(bytes).toString()).toMatch(/^<!DOCTYPE html>/);
  });

  it('maps 404 to a permanent "object not found"', async () => {
    const err = await rejection(storage().fetch({ bucket: 'index', key: 'nope.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(ObjectNotFoundError);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe('object not found: index/nope.pdf');
  });

  it("maps Supabase's 400 {statusCode:'404'} to not found", async () => {
    const err = await rejection(storage().fetch({ bucket: 'index', key: 'missing-400.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(ObjectNotFoundError);
  });

  it('maps 400 "Bucket not found" (wrong project or bucket: every document alike) to BucketNotFoundError', async () => {
    const err = await rejection(storage().fetch({ bucket: 'nobucket', key: '12345.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(BucketNotFoundError);
    expect(err.message).toMatch(/no bucket nobucket \(HTTP 400\)/);
    // A missing object in an existing bucket stays the document's own failure.
    expect(await rejection(storage().fetch({ bucket: 'index', key: 'missing-400.pdf' }, { maxBytes: MAX }))).not.toBeInstanceOf(BucketNotFoundError);
  });

  it('probe: resolves when the key is accepted and the buckets exist; rejects with the reason otherwise', async () => {
    await expect(storage().probe(['index', 'actes'])).resolves.toBeUndefined();
    expect(seen.map((s) => s.url)).toEqual(['/storage/v1/bucket/index', '/storage/v1/bucket/actes']);
    expect(await rejection(storage().probe(['index', 'nobucket']))).toBeInstanceOf(BucketNotFoundError);
    // No bucket named: the bucket list, i.e. the key is accepted.
    await expect(storage().probe([])).resolves.toBeUndefined();
    const err = await rejection(storage(2000, 'sb_secret_WRONG').probe(['index']));
    expect(err).toBeInstanceOf(StorageAuthError);
    expect(everything(err)).not.toContain('sb_secret_WRONG');
  });

  it('maps 401 (bad key) to a permanent auth error that does not leak the key', async () => {
    const wrong = 'sb_secret_WRONG-key-value-123';
    const err = await rejection(storage(2000, wrong).fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(StorageAuthError);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/rejected the service key \(HTTP 401\)/);
    expect(everything(err)).not.toContain(wrong);
  });

  it('maps 403 and 400 {statusCode:"403"} to auth errors', async () => {
    for (const key of ['forbidden.pdf', 'rls-400.pdf']) {
      const err = await rejection(storage().fetch({ bucket: 'index', key }, { maxBytes: MAX }));
      expect(err).toBeInstanceOf(StorageAuthError);
      expect(everything(err)).not.toContain(KEY);
    }
  });

  it('maps another 400 to a permanent error without the key', async () => {
    const err = await rejection(storage().fetch({ bucket: 'index', key: 'weird-400.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/HTTP 400.*InvalidKey/);
    expect(everything(err)).not.toContain(KEY);
  });

  it('maps 429 to RateLimitedError with retryAfterMs from Retry-After seconds', async () => {
    const err = await rejection(storage().fetch({ bucket: 'index', key: 'rate.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RateLimitedError).retryAfterMs).toBe(7000);
  });

  it('parses a Retry-After HTTP date, and tolerates its absence', async () => {
    const dated = await rejection(storage().fetch({ bucket: 'index', key: 'rate-date.pdf' }, { maxBytes: MAX }));
    expect((dated as RateLimitedError).retryAfterMs).toBeGreaterThan(50_000);
    expect((dated as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(60_000);
    const none = await rejection(storage().fetch({ bucket: 'index', key: 'rate-none.pdf' }, { maxBytes: MAX }));
    expect(none).toBeInstanceOf(RateLimitedError);
    expect((none as RateLimitedError).retryAfterMs).toBeUndefined();
  });

  it('maps 5xx to retryable errors, redacting the key from the quoted body', async () => {
    const err = await rejection(storage().fetch({ bucket: 'index', key: 'boom.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err).not.toBeInstanceOf(RateLimitedError);
    expect(err.message).toMatch(/HTTP 500/);
    expect(everything(err)).not.toContain(KEY);
    const unavailable = await rejection(storage().fetch({ bucket: 'index', key: 'unavailable.pdf' }, { maxBytes: MAX }));
    expect(unavailable).toBeInstanceOf(RetryableError);
    expect(unavailable.message).toMatch(/HTTP 503/);
  });

  it('does not follow redirects (the key would go along)', async () => {
    const err = await rejection(storage().fetch({ bucket: 'index', key: 'redirect.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/redirect/);
    expect(seen).toHaveLength(1);
  });

  it('times out a server that does not answer (retryable)', async () => {
    const started = Date.now();
    const err = await rejection(storage(200).fetch({ bucket: 'index', key: 'slow.pdf' }, { maxBytes: MAX }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.message).toMatch(/timed out after 200 ms/);
  });

  it('times out a body that stalls (retryable)', async () => {
    const err = await rejection(storage(200).fetch({ bucket: 'index', key: 'slow-body.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.message).toMatch(/timed out/);
  });

  it("stops when the caller's signal aborts (retryable)", async () => {
    const ac = new AbortController();
    const p = storage(5000).fetch({ bucket: 'index', key: 'slow.pdf' }, { maxBytes: MAX, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('shutting down')), 50);
    const err = await rejection(p);
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.message).toMatch(/aborted/);
    const pre = await rejection(
      storage().fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX, signal: AbortSignal.abort() }),
    );
    expect(pre).toBeInstanceOf(RetryableError);
  });

  it('does not keep listeners on a long-lived caller signal', async () => {
    const ac = new AbortController();
    for (let i = 0; i < 3; i++) {
      await storage().fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX, signal: ac.signal });
    }
    await rejection(storage().fetch({ bucket: 'index', key: 'boom.pdf' }, { maxBytes: MAX, signal: ac.signal }));
    // Aborting afterwards must not affect anything (no leftover listeners throwing, no dangling timers).
    ac.abort();
  });

  it('refuses a huge Content-Length before reading the body', async () => {
    const started = Date.now();
    const err = await rejection(storage(5000).fetch({ bucket: 'index', key: 'huge.pdf' }, { maxBytes: MAX }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(ObjectTooLargeError);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/10737418240 bytes > limit 1048576/);
  });

  it('refuses a body larger than maxBytes (Content-Length and streamed)', async () => {
    const max = 100 * 1024;
    for (const key of ['big.pdf', 'big-chunked.pdf']) {
      const err = await rejection(storage().fetch({ bucket: 'index', key }, { maxBytes: max }));
      expect(err).toBeInstanceOf(ObjectTooLargeError);
    }
    const streamed = await rejection(storage().fetch({ bucket: 'index', key: 'big-chunked.pdf' }, { maxBytes: max }));
    expect(streamed.message).toMatch(/more than 102400 bytes/);
    // Exactly at the limit is fine.
    const ok = await storage().fetch({ bucket: 'index', key: 'big-chunked.pdf' }, { maxBytes: BIG.length });
    expect(ok.length).toBe(BIG.length);
  });

  it('treats a connection cut mid-body as retryable', async () => {
    const err = await rejection(storage().fetch({ bucket: 'index', key: 'truncated.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(RetryableError);
  });

  it('treats connection refused as retryable, without the key in the error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const s = new SupabaseStorage({ url: `http://127.0.0.1:${port}`, serviceKey: KEY, timeoutMs: 2000 });
    const err = await rejection(s.fetch({ bucket: 'index', key: '12345.pdf' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.message).toMatch(/network error.*ECONNREFUSED/);
    expect(everything(err)).not.toContain(KEY);
  });

  it('rejects an invalid object reference without any request', async () => {
    const err = await rejection(storage().fetch({ bucket: 'index', key: '../secret' }, { maxBytes: MAX }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(seen).toHaveLength(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    [null, undefined],
    ['', undefined],
    ['0', 0],
    ['120', 120_000],
    [' 3 ', 3000],
    ['-1', undefined],
    ['soon', undefined],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('redactSecrets', () => {
  it('removes the key, bearer tokens and JWTs', () => {
    const text = `key=${KEY} auth=Bearer abc.def other=eyJa.eyJb.sig`;
    const out = redactSecrets(text, KEY);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain('abc.def');
    expect(out).not.toContain('eyJa.eyJb.sig');
  });
});
