import { describe, expect, it } from 'vitest';
import { CLAIM_BACKOFF_MAX_MS, claimBackoffMs } from '../../src/pool/worker-slot';

describe('claimBackoffMs: the wait between claims while the database does not answer', () => {
  it('is the poll interval when the last claim succeeded', () => {
    expect(claimBackoffMs(0, 500)).toBe(500);
  });

  it.each([
    // failures in a row, poll interval, expected wait
    [1, 500, 1_000],
    [2, 500, 2_000],
    [3, 500, 4_000],
    [4, 500, 5_000],
    [50, 500, 5_000],
  ])('after %i failures with a %i ms poll it waits %i ms', (failures, poll, expected) => {
    expect(claimBackoffMs(failures, poll)).toBe(expected);
  });

  it('never waits longer than 5 s, so a recovered database is used within seconds', () => {
    for (let f = 1; f < 100; f++) expect(claimBackoffMs(f, 250)).toBeLessThanOrEqual(CLAIM_BACKOFF_MAX_MS);
  });

  it('never waits less than the configured poll interval, even when that is longer than 5 s', () => {
    expect(claimBackoffMs(1, 10_000)).toBe(10_000);
    expect(claimBackoffMs(30, 10_000)).toBe(10_000);
  });
});
