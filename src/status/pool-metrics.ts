/**
 * Metrics only the pool process has: jobs by outcome and pages (the pool's own counters), job and page
 * durations (timed from the progress hook), the rate limiter's counters and the live publisher's.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { STAGES, type StageMs } from '../pool/job';
import type { PoolSnapshot } from '../pool/snapshot';
import type { ProgressPublisher } from '../progress/publisher';
import type { Progress } from '../queue/progress';
import type { Claim } from '../queue/types';

const OUTCOMES = ['completed', 'failed', 'retried', 'released', 'held', 'lost', 'abandoned'] as const;
const PAGE_OUTCOMES = ['read', 'failed', 'resumed'] as const;
/** A job that reports nothing for this long ended without a final event (released, lost): forget it. */
const FORGET_AFTER_MS = 15 * 60_000;

interface Timing {
  source: string;
  startedAt: number;
  page: number;
  pageStartedAt: number;
  lastSeen: number;
}

export class PoolMetrics {
  private readonly jobDuration: Histogram<'source' | 'outcome'>;
  private readonly pageDuration: Histogram<'source'>;
  private readonly stageDuration: Histogram<'stage'>;
  private readonly timings = new Map<string, Timing>();

  constructor(registry: Registry, snapshot: () => PoolSnapshot | undefined, publisher: ProgressPublisher) {
    const registers = [registry];
    new Counter({
      name: 'ocr_jobs_total',
      help: 'Documents this pool process finished, by outcome: completed (→5), failed (→4), retried (→3 with backoff), released (shutdown, →3), held (environment storage failing, →3 unspent), lost (claim taken over).',
      labelNames: ['outcome'],
      registers,
      collect() {
        const stats = snapshot()?.stats;
        this.reset();
        for (const o of OUTCOMES) this.inc({ outcome: o }, stats?.[o] ?? 0);
      },
    });
    new Counter({
      name: 'ocr_pages_total',
      help: 'Pages this pool process settled, by outcome: read (kept with its text), failed (kept without: past its budget, not renderable, crashed its thread), resumed (kept by an earlier attempt of the same PDF, not read again).',
      labelNames: ['outcome'],
      registers,
      collect() {
        const pages = snapshot()?.stats.pageOutcomes;
        this.reset();
        for (const o of PAGE_OUTCOMES) this.inc({ outcome: o }, pages?.[o] ?? 0);
      },
    });
    new Counter({
      name: 'ocr_searchable_pdf_total',
      help: 'Searchable PDFs of completed documents (OCR_SEARCHABLE_PDF), by outcome: written, or failed (not built or not stored; the text is done).',
      labelNames: ['outcome'],
      registers,
      collect() {
        const pdfs = snapshot()?.stats.searchablePdfs;
        this.reset();
        this.inc({ outcome: 'written' }, pdfs?.written ?? 0);
        this.inc({ outcome: 'failed' }, pdfs?.failed ?? 0);
      },
    });
    this.jobDuration = new Histogram({
      name: 'ocr_job_duration_seconds',
      help: 'Time from a job starting (download) to its final write, by document_source and outcome.',
      labelNames: ['source', 'outcome'],
      buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 3600],
      registers,
    });
    this.pageDuration = new Histogram({
      name: 'ocr_page_duration_seconds',
      help: 'Time to read one page (render + OCR, or text layer), by document_source.',
      labelNames: ['source'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60],
      registers,
    });
    this.stageDuration = new Histogram({
      name: 'ocr_stage_duration_seconds',
      help:
        'Time per page in each stage of a completed document (download, render, preprocess, recognition, boost, database): ' +
        "one observation per document and stage, the stage's time in it divided by its pages.",
      labelNames: ['stage'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    });
    for (const stage of STAGES) this.stageDuration.zero({ stage });
    new Counter({
      name: 'ocr_limiter_calls_total',
      help: 'Rate-limited calls (storage downloads) by the limiter they went through: shared (Redis) or local.',
      labelNames: ['limiter'],
      registers,
      collect() {
        const c = snapshot()?.limiter?.counters;
        this.reset();
        this.inc({ limiter: 'shared' }, c?.shared ?? 0);
        this.inc({ limiter: 'local' }, c?.local ?? 0);
      },
    });
    new Counter({
      name: 'ocr_limiter_fallbacks_total',
      help: 'Times the shared limiter was left for the local one because Redis failed.',
      registers,
      collect() {
        this.reset();
        this.inc(snapshot()?.limiter?.counters.fallbacks ?? 0);
      },
    });
    new Counter({
      name: 'ocr_limiter_rejoins_total',
      help: 'Times the shared limiter was joined again after a fallback.',
      registers,
      collect() {
        this.reset();
        this.inc(snapshot()?.limiter?.counters.rejoins ?? 0);
      },
    });
    new Gauge({
      name: 'ocr_limiter_shared',
      help: '1 while rate-limited calls go through the shared (Redis) limiter, 0 while local.',
      registers,
      collect() {
        this.set(snapshot()?.limiter?.kind === 'redis' ? 1 : 0);
      },
    });
    new Counter({
      name: 'ocr_progress_published_total',
      help: 'Progress states this pool process published live, by transport (redis, notify).',
      labelNames: ['transport'],
      registers,
      collect() {
        this.reset();
        this.inc({ transport: 'redis' }, publisher.counters.redis);
        this.inc({ transport: 'notify' }, publisher.counters.notify);
      },
    });
    new Counter({
      name: 'ocr_progress_publish_errors_total',
      help: 'Progress states that could not be read back or published (they reach clients on the next change or re-read).',
      registers,
      collect() {
        this.reset();
        this.inc(publisher.counters.errors);
      },
    });
  }

  /** Fed with every progress change of every job of this process. */
  observe(claim: Claim, p: Progress, now = Date.now()): void {
    const key = `${claim.env}:${claim.id}:${claim.attempt}`;
    let t = this.timings.get(key);
    if (!t) {
      t = { source: claim.documentSource, startedAt: now, page: 0, pageStartedAt: now, lastSeen: now };
      this.timings.set(key, t);
      this.prune(now);
    }
    t.lastSeen = now;
    const source = t.source;
    const pageDone = () => t.page > 0 && this.pageDuration.observe({ source }, (now - t.pageStartedAt) / 1000);
    if ((p.stage === 'rendering' || p.stage === 'ocr') && p.page > t.page) {
      pageDone();
      t.page = p.page;
      t.pageStartedAt = now;
    } else if (p.stage === 'saving') {
      pageDone();
      t.page = 0;
    } else if (p.stage === 'done' || p.stage === 'failed') {
      pageDone();
      this.jobDuration.observe({ source, outcome: p.stage === 'done' ? 'completed' : 'failed' }, (now - t.startedAt) / 1000);
      this.timings.delete(key);
    }
  }

  /** Fed with each completed document's stage times (the pool's `onStages`). */
  observeStages(stages: StageMs, pages: number): void {
    const n = Math.max(1, pages);
    for (const stage of STAGES) this.stageDuration.observe({ stage }, stages[stage] / 1000 / n);
  }

  private prune(now: number): void {
    for (const [k, t] of this.timings) if (now - t.lastSeen > FORGET_AFTER_MS) this.timings.delete(k);
  }

  get tracked(): number {
    return this.timings.size;
  }
}
