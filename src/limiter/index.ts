/**
 * The rate limiter wrapped around every call to a rate-limited dependency (storage downloads, any remote
 * engine). With REDIS_URL, one limiter shared by every worker on every host (bottleneck clustered
 * through Redis); without it, a local one, and the pool says so.
 */
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createLocalLimiter } from './local';
import { RedisRateLimiter } from './redis';
import type { LimiterOptions, RateLimiter } from './types';

export type { LimiterOptions, RateLimiter } from './types';

export async function createRateLimiter(
  opts: LimiterOptions & { redisUrl?: string; id?: string; jobExpirationMs: number; commandTimeoutMs?: number },
  log: Logger,
): Promise<RateLimiter> {
  if (!opts.redisUrl) {
    log.warn('REDIS_URL not set: rate limits apply to this process only (local limiter)');
    return createLocalLimiter(opts);
  }
  const limiter = new RedisRateLimiter({ ...opts, redisUrl: opts.redisUrl, id: opts.id ?? 'ocr-pool-storage' }, log);
  await limiter.start();
  return limiter;
}

/** The pool's limiter, as configured (REDIS_URL: shared; otherwise local). */
export function limiterFromConfig(config: Config, log: Logger): Promise<RateLimiter> {
  return createRateLimiter(
    {
      redisUrl: config.redisUrl,
      perMinute: config.rateLimitPerMinute,
      maxConcurrent: config.rateMaxConcurrent,
      // A download never holds a shared slot longer than its own timeout, even if its process dies.
      jobExpirationMs: config.storageTimeoutMs + 10_000,
      commandTimeoutMs: config.redisCommandTimeoutMs,
    },
    log,
  );
}
