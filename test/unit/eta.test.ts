/**
 * The ETA decision (src/queue/eta.ts), pure: a table of paces and backlogs. Rows with set timestamps in a
 * real database are in test/queue/panel.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { estimatePace } from '../../src/queue/eta';
import type { PaceRow } from '../../src/queue/reads/pace';

const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

function row(p: {
  completed60?: number;
  pages60?: number;
  arrivals60?: number;
  firstStartedAgo?: number;
  lastAgo?: number | null;
  waiting?: Record<string, number>;
  running?: { source: string; n: number; pagesLeft: number; known: number }[];
  avgPages?: Record<string, number>;
  completed1440?: number;
}): PaceRow {
  const c60 = p.completed60 ?? 0;
  const sources = new Set([...Object.keys(p.waiting ?? {}), ...(p.running ?? []).map((r) => r.source)]);
  return {
    now: NOW,
    last_completion_at: p.lastAgo == null ? null : new Date(ago(p.lastAgo)),
    windows: [
      { minutes: 5, completed: 0, pages: 0, first_started_at: null, arrivals: 0 },
      { minutes: 60, completed: c60, pages: p.pages60 ?? c60, first_started_at: c60 ? ago(p.firstStartedAgo ?? 60) : null, arrivals: p.arrivals60 ?? 0 },
      { minutes: 1440, completed: p.completed1440 ?? c60, pages: p.pages60 ?? c60, first_started_at: c60 ? ago(p.firstStartedAgo ?? 60) : null, arrivals: p.arrivals60 ?? 0 },
    ],
    backlog: [...sources].map((source) => {
      const r = (p.running ?? []).find((x) => x.source === source);
      return { source, waiting: p.waiting?.[source] ?? 0, running: r?.n ?? 0, running_pages_left: r?.pagesLeft ?? 0, running_known: r?.known ?? 0 };
    }),
    per_doc: Object.entries(p.avgPages ?? {}).map(([source, avg_pages]) => ({ source, avg_pages })),
    chart: [],
  };
}

describe('estimatePace', () => {
  it('draining: pages left over pages per minute, by source', () => {
    // 60 deeds (4 pages) and 60 register pages (1 page) in the last hour: 300 pages/h = 5 pages/min.
    const { eta } = estimatePace(row({ completed60: 120, pages60: 300, lastAgo: 0.5, waiting: { acte: 10, index: 20 }, avgPages: { acte: 4, index: 1 } }), []);
    expect(eta).toMatchObject({ state: 'draining', documentsLeft: 30, pagesLeft: 60, pagesPerMinute: 5 });
    expect(eta.seconds).toBe(12 * 60);
    expect(eta.at).toBe(new Date(NOW.getTime() + 12 * 60_000).toISOString());
  });

  it('draining counts what running documents have left, and arrivals slow it down', () => {
    const { eta } = estimatePace(
      row({ completed60: 60, pages60: 60, arrivals60: 30, lastAgo: 1, waiting: { acte: 9 }, running: [{ source: 'acte', n: 1, pagesLeft: 1, known: 1 }], avgPages: { acte: 1 } }),
      [],
    );
    // 10 pages left at 1 page/min, half of which new arrivals take: 20 min.
    expect(eta).toMatchObject({ state: 'draining', pagesLeft: 10, seconds: 1200 });
  });

  it('growing as soon as arrivals reach completions; no time then', () => {
    const { eta } = estimatePace(row({ completed60: 60, arrivals60: 60, lastAgo: 1, waiting: { index: 5 } }), []);
    expect(eta).toMatchObject({ state: 'growing', seconds: null, at: null });
  });

  it('stalled after 15 min without a completion, or 3 usual intervals when the pace is slower', () => {
    expect(estimatePace(row({ completed60: 60, lastAgo: 16, waiting: { index: 5 } }), []).eta.state).toBe('stalled');
    expect(estimatePace(row({ completed60: 60, lastAgo: 14, waiting: { index: 5 } }), []).eta.state).toBe('draining');
    // One deed every 10 min (6 in the hour): 25 min without one is not yet a stall, 31 min is.
    expect(estimatePace(row({ completed60: 6, lastAgo: 25, waiting: { acte: 5 } }), []).eta.state).toBe('draining');
    expect(estimatePace(row({ completed60: 6, lastAgo: 31, waiting: { acte: 5 } }), []).eta).toMatchObject({ state: 'stalled', seconds: null, pagesLeft: null });
  });

  it('only running documents and nothing to time them by: draining, without a number', () => {
    const { eta } = estimatePace(row({ running: [{ source: 'acte', n: 1, pagesLeft: 3, known: 1 }] }), []);
    expect(eta).toMatchObject({ state: 'draining', seconds: null, documentsLeft: 1 });
  });

  it('idle, and paused when all that waits is paused (running documents still finish)', () => {
    expect(estimatePace(row({}), []).eta.state).toBe('idle');
    expect(estimatePace(row({ completed60: 10, lastAgo: 1, waiting: { acte: 4 } }), ['acte']).eta).toMatchObject({ state: 'paused', pausedDocuments: 4, documentsLeft: 0 });
    expect(estimatePace(row({ completed60: 10, lastAgo: 1, waiting: { acte: 4, index: 2 } }), ['*']).eta).toMatchObject({ state: 'paused', pausedDocuments: 6 });
    const partly = estimatePace(row({ completed60: 10, lastAgo: 1, waiting: { acte: 4, index: 2 }, running: [{ source: 'acte', n: 1, pagesLeft: 2, known: 1 }] }), ['acte']).eta;
    expect(partly).toMatchObject({ state: 'draining', documentsLeft: 3, pausedDocuments: 4 });
  });

  it('throughput per window is per minute over the whole window', () => {
    const { throughput } = estimatePace(row({ completed60: 30, pages60: 90, lastAgo: 1 }), []);
    expect(throughput.find((w) => w.minutes === 60)).toMatchObject({ documents: 30, pages: 90, documentsPerMinute: 0.5, pagesPerMinute: 1.5 });
  });
});
