/**
 * Prometheus metrics every status server exposes (in the pool process or alone). One registry per
 * server; names start with `ocr_`, durations are in seconds, counters end in `_total`, and no label
 * holds an id (document, worker, host): labels are env, source, status, mode, state, transport.
 *
 * Queue and worker gauges are read from Postgres at scrape time, so every process reports the same
 * numbers (aggregate with max(), not sum(), across scrape targets). What only the pool process knows
 * (jobs by outcome, durations, pages, limiter) is added by pool-metrics.ts.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from '../logger';
import type { LiveFeed } from '../progress/subscriber';
import type { DocumentHub } from './hub';
import type { EnvName } from '../config';
import type { QueueCounts, StatusRepo } from './repo';
import { claimPauses, isPaused } from '../queue/claim-pauses';
import { KNOWN_SOURCES } from '../queue/ready';

/**
 * The `source` label of a row count: a source the pool knows, '' when there is none, else `other`.
 * document_source is free text from other programs: as a label it would multiply series without bound
 * and carry whatever bytes were written into it.
 */
export function sourceLabel(source: string | null | undefined): string {
  const s = (source ?? '').trim().toLowerCase();
  return s === '' || (KNOWN_SOURCES as readonly string[]).includes(s) ? s : 'other';
}

export interface StatusMetrics {
  registry: Registry;
  sseClients: Gauge;
  sseEvents: Counter<'event'>;
  liveMessages: Counter<'transport'>;
}

export function createStatusMetrics(repo: StatusRepo, hub: DocumentHub, feed: LiveFeed, log: Logger): StatusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ocr_' });

  // One read of the counts per scrape, shared by the gauges that need it (prom-client collects all
  // metrics of a scrape concurrently).
  let scrape: Promise<Map<EnvName, QueueCounts | null>> | undefined;
  const countsForScrape = () => {
    if (!scrape) {
      const p = Promise.all(
        repo.envNames.map(async (env) => {
          try {
            return [env, await repo.queueCounts(env, 0)] as const;
          } catch (err) {
            log.debug({ err, env }, 'metrics: queue counts unavailable');
            return [env, null] as const;
          }
        }),
      ).then((entries) => new Map<EnvName, QueueCounts | null>(entries));
      scrape = p;
      void p.finally(() => (scrape = undefined));
    }
    return scrape;
  };

  new Gauge({
    name: 'ocr_database_up',
    help: 'Whether the environment database answered this scrape (1) or not (0).',
    labelNames: ['env'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [env, counts] of await countsForScrape()) this.set({ env }, counts ? 1 : 0);
    },
  });

  new Gauge({
    name: 'ocr_queue_documents',
    help: 'Rows of extraction_queue per environment, document_source and status, counted at scrape time.',
    labelNames: ['env', 'source', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [env, counts] of await countsForScrape()) {
        for (const c of counts ?? []) this.inc({ env, source: sourceLabel(c.source), status: c.status }, c.count);
      }
    },
  });

  new Gauge({
    name: 'ocr_workers',
    help: 'Live workers of every host (ocr_workers registry) per mode and state.',
    labelNames: ['mode', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = new Map<string, { mode: string; state: string; n: number }>();
      for (const w of await repo.workers().catch(() => [])) {
        const k = `${w.mode}\u0000${w.state}`;
        const c = counts.get(k) ?? { mode: w.mode, state: w.state, n: 0 };
        c.n++;
        counts.set(k, c);
      }
      for (const c of counts.values()) this.set({ mode: c.mode, state: c.state }, c.n);
    },
  });

  new Gauge({
    name: 'ocr_environment_paused',
    help: 'Pool processes that paused claiming from the environment because its storage fails as a whole, by reason (auth, bucket, storage-root, not-found); absent when none.',
    labelNames: ['env', 'reason'],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        repo.envNames.map(async (env) => {
          for (const p of await repo.pauses(env).catch(() => [])) this.inc({ env, reason: p.reason });
        }),
      );
    },
  });

  new Gauge({
    name: 'ocr_claims_paused',
    help: 'Whether an operator paused claims of this environment and source (1) or not (0); a pause of the whole environment sets every source.',
    labelNames: ['env', 'source'],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        repo.envNames.map(async (env) => {
          // An unreadable database reports nothing rather than a 0 that would read as "not paused".
          const pauses = await claimPauses(repo.database(env)).catch(() => null);
          if (pauses) for (const source of KNOWN_SOURCES) this.set({ env, source }, isPaused(pauses, source) ? 1 : 0);
        }),
      );
    },
  });

  new Gauge({
    name: 'ocr_live_channel_up',
    help: 'Live progress connections of this process: redis (subscriber) and postgres (LISTEN, per env).',
    labelNames: ['transport', 'env'],
    registers: [registry],
    collect() {
      this.reset();
      const s = feed.state();
      if (s.redis !== 'off') this.set({ transport: 'redis', env: 'all' }, s.redis === 'ready' ? 1 : 0);
      for (const [env, st] of Object.entries(s.postgres)) this.set({ transport: 'postgres', env }, st === 'listening' ? 1 : 0);
    },
  });

  new Gauge({
    name: 'ocr_sse_watched_documents',
    help: 'Documents at least one SSE client of this process is watching.',
    registers: [registry],
    collect() {
      this.set(hub.stats().documents);
    },
  });

  const sseClients = new Gauge({ name: 'ocr_sse_clients', help: 'Open SSE connections on this process.', registers: [registry] });
  const sseEvents = new Counter({
    name: 'ocr_sse_events_total',
    help: 'SSE events sent by this process, by event name.',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const liveMessages = new Counter({
    name: 'ocr_live_messages_total',
    help: 'Live progress messages received by this process, by transport.',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  return { registry, sseClients, sseEvents, liveMessages };
}
