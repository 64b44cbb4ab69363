import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcrEngine } from '../../src/ocr/engine';
import { loadMupdf } from '../../src/ocr/mupdf';
import { joinPages } from '../../src/ocr/file-content';
import { searchablePdf } from '../../src/ocr/searchable-pdf';
import type { PageLayout, PdfWord } from '../../src/text/page';
import { iou } from '../helpers/hocr';
import { textCer } from '../helpers/text-cer';
import { type KnownWord, makePdf, turnPages, type WordsScanSpec, wordsScan, LINE_OF, WORD_LINES } from '../helpers/pdfs';

const LINES = WORD_LINES;

type Box = Pick<PdfWord, 'x0' | 'y0' | 'x1' | 'y1'>;

const work = mkdtempSync(path.join(tmpdir(), 'searchable-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let files = 0;
function file(bytes: Uint8Array): string {
  const p = path.join(work, `${files++}.pdf`);
  writeFileSync(p, bytes);
  return p;
}

/** Every page of `pdf` rasterised by poppler at 100 DPI, grey: one PGM's bytes a page. */
function rasters(pdf: Uint8Array): Buffer[] {
  const prefix = path.join(work, `r${files++}`);
  execFileSync('pdftoppm', ['-r', '100', '-gray', file(pdf), prefix]);
  const name = path.basename(prefix);
  return readdirSync(work)
    .filter((f) => f.startsWith(`${name}-`))
    .sort()
    .map((f) => readFileSync(path.join(work, f)));
}

const pdftotext = (pdf: Uint8Array, ...options: string[]): string => execFileSync('pdftotext', [...options, '-enc', 'UTF-8', file(pdf), '-']).toString('utf8');
const nonEmptyLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

async function mupdfText(pdf: Uint8Array, index = 0): Promise<string> {
  const mupdf = await loadMupdf();
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  try {
    const stext = doc.loadPage(index).toStructuredText('');
    return stext.asText();
  } finally {
    doc.destroy();
  }
}

/** A layout holding the page's true words, on their lines (what a perfect reading would give). */
function layoutOf(words: KnownWord[], width: number, height: number): PageLayout {
  return { width, height, words: words.map((w) => ({ ...w, confidence: 95, line: LINE_OF.get(w.text)! })) };
}

/** Where MuPDF's search finds each word on page `index` of `pdf`: the box around its one hit. */
async function searchBoxes(pdf: Uint8Array, index: number, words: readonly string[]): Promise<Map<string, Box>> {
  const mupdf = await loadMupdf();
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  try {
    const page = doc.loadPage(index);
    const found = new Map<string, Box>();
    for (const text of words) {
      const hits = page.search(text, {});
      if (hits.length !== 1) continue;
      const xs = hits[0]!.flatMap((q) => [q[0]!, q[2]!, q[4]!, q[6]!]);
      const ys = hits[0]!.flatMap((q) => [q[1]!, q[3]!, q[5]!, q[7]!]);
      found.set(text, { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) });
    }
    page.destroy();
    return found;
  } finally {
    doc.destroy();
  }
}

async function pageSize(pdf: Uint8Array): Promise<[number, number]> {
  const mupdf = await loadMupdf();
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  try {
    const [x0, y0, x1, y1] = doc.loadPage(0).getBounds();
    return [x1 - x0, y1 - y0];
  } finally {
    doc.destroy();
  }
}

describe('searchablePdf', () => {
  it.each([
    ['upright', { dpi: 300 }],
    ['skewed 2°', { dpi: 300, skew: 2 }],
    ['turned 90°', { dpi: 200, turn: 90 }],
  ] as const)('%s scan: same pixels, the words in pdftotext line by line, and found by search where they are', async (_name, spec: Omit<WordsScanSpec, 'lines'>) => {
    const { pdf, words } = await wordsScan({ lines: LINES, ...spec });
    const [w, h] = await pageSize(pdf);
    const out = await searchablePdf(pdf, [layoutOf(words, w, h)]);

    // Saved incrementally: the original bytes come first, untouched, and render the same.
    expect(Buffer.from(out.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    const [before, after] = [rasters(pdf), rasters(out)];
    expect(after).toHaveLength(1);
    expect(after[0]!.equals(before[0]!)).toBe(true);

    expect(pdftotext(pdf).trim()).toBe('');
    // As MuPDF extracts it, and in content-stream order (-raw, which poppler keeps for upright text only):
    // line by line, words apart.
    if (!spec.turn) expect(nonEmptyLines(pdftotext(out, '-raw'))).toEqual(LINES);
    expect(nonEmptyLines(await mupdfText(out))).toEqual(LINES);
    // In poppler's reading order: the same, but for a skewed scan, whose lines poppler breaks where they
    // have fallen more than half a font size from where they started; never in the middle of a word.
    const poppler = nonEmptyLines(pdftotext(out));
    if (!spec.skew) expect(poppler).toEqual(LINES);
    expect(poppler.flatMap((l) => l.split(' ')).sort()).toEqual(LINES.flatMap((l) => l.split(' ')).sort());
    for (const l of poppler) expect(LINES.some((t) => ` ${t} `.includes(` ${l} `)), l).toBe(true);

    const found = await searchBoxes(
      out,
      0,
      words.map((x) => x.text),
    );
    for (const t of words) {
      expect(found.has(t.text), t.text).toBe(true);
      expect(iou(found.get(t.text)!, t), `${t.text}: ${JSON.stringify(found.get(t.text))} vs ${JSON.stringify(t)}`).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('boxes as OCR gives them on a ruled register (one over the rule to the end of its row, one holding the next word, a word with a space before it): each line whole and in order in poppler reading order', async () => {
    const { pdf, words } = await wordsScan({ lines: LINES, dpi: 300 });
    const [w, h] = await pageSize(pdf);
    const layout = layoutOf(words, w, h);
    const word = (text: string) => layout.words.find((x) => x.text === text)!;
    // What tesseract gives on a closed grid: a word's box running along the rule under its row, over the
    // words after it; a box taking in the next, short word; a word beginning inside the one before it.
    word('Vente').x1 = word('Tremblay').x1;
    word('demeurant').x1 = (word('Sherbrooke').x0 + word('Sherbrooke').x1) / 2;
    word('officiel').x0 = word('cadastre').x0 + 5;
    word('connu').text = ' connu';
    const changed = new Set(['Vente', 'demeurant', 'officiel', 'connu']);
    const out = await searchablePdf(pdf, [layout]);

    expect(rasters(out)[0]!.equals(rasters(pdf)[0]!)).toBe(true);
    expect(nonEmptyLines(pdftotext(out))).toEqual(LINES);
    expect(nonEmptyLines(pdftotext(out, '-raw'))).toEqual(LINES);
    expect(nonEmptyLines(await mupdfText(out))).toEqual(LINES);
    const found = await searchBoxes(
      out,
      0,
      words.map((x) => x.text),
    );
    for (const t of words) {
      expect(found.has(t.text), t.text).toBe(true);
      if (!changed.has(t.text)) expect(iou(found.get(t.text)!, t), t.text).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('a page turned by its /Rotate: the words land where the page shows them', async () => {
    const scan = await wordsScan({ lines: LINES, dpi: 150 });
    const pdf = await turnPages(scan.pdf, 90);
    const [w, h] = await pageSize(pdf);
    // Turned a quarter clockwise as displayed: what stood at (x, y) of the upright page is at (H - y, x).
    const words = scan.words.map((t) => ({ text: t.text, x0: w - t.y1, y0: t.x0, x1: w - t.y0, y1: t.x1 }));
    const out = await searchablePdf(pdf, [layoutOf(words, w, h)]);
    expect(rasters(out)[0]!.equals(rasters(pdf)[0]!)).toBe(true);
    expect(nonEmptyLines(await mupdfText(out))).toEqual(LINES);
    const found = await searchBoxes(
      out,
      0,
      words.map((x) => x.text),
    );
    for (const t of words) expect(iou(found.get(t.text)!, t), t.text).toBeGreaterThanOrEqual(0.5);
  });

  it('any Unicode character is written, not only those of Windows-1252, and given back by pdftotext and MuPDF', async () => {
    const born = await makePdf([{ lines: [''] }]);
    const words: PdfWord[] = ['Łódź', 'naïve', 'ŒUVRE', 'Ğ→€'].map((text, i) => ({ text, confidence: 90, x0: 100 + 80 * i, y0: 400, x1: 160 + 80 * i, y1: 412, line: 0 }));
    const out = await searchablePdf(born, [{ width: 595, height: 842, words }]);
    expect(nonEmptyLines(pdftotext(out))).toEqual(['Łódź naïve ŒUVRE Ğ→€']);
    expect(nonEmptyLines(await mupdfText(out))).toEqual(['Łódź naïve ŒUVRE Ğ→€']);
  });

  it('a file MuPDF had to repair is saved whole, and still shows the same and holds the words', async () => {
    const { pdf: sound, words } = await wordsScan({ lines: LINES, dpi: 150 });
    // A cross-reference table that is not where the trailer says: MuPDF rebuilds it, and cannot append to it.
    const text = Buffer.from(sound).toString('latin1');
    const broken = new Uint8Array(Buffer.from(text.replace(/startxref\s+\d+/, 'startxref\n9'), 'latin1'));
    const [w, h] = await pageSize(broken);
    const out = await searchablePdf(broken, [layoutOf(words, w, h)]);
    expect(Buffer.from(out.subarray(0, broken.length)).equals(Buffer.from(broken))).toBe(false);
    expect(rasters(out)[0]!.equals(rasters(sound)[0]!)).toBe(true);
    expect(nonEmptyLines(await mupdfText(out))).toEqual(LINES);
  });

  it('leaves a page without a layout alone, and a file with nothing to add as it was', async () => {
    const born = await makePdf([{ lines: ['The first page'] }, { lines: ['The second page, read from its text layer'] }]);
    const word: PdfWord = { text: 'Ajouté', confidence: 90, x0: 300, y0: 400, x1: 360, y1: 412, line: 0 };
    const out = await searchablePdf(born, [{ width: 595, height: 842, words: [word] }, null]);
    const [before, after] = [rasters(born), rasters(out)];
    expect(after).toHaveLength(2);
    for (const [i, page] of after.entries()) expect(page.equals(before[i]!), `page ${i + 1}`).toBe(true);
    expect(nonEmptyLines(await mupdfText(out, 0))).toEqual(['The first page', 'Ajouté']);
    expect(await mupdfText(out, 1)).toBe(await mupdfText(born, 1));
    expect(pdftotext(out, '-f', '2', '-l', '2')).toBe(pdftotext(born, '-f', '2', '-l', '2'));

    expect(await searchablePdf(born, [null, null])).toBe(born);
    await expect(searchablePdf(born, [null])).rejects.toThrow(/1 page layouts for a PDF of 2 pages/);
  });
});

/** The pages of `parts`, in order, as one PDF. */
async function concatPdfs(parts: Uint8Array[]): Promise<Uint8Array> {
  const mupdf = await loadMupdf();
  const out = new mupdf.PDFDocument();
  try {
    for (const part of parts) {
      const src = mupdf.Document.openDocument(part, 'application/pdf').asPDF()!;
      for (let i = 0; i < src.countPages(); i++) out.graftPage(-1, src, i);
      src.destroy();
    }
    return out.saveToBuffer('compress').asUint8Array().slice();
  } finally {
    out.destroy();
  }
}

describe('searchablePdf of what the engine read', () => {
  let engine: OcrEngine;
  beforeAll(async () => {
    engine = await OcrEngine.create({ langs: 'fra', dpi: 300, timeoutMs: 30_000 });
  }, 60_000);
  afterAll(async () => {
    await engine?.terminate();
  });

  it('a 3-page deed (an enlarged 150 DPI scan, a born-digital page, a scan turned 90°): same pages and pixels, the text layer left alone, pdftotext within 1 % CER of file_content, words found where printed', async () => {
    const small = await wordsScan({ lines: LINES, dpi: 150, pageDpi: 300, size: 10 });
    const turned = await wordsScan({ lines: LINES, dpi: 300, turn: 90 });
    const digital = await makePdf([{ lines: ['Acte de vente entre les parties', 'Le notaire soussigne certifie'] }]);
    const pdf = await concatPdfs([small.pdf, digital, turned.pdf]);
    const { pages } = await engine.ocrDocument(pdf, 'acte');
    expect(pages.map((p) => p.source)).toEqual(['ocr', 'text-layer', 'ocr']);
    expect(pages[0]!.preprocess?.scale ?? 1).toBeGreaterThan(1); // the case preprocessing enlarges
    const out = await searchablePdf(
      pdf,
      pages.map((p) => (p.source === 'ocr' ? p.layout! : null)),
    );

    const [before, after] = [rasters(pdf), rasters(out)];
    expect(after).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(after[i]!.equals(before[i]!), `page ${i + 1}`).toBe(true);
    expect(pdftotext(out, '-f', '2', '-l', '2')).toBe(pdftotext(pdf, '-f', '2', '-l', '2'));

    const fileContent = joinPages(pages);
    const cer = textCer(pdftotext(out), fileContent);
    process.stdout.write(`3-page searchable PDF: pdftotext vs file_content CER ${(100 * cer).toFixed(2)} %\n`);
    expect(cer).toBeLessThanOrEqual(0.01);

    for (const [index, scan] of [[0, small], [2, turned]] as const) {
      const read = new Set(pages[index]!.layout!.words.map((w) => w.text));
      const five = scan.words.filter((w) => read.has(w.text)).slice(0, 5);
      expect(five).toHaveLength(5);
      const found = await searchBoxes(out, index, five.map((w) => w.text));
      for (const t of five) expect(iou(found.get(t.text)!, t), `page ${index + 1}: ${t.text}`).toBeGreaterThanOrEqual(0.5);
    }
  }, 180_000);

  it.each([
    ['a typewritten photocopy, 1 bit, skewed 1.1°', 'actes/1978/acte-5610-transmission.pdf'],
    ['a 2-page 200 DPI JPEG scan, skewed', 'actes/1994/acte-8304-hypotheque.pdf'],
    ['an English deed, skewed', 'actes/1987/acte-4081-sale.pdf'],
    ['a register page with ledger rules, skewed 0.9°', 'index/2475312.pdf'],
    ['a typewritten register in a closed grid, 2 pages of a 1-bit photocopy, skewed', 'index/412-7.pdf'],
  ])('the sample %s: same pages and pixels, pdftotext (poppler reading order) within one percent CER of file_content, five words a page found where printed', async (_kind, file) => {
    const pdf = new Uint8Array(readFileSync(path.join(__dirname, '..', '..', 'samples', file)));
    const { pages } = await engine.ocrDocument(pdf, file.startsWith('index') ? 'index' : 'acte');
    const out = await searchablePdf(
      pdf,
      pages.map((p) => (p.source === 'ocr' ? p.layout! : null)),
    );
    const [before, after] = [rasters(pdf), rasters(out)];
    expect(after).toHaveLength(before.length);
    for (let i = 0; i < before.length; i++) expect(after[i]!.equals(before[i]!), `page ${i + 1}`).toBe(true);
    const cer = textCer(pdftotext(out), joinPages(pages));
    process.stdout.write(`${file}: pdftotext vs file_content CER ${(100 * cer).toFixed(2)} %\n`);
    expect(cer).toBeLessThanOrEqual(0.01);

    // Five words a page, found where they are printed. A sample has no true boxes: the printed word is
    // the engine's box of a word read surely (confidence ≥ 85, 5+ letters, once on the page, its box
    // clear of every other box), spread over the page.
    for (const [index, page] of pages.entries()) {
      if (page.source !== 'ocr') continue;
      const words = page.layout!.words;
      // Search is case-blind and finds a word inside longer ones: the word must be in no other.
      const once = (t: string) => words.filter((w) => w.text.toLowerCase().includes(t.toLowerCase())).length === 1;
      const clear = (w: Box) => words.every((o) => o === w || iou(o, w) === 0);
      const sure = words.filter((w) => (w.confidence ?? 0) >= 85 && /^\p{L}{5,}$/u.test(w.text) && once(w.text) && clear(w));
      expect(sure.length, `page ${index + 1}: words read surely`).toBeGreaterThanOrEqual(5);
      const five = [0, 1, 2, 3, 4].map((k) => sure[Math.floor((k * sure.length) / 5)]!);
      const found = await searchBoxes(out, index, five.map((w) => w.text));
      for (const w of five) expect(iou(found.get(w.text) ?? { x0: 0, y0: 0, x1: 0, y1: 0 }, w), `page ${index + 1}: ${w.text}`).toBeGreaterThanOrEqual(0.5);
    }
  }, 120_000);

  it('a skewed register page: the words the engine placed are found by search over their true boxes', async () => {
    const { pdf, words } = await wordsScan({ lines: LINES, dpi: 300, skew: 2 });
    const { pages } = await engine.ocrDocument(pdf, 'index');
    const out = await searchablePdf(
      pdf,
      pages.map((p) => (p.source === 'ocr' ? p.layout! : null)),
    );
    expect(rasters(out)[0]!.equals(rasters(pdf)[0]!)).toBe(true);
    const read = new Set(pages[0]!.layout!.words.map((w) => w.text));
    const found = await searchBoxes(
      out,
      0,
      words.map((w) => w.text),
    );
    const right = words.filter((t) => read.has(t.text));
    expect(right.length).toBeGreaterThanOrEqual(0.9 * words.length);
    for (const t of right) expect(iou(found.get(t.text)!, t), t.text).toBeGreaterThanOrEqual(0.5);
    expect(nonEmptyLines(pdftotext(out, '-raw')).join(' ')).toBe(pages[0]!.layout!.words.map((w) => w.text).join(' '));
  }, 120_000);
});
