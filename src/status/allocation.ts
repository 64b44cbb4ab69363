/**
 * The supervisors' latest allocation decisions, shared so that any status server can show them.
 *
 * Stored in one Redis hash (`ocr-pool:allocation`, one field per pool process, refreshed every few
 * seconds; fields older than a minute are dropped by readers). Without Redis there is nowhere shared to
 * put it short of a new table, so /api/pool then reports how many live workers are in each mode (from
 * the ocr_workers registry) and no reason: every status server still answers the same.
 */
import type Redis from 'ioredis';

export const ALLOCATION_KEY = 'ocr-pool:allocation';
export const ALLOCATION_FRESH_MS = 60_000;

export interface HostAllocation {
  poolId: string;
  host: string;
  pid: number;
  index: number;
  acte: number;
  active: number | null;
  reason: string | null;
  capacity: unknown;
  at: string;
}

export async function publishAllocation(redis: Redis, a: HostAllocation): Promise<void> {
  await redis.multi().hset(ALLOCATION_KEY, a.poolId, JSON.stringify(a)).pexpire(ALLOCATION_KEY, 10 * ALLOCATION_FRESH_MS).exec();
}

export async function removeAllocation(redis: Redis, poolId: string): Promise<void> {
  await redis.hdel(ALLOCATION_KEY, poolId);
}

/** Fresh allocations, newest first; stale fields are removed on the way. */
export async function readAllocations(redis: Redis, now = Date.now()): Promise<HostAllocation[]> {
  const all = await redis.hgetall(ALLOCATION_KEY);
  const fresh: HostAllocation[] = [];
  const stale: string[] = [];
  for (const [field, text] of Object.entries(all)) {
    try {
      const a = JSON.parse(text) as HostAllocation;
      if (now - Date.parse(a.at) <= ALLOCATION_FRESH_MS) fresh.push(a);
      else stale.push(field);
    } catch {
      stale.push(field);
    }
  }
  if (stale.length) await redis.hdel(ALLOCATION_KEY, ...stale).catch(() => undefined);
  return fresh.sort((a, b) => b.at.localeCompare(a.at));
}
