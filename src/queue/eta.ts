/**
 * Throughput and the ETA of an environment's backlog, decided once (pure): GET /api/pool, the live page
 * (which shows what the API says) and check-ocr-queue all call `estimatePace` on what reads/pace.ts read.
 * Table-tested in test/unit/eta.test.ts, and on rows with set timestamps in test/queue/panel.test.ts.
 *
 * States:
 *  - idle      nothing waits and nothing runs;
 *  - paused    what waits is all in paused sources (claim-pauses.ts): no number, it will not move;
 *  - stalled   rows are ready and nothing completed for a while (STALL_MIN_MS, or 3 of the usual intervals
 *              between completions when the pace is slower): never a number;
 *  - growing   documents arrive faster than they complete: no end in sight, the net growth is given;
 *  - draining  a time: the pages left (an estimate: each waiting document counts the mean pages of its
 *              source's documents completed in the last day; a running one, the pages it has left) over
 *              the pages completed per minute, slowed by the share of that pace that new arrivals eat.
 *
 * The pace is read over the last hour when it holds MIN_COMPLETIONS, else the last day, and over the time
 * since the first of those completions started when that is shorter (a pool that started 10 minutes ago is
 * not six times slower than it is).
 */
import { ALL_SOURCES } from './claim-pauses';
import { CHART_BUCKET_MINUTES, type PaceRow } from './reads/pace';

export const STALL_MIN_MS = 15 * 60_000;
export const MIN_COMPLETIONS = 5;

export type EtaState = 'draining' | 'growing' | 'stalled' | 'idle' | 'paused';

export interface RateWindow {
  minutes: number;
  documents: number;
  pages: number;
  documentsPerMinute: number;
  pagesPerMinute: number;
  arrivals: number;
  arrivalsPerMinute: number;
}

export interface Eta {
  state: EtaState;
  /** When the backlog should be empty (draining only). */
  at: string | null;
  seconds: number | null;
  /** Documents waiting (ready or in backoff, attempts left) or running, in sources that are not paused. */
  documentsLeft: number;
  /** The estimate `seconds` rests on (draining, growing). */
  pagesLeft: number | null;
  pagesPerMinute: number | null;
  documentsPerMinute: number | null;
  arrivalsPerMinute: number | null;
  /** Which window the pace was read over (minutes), and how long it effectively spans. */
  basedOnMinutes: number | null;
  /** Documents waiting in paused sources (not in documentsLeft). */
  pausedDocuments: number;
  /** One sentence for people. */
  summary: string;
}

