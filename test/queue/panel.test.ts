/**
 * The operator panel's statements on a real database: throughput and the ETA on rows with set
 * timestamps, requeue (one, by class) with the previous error kept and the action audited, pauses obeyed
 * by the claim itself, find by number however it is spaced or cased, and the error classes that SQL and
 * TypeScript assign agreeing.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { findDocuments, pause, readFailures, readPace, requeueDocument, requeueErrorClass, resume } from '../../src/check/operator';
import { claim } from '../../src/queue/claim';
import { readyDepth } from '../../src/queue/depth';
import { classifyError, ERROR_CLASS } from '../../src/queue/error-class';
import { skipPlans } from '../../src/queue/skip-plans';
import { row, seed, type TestDb, useTestDb } from '../helpers/db';

let db: TestDb;
useTestDb((d) => (db = d), { truncateEach: true });
beforeEach(async () => {
  await db.pool.query('TRUNCATE ocr_claim_pauses, ocr_operator_actions');
});

const LONG_AGO = `now() - interval '3 days'`;

/**
 * `n` acte documents of `pages` pages completed one every `everySeconds`, the last `endAgoSeconds` ago
 * (each took 60 s), created long ago (not arrivals).
 */
async function completions(n: number, everySeconds: number, pages: number, endAgoSeconds = 0): Promise<void> {
  await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, ocr_attempts, created_at,
                                   ocr_completed_at, ocr_started_at, ocr_confidence)
     SELECT 'acte', 'DONE-' || k, 'p.pdf', 5, 1, ${LONG_AGO},
            now() - ($2 + k * $3) * interval '1 second', now() - ($2 + k * $3 + 60) * interval '1 second',
            jsonb_build_object('pages', (SELECT jsonb_agg(jsonb_build_object('pageNumber', p)) FROM generate_series(1, $4::int) p))
       FROM generate_series(0, $1::int - 1) k`,
    [n, endAgoSeconds, everySeconds, pages],
  );
}

/** `n` acte documents ready at 3, created `createdAgo` (SQL interval expression) ago. */
async function backlog(n: number, createdAgo = LONG_AGO, source = 'acte'): Promise<void> {
  await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, created_at)
     SELECT $2, 'WAIT-' || k, 'w.pdf', 3, ${createdAgo} FROM generate_series(1, $1::int) k`,
    [n, source],
  );
}

