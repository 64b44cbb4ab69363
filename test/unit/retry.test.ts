import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError, TimeBudgetError } from '../../src/errors';
import { backoffMs, decideFailure } from '../../src/retry';

const policy = { baseMs: 30_000, maxMs: 3_600_000 };

describe('backoffMs', () => {
  it.each([
    // attempt, random, expected
    [1, 0, 15_000],
    [1, 0.999999, 30_000],
    [2, 0, 30_000],
    [3, 0.5, 90_000],
    [20, 0, 1_800_000], // capped at maxMs, then jittered
    [20, 0.999999, 3_599_998],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffMs(attempt, policy, random)).toBe(expected);
  });

  it('never waits less than half the nominal delay', () => {
    for (let a = 1; a < 10; a++) {
      const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** (a - 1));
      expect(backoffMs(a, policy, 0)).toBeGreaterThanOrEqual(nominal / 2);
    }
  });
});

describe('decideFailure', () => {
  it('a PermanentError is permanent and not delayed', () => {
    expect(decideFailure(new PermanentError('PDF is encrypted'), 1, policy, 0.5)).toEqual({
      permanent: true,
      backoffMs: 0,
      message: 'PermanentError: PDF is encrypted',
    });
  });

  it('anything else is retried with backoff', () => {
    const d = decideFailure(new Error('socket hang up'), 2, policy, 0);
    expect(d).toEqual({ permanent: false, backoffMs: 30_000, message: 'socket hang up' });
  });

  it('believes a Retry-After longer than its own backoff, within the ceiling', () => {
    const e = Object.assign(new RetryableError('429'), { retryAfterMs: 120_000 });
    expect(decideFailure(e, 1, policy, 0).backoffMs).toBe(120_000);
    const huge = Object.assign(new RetryableError('429'), { retryAfterMs: 99_000_000 });
    expect(decideFailure(huge, 1, policy, 0).backoffMs).toBe(policy.maxMs);
  });

  it('keeps ocr_error on one bounded line', () => {
    const d = decideFailure(new Error('a\n  b\tc'.repeat(500)), 1, policy, 0);
    expect(d.message).not.toMatch(/\n/);
    expect(d.message.length).toBeLessThanOrEqual(1000);
  });
});

describe('decideFailure after a time-budget overrun', () => {
  const overrun = new TimeBudgetError('page 1 exceeded the page time budget of 120 s (rendering)');

  it('retries a first overrun (a loaded host can be slow once)', () => {
    expect(decideFailure(overrun, 1, policy, 0, null)).toMatchObject({ permanent: false });
    expect(decideFailure(overrun, 2, policy, 0, 'RetryableError: storage 503')).toMatchObject({ permanent: false });
  });

  it('makes a second overrun in a row final, attempts left or not, and says why', () => {
    const d = decideFailure(overrun, 2, policy, 0, 'TimeBudgetError: page 1 exceeded the page time budget of 120 s (ocr)');
    expect(d.permanent).toBe(true);
    expect(d.backoffMs).toBe(0);
    expect(d.message).toBe('TimeBudgetError: page 1 exceeded the page time budget of 120 s (rendering) (it overran a time budget on the attempt before too: not retried)');
  });

  it('another failure after an overrun is decided as usual', () => {
    expect(decideFailure(new RetryableError('storage 503'), 2, policy, 0, 'TimeBudgetError: page 1 …')).toMatchObject({ permanent: false });
  });
});
