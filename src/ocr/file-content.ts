/** The `file_content` format: a document's pages joined into one text. */
import type { PageResult } from './types';
import { pageSeparator } from '../text/page';

/**
 * `file_content`: for each page, a line `--- Page N ---` followed by the page's text (trailing whitespace
 * removed); pages separated by one blank line; the whole ends with a single `\n`. Example:
 * `--- Page 1 ---\nfirst page\n\n--- Page 2 ---\nsecond page\n`. An empty page is just its separator line.
 */
export function joinPages(pages: ReadonlyArray<Pick<PageResult, 'pageNumber' | 'text'>>): string {
  if (pages.length === 0) return '';
  const blocks = pages.map((p) => {
    const text = p.text.replace(/\s+$/u, '');
    return text ? `${pageSeparator(p.pageNumber)}\n${text}` : pageSeparator(p.pageNumber);
  });
  return `${blocks.join('\n\n')}\n`;
}
