/**
 * The shared rate limiter against a real Redis 7: limits hold across processes, and none of bottleneck
 * 2.19.5's failure modes (docs/contract.md, "What the code relies on from its dependencies") leaves it broken. A private redis-server per file, so stopping it
 * disturbs nobody else.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiter, type RedisLimiterOptions } from '../../src/limiter/redis';
import { privateRedis, type PrivateRedis } from '../helpers/redis-server';

const log = pino({ level: 'silent' });
let redis: PrivateRedis;
let admin: Redis;
let n = 0;
const newId = () => `test-${process.pid}-${n++}`;

beforeAll(async () => {
  redis = await privateRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

function limiter(over: Partial<RedisLimiterOptions> & { id: string }): RedisRateLimiter {
  return new RedisRateLimiter(
    { redisUrl: redis.url, perMinute: 1000, maxConcurrent: 2, jobExpirationMs: 30_000, heartbeatMs: 200, probeIntervalMs: 200, ...over },
    log,
  );
}

interface Event {
  event: string;
  t: number;
  i: number;
}
function runChild(env: Record<string, string>): { events: Event[]; exited: Promise<number | null>; kill(): void; started: Promise<void> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'child.ts')], {
    env: { ...process.env, REDIS_URL: redis.url, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: Event[] = [];
  let onStart: () => void;
  const started = new Promise<void>((r) => {
    onStart = r;
  });
  let buf = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const e = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      events.push(e);
      if (e.event === 'start') onStart();
    }
  });
  return { events, started, exited: new Promise((r) => proc.on('exit', r)), kill: () => proc.kill('SIGKILL') };
}

/** Most calls in flight at once, from start/end events of several processes. */
function maxOverlap(events: Event[]): number {
  const points = events.filter((e) => e.event === 'start' || e.event === 'end').map((e) => [e.t, e.event === 'start' ? 1 : -1] as const);
  // Ends before starts at the same millisecond: a slot handed over is not an overlap.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of points) {
    cur += d;
    max = Math.max(max, cur);
  }
  return max;
}

