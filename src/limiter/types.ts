/** What every rate limiter offers, shared (Redis) or local. */
export interface LimiterCounters {
  /** Calls run through the shared (Redis) limiter. */
  shared: number;
  /** Calls run through the local limiter (no Redis, or Redis down). */
  local: number;
  /** Times the shared limiter was left for the local one because Redis failed. */
  fallbacks: number;
  /** Times the shared limiter was joined again after a fallback. */
  rejoins: number;
}

export interface RateLimiter {
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  /** Which limiter calls go through right now. */
  readonly kind: 'local' | 'redis';
  readonly counters: LimiterCounters;
  stop(): Promise<void>;
}

export interface LimiterOptions {
  perMinute: number;
  maxConcurrent: number;
  /** Reservoir window; 60 s in production, shorter only in tests. */
  intervalMs?: number;
}

