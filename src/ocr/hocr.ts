/**
 * One page's layout (`PageLayout`, src/ocr/page-layout.ts) as standard hOCR (hOCR 1.2): an `ocr_page`
 * holding `ocr_line`s holding `ocrx_word`s, each with its `bbox`, words with tesseract's confidence as
 * `x_wconf` (none for a text layer's words, which were not recognised).
 *
 * hOCR tools expect pixel coordinates: points are mapped to integer pixels at `dpi` (300 by default,
 * the render resolution OCR_DPI defaults to), and the page says so with `scan_res`. A box is rounded
 * outwards so that it still holds its word. The lines sit in one `ocr_carea` and `ocr_par`, the nesting
 * tesseract writes.
 */
import type { Box } from './page-geometry';
import type { PageLayout, PdfWord } from '../text/page';

export interface HocrOptions {
  /** 1-based page number, for the element ids and `ppageno` (0-based there, as tesseract writes it). */
  pageNumber: number;
  /** Pixels per inch the points are mapped to. */
  dpi?: number;
  /** The document's language, for `lang` (BCP 47, e.g. `fr`). */
  lang?: string;
}

export const HOCR_DPI = 300;

/** The hOCR document of one page. */
export function pageHocr(layout: PageLayout, options: HocrOptions): string {
  const dpi = options.dpi ?? HOCR_DPI;
  const px = dpi / 72;
  const n = options.pageNumber;
  const bbox = (b: Box) =>
    `bbox ${Math.floor(b.x0 * px)} ${Math.floor(b.y0 * px)} ${Math.ceil(b.x1 * px)} ${Math.ceil(b.y1 * px)}`;
  const page = { x0: 0, y0: 0, x1: layout.width, y1: layout.height };
  const body: string[] = [];
  let wordId = 1;
  const lines = linesOf(layout.words);
  for (const [i, words] of lines.entries()) {
    body.push(`     <span class="ocr_line" id="line_${n}_${i + 1}" title="${bbox(around(words))}">`);
    for (const w of words) {
      const conf = w.confidence === null ? '' : `; x_wconf ${Math.round(w.confidence)}`;
      body.push(`      <span class="ocrx_word" id="word_${n}_${wordId++}" title="${bbox(w)}${conf}">${escapeXml(w.text)}</span>`);
    }
    body.push('     </span>');
  }
  // One area and one paragraph around every line: the nesting tesseract writes and tools written for it
  // walk (the layout keeps lines, not blocks).
  const all = lines.length ? bbox(around(layout.words)) : '';
  const content = lines.length
    ? [`   <div class="ocr_carea" id="block_${n}_1" title="${all}">`, `    <p class="ocr_par" id="par_${n}_1" title="${all}">`, ...body, '    </p>', '   </div>']
    : [];
  const lang = options.lang ? ` xml:lang="${escapeXml(options.lang)}" lang="${escapeXml(options.lang)}"` : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
    `<html xmlns="http://www.w3.org/1999/xhtml"${lang}>`,
    ' <head>',
    `  <title>page ${n}</title>`,
    '  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
    '  <meta name="ocr-system" content="ocr-pool"/>',
    '  <meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf"/>',
    ' </head>',
    ' <body>',
    `  <div class="ocr_page" id="page_${n}" title="${bbox(page)}; ppageno ${n - 1}; scan_res ${dpi} ${dpi}">`,
    ...content,
    '  </div>',
    ' </body>',
    '</html>',
    '',
  ].join('\n');
}

/** The box around `boxes`. */
function around(boxes: readonly Box[]): Box {
  return boxes.reduce<Box>((b, w) => ({ x0: Math.min(b.x0, w.x0), y0: Math.min(b.y0, w.y0), x1: Math.max(b.x1, w.x1), y1: Math.max(b.y1, w.y1) }), boxes[0]!);
}

/** The words grouped by line, lines in the order their first word comes. */
function linesOf(words: readonly PdfWord[]): PdfWord[][] {
  const lines = new Map<number, PdfWord[]>();
  for (const w of words) {
    const line = lines.get(w.line);
    if (line) line.push(w);
    else lines.set(w.line, [w]);
  }
  return [...lines.values()];
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
