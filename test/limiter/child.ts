/**
 * A separate process sharing the limiter (run with tsx by the limiter tests). Reads its job from env,
 * prints one JSON line per event: {"event":"start"|"end", "t": epoch ms, "i": n}.
 */
import pino from 'pino';
import { RedisRateLimiter } from '../../src/limiter/redis';

const env = process.env;
const log = pino({ level: 'silent' });
const limiter = new RedisRateLimiter(
  {
    redisUrl: env.REDIS_URL!,
    id: env.LIMITER_ID!,
    perMinute: Number(env.PER_INTERVAL ?? 1000),
    intervalMs: Number(env.INTERVAL_MS ?? 60_000),
    maxConcurrent: Number(env.MAX_CONCURRENT ?? 1),
    jobExpirationMs: Number(env.EXPIRATION_MS ?? 60_000),
    heartbeatMs: Number(env.HEARTBEAT_MS ?? 1000),
  },
  log,
);
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main() {
  await limiter.start();
  out({ event: 'ready', kind: limiter.kind });
  const jobs = Number(env.JOBS ?? 10);
  const jobMs = Number(env.JOB_MS ?? 50);
  await Promise.all(
    Array.from({ length: jobs }, (_, i) =>
      limiter.schedule(async () => {
        out({ event: 'start', t: Date.now(), i });
        await new Promise((r) => setTimeout(r, jobMs));
        out({ event: 'end', t: Date.now(), i });
      }),
    ),
  );
  out({ event: 'done', counters: limiter.counters });
  await limiter.stop();
  process.exit(0);
}
void main();
