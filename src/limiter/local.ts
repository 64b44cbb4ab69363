/** The local limiter: one process's limits, used without Redis and while Redis is down. */
import Bottleneck from 'bottleneck';
import type { LimiterCounters, LimiterOptions, RateLimiter } from './types';

export function createLocalBottleneck(opts: LimiterOptions): Bottleneck {
  const interval = opts.intervalMs ?? 60_000;
  return new Bottleneck({
    maxConcurrent: opts.maxConcurrent,
    reservoir: opts.perMinute,
    reservoirRefreshAmount: opts.perMinute,
    reservoirRefreshInterval: interval,
  });
}

export function createLocalLimiter(opts: LimiterOptions): RateLimiter {
  const b = createLocalBottleneck(opts);
  const counters: LimiterCounters = { shared: 0, local: 0, fallbacks: 0, rejoins: 0 };
  return {
    kind: 'local',
    counters,
    schedule: (fn) => {
      counters.local++;
      return b.schedule(fn);
    },
    stop: async () => {
      await b.stop({ dropWaitingJobs: true }).catch(() => undefined);
    },
  };
}

