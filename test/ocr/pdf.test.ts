import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors';
import { loadMupdf, type MupdfModule } from '../../src/ocr/mupdf';
import { openPdf } from '../../src/ocr/open-pdf';
import { hasUsableTextLayer } from '../../src/ocr/text-layer';

const DEV = path.join(__dirname, '..', 'fixtures');
const LETTRE = `${DEV}/pdf/tapus-lettre1858-3_eac6a.pdf`;
const ACTE1_DIGITAL = `${DEV}/synthetic/acte1-digital.pdf`;

let mupdf: MupdfModule;
beforeAll(async () => {
  mupdf = await loadMupdf();
});

/** A PDF made with MuPDF itself: one page per [width, height] (points), each with one line of text. */
function makePdf(pages: Array<[number, number]>, saveOptions = '', text = 'Hello world'): Uint8Array {
  const doc = new mupdf.PDFDocument();
  try {
    const font = doc.addSimpleFont(new mupdf.Font('Times-Roman'));
    for (const [w, h] of pages) {
      const resources = doc.addObject({ Font: { F1: font } });
      doc.insertPage(-1, doc.addPage([0, 0, w, h], 0, resources, `BT /F1 12 Tf 36 ${h - 48} Td (${text}) Tj ET`));
    }
    return doc.saveToBuffer(saveOptions).asUint8Array().slice();
  } finally {
    doc.destroy();
  }
}

