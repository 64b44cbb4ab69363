/**
 * One definition of "ready" (src/queue/ready.ts): a row at 3 waiting out its retry backoff is not ready
 * for the claim, for the allocator's depth, for check-ocr-queue or for /metrics; once its backoff is over,
 * it is ready for all four at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnvironment } from '../../src/check/run';
import { createLogger } from '../../src/logger';
import { claim } from '../../src/queue/claim';
import { readyDepth } from '../../src/queue/depth';
import { isExhausted } from '../../src/queue/outcome';
import { ATTEMPTS_LEFT, DEFAULT_MAX_ATTEMPTS, EXHAUSTED } from '../../src/queue/ready';
import { StatusServer, urlOf } from '../../src/status/server';
import { createTestDb, seed, type TestDb } from '../helpers/db';

let db: TestDb;
let server: StatusServer;
let metricsUrl: string;

beforeAll(async () => {
  db = await createTestDb();
  server = new StatusServer({
    config: { environments: [{ name: 'dev', databaseUrl: db.url }], httpHost: '127.0.0.1', httpPort: 0 },
    log: createLogger('silent'),
  });
  metricsUrl = `${urlOf(await server.start())}metrics`;
});
afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

/** ocr_queue_documents{env="dev",source="acte",status=…} as /metrics shows it now (0 when absent). */
async function metric(status: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`ocr_queue_documents{env="dev",source="acte",status="${status}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function readiness() {
  const check = await checkEnvironment({ env: 'dev', databaseUrl: db.url, database: db.name });
  return {
    depth: (await readyDepth(db.pool)).acte ?? 0,
    checkReady: check.ready?.bySource.acte ?? 0,
    checkBackoff: check.blocked?.backoff ?? 0,
    metricsReady: await metric('ready'),
    metricsBlocked: await metric('blocked'),
  };
}

describe('a row in retry backoff', () => {
  it('is ready for none of claim, depth, check-ocr-queue and /metrics; after its backoff, for all of them', async () => {
    const [id] = await seed(db.pool, [{ source: 'acte', attempts: 1 }]);
    await db.pool.query(`UPDATE extraction_queue SET ocr_next_attempt_at = now() + interval '1 hour' WHERE id = $1`, [id]);

    expect(await readiness()).toEqual({ depth: 0, checkReady: 0, checkBackoff: 1, metricsReady: 0, metricsBlocked: 1 });
    expect(await claim(db.pool, 'dev', 'w1', 'acte', 60_000)).toBeNull();

    await db.pool.query(`UPDATE extraction_queue SET ocr_next_attempt_at = now() - interval '1 second' WHERE id = $1`, [id]);
    expect(await readiness()).toEqual({ depth: 1, checkReady: 1, checkBackoff: 0, metricsReady: 1, metricsBlocked: 0 });
    expect((await claim(db.pool, 'dev', 'w1', 'acte', 60_000))?.id).toBe(id);
  });

  it('the same for rows whose attempts are spent or that have no PDF path: blocked everywhere, never ready', async () => {
    await db.pool.query('TRUNCATE extraction_queue');
    await seed(db.pool, [{ source: 'acte', attempts: 3, maxAttempts: 3 }, { source: 'acte', path: null }]);
    const r = await readiness();
    expect(r).toMatchObject({ depth: 0, checkReady: 0, metricsReady: 0, metricsBlocked: 2 });
    expect(await claim(db.pool, 'dev', 'w1', 'acte', 60_000)).toBeNull();
  });
});

describe('exhausted', () => {
  it('means the same in SQL (EXHAUSTED, ATTEMPTS_LEFT) and in TypeScript (isExhausted), NULLs included', async () => {
    for (const [attempts, max] of [[0, 3], [2, 3], [3, 3], [4, 3], [null, 3], [null, null], [2, null], [3, null], [0, 0], [1, 5]] as const) {
      const { rows } = await db.pool.query(
        `SELECT ${EXHAUSTED} AS exhausted, ${ATTEMPTS_LEFT} AS left FROM (VALUES ($1::int, $2::int)) AS v(ocr_attempts, ocr_max_attempts)`,
        [attempts, max],
      );
      const ts = isExhausted({ attempt: attempts ?? 0, maxAttempts: max ?? DEFAULT_MAX_ATTEMPTS });
      expect({ attempts, max, exhausted: rows[0].exhausted, left: rows[0].left }).toEqual({ attempts, max, exhausted: ts, left: !ts });
    }
  });
});
