import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors.js';
import { InvalidStoragePathError } from '../../src/storage/errors.js';
import { parseStoragePath, validateObjectRef } from '../../src/storage/path.js';

const HOST = 'https://abcd.supabase.co';

describe('parseStoragePath: accepted forms', () => {
  const ok: Array<[string, string, string, string, string]> = [
    // [what, supabase_path, document_source, bucket, key]
    ['bare name, index', '12345.pdf', 'index', 'index', '12345.pdf'],
    ['bare name, acte', 'AC-2021-001.pdf', 'acte', 'actes', 'AC-2021-001.pdf'],
    ['bare name, plan_cadastraux', 'plan 7.pdf', 'plan_cadastraux', 'plans-cadastraux', 'plan 7.pdf'],
    ['bare name, surrounding whitespace trimmed', '  12345.pdf\n', 'index', 'index', '12345.pdf'],
    ['bare name, source case-insensitive', '1.pdf', ' ACTE ', 'actes', '1.pdf'],
    ['bare name with literal % kept as is', '100%.pdf', 'index', 'index', '100%.pdf'],
    ['bucket/file', 'actes/1.pdf', 'index', 'actes', '1.pdf'],
    ['bucket/nested/path', 'index/2023/05/doc.pdf', 'index', 'index', '2023/05/doc.pdf'],
    ['bucket/path keeps dots inside names', 'index/a..b/v1.2.pdf', 'index', 'index', 'a..b/v1.2.pdf'],
    ['bucket/path, source ignored', 'plans-cadastraux/p.pdf', 'unknown', 'plans-cadastraux', 'p.pdf'],
    ['public URL', `${HOST}/storage/v1/object/public/index/12345.pdf`, 'acte', 'index', '12345.pdf'],
    ['signed URL, token dropped', `${HOST}/storage/v1/object/sign/actes/a/b.pdf?token=eyJabc.def.ghi`, 'acte', 'actes', 'a/b.pdf'],
    ['authenticated URL', `${HOST}/storage/v1/object/authenticated/actes/x.pdf`, 'acte', 'actes', 'x.pdf'],
    ['URL without access prefix', `${HOST}/storage/v1/object/actes/x.pdf`, 'acte', 'actes', 'x.pdf'],
    ['URL with port and fragment', 'http://127.0.0.1:54321/storage/v1/object/public/index/x.pdf#page=2', 'index', 'index', 'x.pdf'],
    ['URL segments percent-decoded', `${HOST}/storage/v1/object/public/actes/dossier%201/acte%20%C3%A9t%C3%A9.pdf`, 'acte', 'actes', 'dossier 1/acte été.pdf'],
    ['URL behind a path prefix', 'https://example.org/supa/storage/v1/object/public/index/x.pdf', 'index', 'index', 'x.pdf'],
    ['path-only form', '/storage/v1/object/public/index/12345.pdf', 'acte', 'index', '12345.pdf'],
    ['path-only form without leading slash', 'storage/v1/object/sign/actes/x.pdf?token=t', 'index', 'actes', 'x.pdf'],
    ['path-only form decoded', '/storage/v1/object/public/index/a%2Bb.pdf', 'index', 'index', 'a+b.pdf'],
  ];
  it.each(ok)('%s', (_what, input, source, bucket, key) => {
    expect(parseStoragePath(input, source)).toEqual({ bucket, key });
  });
});

