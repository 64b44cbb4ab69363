/**
 * The smallest fix that makes bottleneck 2.19.5 (unmaintained since 2019) self-repair on Redis 7.
 *
 * bottleneck's Lua scripts signal two recoverable states with `redis.error_reply('SETTINGS_KEY_NOT_FOUND')`
 * (the limiter's settings hash was lost: flushed, evicted, Redis restarted without persistence) and
 * `redis.error_reply('UNKNOWN_CLIENT')` (this process was evicted for missing heartbeats, e.g. its event
 * loop was blocked longer than clientTimeout). RedisDatastore.runScript repairs both (re-init, or
 * re-register, then retry), but it compares `e.message === 'SETTINGS_KEY_NOT_FOUND'`. Redis 7 prefixes
 * such replies with `ERR `, so the comparison never matches, the repair never runs, and every later job
 * of that limiter fails. We normalise the message in the script callback, before runScript sees it.
 * Applied once, at import, to both connection classes; reproduced and checked by test/limiter.
 */
import Bottleneck from 'bottleneck';

const RECOVERABLE = /\b(SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT)\b/;
const PATCHED = Symbol.for('ocr-pool.bottleneck-redis7-fix');

type ScriptArgs = (name: string, id: string, args: unknown[], cb: (err: Error | null, replies: unknown) => void) => unknown[];

function patch(proto: { __scriptArgs__?: ScriptArgs; [PATCHED]?: boolean } | undefined): void {
  if (!proto?.__scriptArgs__ || proto[PATCHED]) return;
  const original = proto.__scriptArgs__;
  proto.__scriptArgs__ = function (this: unknown, name, id, args, cb) {
    return original.call(this, name, id, args, (err, replies) => {
      const m = err && RECOVERABLE.exec(err.message);
      if (m) err!.message = m[1]!;
      cb(err, replies);
    });
  };
  proto[PATCHED] = true;
}

export function applyBottleneckRedis7Fix(): void {
  const B = Bottleneck as unknown as {
    IORedisConnection?: { prototype: Parameters<typeof patch>[0] };
    RedisConnection?: { prototype: Parameters<typeof patch>[0] };
  };
  patch(B.IORedisConnection?.prototype);
  patch(B.RedisConnection?.prototype);
}

applyBottleneckRedis7Fix();
