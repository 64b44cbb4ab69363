/**
 * Redis frozen mid-run (SIGSTOP: its connections stay open and nothing answers, as in a network
 * partition). A closed connection fails at once; a frozen one used to hold every download at 6 forever
 * and log nothing. Now every Redis command has a deadline: the rate limiter falls back to its local mode
 * and live progress to Postgres NOTIFY within seconds, each says so once, and both rejoin Redis once it
 * answers again (SIGCONT).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db';
import { startDaemon, tempStorage, waitFor, type Daemon } from '../helpers/daemon';
import { deedLines, makePdf } from '../helpers/pdfs';
import { privateRedis, type PrivateRedis } from '../helpers/redis-server';

let db: TestDb;
let storage: ReturnType<typeof tempStorage>;
let redis: PrivateRedis;

beforeAll(async () => {
  db = await createTestDb();
  storage = tempStorage();
  // Text-layer PDFs: read in milliseconds, so the time measured is the pool's, not tesseract's.
  storage.put('actes/doc.pdf', await makePdf([{ lines: deedLines(10) }]));
  redis = await privateRedis();
});
afterAll(async () => {
  redis?.signal('SIGCONT');
  await redis?.stop();
  await db?.drop();
  storage?.remove();
});

async function insert(n: number, tag: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id)
     SELECT 'acte', $1 || '-' || i, 'doc.pdf', 3 FROM generate_series(1, $2::int) AS i`,
    [tag, n],
  );
}

async function done(tag: string): Promise<number> {
  const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM extraction_queue WHERE document_number LIKE $1 || '-%' AND status_id = 5`, [tag]);
  return rows[0].n;
}

async function limiterShared(port: number): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = /^ocr_limiter_shared(?:\{[^}]*\})? (\d+)/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

const count = (d: Daemon, msg: RegExp) => d.lines.filter((l) => msg.test(l.msg)).length;
const FALLBACK = /^shared rate limiter failed/;
const REJOIN = /^Redis is back: rate limiter shared again/;
const NOTIFY_FALLBACK = /^live progress: Redis is not answering/;
const NOTIFY_REJOIN = /^live progress: Redis answers again/;

describe('Redis frozen (SIGSTOP) while the pool runs', () => {
  it('documents keep completing; limiter and live progress fall back once, and rejoin after SIGCONT', async () => {
    const daemon = startDaemon({
      DEV_DATABASE_URL: db.url,
      OCR_STORAGE_DIR: storage.dir,
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      OCR_WORKER_POOL_SIZE: '2',
      SERVER_RESERVE_CPU_PERCENT: '0',
    });
    try {
      await daemon.waitForLog((l) => l.msg === 'rate limiter shared through Redis', 60_000);
      const listening = await daemon.waitForLog((l) => /^status server listening/.test(l.msg), 60_000);
      await daemon.waitForLog((l) => l.msg === 'OCR pool serving', 120_000);
      const port = listening.port as number;

      await insert(3, 'before');
      await waitFor(async () => (await done('before')) === 3, 60_000, 'documents before the freeze');
      expect(await limiterShared(port)).toBe(1);

      redis.signal('SIGSTOP');
      const frozenAt = Date.now();
      await insert(6, 'frozen');
      await waitFor(async () => (await done('frozen')) === 6, 45_000, 'documents while Redis is frozen');
      const drainedMs = Date.now() - frozenAt;
      // Each document is a fraction of a second of work; the fallback costs one command deadline (1 s).
      // Without deadlines they never complete. The bounds leave room for a loaded 2-core machine.
      expect(drainedMs).toBeLessThan(30_000);
      const fellBack = await daemon.waitForLog((l) => FALLBACK.test(l.msg), 1_000);
      expect(Date.parse(fellBack.time) - frozenAt).toBeLessThan(10_000);
      expect(await limiterShared(port)).toBe(0);
      await daemon.waitForLog((l) => NOTIFY_FALLBACK.test(l.msg), 10_000);
      // Said once for the outage, not once per document or per probe.
      expect(count(daemon, FALLBACK)).toBe(1);
      expect(count(daemon, NOTIFY_FALLBACK)).toBe(1);

      redis.signal('SIGCONT');
      await daemon.waitForLog((l) => REJOIN.test(l.msg), 20_000);
      await daemon.waitForLog((l) => NOTIFY_REJOIN.test(l.msg), 20_000);
      await insert(3, 'after');
      await waitFor(async () => (await done('after')) === 3, 60_000, 'documents after SIGCONT');
      expect(await limiterShared(port)).toBe(1);
      expect(count(daemon, FALLBACK)).toBe(1);
      expect(count(daemon, REJOIN)).toBe(1);
      expect(count(daemon, NOTIFY_REJOIN)).toBe(1);
      // Nothing was left behind at 6 or failed by the outage.
      const { rows } = await db.pool.query(`SELECT status_id, count(*)::int AS n FROM extraction_queue GROUP BY 1`);
      expect(rows).toEqual([{ status_id: 5, n: 12 }]);
    } finally {
      redis.signal('SIGCONT');
      expect(await daemon.stop()).toBe(0);
    }
  }, 240_000);
});
