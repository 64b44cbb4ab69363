/** Time budgets of a running document: when its thread is stopped, what it says, what shutdown refunds. */
import { describe, expect, it } from 'vitest';
import { BUDGET_GRACE_MS, inFlightPastBudget, judgeEnvironment, unknownSources } from '../../src/check/health';
import type { EnvironmentSnapshot } from '../../src/check/queries';
import type { InFlightDocument } from '../../src/check/types';
import { advanceClock, checkBudgets, pastBudget, refundOnRelease, type DocumentClock } from '../../src/pool/budget';
import { TimeBudgetError } from '../../src/errors';
import { decideFailure, formatError } from '../../src/retry';
import { RetryableError } from '../../src/errors';

const budgets = { pageMs: 120_000, documentMs: 14_400_000 };
const clock = (over: Partial<DocumentClock> = {}): DocumentClock => ({ startedAt: 0, page: 1, pages: 300, stage: 'rendering', pageStartedAt: 0, ...over });

describe('checkBudgets', () => {
  it.each([
    ['within both budgets: look again at the page deadline', clock(), 1_000, { over: false, recheckInMs: 119_000 }],
    ['page budget spent', clock({ stage: 'ocr' }), 120_000, { over: true, scope: 'page', message: 'page 1 exceeded the page time budget of 120 s (ocr)' }],
    ['still opening the PDF counts as page 1', clock({ page: 0, pages: 0, stage: 'opening' }), 125_000, { over: true, scope: 'page', message: 'page 1 exceeded the page time budget of 120 s (opening)' }],
    [
      'document budget spent, even on a fresh page',
      clock({ page: 290, pageStartedAt: 14_399_000 }),
      14_400_000,
      { over: true, scope: 'document', message: 'document exceeded the document time budget of 14400 s (at page 290 of 300, rendering)' },
    ],
    ['near the document deadline: look again then', clock({ page: 290, pageStartedAt: 14_399_000 }), 14_399_500, { over: false, recheckInMs: 500 }],
  ])('%s', (_what, c, now, expected) => {
    expect(checkBudgets(c, budgets, now)).toEqual(expected);
  });

  it('sub-second budgets are shown with a decimal', () => {
    expect(checkBudgets(clock(), { pageMs: 2_500, documentMs: 60_000 }, 3_000)).toMatchObject({ message: 'page 1 exceeded the page time budget of 2.5 s (rendering)' });
  });
});

describe('advanceClock', () => {
  it('a new page restarts the page budget; a new stage of the same page does not', () => {
    const c1 = advanceClock(clock(), { page: 1, pages: 300, stage: 'ocr' }, 5_000);
    expect(c1).toMatchObject({ page: 1, stage: 'ocr', pageStartedAt: 0 });
    const c2 = advanceClock(c1, { page: 2, pages: 300, stage: 'rendering' }, 9_000);
    expect(c2).toMatchObject({ page: 2, stage: 'rendering', pageStartedAt: 9_000, startedAt: 0 });
  });
});

describe('refundOnRelease', () => {
  it.each([
    [1_000, true],
    [119_999, true],
    [120_000, false],
    [3_600_000, false],
  ])('a job that ran %i ms: refund %s', (ms, refund) => {
    expect(refundOnRelease(ms, budgets)).toBe(refund);
  });
});

describe('pastBudget (readiness and check-ocr-queue)', () => {
  it('is null within budget plus grace, a reason after it', () => {
    expect(pastBudget(clock(), budgets, 125_000, 10_000)).toBeNull();
    expect(pastBudget(clock({ stage: 'ocr' }), budgets, 131_000, 10_000)).toBe('on page 1 (ocr) for 131 s, past the page time budget of 120 s');
    expect(pastBudget(clock({ pageStartedAt: 14_500_000 }), budgets, 14_500_000, 10_000)).toBe('running for 14500 s, past the document time budget of 14400 s');
  });
});

