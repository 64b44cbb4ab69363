/**
 * The rate limiter wrapped around every call to a rate-limited dependency (storage downloads).
 * This is the local limiter (one process); the Redis-clustered one shared by every host plugs in behind
 * the same interface.
 */
import Bottleneck from 'bottleneck';

export interface RateLimiter {
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  readonly kind: 'local' | 'redis';
  stop(): Promise<void>;
}

export function createLocalLimiter(opts: { perMinute: number; maxConcurrent: number }): RateLimiter {
  const b = new Bottleneck({
    maxConcurrent: opts.maxConcurrent,
    reservoir: opts.perMinute,
    reservoirRefreshAmount: opts.perMinute,
    reservoirRefreshInterval: 60_000,
  });
  return {
    kind: 'local',
    schedule: (fn) => b.schedule(fn),
    stop: async () => {
      await b.stop({ dropWaitingJobs: true }).catch(() => undefined);
    },
  };
}