export interface Pace {
  /** Completions and arrivals per window (5, 60, 1,440 minutes), rates per minute over the whole window. */
  throughput: RateWindow[];
  eta: Eta;
  /** Completions per CHART_BUCKET_MINUTES, oldest first, the last bucket ending now. */
  chart: { bucketMinutes: number; end: string; documents: number[]; pages: number[] };
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** `row` as read, `paused` the environment's paused sources ('*': all). Pure. */
export function estimatePace(row: PaceRow, paused: readonly string[]): Pace {
  const now = new Date(row.now).getTime();
  const throughput: RateWindow[] = row.windows.map((w) => ({
    minutes: w.minutes,
    documents: w.completed,
    pages: w.pages,
    documentsPerMinute: round(w.completed / w.minutes, 3),
    pagesPerMinute: round(w.pages / w.minutes, 3),
    arrivals: w.arrivals,
    arrivalsPerMinute: round(w.arrivals / w.minutes, 3),
  }));
  const chart = {
    bucketMinutes: CHART_BUCKET_MINUTES,
    end: new Date(now).toISOString(),
    documents: row.chart.map((b) => b.completed),
    pages: row.chart.map((b) => b.pages),
  };
  return { throughput, eta: estimateEta(row, paused), chart };
}

function estimateEta(row: PaceRow, paused: readonly string[]): Eta {
  const now = new Date(row.now).getTime();
  const isPaused = (source: string | null) => paused.includes(ALL_SOURCES) || (source !== null && paused.includes(source));
  const avgAll = (() => {
    const xs = row.per_doc.filter((p) => p.avg_pages > 0);
    return xs.length ? xs.reduce((s, p) => s + p.avg_pages, 0) / xs.length : 1;
  })();
  const avgOf = (source: string | null) => row.per_doc.find((p) => p.source === source)?.avg_pages ?? avgAll;

  let documentsLeft = 0;
  let readyLeft = 0;
  let pausedDocuments = 0;
  let pagesLeft = 0;
  for (const b of row.backlog) {
    // Running documents finish even in a paused source.
    documentsLeft += b.running;
    pagesLeft += b.running_pages_left + (b.running - b.running_known) * avgOf(b.source);
    if (isPaused(b.source)) {
      pausedDocuments += b.waiting;
      continue;
    }
    documentsLeft += b.waiting;
    readyLeft += b.waiting;
    pagesLeft += b.waiting * avgOf(b.source);
  }
  const base = { documentsLeft, pausedDocuments, pagesLeft: null, pagesPerMinute: null, documentsPerMinute: null, arrivalsPerMinute: null, basedOnMinutes: null, at: null, seconds: null };

  if (documentsLeft === 0) {
    return pausedDocuments > 0
      ? { ...base, state: 'paused', summary: `paused: ${pausedDocuments} document(s) wait in paused sources` }
      : { ...base, state: 'idle', summary: 'idle: nothing waits' };
  }

  const byMinutes = (m: number) => row.windows.find((w) => w.minutes === m);
  const chosen = [byMinutes(60), byMinutes(1440)].find((w) => w && w.completed >= MIN_COMPLETIONS) ?? [byMinutes(60), byMinutes(1440)].find((w) => w && w.completed > 0);
  const lastAgoMs = row.last_completion_at ? now - new Date(row.last_completion_at).getTime() : Infinity;

  if (!chosen) {
    if (readyLeft > 0) return { ...base, state: 'stalled', summary: `stalled: ${readyLeft} document(s) ready and no completion in the last day` };
    return { ...base, pagesLeft: round(pagesLeft, 1), state: 'draining', summary: `draining: ${documentsLeft} document(s) running, no completion in the last day to time them by` };
  }

  const firstStart = chosen.first_started_at ? new Date(chosen.first_started_at).getTime() : now - chosen.minutes * 60_000;
  const spanMinutes = Math.max(1, Math.min(chosen.minutes, (now - firstStart) / 60_000));
  const documentsPerMinute = chosen.completed / spanMinutes;
  const pagesPerMinute = chosen.pages / spanMinutes;
  const arrivalsPerMinute = chosen.arrivals / chosen.minutes;
  const rates = {
    pagesLeft: round(pagesLeft, 1),
    documentsPerMinute: round(documentsPerMinute, 3),
    pagesPerMinute: round(pagesPerMinute, 3),
    arrivalsPerMinute: round(arrivalsPerMinute, 3),
    basedOnMinutes: round(spanMinutes, 1),
  };

  const stallAfterMs = Math.max(STALL_MIN_MS, (3 * 60_000) / documentsPerMinute);
  if (readyLeft > 0 && lastAgoMs > stallAfterMs) {
    return {
      ...base,
      ...rates,
      pagesLeft: null,
      state: 'stalled',
      summary: `stalled: ${readyLeft} document(s) ready and no completion for ${row.last_completion_at ? duration(lastAgoMs / 1000) : 'a day'}`,
    };
  }
  if (arrivalsPerMinute >= documentsPerMinute) {
    return {
      ...base,
      ...rates,
      state: 'growing',
      summary: `growing: ${round(arrivalsPerMinute, 2)} document(s)/min arrive, ${round(documentsPerMinute, 2)}/min complete (${documentsLeft} waiting)`,
    };
  }
  const seconds = (pagesLeft / (pagesPerMinute * (1 - arrivalsPerMinute / documentsPerMinute))) * 60;
  return {
    ...base,
    ...rates,
    state: 'draining',
    seconds: Math.round(seconds),
    at: new Date(now + seconds * 1000).toISOString(),
    summary: `draining: about ${duration(seconds)} left (${Math.round(pagesLeft)} page(s) estimated in ${documentsLeft} document(s), ${round(pagesPerMinute, 1)} pages/min)`,
  };
}