describe('shared rate limiter (bottleneck clustered through Redis 7)', () => {
  it('two processes together never exceed the shared concurrency', async () => {
    const id = newId();
    const env = { LIMITER_ID: id, MAX_CONCURRENT: '3', JOBS: '15', JOB_MS: '80', HEARTBEAT_MS: '200' };
    const a = runChild(env);
    const b = runChild(env);
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const all = [...a.events, ...b.events];
    expect(all.filter((e) => e.event === 'end')).toHaveLength(30);
    expect(maxOverlap(all)).toBe(3); // reached, never exceeded
  }, 60_000);

  it('holds the rate per interval within 10 % across two processes', async () => {
    // Scaled: 20 calls per 2 s window instead of N per minute (same reservoir mechanism, a CI-sized run).
    const id = newId();
    const env = { LIMITER_ID: id, MAX_CONCURRENT: '50', PER_INTERVAL: '20', INTERVAL_MS: '2000', JOBS: '60', JOB_MS: '1', HEARTBEAT_MS: '100' };
    const a = runChild(env);
    const b = runChild(env);
    const [ca, cb] = await Promise.all([a.exited, b.exited]);
    expect([ca, cb]).toEqual([0, 0]);
    const starts = [...a.events, ...b.events].filter((e) => e.event === 'start').map((e) => e.t).sort((x, y) => x - y);
    expect(starts).toHaveLength(120);
    // Calls come in bursts, one per reservoir refresh: split where two calls are > 500 ms apart.
    const bursts: number[][] = [];
    for (const t of starts) {
      const last = bursts.at(-1);
      if (last && t - last.at(-1)! <= 500) last.push(t);
      else bursts.push([t]);
    }
    // Each burst is one window's allowance (20 ± 10 %), shared by both processes ...
    for (const burst of bursts.slice(0, -1)) {
      expect(burst.length).toBeGreaterThanOrEqual(18);
      expect(burst.length).toBeLessThanOrEqual(22);
    }
    expect(bursts.at(-1)!.length).toBeLessThanOrEqual(22);
    // ... and bursts are one window apart (refreshes are seen on the 100 ms heartbeat, hence the slack).
    for (let i = 1; i < bursts.length; i++) {
      const gap = bursts[i]![0]! - bursts[i - 1]![0]!;
      expect(gap).toBeGreaterThanOrEqual(1800);
      expect(gap).toBeLessThanOrEqual(2600);
    }
  }, 60_000);

  it('repairs itself when its settings key is deleted (Redis 7 "ERR SETTINGS_KEY_NOT_FOUND")', async () => {
    const id = newId();
    const l = limiter({ id });
    await l.start();
    try {
      expect(await l.schedule(async () => 'before')).toBe('before');
      expect(await admin.del(`b_${id}_settings`)).toBe(1);
      expect(await l.schedule(async () => 'after')).toBe('after');
      expect(l.kind).toBe('redis');
      expect(l.counters.fallbacks).toBe(0); // repaired in place, not by falling back
      expect(await admin.exists(`b_${id}_settings`)).toBe(1);
    } finally {
      await l.stop();
    }
  });

  it('re-registers when Redis evicted this client (blocked event loop → "ERR UNKNOWN_CLIENT")', async () => {
    const id = newId();
    const l = limiter({ id });
    await l.start();
    try {
      await l.schedule(async () => 1);
      // What bottleneck's process_tick does to a client whose heartbeats stopped longer than clientTimeout.
      const clients = await admin.zrange(`b_${id}_client_last_seen`, '0', '-1');
      expect(clients).toHaveLength(1);
      await admin.zrem(`b_${id}_client_last_seen`, clients[0]!);
      await admin.zrem(`b_${id}_client_last_registered`, clients[0]!);
      await admin.hdel(`b_${id}_client_num_queued`, clients[0]!);
      expect(await l.schedule(async () => 2)).toBe(2);
      expect(l.counters.fallbacks).toBe(0);
      expect(await admin.zscore(`b_${id}_client_last_seen`, clients[0]!)).not.toBeNull();
    } finally {
      await l.stop();
    }
  });

  it('a killed process’s slot comes back after its job expiration', async () => {
    const id = newId();
    const child = runChild({ LIMITER_ID: id, MAX_CONCURRENT: '1', JOBS: '1', JOB_MS: '600000', EXPIRATION_MS: '1500', HEARTBEAT_MS: '200' });
    await child.started;
    child.kill();
    await child.exited;
    const l = limiter({ id, maxConcurrent: 1, heartbeatMs: 200 });
    await l.start();
    try {
      const t0 = Date.now();
      await l.schedule(async () => undefined);
      const waited = Date.now() - t0;
      expect(waited).toBeLessThan(10_000); // without `expiration` it would wait forever
      expect(l.kind).toBe('redis');
    } finally {
      await l.stop();
    }
  }, 30_000);

  it('keeps working on a local limiter while Redis is down, and rejoins when it returns', async () => {
    const id = newId();
    const l = limiter({ id });
    await l.start();
    try {
      expect(l.kind).toBe('redis');
      await l.schedule(async () => 'shared');
      expect(l.counters.shared).toBe(1);
      await redis.stop();
      const results = await Promise.all([1, 2, 3].map((i) => l.schedule(async () => i)));
      expect(results).toEqual([1, 2, 3]);
      expect(l.kind).toBe('local');
      expect(l.counters.fallbacks).toBe(1);
      expect(l.counters.local).toBeGreaterThanOrEqual(3);
      await redis.start();
      const until = Date.now() + 15_000;
      while (l.kind !== 'redis' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(l.kind).toBe('redis');
      expect(l.counters.rejoins).toBe(1);
      // Redis restarted empty (no persistence): the settings are recreated and calls are shared again.
      expect(await l.schedule(async () => 'shared again')).toBe('shared again');
      expect(l.counters.shared).toBe(2);
    } finally {
      await l.stop();
    }
  }, 40_000);

  it('starts on a local limiter when Redis is unreachable at start', async () => {
    const l = new RedisRateLimiter(
      { redisUrl: 'redis://127.0.0.1:1', id: newId(), perMinute: 100, maxConcurrent: 1, jobExpirationMs: 1000, connectTimeoutMs: 500 },
      log,
    );
    await l.start();
    try {
      expect(l.kind).toBe('local');
      expect(await l.schedule(async () => 'ok')).toBe('ok');
    } finally {
      await l.stop();
    }
  });
});
