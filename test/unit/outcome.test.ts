import { describe, expect, it } from 'vitest';
import { decideOutcome, isExhausted, type Ending, type Outcome } from '../../src/queue/outcome';

const failed = (permanent: boolean, backoffMs = 30_000): Ending => ({ kind: 'failed', permanent, message: 'boom', backoffMs });
const released = (refund: boolean): Ending => ({ kind: 'released', reason: 'shutdown', refund });
const expired = (worker: string | null = 'host/1'): Ending => ({ kind: 'lease-expired', worker });

describe('decideOutcome', () => {
  it.each<[string, Ending, number, number, Outcome]>([
    // failures
    ['retryable, attempts left: back to 3 after its backoff', failed(false), 1, 3, { status: 3, attempts: 1, error: 'boom', retryInMs: 30_000 }],
    ['retryable, second of three', failed(false), 2, 3, { status: 3, attempts: 2, error: 'boom', retryInMs: 30_000 }],
    ['retryable, last attempt: 4, saying so', failed(false), 3, 3, { status: 4, attempts: 3, error: 'attempts exhausted (3/3): boom', retryInMs: null }],
    ['retryable, past the limit (limit lowered)', failed(false), 4, 2, { status: 4, attempts: 4, error: 'attempts exhausted (4/2): boom', retryInMs: null }],
    ['permanent, attempts left: 4 with its own reason', failed(true), 1, 5, { status: 4, attempts: 1, error: 'boom', retryInMs: null }],
    ['permanent on the last attempt: its own reason', failed(true), 3, 3, { status: 4, attempts: 3, error: 'boom', retryInMs: null }],
    ['backoff rounded, never negative', failed(false, -5.4), 1, 3, { status: 3, attempts: 1, error: 'boom', retryInMs: 0 }],
    ['backoff 0: at 3, claimable at once', failed(false, 0), 1, 3, { status: 3, attempts: 1, error: 'boom', retryInMs: 0 }],
    // hand-backs
    ['refunded: 3, attempt given back, ocr_error untouched', released(true), 1, 3, { status: 3, attempts: 0, error: null, retryInMs: null }],
    ['refunded on the last attempt: still 3', released(true), 3, 3, { status: 3, attempts: 2, error: null, retryInMs: null }],
    ['refunded, attempt 0 (never below 0)', released(true), 0, 3, { status: 3, attempts: 0, error: null, retryInMs: null }],
    ['counted, attempts left: 3 with the reason', released(false), 1, 3, { status: 3, attempts: 1, error: 'shutdown', retryInMs: null }],
    ['counted, last attempt: 4', released(false), 3, 3, { status: 4, attempts: 3, error: 'attempts exhausted (3/3): shutdown', retryInMs: null }],
    // lease expiry
    ['lease expired, attempts left: 3', expired(), 1, 3, { status: 3, attempts: 1, error: 'lease expired: worker host/1 stopped before finishing (attempt 1/3)', retryInMs: null }],
    ['lease expired on the last attempt: 4', expired(), 3, 3, { status: 4, attempts: 3, error: 'lease expired: worker host/1 stopped before finishing (attempt 3/3); attempts exhausted', retryInMs: null }],
    ['lease expired, unknown worker', expired(null), 0, 3, { status: 3, attempts: 0, error: 'lease expired: worker ? stopped before finishing (attempt 0/3)', retryInMs: null }],
  ])('%s', (_, ending, attempt, maxAttempts, expected) => {
    expect(decideOutcome(ending, { attempt, maxAttempts })).toEqual(expected);
  });
});

describe('isExhausted', () => {
  it.each([
    [0, 3, false],
    [2, 3, false],
    [3, 3, true],
    [4, 3, true],
    [0, 0, true],
  ])('attempt %i of %i: %s', (attempt, maxAttempts, expected) => {
    expect(isExhausted({ attempt, maxAttempts })).toBe(expected);
  });
});
