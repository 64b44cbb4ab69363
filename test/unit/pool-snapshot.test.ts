import { describe, expect, it } from 'vitest';
import type { JobOutcome } from '../../src/pool/job';
import { workerRecords } from '../../src/pool/registry';
import { statusLine, type PoolSnapshot } from '../../src/pool/snapshot';
import { countOutcome, emptyStats } from '../../src/pool/stats';

const progress = { stage: 'ocr' as const, page: 2, pages: 5, percent: 40, worker: 'h:1:w0' };
const snapshot: PoolSnapshot = {
  host: 'h',
  pid: 1,
  slots: [
    { id: 'h:1:w0', mode: 'index', state: 'busy', mayClaim: true, jobsDone: 3, job: { env: 'prod', documentId: 'd1', progress } },
    { id: 'h:1:w1', mode: 'acte', state: 'idle', mayClaim: true, jobsDone: 0, job: null },
    { id: 'h:1:w2', mode: 'acte', state: 'idle', mayClaim: false, jobsDone: 1, job: null },
  ],
  stats: emptyStats(),
  limiter: { kind: 'local', counters: { shared: 0, local: 4, fallbacks: 0, rejoins: 0 } },
  allocation: { index: 1, acte: 1, active: 2, reason: 'r' },
  capacity: { workers: 2, reason: 'CPU' },
  hostSample: { cores: 2, cpuUsedPercent: 51.6, freeRamMb: 1000.4, totalRamMb: 4000 },
  costs: { index: { secondsPerPage: 1, secondsPerDocument: 2, samples: 1 }, acte: { secondsPerPage: 1, secondsPerDocument: 3, samples: 0 } },
  environments: [
    { name: 'prod', serving: true, problem: null, pause: null },
    { name: 'dev', serving: true, problem: null, pause: { reason: 'auth', message: 'm', since: new Date(0), nextProbeAt: new Date(5_000) } },
  ],
  overBudget: [],
};

describe('statusLine', () => {
  it('counts workers by mode and state, a slot beyond capacity as parked, and lists documents in flight', () => {
    const line = statusLine(snapshot);
    expect(line.workers).toEqual({ 'index:busy': 1, 'acte:idle': 1, 'acte:parked': 1 });
    expect(line.inFlight).toEqual([{ env: 'prod', id: 'd1', progress: '2/5' }]);
    expect(line.limiter).toEqual({ kind: 'local', shared: 0, local: 4, fallbacks: 0, rejoins: 0 });
    expect(line.host).toEqual({ cpuUsedPercent: 52, freeRamMb: 1000 });
  });

  it('names paused environments only when there are some', () => {
    expect(statusLine(snapshot).storagePaused).toEqual([{ env: 'dev', reason: 'auth', since: new Date(0) }]);
    expect(statusLine({ ...snapshot, environments: [snapshot.environments[0]!] })).not.toHaveProperty('storagePaused');
  });
});

describe('workerRecords', () => {
  it('shows each slot with its host, pid, document and progress (with its environment)', () => {
    expect(workerRecords(snapshot)).toEqual([
      { workerId: 'h:1:w0', host: 'h', pid: 1, mode: 'index', state: 'busy', documentId: 'd1', progress: { env: 'prod', ...progress }, jobsDone: 3 },
      { workerId: 'h:1:w1', host: 'h', pid: 1, mode: 'acte', state: 'idle', documentId: null, progress: null, jobsDone: 0 },
      { workerId: 'h:1:w2', host: 'h', pid: 1, mode: 'acte', state: 'idle', documentId: null, progress: null, jobsDone: 1 },
    ]);
  });
});

describe('countOutcome', () => {
  const stages = { download: 1, render: 2, preprocess: 3, recognition: 40, boost: 5, database: 6 };
  const refinements = { orientation: 7, sauvola: 8, secondOpinion: 9, routed: 10 };
  const cases: { outcome: JobOutcome; counted: Partial<ReturnType<typeof emptyStats>> }[] = [
    {
      outcome: { kind: 'completed', pages: 3, ms: 100, cpuMs: 90, stages, refinements },
      counted: { completed: 1, pages: 3, stageMs: stages, refinementMs: refinements },
    },
    { outcome: { kind: 'failed', status: 4, error: 'e' }, counted: { failed: 1 } },
    { outcome: { kind: 'failed', status: 3, error: 'e' }, counted: { retried: 1 } },
    { outcome: { kind: 'released' }, counted: { released: 1 } },
    { outcome: { kind: 'held', reason: 'auth' }, counted: { held: 1 } },
    { outcome: { kind: 'lost' }, counted: { lost: 1 } },
  ];
  for (const c of cases) {
    it(`${c.outcome.kind}${c.outcome.kind === 'failed' ? ` → ${c.outcome.status}` : ''}`, () => {
      const stats = emptyStats();
      countOutcome(stats, c.outcome);
      expect(stats).toEqual({ ...emptyStats(), ...c.counted });
    });
  }
});
