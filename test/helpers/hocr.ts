/** Reading hOCR the way an hOCR tool does, and comparing word boxes: for tests of a page's words. */
import { expect } from 'vitest';
import type { PdfWord } from '../../src/text/page';

type Box = Pick<PdfWord, 'x0' | 'y0' | 'x1' | 'y1'>;

/** Intersection over union of two boxes. */
export function iou(a: Box, b: Box): number {
  const inter = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const area = (r: Box) => (r.x1 - r.x0) * (r.y1 - r.y0);
  return inter / (area(a) + area(b) - inter);
}

interface HocrWord extends Box {
  text: string;
  conf: number | null;
  line: string;
}

/**
 * The words of an hOCR page, read the way an hOCR tool does: elements by class, `bbox` and `x_wconf`
 * from their title. Checks as it goes that the markup is well-formed XML (every element closed, in order).
 */
export function parseHocr(hocr: string): { page: { bbox: number[]; scanRes: number[] }; words: HocrWord[] } {
  const stack: { name: string; cls: string; title: string; id: string }[] = [];
  const words: HocrWord[] = [];
  let page: { bbox: number[]; scanRes: number[] } | undefined;
  let text = '';
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? '';
  const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const numbers = (title: string, key: string) => (new RegExp(`${key}((?: -?\\d+)+)`).exec(title)?.[1] ?? '').trim().split(' ').filter(Boolean).map(Number);
  for (const token of hocr.match(/<[^>]+>|[^<]+/g) ?? []) {
    if (token.startsWith('<?') || token.startsWith('<!')) continue;
    if (!token.startsWith('<')) {
      text += token;
      continue;
    }
    const close = /^<\/(\w+)/.exec(token);
    if (close) {
      const open = stack.pop();
      expect(open?.name, `</${close[1]}> closes <${open?.name}>`).toBe(close[1]);
      if (open!.cls === 'ocrx_word') {
        const [x0, y0, x1, y1] = numbers(open!.title, 'bbox') as [number, number, number, number];
        const conf = numbers(open!.title, 'x_wconf');
        words.push({ text: decode(text), x0, y0, x1, y1, conf: conf.length ? conf[0]! : null, line: stack.at(-1)!.id });
      }
      continue;
    }
    const name = /^<(\w+)/.exec(token)![1]!;
    const element = { name, cls: attr(token, 'class'), title: attr(token, 'title'), id: attr(token, 'id') };
    if (element.cls === 'ocr_page') page = { bbox: numbers(element.title, 'bbox'), scanRes: numbers(element.title, 'scan_res') };
    // Tesseract's nesting: page, area, paragraph, line, word.
    const parent = { ocrx_word: 'ocr_line', ocr_line: 'ocr_par', ocr_par: 'ocr_carea', ocr_carea: 'ocr_page' }[element.cls];
    if (parent) expect(stack.at(-1)?.cls, `${element.cls} in ${stack.at(-1)?.cls}`).toBe(parent);
    text = '';
    if (!token.endsWith('/>')) stack.push(element);
  }
  expect(stack).toEqual([]);
  return { page: page!, words };
}