describe('throughput and ETA on rows with set timestamps', () => {
  it('draining: 50 three-page deeds left at one deed every 90 s end in 75 min, estimated within 10 %', async () => {
    await completions(40, 90, 3);
    await backlog(50);
    const pace = await readPace(db.pool);
    const hour = pace.throughput.find((w) => w.minutes === 60)!;
    expect(hour.documents).toBe(40);
    expect(hour.pages).toBe(120);
    expect(pace.throughput.find((w) => w.minutes === 5)!.documents).toBe(4); // at 0, 90, 180, 270 s
    expect(pace.eta.state).toBe('draining');
    expect(pace.eta.pagesLeft).toBe(150);
    expect(pace.eta.documentsLeft).toBe(50);
    const truth = 50 * 90;
    expect(Math.abs(pace.eta.seconds! - truth) / truth).toBeLessThan(0.1);
    expect(new Date(pace.eta.at!).getTime() - Date.now()).toBeGreaterThan(truth * 1000 * 0.9 - 5_000);
    expect(pace.eta.summary).toMatch(/^draining: about \d+ min left \(150 page\(s\) estimated in 50 document\(s\)/);
    // The chart: 24 quarter hours, the last four holding the last hour's 40 completions.
    expect(pace.chart.documents).toHaveLength(24);
    expect(pace.chart.documents.slice(-4).reduce((a, b) => a + b, 0)).toBe(40);
    expect(pace.chart.documents.slice(0, -4).every((n) => n === 0)).toBe(true);
  });

  it('draining at a pool started 10 minutes ago is timed by those 10 minutes, not by the whole hour', async () => {
    await completions(10, 60, 2); // one a minute for 10 min
    await backlog(30);
    const { eta } = await readPace(db.pool);
    expect(eta.state).toBe('draining');
    const truth = 30 * 60;
    expect(Math.abs(eta.seconds! - truth) / truth).toBeLessThan(0.1);
  });

  it('stalled: rows ready and no completion for 40 min gives no number', async () => {
    await completions(40, 90, 3, 40 * 60);
    await backlog(50);
    const { eta } = await readPace(db.pool);
    expect(eta.state).toBe('stalled');
    expect(eta.seconds).toBeNull();
    expect(eta.at).toBeNull();
    expect(eta.summary).toMatch(/^stalled: 50 document\(s\) ready and no completion for 40 min$/);
  });

  it('stalled when nothing ever completed and rows are ready', async () => {
    await backlog(3);
    const { eta } = await readPace(db.pool);
    expect(eta.state).toBe('stalled');
    expect(eta.seconds).toBeNull();
  });

  it('growing: 80 arrivals in the hour against 40 completions', async () => {
    await completions(40, 90, 3);
    await db.pool.query(
      `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, created_at)
       SELECT 'acte', 'NEW-' || k, 'n.pdf', 3, now() - k * interval '45 seconds' FROM generate_series(0, 79) k`,
    );
    const { eta } = await readPace(db.pool);
    expect(eta.state).toBe('growing');
    expect(eta.seconds).toBeNull();
    expect(eta.arrivalsPerMinute).toBeCloseTo(80 / 60, 2);
    expect(eta.documentsPerMinute).toBeGreaterThan(0.6);
    expect(eta.documentsPerMinute).toBeLessThan(0.7);
  });

  it('idle with nothing waiting; paused when what waits is all in paused sources', async () => {
    await completions(5, 60, 1);
    expect((await readPace(db.pool)).eta.state).toBe('idle');
    await backlog(4);
    await pause(db.pool, 'dev', 'acte', 'test', null);
    const paced = await readPace(db.pool);
    expect(paced.eta.state).toBe('paused');
    expect(paced.eta.pausedDocuments).toBe(4);
    expect(paced.pauses.map((p) => p.source)).toEqual(['acte']);
  });
});

async function failed(error: string, source = 'acte', number = 'F-1'): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO extraction_queue (document_source, document_number, supabase_path, status_id, ocr_attempts, ocr_error, ocr_last_error_at, ocr_next_attempt_at)
     VALUES ($1, $2, 'f.pdf', 4, 3, $3, now() - interval '1 minute', now() + interval '1 hour') RETURNING id`,
    [source, number, error],
  );
  return rows[0].id;
}

describe('requeue', () => {
  it('sends one failed document back to 3, attempts reset, backoff cleared, its error kept in ocr_error_history, audited', async () => {
    const id = await failed('PermanentError: corrupt PDF: MuPDF cannot open it: no objects');
    expect(await requeueDocument(db.pool, 'dev', id, 'alice')).toEqual({ requeued: true });
    const r = await row(db.pool, id);
    expect({ status: r.status_id, attempts: r.ocr_attempts, next: r.ocr_next_attempt_at, error: r.ocr_error, at: r.ocr_last_error_at }).toEqual({
      status: 3,
      attempts: 0,
      next: null,
      error: null,
      at: null,
    });
    expect(r.ocr_error_history).toHaveLength(1);
    expect(r.ocr_error_history[0]).toMatchObject({ error: 'PermanentError: corrupt PDF: MuPDF cannot open it: no objects', attempts: 3, requeuedBy: 'alice' });
    expect(r.ocr_progress).toMatchObject({ stage: 'requeued', message: 'requeued by alice' });
    const { rows: audit } = await db.pool.query('SELECT actor, action, env, document_id, count FROM ocr_operator_actions');
    expect(audit).toEqual([{ actor: 'alice', action: 'requeue', env: 'dev', document_id: id, count: 1 }]);
    // The next claim takes it.
    expect((await claim(db.pool, 'dev', 'w1', 'acte', 60_000))?.id).toBe(id);
    // And what find shows of it keeps the old error.
    const [found] = await findDocuments(db.pool, 'dev', id);
    expect(found!.errorHistory).toHaveLength(1);
  });

  it('leaves a row that is not at 4 alone and says where it is', async () => {
    const [done] = await seed(db.pool, [{ status: 5 }]);
    expect(await requeueDocument(db.pool, 'dev', done!, 'alice')).toEqual({ requeued: false, status: 5 });
    expect((await row(db.pool, done!)).status_id).toBe(5);
    expect(await requeueDocument(db.pool, 'dev', '00000000-0000-4000-8000-000000000000', 'alice')).toEqual({ requeued: false, status: null });
    const { rows } = await db.pool.query('SELECT count FROM ocr_operator_actions ORDER BY id');
    expect(rows.map((r) => r.count)).toEqual([0, 0]);
  });

  it('requeues every document of one class (and source), no other', async () => {
    const poison = [await failed('PermanentError: corrupt PDF: x', 'acte', 'P1'), await failed('PermanentError: not a PDF (got HTML)', 'index', 'P2')];
    const budget = await failed('attempts exhausted (3/3): TimeBudgetError: page 1 exceeded the page time budget of 3 s (rendering)', 'acte', 'B1');
    const failures = await readFailures(db.pool, {});
    expect(failures.byClass).toEqual({ poison: 2, budget: 1 });
    expect(failures.bySource).toEqual({ acte: 2, index: 1 });
    expect((await readFailures(db.pool, { errorClass: 'poison', source: 'Index ' })).list.map((f) => f.id)).toEqual([poison[1]]);

    expect(await requeueErrorClass(db.pool, 'dev', 'poison', 'acte', 'bob')).toBe(1);
    expect((await row(db.pool, poison[0]!)).status_id).toBe(3);
    expect((await row(db.pool, poison[1]!)).status_id).toBe(4);
    expect(await requeueErrorClass(db.pool, 'dev', 'poison', null, 'bob')).toBe(1);
    expect((await row(db.pool, poison[1]!)).status_id).toBe(3);
    expect((await row(db.pool, budget)).status_id).toBe(4);
    const { rows } = await db.pool.query(`SELECT actor, action, source, error_class, count FROM ocr_operator_actions ORDER BY id`);
    expect(rows).toEqual([
      { actor: 'bob', action: 'requeue-class', source: 'acte', error_class: 'poison', count: 1 },
      { actor: 'bob', action: 'requeue-class', source: null, error_class: 'poison', count: 1 },
    ]);
    await expect(requeueErrorClass(db.pool, 'dev', 'nonsense', null, 'bob')).rejects.toThrow(/unknown error class "nonsense"/);
  });
});

describe('pause and resume', () => {
  it('a paused source is not claimed from the moment the pause commits; other sources are; resume lets it go', async () => {
    await seed(db.pool, [{ source: 'acte' }, { source: 'index' }, { source: 'acte' }]);
    const r = await pause(db.pool, 'dev', 'ACTE', 'carol', 'storage maintenance');
    expect(r).toMatchObject({ source: 'acte', already: false });
    expect(r.pauses).toMatchObject([{ source: 'acte', pausedBy: 'carol', reason: 'storage maintenance' }]);
    expect((await pause(db.pool, 'dev', 'acte', 'dave', null)).already).toBe(true);
    expect(await claim(db.pool, 'dev', 'w1', 'acte', 60_000)).toBeNull();
    expect(await readyDepth(db.pool)).toEqual({ index: 1 });
    expect((await claim(db.pool, 'dev', 'w1', 'index', 60_000))?.documentSource).toBe('index');
    expect(await resume(db.pool, 'dev', 'acte', 'carol')).toEqual({ lifted: ['acte'], pauses: [] });
    expect((await claim(db.pool, 'dev', 'w1', 'acte', 60_000))?.documentSource).toBe('acte');
  });

  it('a pause of the whole environment holds every source, cadastral plans too, until resumed', async () => {
    await seed(db.pool, [{ source: 'acte' }, { source: 'index' }, { source: 'plan_cadastraux' }]);
    await pause(db.pool, 'dev', null, 'carol', null);
    expect(await claim(db.pool, 'dev', 'w1', 'acte', 60_000)).toBeNull();
    expect(await claim(db.pool, 'dev', 'w1', 'index', 60_000)).toBeNull();
    expect(await skipPlans(db.pool)).toEqual([]);
    await pause(db.pool, 'dev', 'index', 'carol', null);
    expect((await resume(db.pool, 'dev', null, 'carol')).lifted.sort()).toEqual(['*', 'index']);
    expect(await skipPlans(db.pool)).toHaveLength(1);
    expect(await claim(db.pool, 'dev', 'w1', 'index', 60_000)).not.toBeNull();
    const { rows } = await db.pool.query(`SELECT action, source, count FROM ocr_operator_actions ORDER BY id`);
    expect(rows).toEqual([
      { action: 'pause', source: '*', count: 1 },
      { action: 'pause', source: 'index', count: 1 },
      { action: 'resume', source: '*', count: 2 },
    ]);
  });

  it('refuses a source no worker takes', async () => {
    await expect(pause(db.pool, 'dev', 'plans', 'carol', null)).rejects.toThrow(/unknown source "plans": expected one of index, acte, plan_cadastraux/);
  });
});

describe('find', () => {
  it('finds a number however it is spaced or cased, and by id, through the index', async () => {
    const [a] = await seed(db.pool, [{ number: '12 345 678', source: 'acte' }, { number: 'AB-12' }, { number: '12 345 679' }]);
    await db.pool.query(`UPDATE extraction_queue SET file_content = 'raw text', boosted_file_content = 'boosted text', ocr_confidence = '{"pages":[{"pageNumber":1,"confidence":88}]}' WHERE id = $1`, [a]);
    for (const q of ['12345678', ' 12 345 678 ', '12\u202f345\u00a0678']) {
      const found = await findDocuments(db.pool, 'dev', q);
      expect(found.map((f) => f.id)).toEqual([a]);
    }
    const [doc] = await findDocuments(db.pool, 'dev', a!.toUpperCase());
    expect(doc).toMatchObject({ id: a, number: '12 345 678', source: 'acte', status: { id: 3, name: 'ready' }, text: { raw: 'raw text', boosted: 'boosted text' } });
    expect(doc!.confidence).toEqual({ pages: [{ pageNumber: 1, confidence: 88 }] });
    expect((await findDocuments(db.pool, 'dev', 'ab-12')).map((f) => f.number)).toEqual(['AB-12']);
    expect(await findDocuments(db.pool, 'dev', '999')).toEqual([]);

    const client = await db.pool.connect();
    try {
      await client.query('BEGIN; SET LOCAL enable_seqscan = off');
      const { rows } = await client.query(
        `EXPLAIN SELECT id FROM extraction_queue WHERE lower(regexp_replace(document_number, U&'[[:space:]\\00A0\\202F]+', '', 'g')) = '12345678'`,
      );
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/extraction_queue_document_number_norm_idx/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});

describe('error classes', () => {
  it('SQL and TypeScript class the same messages the same way', async () => {
    const samples: [string, string][] = [
      ['PermanentError: corrupt PDF: MuPDF cannot open it: bad xref', 'poison'],
      ['PermanentError: not a PDF (got HTML)', 'poison'],
      ['PermanentError: encrypted PDF: a password is required to open it', 'poison'],
      ['ObjectTooLargeError: object actes/x.pdf is 300 MiB', 'poison'],
      ['attempts exhausted (3/3): TimeBudgetError: page 1 exceeded the page time budget of 3 s (rendering)', 'budget'],
      ['interrupted by shutdown after 20 s (page 3 of 60, ocr); the attempt counts: it ran longer than the page time budget of 8 s', 'budget'],
      ['lease expired: worker h:1:w0 stopped before finishing (attempt 3/3); attempts exhausted', 'lease'],
      ['attempts exhausted (3/3): RetryableError: OCR thread exited (code 1)', 'memory'],
      ['attempts exhausted (3/3): RetryableError: out of memory while opening the PDF: x', 'memory'],
      ['ObjectNotFoundError: object not found: actes/gone.pdf', 'storage'],
      ['StorageAuthError: Supabase storage refused actes/a.pdf (HTTP 403)', 'storage'],
      ['attempts exhausted (3/3): RetryableError: download of actes/a.pdf timed out', 'storage'],
      ['something nobody foresaw', 'other'],
    ];
    for (const [msg, expected] of samples) {
      const { rows } = await db.pool.query(`SELECT ${ERROR_CLASS} AS c FROM (SELECT $1::text AS ocr_error) q`, [msg]);
      expect([msg, rows[0].c]).toEqual([msg, expected]);
      expect([msg, classifyError(msg)]).toEqual([msg, expected]);
    }
  });
});
