import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../src/errors';
import {
  afterFailure,
  afterProbe,
  afterSuccess,
  classifyStorageError,
  CLOSED,
  probeDelayMs,
  probeDue,
  type BreakerPolicy,
  type BreakerState,
  type StorageFault,
} from '../../src/pool/storage-breaker';
import {
  BucketNotFoundError,
  InvalidStoragePathError,
  ObjectNotFoundError,
  ObjectTooLargeError,
  RateLimitedError,
  StorageAuthError,
  StorageUnavailableError,
} from '../../src/storage/errors';

const policy: BreakerPolicy = { notFoundTrip: 3, probeBaseMs: 5_000, probeMaxMs: 60_000 };
const NOT_FOUND: StorageFault = { kind: 'not-found' };
const AUTH: StorageFault = { kind: 'environment', reason: 'auth' };
const DOC: StorageFault = { kind: 'document' };
const fail = (state: BreakerState, fault: StorageFault, documentId: string, now = 0) =>
  afterFailure(state, { fault, documentId, bucket: 'actes', message: `failed ${documentId}`, now }, policy);

describe('classifyStorageError', () => {
  it.each([
    [new StorageAuthError('HTTP 401'), { kind: 'environment', reason: 'auth' }],
    [new BucketNotFoundError('Bucket not found'), { kind: 'environment', reason: 'bucket' }],
    [new StorageUnavailableError('root is empty'), { kind: 'environment', reason: 'storage-root' }],
    [new ObjectNotFoundError('object not found'), { kind: 'not-found' }],
    [new ObjectTooLargeError('too large'), { kind: 'document' }],
    [new InvalidStoragePathError('traversal'), { kind: 'document' }],
    [new RateLimitedError('429', 1000), { kind: 'document' }],
    [new RetryableError('timed out'), { kind: 'document' }],
    [new PermanentError('not a PDF'), { kind: 'document' }],
    ['a string', { kind: 'document' }],
  ])('%s → %j', (err, fault) => {
    expect(classifyStorageError(err, 'actes')).toEqual(fault);
  });

  it('a missing bucket that no source maps to is one document’s bad path, not the environment’s', () => {
    expect(classifyStorageError(new BucketNotFoundError('Bucket not found'), 'index')).toEqual({ kind: 'environment', reason: 'bucket' });
    expect(classifyStorageError(new BucketNotFoundError('Bucket not found'), 'typo-bucket')).toEqual({ kind: 'not-found' });
  });
});

describe('afterFailure', () => {
  it('a document’s own failure changes nothing and is handled as usual', () => {
    expect(fail(CLOSED, DOC, 'a')).toEqual({ state: CLOSED, verdict: 'as-usual', tripped: false });
  });

  it('an environment-wide failure pauses at once and holds the document', () => {
    const r = fail(CLOSED, AUTH, 'a', 1_000);
    expect(r).toMatchObject({ verdict: 'hold', tripped: true });
    expect(r.state.pause).toEqual({ reason: 'auth', message: 'failed a', since: 1_000, probes: 0, nextProbeAt: 6_000, buckets: ['actes'] });
  });

  it('a single missing object fails its own document; only a run across distinct documents pauses', () => {
    let s = CLOSED;
    const verdicts: string[] = [];
    for (const id of ['a', 'a', 'b', 'c']) {
      const r = fail(s, NOT_FOUND, id);
      s = r.state;
      verdicts.push(r.verdict + (r.tripped ? '+trip' : ''));
    }
    // 'a' twice counts once: a retried document is not a run.
    expect(verdicts).toEqual(['as-usual', 'as-usual', 'as-usual', 'hold+trip']);
    // Probed as a whole: the documents' own buckets may be the wrong ones.
    expect(s.pause).toMatchObject({ reason: 'not-found', message: expect.stringMatching(/^3 documents in a row not found/), buckets: [] });
  });

  it('a successful download between missing objects breaks the run', () => {
    let s = fail(CLOSED, NOT_FOUND, 'a').state;
    s = fail(s, NOT_FOUND, 'b').state;
    s = afterSuccess(s);
    expect(s).toEqual(CLOSED);
    expect(fail(s, NOT_FOUND, 'c').verdict).toBe('as-usual');
  });

  it('while paused, documents still in flight that meet the outage (or a missing object) are held too', () => {
    const paused = fail(CLOSED, AUTH, 'a').state;
    expect(fail(paused, AUTH, 'b')).toMatchObject({ verdict: 'hold', tripped: false });
    expect(fail(paused, NOT_FOUND, 'c')).toMatchObject({ verdict: 'hold', tripped: false });
    expect(fail(paused, DOC, 'd')).toMatchObject({ verdict: 'as-usual', tripped: false });
  });

  it('remembers every bucket an environment-wide failure was about, for the probe', () => {
    const paused = fail(CLOSED, AUTH, 'a').state;
    const r = afterFailure(paused, { fault: AUTH, documentId: 'b', bucket: 'index', message: 'x', now: 0 }, policy);
    expect(r.state.pause!.buckets).toEqual(['actes', 'index']);
    const notFound = afterFailure(r.state, { fault: NOT_FOUND, documentId: 'c', bucket: 'typo-bucket', message: 'x', now: 0 }, policy);
    expect(notFound.state.pause!.buckets).toEqual(['actes', 'index']);
  });
});

describe('probeDelayMs', () => {
  it.each([
    [0, 5_000],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [4, 60_000],
    [50, 60_000],
  ])('probe %i waits %i ms', (n, ms) => {
    expect(probeDelayMs(n, policy)).toBe(ms);
  });

  it('a ceiling below the base is the wait from the first probe', () => {
    expect(probeDelayMs(0, { ...policy, probeMaxMs: 1_000 })).toBe(1_000);
  });
});

describe('afterProbe', () => {
  const paused = fail(CLOSED, AUTH, 'a', 0).state;

  it('is due at its time, not before', () => {
    expect(probeDue(paused, 4_999)).toBe(false);
    expect(probeDue(paused, 5_000)).toBe(true);
    expect(probeDue(CLOSED, 1e12)).toBe(false);
  });

  it('a failed probe waits twice as long for the next', () => {
    const r = afterProbe(paused, false, 5_000, policy);
    expect(r.resumed).toBe(false);
    expect(r.state.pause).toMatchObject({ probes: 1, nextProbeAt: 15_000 });
  });

  it('a successful probe resumes', () => {
    const r = afterProbe(paused, true, 5_000, policy);
    expect(r).toMatchObject({ resumed: true, state: { pause: null, notFoundRun: [] } });
  });

  it('a storage that fails again right after resuming is probed later; a download that succeeds forgets it', () => {
    const resumed = afterProbe(paused, true, 5_000, policy).state;
    const again = fail(resumed, AUTH, 'b', 6_000).state;
    expect(again.pause).toMatchObject({ probes: 1, nextProbeAt: 16_000 });
    const healed = afterSuccess(afterProbe(again, true, 16_000, policy).state);
    expect(fail(healed, AUTH, 'c', 20_000).state.pause).toMatchObject({ probes: 0, nextProbeAt: 25_000 });
  });
});