describe('check-ocr-queue rules', () => {
  const doc = (over: Partial<InFlightDocument>): InFlightDocument => ({
    id: 'd1', documentSource: 'acte', documentNumber: null, worker: 'h:1:w0', attempt: 1, maxAttempts: 3, startedAt: null,
    ageSeconds: 10, leaseExpiresAt: null, stuck: false, stage: 'rendering', page: 1, pages: 1, percent: 5, message: null,
    progressUpdatedAt: null, progressAgeSeconds: 10, previousError: null, ...over,
  });
  const snap = (over: Partial<EnvironmentSnapshot>): EnvironmentSnapshot => ({
    schema: { ok: true, missingTables: [], missingColumns: [], missingStatuses: [] }, counts: [], ready: { total: 0, bySource: {} },
    blocked: null, inFlightCount: 0, inFlight: [], stuckLeases: 0, recentErrors: [], throughput: null, workers: { live: 2, list: [] }, ...over,
  });

  it('a document on one page for longer than the page budget plus grace is unhealthy', () => {
    const pageS = (budgets.pageMs + BUDGET_GRACE_MS) / 1000 + 1;
    expect(inFlightPastBudget(doc({ ageSeconds: pageS, progressAgeSeconds: pageS - 2 }), budgets)).toBeNull();
    const over = doc({ ageSeconds: 4_000, progressAgeSeconds: pageS });
    expect(inFlightPastBudget(over, budgets)).toMatch(/^on page 1 \(rendering\) for 181 s, past the page time budget of 120 s$/);
    const v = judgeEnvironment('prod', snap({ inFlight: [over], inFlightCount: 1 }), budgets);
    expect(v.healthy).toBe(false);
    expect(v.problems[0]).toMatch(/^prod: 1 document\(s\) running past their time budget \(worker not freed\): d1 \(h:1:w0\) on page 1/);
  });

  it('a document read again after overrunning a budget on the attempt before is unhealthy while it runs', () => {
    const again = doc({ attempt: 2, previousError: 'TimeBudgetError: page 1 exceeded the page time budget of 120 s (rendering)' });
    const v = judgeEnvironment('prod', snap({ inFlight: [again, doc({ id: 'd2', previousError: 'RetryableError: storage 503' })], inFlightCount: 2 }), budgets);
    expect(v.healthy).toBe(false);
    expect(v.problems).toEqual([
      'prod: 1 document(s) being read again after overrunning a time budget on the attempt before (a poison page? a second overrun ends them at 4): d1 (h:1:w0, attempt 2/3)',
    ]);
    // A first attempt, or a retry after another kind of failure, is not a problem.
    expect(judgeEnvironment('prod', snap({ inFlight: [doc({})] }), budgets).healthy).toBe(true);
  });

  it('downloading or saving is not judged by the OCR budgets; a stuck lease is reported on its own', () => {
    expect(inFlightPastBudget(doc({ stage: 'downloading', ageSeconds: 9_999, progressAgeSeconds: 9_999 }), budgets)).toBeNull();
    expect(inFlightPastBudget(doc({ stuck: true, ageSeconds: 9_999, progressAgeSeconds: 9_999 }), budgets)).toBeNull();
  });

  it('rows at 3 with a source no worker takes are unhealthy, with their count; case and spaces are forgiven', () => {
    const counts = [
      { status: 3, statusName: null, source: 'Acte', count: 2 },
      { status: 3, statusName: null, source: ' index ', count: 1 },
      { status: 3, statusName: null, source: 'plan', count: 4 },
      { status: 3, statusName: null, source: 'PLAN_CADASTRAUX', count: 1 },
      { status: 5, statusName: null, source: 'whatever', count: 9 },
    ];
    expect(unknownSources(counts)).toEqual({ plan: 4 });
    const v = judgeEnvironment('dev', snap({ counts }));
    expect(v.healthy).toBe(false);
    expect(v.problems).toEqual(['dev: 4 document(s) at 3 with a document_source no worker takes: "plan" × 4 (expected index, acte or plan_cadastraux)']);
  });
});

describe('ocr_error text', () => {
  it('names the error class once, even when a relayed message already starts with it', () => {
    expect(formatError(new RetryableError('RetryableError: Unexpected end of JSON input'))).toBe('RetryableError: Unexpected end of JSON input');
    expect(formatError(new RetryableError('Unexpected end of JSON input'))).toBe('RetryableError: Unexpected end of JSON input');
    expect(decideFailure(new TimeBudgetError('page 1 exceeded the page time budget of 3 s (rendering)'), 1, { baseMs: 1, maxMs: 1 }, 0)).toMatchObject({
      permanent: false,
      message: 'TimeBudgetError: page 1 exceeded the page time budget of 3 s (rendering)',
    });
  });
});
