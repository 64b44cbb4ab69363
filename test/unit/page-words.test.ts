/** Why a page has no row, as GET /api/jobs/:env/:id/pages/:n says it (the status server's test covers the rest). */
import { describe, expect, it } from 'vitest';
import { missingPage } from '../../src/status/page-words';

const DAY = 86_400_000;
const now = Date.parse('2026-12-07T12:00:00Z');
const doc = (status_id: number, extra: Partial<Parameters<typeof missingPage>[0]> = {}) => ({ status_id, ocr_completed_at: null, ocr_error: null, pages: null, kept: 0, ...extra });

describe('missingPage', () => {
  it('names the document’s state when the page is within it', () => {
    expect(missingPage(doc(3), 1, 7, now)).toBe('not read yet: the document waits to be read');
    expect(missingPage(doc(3, { kept: 2, pages: 5 }), 3, 7, now)).toBe('not read yet: the document waits to be read; 2 page(s) of it kept');
    expect(missingPage(doc(4, { ocr_error: 'PermanentError: not a PDF' }), 1, 7, now)).toBe('not read: the document failed (PermanentError: not a PDF)');
    expect(missingPage(doc(1), 1, 7, now)).toBe('not read yet: the document is at status 1 (pending)');
  });

  it('says out of range before anything else when the page count is known', () => {
    expect(missingPage(doc(5, { pages: 2, kept: 2, ocr_completed_at: new Date(now) }), 3, 7, now)).toBe('out of range: the document has 2 page(s)');
  });

  it('takes a completed document without rows as pruned only once its rows are past the keep days', () => {
    const at = (days: number) => doc(5, { pages: 2, ocr_completed_at: new Date(now - days * DAY) });
    expect(missingPage(at(7), 1, 7, now)).toMatch(/^pruned: page rows are deleted 7 day\(s\) after completion/);
    expect(missingPage(at(6.9), 1, 7, now)).toMatch(/^no row kept: the document completed 2026-11-30T/);
    // Without the setting the server cannot tell.
    expect(missingPage(at(30), 1, undefined, now)).toMatch(/^no row kept/);
  });
});
