import { describe, expect, it } from 'vitest';
import { toJobStatus } from '../../src/progress/job-status';
import { decodeLive, encodeLive, NOTIFY_MAX_BYTES } from '../../src/progress/live-message';
import { parseEventId, versionOf } from '../../src/progress/version';

describe('versionOf (the event id of a progress write)', () => {
  it.each([
    ['2026-11-24T14:27:24.123456+00:00', Date.UTC(2026, 10, 24, 14, 27, 24) * 1000 + 123456],
    ['2026-11-24T14:27:24.1234+00:00', Date.UTC(2026, 10, 24, 14, 27, 24) * 1000 + 123400],
    ['2026-11-24T14:27:24+00:00', Date.UTC(2026, 10, 24, 14, 27, 24) * 1000],
    ['2026-11-24T15:27:24.5+01:00', Date.UTC(2026, 10, 24, 14, 27, 24) * 1000 + 500000],
    ['2026-11-24T10:57:24.000001-03:30', Date.UTC(2026, 10, 24, 14, 27, 24) * 1000 + 1],
    ['2026-11-24T14:27:24.000001Z', Date.UTC(2026, 10, 24, 14, 27, 24) * 1000 + 1],
  ])('reads %s to the microsecond, whatever the session time zone', (text, expected) => {
    expect(versionOf(text)).toBe(expected);
  });

  it('is 0 for anything that is not a timestamp', () => {
    for (const v of [undefined, null, 12, '', 'yesterday', '2026-11-24', '2026-11-24T14:27:24.1234567+00:00']) expect(versionOf(v)).toBe(0);
  });

  it('keeps microseconds exact for centuries (ids are plain JS numbers)', () => {
    const v = versionOf('2199-12-31T23:59:59.999999+00:00');
    expect(Number.isSafeInteger(v)).toBe(true);
    expect(v % 1_000_000).toBe(999_999);
  });
});

describe('parseEventId (Last-Event-ID)', () => {
  it('accepts the ids the server sends and nothing else', () => {
    expect(parseEventId('1795531384538474')).toBe(1795531384538474);
    expect(parseEventId(' 42 ')).toBe(42);
    for (const bad of ['abc', '-1', '1.5', '1e9', '12345678901234567', '']) expect(parseEventId(bad)).toBeUndefined();
  });
});

const row = (over: Record<string, unknown> = {}) => ({
  id: '0b0e5f2e-3c43-4a3e-9f0a-9a4c7d0b1e2f',
  document_source: 'acte',
  document_number: 'A-1',
  status_id: 6,
  ocr_progress: { stage: 'ocr', page: 2, pages: 3, percent: 35, message: 'page 2 of 3', worker: 'h:1:w0', updatedAt: '2026-11-24T14:27:24.123456+00:00' },
  ocr_attempts: 1,
  ocr_max_attempts: 3,
  ocr_worker_id: 'h:1:w0',
  ...over,
});

describe('toJobStatus', () => {
  it('carries the version of its progress and says when OCR is over', () => {
    const running = toJobStatus('dev', row());
    expect(running).toMatchObject({ status: { id: 6, name: 'ocr_running' }, final: null, progress: { stage: 'ocr', page: 2, pages: 3 } });
    expect(running.version).toBe(versionOf('2026-11-24T14:27:24.123456+00:00'));
    const done = toJobStatus('dev', row({ status_id: 5, ocr_progress: { stage: 'done', page: 3, pages: 3, percent: 100, updatedAt: '2026-11-24T14:27:30+00:00' } }));
    expect(done).toMatchObject({ final: 'done', status: { name: 'ocr_done' } });
    expect(done.version).toBe(versionOf('2026-11-24T14:27:30+00:00'));
  });

  it('gives a final status reached without a final progress write a version of its own', () => {
    // e.g. recover-stale exhausting the attempts, or a row at 3 with no attempt left moved to 4.
    const r = row({ status_id: 4, ocr_error: 'attempts exhausted' });
    const j = toJobStatus('dev', r);
    expect(j.final).toBe('failed');
    expect(j.version).toBe(toJobStatus('dev', row()).version + 1);
  });

  it('is version 0 before any progress', () => {
    expect(toJobStatus('dev', row({ status_id: 3, ocr_progress: null })).version).toBe(0);
  });
});

describe('live messages', () => {
  const job = toJobStatus('dev', row());

  it('round-trip', () => {
    expect(decodeLive(encodeLive('db1', job))).toEqual({ v: 1, db: 'db1', job });
  });

  it('stay under the NOTIFY limit: long texts are clipped, and past that only "changed" is sent', () => {
    const long = { ...job, error: 'e'.repeat(20_000), progress: { ...job.progress!, message: 'm'.repeat(20_000) } };
    const clipped = encodeLive('db1', long, NOTIFY_MAX_BYTES);
    expect(Buffer.byteLength(clipped)).toBeLessThanOrEqual(NOTIFY_MAX_BYTES);
    const m = decodeLive(clipped)!;
    expect('job' in m && m.job.progress!.message!.length).toBeLessThanOrEqual(500);

    const huge = { ...job, number: 'n'.repeat(9_000) };
    const bell = decodeLive(encodeLive('db1', huge, NOTIFY_MAX_BYTES))!;
    expect(bell).toEqual({ v: 1, db: 'db1', env: 'dev', id: job.id, version: job.version, partial: true });
  });

  it('reject anything malformed', () => {
    for (const bad of ['', 'null', '{"v":2}', '{"v":1,"db":"x","job":{"env":"qa","id":"x","version":1,"status":{"id":1}}}', '{"v":1,"db":"x","partial":true,"env":"dev","id":"nope","version":1}']) {
      expect(decodeLive(bad)).toBeNull();
    }
  });
});
