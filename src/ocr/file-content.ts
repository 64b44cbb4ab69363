/** The `file_content` format: a document's pages joined into one text. */
import type { PageResult } from './types';
import { pageSeparator, unreadPageMarker } from '../text/page';

/**
 * `file_content`: for each page, a line `--- Page N ---` followed by the page's text (trailing whitespace
 * removed); pages separated by one blank line; the whole ends with a single `\n`. Example:
 * `--- Page 1 ---\nfirst page\n\n--- Page 2 ---\nsecond page\n`. An empty page is just its separator line;
 * a page that could not be read has the unread-page marker under it instead of text.
 */
export function joinPages(pages: ReadonlyArray<Pick<PageResult, 'pageNumber' | 'text' | 'failed'>>): string {
  if (pages.length === 0) return '';
  const blocks = pages.map((p) => {
    if (p.failed !== undefined) return `${pageSeparator(p.pageNumber)}\n${unreadPageMarker(p.failed)}`;
    const text = p.text.replace(/\s+$/u, '');
    return text ? `${pageSeparator(p.pageNumber)}\n${text}` : pageSeparator(p.pageNumber);
  });
  return `${blocks.join('\n\n')}\n`;
}