describe('parseStoragePath: rejected inputs', () => {
  const bad: Array<[string, string, string, RegExp]> = [
    // [what, supabase_path, document_source, message]
    ['empty', '', 'index', /empty/],
    ['blank', '   ', 'index', /empty/],
    ['bare ..', '..', 'index', /traversal/],
    ['bare .', '.', 'index', /dot segment/],
    ['bare %2e%2e', '%2e%2e', 'index', /traversal/],
    ['leading ..', '../etc/passwd', 'index', /traversal/],
    ['.. inside key', 'index/a/../../etc/passwd', 'index', /traversal/],
    ['encoded .. inside key', 'index/%2e%2e/secret.pdf', 'index', /traversal/],
    ['mixed-case encoded ..', 'index/%2E./secret.pdf', 'index', /traversal/],
    ['double-encoded ..', 'index/%252e%252e/secret.pdf', 'index', /traversal/],
    ['encoded slash', 'index/a%2f..%2fb.pdf', 'index', /percent-encoded '\/'/],
    ['backslash', 'index\\..\\x.pdf', 'index', /backslash/],
    ['encoded backslash', 'index/..%5cx.pdf', 'index', /backslash/],
    ['NUL byte', 'index/x.pdf\u0000.txt', 'index', /NUL/],
    ['encoded NUL in URL', '/storage/v1/object/public/index/x%00.pdf', 'index', /NUL/],
    ['control character', 'index/x\u0007.pdf', 'index', /control character/],
    ['absolute path', '/etc/passwd', 'index', /absolute path/],
    ['absolute path after bucket', 'index//etc/passwd', 'index', /absolute path after the bucket/],
    ['absolute after bucket in URL', '/storage/v1/object/public/index//etc/passwd', 'index', /absolute path after the bucket/],
    ['empty middle segment', 'index/a//b.pdf', 'index', /empty path segment/],
    ['trailing slash', 'index/dir/', 'index', /ends with '\/'/],
    ['bucket only', 'index/', 'index', /missing object path/],
    ['URL .. segment', `${HOST}/storage/v1/object/public/index/../../secret`, 'index', /traversal/],
    ['URL encoded .. segment', `${HOST}/storage/v1/object/public/index/%2e%2e/secret`, 'index', /traversal/],
    ['URL .. as bucket', `${HOST}/storage/v1/object/public/../x.pdf`, 'index', /traversal/],
    ['URL missing bucket', `${HOST}/storage/v1/object/public/`, 'index', /missing bucket/],
    ['URL bucket without key', `${HOST}/storage/v1/object/public/index`, 'index', /missing object path/],
    ['URL malformed percent', `${HOST}/storage/v1/object/public/index/%E0%A4%A.pdf`, 'index', /malformed percent-encoding/],
    ['URL not a storage URL', 'https://evil.example/files/x.pdf', 'index', /not a Supabase storage object URL/],
    ['file:// scheme', 'file:///etc/passwd', 'index', /unsupported URL scheme/],
    ['invalid bucket name', 'in dex/x.pdf', 'index', /invalid bucket name/],
    ['windows drive', 'C:/Windows/x.pdf', 'index', /invalid bucket name/],
    ['unknown source for bare name', '12345.pdf', 'registre', /unknown document_source "registre"/],
    ['empty source for bare name', '12345.pdf', '', /unknown document_source/],
    ['prototype key as source', '12345.pdf', '__proto__', /unknown document_source/],
  ];
  it.each(bad)('%s', (_what, input, source, message) => {
    let caught: unknown;
    try {
      parseStoragePath(input, source);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PermanentError);
    expect(caught).toBeInstanceOf(InvalidStoragePathError);
    expect((caught as Error).message).toMatch(message);
  });

  it('does not echo a signed URL token in the error', () => {
    expect(() =>
      parseStoragePath(`${HOST}/storage/v1/object/sign/index/%2e%2e/x?token=SECRET-TOKEN`, 'index'),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('SECRET-TOKEN') }));
  });
});

describe('validateObjectRef', () => {
  it('accepts what parseStoragePath returns', () => {
    expect(() => validateObjectRef(parseStoragePath('index/2023/x y.pdf', 'index'))).not.toThrow();
  });
  it.each([
    [{ bucket: '..', key: 'x.pdf' }, /traversal/],
    [{ bucket: 'index', key: '../x.pdf' }, /traversal/],
    [{ bucket: 'index', key: '/etc/passwd' }, /absolute/],
    [{ bucket: 'index', key: '' }, /missing object path/],
    [{ bucket: 'a/b', key: 'x.pdf' }, /invalid bucket name/],
    [{ bucket: 'index', key: 'x\u0000.pdf' }, /NUL/],
  ])('rejects %j', (obj, message) => {
    expect(() => validateObjectRef(obj)).toThrow(message);
  });
});