async function permanentError(bytes: Uint8Array): Promise<PermanentError> {
  const err = await openPdf(bytes).then(
    (d) => {
      d.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PermanentError);
  return err as PermanentError;
}

describe('hasUsableTextLayer', () => {
  const prose =
    "L'AN MIL NEUF CENT SOIXANTE-DEUX, le quatorze mars, Par-devant Maître Éloïse DURAND, notaire à Grenoble, " +
    'ont comparu Monsieur Jean GÉRARD et Madame Marie LEFÈVRE, son épouse, demeurant ensemble à Saint-Égrève. ' +
    'Lesquels ont vendu à Monsieur Paul LEFÈVRE la parcelle cadastrée section AK numéro 147.';
  it.each<{ name: string; text: string; imageCoverage?: number; usable: boolean }>([
    { name: 'empty', text: '', usable: false },
    { name: 'whitespace only', text: ' \n\n\t  \n', usable: false },
    { name: 'a page number', text: '12\n', usable: false },
    { name: 'a few stray glyphs', text: '. , ~ | l 1 ; :', usable: false },
    { name: 'a short label', text: 'Page 3 / 12', usable: false },
    { name: 'punctuation noise with some letters', text: '-- .. -- :: ab cd ef !! ?? -- .. -- :: ** ## @@ %%', usable: false },
    { name: 'digits only', text: '0147 0148 0149 0150 0151 0152 0153', usable: false },
    { name: 'replacement characters (no font encoding)', text: `${'\uFFFD'.repeat(50)} abc def ghi jkl mno pqr`, usable: false },
    { name: 'private-use glyphs', text: `${'\uE001\uE002\uE003'.repeat(20)} Vente par Monsieur Durand`, usable: false },
    { name: 'one short sentence', text: 'Vente par Monsieur Durand au profit de Madame Martin.', usable: true },
    { name: 'a table row', text: 'Vente 12/03/1962 Vol. 4521 n° 17 GÉRARD Jean LEFÈVRE Paul', usable: true },
    { name: 'a deed paragraph', text: prose, usable: true },
    { name: 'a deed paragraph with NBSP and tabs', text: prose.replace(/ /g, '\u00A0\t'), usable: true },
    { name: 'a stamp on a scanned page', text: 'Copie certifiée conforme - Service de la publicité foncière', imageCoverage: 1, usable: false },
    { name: 'a full OCR layer over a scan', text: `${prose} ${prose}`, imageCoverage: 0.98, usable: true },
    { name: 'a sentence on a page with a small logo', text: 'Vente par Monsieur Durand au profit de Madame Martin.', imageCoverage: 0.05, usable: true },
  ])('$name → usable: $usable', ({ text, imageCoverage, usable }) => {
    expect(hasUsableTextLayer(text, { imageCoverage })).toBe(usable);
  });
});

describe('openPdf', () => {
  it('reads the text layer of a born-digital PDF', async () => {
    const doc = await openPdf(readFileSync(ACTE1_DIGITAL));
    try {
      expect(doc.pageCount).toBe(1);
      expect(doc.repaired).toBe(false);
      const text = doc.textLayer(0);
      expect(text).toContain('VENTE PAR MONSIEUR ET MADAME GÉRARD');
      expect(hasUsableTextLayer(text)).toBe(true);
      expect(doc.pageInfo(0).imageCoverage).toBe(0);
    } finally {
      doc.close();
    }
  });

  it('renders a scanned page in grey at the requested DPI, one byte per pixel', async () => {
    const doc = await openPdf(readFileSync(LETTRE));
    try {
      const info = doc.pageInfo(0);
      expect(info.text.trim()).toBe('');
      expect(info.imageCoverage).toBeGreaterThan(0.95);
      const page = doc.renderGrey(0, 300);
      // 874×1096 pt at 300 DPI: the scan's own pixel size.
      expect([page.width, page.height]).toEqual([3642, 4565]);
      expect(page.pixels).toBeInstanceOf(Uint8Array);
      expect(page.pixels.byteLength).toBe(page.width * page.height);
      expect(page.dpi).toBe(300);
      expect(page.downscaled).toBe(false);
      // Cream paper (≈230) with light worn type (≈100–160): mostly light pixels, some darker ones.
      let dark = 0;
      let light = 0;
      for (let i = 0; i < page.pixels.length; i += 101) {
        if (page.pixels[i]! < 160) dark++;
        else if (page.pixels[i]! > 200) light++;
      }
      expect(dark).toBeGreaterThan(100);
      expect(light).toBeGreaterThan(dark * 10);
      const small = doc.renderGrey(0, 72);
      // The page box is 874.08 × 1095.6 pt: MuPDF rounds the pixel box outwards.
      expect(Math.abs(small.width - 874)).toBeLessThanOrEqual(1);
      expect(Math.abs(small.height - 1096)).toBeLessThanOrEqual(1);
    } finally {
      doc.close();
    }
  });

  it('renders an oversized page below the requested DPI to fit the pixel budget', async () => {
    // 20 × 20 inches: 36 megapixels at 300 DPI, 4 MP fit at ≈100 DPI.
    const doc = await openPdf(makePdf([[1440, 1440]]), { maxPixels: 4_000_000 });
    try {
      const page = doc.renderGrey(0, 300);
      expect(page.downscaled).toBe(true);
      expect(page.dpi).toBeLessThanOrEqual(100);
      expect(page.dpi).toBeGreaterThan(98);
      expect(page.width * page.height).toBeLessThanOrEqual(4_000_000);
      expect(page.pixels.byteLength).toBe(page.width * page.height);
    } finally {
      doc.close();
    }
  });

  it('refuses a page that would fit the budget only below the minimum DPI', async () => {
    const doc = await openPdf(makePdf([[14400, 14400]]), { maxPixels: 4_000_000, minDpi: 50 });
    try {
      expect(() => doc.renderGrey(0, 300)).toThrow(PermanentError);
      expect(() => doc.renderGrey(0, 300)).toThrow(/page 1 is too large to render/);
    } finally {
      doc.close();
    }
  });

  it('rejects bytes that are not a PDF', async () => {
    expect((await permanentError(new Uint8Array())).message).toMatch(/not a PDF: the file is empty/);
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    expect((await permanentError(random)).message).toMatch(/not a PDF \(got binary\): no %PDF- header/);
    const png = readFileSync(`${DEV}/synthetic/acte1-hard.png`);
    expect((await permanentError(png)).message).toMatch(/not a PDF.*0x89504e47/);
  });

  it('rejects a corrupt PDF', async () => {
    const junk = Buffer.from(new Uint8Array(2048).map((_, i) => (i * 7919 + 13) % 251));
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), junk, Buffer.from('\n%%EOF\n', 'latin1')]);
    const err = await permanentError(bytes);
    expect(err.message).toMatch(/^corrupt PDF: MuPDF cannot open it: /);
  });

  it('rejects a truncated PDF instead of reading blank pages', async () => {
    for (const file of [LETTRE, ACTE1_DIGITAL]) {
      const full = readFileSync(file);
      for (const share of [0.5, 0.9, 0.999]) {
        const err = await permanentError(full.subarray(0, Math.floor(full.length * share)));
        expect(err.message).toMatch(/^truncated PDF: the file \(\d+ bytes\) has no %%EOF marker/);
      }
    }
  });

  it('rejects an encrypted PDF, and reads one with only an owner password', async () => {
    const locked = makePdf([[595, 842]], 'encrypt=aes-256,user-password=secret,owner-password=owner');
    expect((await permanentError(locked)).message).toBe('encrypted PDF: a password is required to open it');
    const restricted = makePdf([[595, 842]], 'encrypt=aes-256,owner-password=owner');
    const doc = await openPdf(restricted);
    try {
      expect(doc.textLayer(0)).toContain('Hello world');
    } finally {
      doc.close();
    }
  });

  it('rejects a PDF without pages', async () => {
    expect((await permanentError(makePdf([]))).message).toBe('PDF has no pages');
  });

  it('close() is idempotent and the document is unusable afterwards', async () => {
    const doc = await openPdf(makePdf([[595, 842], [595, 842]]));
    expect(doc.pageCount).toBe(2);
    expect(() => doc.textLayer(2)).toThrow(RangeError);
    doc.close();
    doc.close();
    expect(() => doc.textLayer(0)).toThrow(/closed/);
  });

  // The fixture scans (copies of development pages) must go through OCR: none carries a (hidden) text layer. MuPDF does
  // extract invisible text (render mode 3, as in searchable PDFs), so an OCR layer would show up here.
  it('finds no text layer in the scanned fixture PDFs, and does find invisible text', async () => {
    const scans = [
      ...readdirSync(`${DEV}/pdf`).filter((f) => f.endsWith('.pdf')).map((f) => `${DEV}/pdf/${f}`),
      ...readdirSync(`${DEV}/synthetic`).filter((f) => /-(scan|hard)\.pdf$/.test(f)).map((f) => `${DEV}/synthetic/${f}`),
    ];
    expect(scans.length).toBe(6); // 3 real typed pages, 3 synthetic scans
    for (const file of scans) {
      const doc = await openPdf(readFileSync(file));
      try {
        for (let i = 0; i < doc.pageCount; i++) {
          const info = doc.pageInfo(i);
          expect(info.text.trim(), `${path.basename(file)} page ${i + 1}`).toBe('');
          expect(info.imageCoverage).toBeGreaterThan(0.95);
        }
      } finally {
        doc.close();
      }
    }
    const doc = new mupdf.PDFDocument();
    const font = doc.addSimpleFont(new mupdf.Font('Times-Roman'));
    doc.insertPage(-1, doc.addPage([0, 0, 595, 842], 0, doc.addObject({ Font: { F1: font } }), 'BT 3 Tr /F1 12 Tf 36 780 Td (Invisible OCR layer) Tj ET'));
    const bytes = doc.saveToBuffer('').asUint8Array().slice();
    doc.destroy();
    const invisible = await openPdf(bytes);
    try {
      expect(invisible.textLayer(0)).toContain('Invisible OCR layer');
    } finally {
      invisible.close();
    }
  });
});
