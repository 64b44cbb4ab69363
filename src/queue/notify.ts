/**
 * Postgres LISTEN/NOTIFY, the live progress channel's fallback when Redis is away (src/progress/publisher.ts
 * and subscriber.ts carry the messages; only the statements are here).
 */
import type { Queryable } from '../db/pg';

/** $1 = channel, $2 = payload (under 8000 bytes: Postgres refuses longer ones). */
const NOTIFY = 'SELECT pg_notify($1, $2)';

export async function notify(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query(NOTIFY, [channel, payload]);
}

/** LISTEN takes no parameter: `channel` must be a plain identifier of ours, never input. */
export async function listen(db: Queryable, channel: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  await db.query(`LISTEN ${channel}`);
}
