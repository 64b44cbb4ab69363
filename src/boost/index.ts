/**
 * The boost: a document's raw OCR pages → `boosted_file_content`, plus the confidence kept with it.
 *
 * Per document, not per page: running headers and footers are recognised by repeating across pages.
 * Pages keep their `--- Page N ---` separators. Each page goes through
 *   1. alignment of tesseract's text with its words (./lines), so rules know each word's confidence;
 *   2. noise removal (./noise): specks, low-confidence noise lines, page numbers, running headers/footers;
 *   3. the mode's rules: register pages rebuilt as Markdown tables (./index-table), deeds reflowed and
 *      typeset (./acte).
 * Pure: the same pages always give the same text.
 */
import type { OcrMode, PageResult } from '../ocr/types';
import { cleanText } from '../text/clean';
import { frenchDictionary, type FrenchDictionary } from '../text/french-words';
import { type DocumentConfidence, pageSeparator, unreadPageMarker } from '../text/page';
import { boostActePage } from './acte';
import { capitalsCarryAccents } from './french';
import { pageConfidence } from './confidence';
import { boostIndexPage, ruleColumns } from './index-table';
import { alignLines, lineText, type Line } from './lines';
import { dropNoise, dropPageFurniture } from './noise';

export interface BoostedDocument {
  /** `boosted_file_content`. */
  text: string;
  confidence: DocumentConfidence;
}

type BoostPage = Pick<PageResult, 'pageNumber' | 'text' | 'source' | 'confidence' | 'words' | 'width' | 'failed'> & Partial<Pick<PageResult, 'textColumns'>>;

export interface BoostOptions {
  /** French word list (default: the `an-array-of-french-words` package, loaded once); null: no spelling rules. */
  dictionary?: FrenchDictionary | null;
}

export function boostDocument(mode: OcrMode, pages: readonly BoostPage[], options: BoostOptions = {}): BoostedDocument {
  const dictionary = options.dictionary === undefined ? frenchDictionary() : options.dictionary ?? undefined;
  const accentCapitals = dictionary ? capitalsCarryAccents(pages.flatMap((p) => p.words.map((w) => w.text)), dictionary) : true;
  const rules: number[][] = [];
  const aligned: Line[][] = pages.map((p) => {
    const lines = alignLines(cleanText(p.text).replace(/\n$/, ''), p.words);
    // Vertical rules read as `|` are specks to drop, but first they say where the columns are.
    rules.push(mode === 'index' ? ruleColumns(lines.flat(), lines.filter((l) => l.length > 0).length) : []);
    return p.source === 'ocr' ? dropNoise(lines, { fragments: mode === 'index' }) : lines;
  });
  // Furniture is decided on line texts; the surviving lines keep their tokens.
  // A deed's page number is printed text the ground truth of printed pages keeps: dropping it cost 0.1–0.3
  // points of CER on each of 11 printed pages of the wider set and changed nothing on the shared set's
  // deeds (bench:quality, issue 30). A register's decorated folio (`- 3 -`) still goes: it sits among
  // the entries (+0.003 F1 over 12 list pages).
  const kept = dropPageFurniture(aligned.map((lines) => lines.map(lineText)), { bareNumbers: false, pageNumbers: mode === 'index' });
  const filtered = aligned.map((lines, i) => {
    const keep = kept[i]!;
    let k = 0;
    return lines.filter((l) => {
      if (k < keep.length && lineText(l) === keep[k]) {
        k++;
        return true;
      }
      return false;
    });
  });
  const texts = filtered.map((lines, i) => {
    const page = pages[i]!;
    // A register page in wide columns of text (a typed list, read with automatic layout) is not a table:
    // its "columns" are the page's, and rebuilding rows across them reordered and merged entries (issue 30:
    // one of 12 list pages lost 0.033 F1, none gained).
    if (page.failed !== undefined) return `${pageSeparator(page.pageNumber)}\n${unreadPageMarker(page.failed)}`;
    const table = !page.textColumns;
    const body = mode === 'index' ? boostIndexPage(lines, page.width, rules[i], { table }) : boostActePage(lines, { dictionary, accentCapitals });
    return body.trim() ? `${pageSeparator(page.pageNumber)}\n${body.trim()}` : pageSeparator(page.pageNumber);
  });
  return { text: texts.length ? `${texts.join('\n\n')}\n` : '', confidence: pageConfidence(pages) };
}
