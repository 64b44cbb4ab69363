import { describe, expect, it } from 'vitest';
import { claim } from '../../src/queue/claim';
import { complete } from '../../src/queue/complete';
import { fail } from '../../src/queue/fail';
import { forgetOtherDigests, loadPages, type PageRow, prunePages, savePage } from '../../src/queue/pages';
import { requeueOne } from '../../src/queue/requeue';
import type { Claim } from '../../src/queue/types';
import { seed, type TestDb, useTestDb } from '../helpers/db';

let db: TestDb;
useTestDb((d) => (db = d), { truncateEach: true });

async function claimOne(worker = 'w1'): Promise<Claim> {
  const c = await claim(db.pool, 'dev', worker, 'index', 60_000);
  if (!c) throw new Error('nothing to claim');
  return c;
}

const page = (n: number, extra: Partial<PageRow> = {}): PageRow => ({
  page: n,
  digest: 'd1',
  state: 'done',
  text: `page ${n}`,
  words: new Uint8Array([1, 2, 0, 0, 0, 0]),
  confidence: 91.5,
  lang: 'fra',
  rotated: null,
  refinements: ['sauvola'],
  timings: { renderMs: 300 },
  error: null,
  detail: { source: 'ocr', width: 2480, height: 3508 },
  layout: null,
  ...extra,
});

describe('ocr_pages: a claimed document’s pages, kept as they are read', () => {
  it('a page is written once under the claim, and read back as written', async () => {
    const [id] = await seed(db.pool, [{}]);
    const c = await claimOne();
    const layout = new Uint8Array([9, 8, 7]);
    expect(await savePage(db.pool, c, page(2, { layout }))).toEqual({ applied: true, written: true });
    expect(await savePage(db.pool, c, page(1))).toEqual({ applied: true, written: true });
    // The same page again (a helper, an earlier attempt): nothing is written twice.
    expect(await savePage(db.pool, c, page(2, { text: 'other' }))).toEqual({ applied: true, written: false });
    const rows = await loadPages(db.pool, id!, 'd1');
    expect(rows.map((r) => [r.page, r.text])).toEqual([
      [1, 'page 1'],
      [2, 'page 2'],
    ]);
    expect(rows[0]).toMatchObject({ state: 'done', confidence: 91.5, lang: 'fra', refinements: ['sauvola'], timings: { renderMs: 300 }, detail: { width: 2480 } });
    expect([...rows[0]!.words!]).toEqual([1, 2, 0, 0, 0, 0]);
    expect(rows.map((r) => (r.layout ? [...r.layout] : null))).toEqual([null, [9, 8, 7]]);
    expect(await loadPages(db.pool, id!, 'another pdf')).toEqual([]);
  });

  it('a worker that lost its claim writes no page', async () => {
    const [id] = await seed(db.pool, [{}]);
    const c = await claimOne();
    await db.pool.query(`UPDATE extraction_queue SET ocr_attempts = ocr_attempts + 1 WHERE id = $1`, [id]);
    expect(await savePage(db.pool, c, page(1))).toEqual({ applied: false, reason: 'lost' });
    expect(await loadPages(db.pool, id!, 'd1')).toEqual([]);
  });

  it('pages of other bytes (the PDF was replaced) are forgotten, under the claim', async () => {
    const [id] = await seed(db.pool, [{}]);
    const c = await claimOne();
    await savePage(db.pool, c, page(1, { digest: 'old' }));
    await savePage(db.pool, c, page(1, { digest: 'old' }));
    expect(await forgetOtherDigests(db.pool, { ...c, attempt: c.attempt + 1 }, 'new')).toBe(0);
    expect(await forgetOtherDigests(db.pool, c, 'new')).toBe(1);
    expect(await savePage(db.pool, c, page(1, { digest: 'new' }))).toEqual({ applied: true, written: true });
    expect((await loadPages(db.pool, id!, 'new')).map((r) => r.page)).toEqual([1]);
  });

  it('a requeue (4 → 3) forgets the failed pages, so they are tried again, and keeps the read ones', async () => {
    const [id] = await seed(db.pool, [{}]);
    const c = await claimOne();
    await savePage(db.pool, c, page(1));
    await savePage(db.pool, c, page(2, { state: 'failed', text: '', words: null, error: 'TimeBudgetError: page 2 exceeded…' }));
    await fail(db.pool, c, { permanent: true, backoffMs: 0, message: 'PermanentError: 1 of 2 page(s)…' });
    expect(await requeueOne(db.pool, 'dev', id!, 'alice')).toEqual({ requeued: true });
    expect((await loadPages(db.pool, id!, 'd1')).map((r) => [r.page, r.state])).toEqual([[1, 'done']]);
  });

  it('pruning deletes the rows of documents completed longer ago than kept, and of documents gone', async () => {
    const [old, recent, running, gone] = await seed(db.pool, [{}, {}, {}, {}]);
    for (const id of [old, recent, running, gone]) {
      const c = await claimOne();
      expect(c.id).toBe(id);
      await savePage(db.pool, c, page(1));
      if (id !== running) await complete(db.pool, c, { fileContent: '', boostedFileContent: '', progress: {} });
    }
    await db.pool.query(`UPDATE extraction_queue SET ocr_completed_at = now() - interval '8 days' WHERE id = $1`, [old]);
    await db.pool.query(`DELETE FROM extraction_queue WHERE id = $1`, [gone]);
    expect(await prunePages(db.pool, 7)).toBe(2);
    const { rows } = await db.pool.query(`SELECT document_id FROM ocr_pages ORDER BY document_id`);
    expect(rows.map((r) => r.document_id).sort()).toEqual([recent, running].sort());
  });
});
