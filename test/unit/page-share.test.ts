import { describe, expect, it } from 'vitest';
import type { PageResult } from '../../src/ocr/types';
import { failedPage } from '../../src/pool/page-row';
import { PageShare } from '../../src/pool/page-share';

const info = { key: 'dev:d1:1', documentId: 'd1', total: 5, pdf: new Uint8Array(), mode: 'acte' as const, startedAt: 0 };
const read = (pageNumber: number): PageResult => ({ pageNumber, text: `p${pageNumber}`, source: 'ocr', confidence: 90, words: [], width: 1, height: 1 });

function share(todo: number[]) {
  const kept: number[] = [];
  const s = new PageShare(todo, info, async (p) => {
    kept.push(p.pageNumber);
  });
  return { s, kept };
}

describe('the pages of a document shared with idle workers', () => {
  it('hands each page out once, lowest first, to the job and to helpers alike', () => {
    const { s } = share([0, 2, 3, 4]);
    expect(s.take()).toBe(0);
    const lent = s.lend()!;
    expect({ index: lent.index, total: lent.total, key: lent.key }).toEqual({ index: 2, total: 5, key: 'dev:d1:1' });
    expect(s.take()).toBe(3);
    expect(s.lend()?.index).toBe(4);
    expect(s.take()).toBeUndefined();
    expect(s.lend()).toBeUndefined();
    expect(s.onLoan).toBe(2);
  });

  it('a page a helper read is kept by the job, once, and its loan ends', async () => {
    const { s, kept } = share([0, 1]);
    const lent = s.lend()!;
    const settled = s.settled();
    lent.settle(read(1));
    lent.settle(read(1));
    await settled;
    expect(kept).toEqual([1]);
    expect(s.onLoan).toBe(0);
  });

  it('a page a helper failed on is kept as failed, like the job’s own', async () => {
    const { s, kept } = share([3]);
    const lent = s.lend()!;
    lent.settle(failedPage(4, 'OCR thread crashed'));
    await s.settled().catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    expect(kept).toEqual([4]);
  });

  it('a page handed back unread goes back to the front, for the job’s own thread', async () => {
    const { s, kept } = share([1, 2]);
    const lent = s.lend()!;
    expect(s.take()).toBe(2);
    lent.settle(null);
    await new Promise((r) => setImmediate(r));
    expect(kept).toEqual([]);
    expect(s.onLoan).toBe(0);
    expect(s.take()).toBe(1);
  });

  it('lends nothing once closed (the job is over)', () => {
    const { s } = share([0, 1]);
    s.close();
    expect(s.lend()).toBeUndefined();
  });
});
