/**
 * ioredis clients for the live channel. Redis is optional and may drop at any time: clients reconnect
 * forever in the background, an outage is logged once (not once per retry), and nothing here ever
 * throws into the caller's event loop.
 */
import Redis from 'ioredis';
import { describeUrl } from '../config';
import type { Logger } from '../logger';

export type RedisRole = 'publisher' | 'subscriber' | 'reader';

/** Default deadline of one command (REDIS_COMMAND_TIMEOUT_MS). */
export const REDIS_COMMAND_TIMEOUT_MS = 3_000;

export function createRedis(url: string, role: RedisRole, log: Logger, commandTimeoutMs = REDIS_COMMAND_TIMEOUT_MS): Redis {
  const client = new Redis(url, {
    connectionName: `ocr-pool-progress-${role}`,
    connectTimeout: 3_000,
    // A publisher must fail at once when Redis is away (its message then goes through Postgres NOTIFY);
    // a subscriber queues its SUBSCRIBE until the connection is up and re-subscribes after reconnecting.
    enableOfflineQueue: role === 'subscriber',
    maxRetriesPerRequest: role === 'subscriber' ? null : 0,
    retryStrategy: (times) => Math.min(250 * 2 ** Math.min(times, 5), 5_000),
    // A half-open or frozen connection must not hold a publish (or a status request) for long. The
    // subscriber sends nothing but SUBSCRIBE, which ioredis must see succeed to re-subscribe later.
    ...(role === 'subscriber' ? {} : { commandTimeout: commandTimeoutMs }),
    lazyConnect: false,
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return log.debug({ err: { message: err.message } }, 'redis still unavailable');
    down = true;
    log.warn({ redis: describeUrl(url), role, err: { message: err.message } }, `redis unavailable for live progress (${role}); retrying in the background`);
  });
  client.on('ready', () => {
    if (down) log.info({ redis: describeUrl(url), role }, `redis available again for live progress (${role})`);
    down = false;
  });
  return client;
}

/** Close without waiting for a Redis that may never answer. */
export async function closeRedis(client: Redis | undefined): Promise<void> {
  if (!client || client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  const timeout = () => new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref());
  if (client.status === 'ready') await Promise.race([client.quit().catch(() => undefined), timeout()]);
  client.disconnect(false);
  await Promise.race([ended, timeout()]);
}
