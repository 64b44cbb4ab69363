/**
 * How a page is segmented by tesseract, chosen from the page itself rather than from the document's mode
 * alone (issue 30), from cues preprocessing measures in the ink components it labels anyway
 * (src/ocr/layout-cues.ts): no extra reading.
 *
 * - A ruled grid (a register) is read as one block (psm 6), in either mode: automatic layout cuts it
 *   into cells and scatters them.
 * - A register page (`index`) whose text stands in two or more wide columns (a typed list in columns,
 *   without rules) is read with automatic layout (psm 3), which finds the columns: one block runs the
 *   lines of the columns together. Measured on 12 such pages (bench:quality, wider set): raw F1 0.76 →
 *   0.90, boosted 0.82 → 0.90. Other register pages keep one block: on the typed tables of the shared
 *   set (a narrow date column, a cast list, a form) automatic layout lost 0.005–0.047 boosted F1.
 * - A deed page (`acte`) keeps automatic layout.
 */
import type { LayoutCues } from './layout-cues';
import { PSM, type Psm } from './tesseract';
import type { OcrMode } from './types';

/**
 * The segmentation a page gets when it cannot be measured (too little ink to tell): psm 6 (one block)
 * reads register tables far better than psm 3; prose wants automatic layout.
 */
export const PSM_FOR_MODE: Record<OcrMode, Psm> = {
  index: PSM.SINGLE_BLOCK,
  acte: PSM.AUTO,
};

/** A column of text at least this share of the text's width is a column of running text, not a table's. */
export const WIDE_COLUMN = 0.35;

/** A page whose text stands in two or more wide columns: a list or running text, not a table's columns. */
export function inTextColumns(cues: LayoutCues | null | undefined): boolean {
  return !!cues && cues.grids === 0 && cues.columns.filter((c) => c >= WIDE_COLUMN).length >= 2;
}

/**
 * The page segmentation for a page (see above). The mode's own (`PSM_FOR_MODE`) when the page could not
 * be measured (no cues: too little text to tell).
 */
export function psmForPage(mode: OcrMode, cues: LayoutCues | null | undefined): Psm {
  if (!cues) return PSM_FOR_MODE[mode];
  if (cues.grids > 0) return PSM.SINGLE_BLOCK;
  if (mode === 'index') return inTextColumns(cues) ? PSM.AUTO : PSM.SINGLE_BLOCK;
  return PSM.AUTO;
}
