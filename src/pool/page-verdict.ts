/**
 * A document whose pages could not all be read: does it complete, with those pages flagged, or fail?
 * One bad page (a poison page past its budget, a page MuPDF cannot render, a page that crashes its
 * thread) must not cost the text of the good ones; a document most of whose pages cannot be read is
 * not worth storing as text, and an operator should see it at 4 with the reasons.
 */
import type { PageResult } from '../ocr/types';

export type PageVerdict = { complete: true } | { complete: false; message: string };

/** Complete unless more than `maxFailedPercent` % of the pages failed. */
export function pageVerdict(pages: ReadonlyArray<Pick<PageResult, 'pageNumber' | 'failed'>>, maxFailedPercent: number): PageVerdict {
  const failed = pages.filter((p) => p.failed !== undefined);
  if (failed.length === 0 || failed.length * 100 <= maxFailedPercent * pages.length) return { complete: true };
  const reasons = failed.map((p) => `page ${p.pageNumber}: ${p.failed}`).join('; ');
  return {
    complete: false,
    message: `${failed.length} of ${pages.length} page(s) could not be read (more than ${maxFailedPercent} %): ${reasons}`.slice(0, 900),
  };
}
