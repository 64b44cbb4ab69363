import { describe, expect, it } from 'vitest';
import { boostDocument } from '../../src/boost';
import { makeDictionary } from '../../src/text/french-words';
import type { PageResult } from '../../src/ocr/types';
import type { OcrWord } from '../../src/text/page';

/** An OCR'd page whose words all have confidence `conf`, laid out as the text's lines (no columns). */
function ocrPage(pageNumber: number, text: string, conf = 92): PageResult {
  const words: OcrWord[] = [];
  text.split('\n').forEach((line, row) => {
    let x = 0;
    for (const w of line.split(' ').filter(Boolean)) {
      words.push({ text: w, confidence: conf, x0: x, y0: row * 50, x1: x + w.length * 20, y1: row * 50 + 30 });
      x += (w.length + 1) * 20;
    }
  });
  return { pageNumber, text, source: 'ocr', confidence: conf, words, width: 2000, height: 3000 };
}

const dict = makeDictionary(['après', 'décès', 'maître']);

describe('boostDocument', () => {
  it('keeps a separator per page, drops what repeats at the top of every page, keeps a deed\'s printed page numbers', () => {
    const pages = [
      ocrPage(1, 'ÉTUDE DE MAÎTRE DURAND\nVente par Monsieur Gérard au profit de Monsieur Lefèvre, demeurant à\nGrenoble.\n- 1 -'),
      ocrPage(2, 'ÉTUDE DE MAÎTRE DURAND\nLequel a déclaré accepter la vente après lecture.\n- 2 -'),
    ];
    const r = boostDocument('acte', pages, { dictionary: dict });
    expect(r.text).toBe(
      '--- Page 1 ---\nVente par Monsieur Gérard au profit de Monsieur Lefèvre, demeurant à Grenoble.\n- 1 -\n\n' +
        '--- Page 2 ---\nLequel a déclaré accepter la vente après lecture.\n- 2 -\n',
    );
  });

  it('never corrects either half of a word cut at a line end: the halves are joined as read', () => {
    // `profes` is one letter from `profès`, `fication` from `fixation`: both real words, neither the word read.
    const d = makeDictionary(['profès', 'fixation', 'professeur', 'classification']);
    const pages = [ocrPage(1, 'comme notre éminent profes-\nseur et la classi-\nfication des races, dit-il, est faite', 60)];
    const r = boostDocument('acte', pages, { dictionary: d });
    expect(r.text).toContain('professeur et la classification des races');
  });

  it("drops a register page's decorated page number, not a bare number (a registration number)", () => {
    const pages = [ocrPage(1, 'Date Nature\n15/04/2008 Vente\n871\n- 1 -')];
    const r = boostDocument('index', pages, { dictionary: dict });
    expect(r.text).toContain('871');
    expect(r.text).not.toContain('- 1 -');
  });

  it('keeps an empty page as its separator', () => {
    const r = boostDocument('acte', [ocrPage(1, 'Texte.'), { ...ocrPage(2, ''), words: [] }], { dictionary: null });
    expect(r.text).toBe('--- Page 1 ---\nTexte.\n\n--- Page 2 ---\n');
  });

  it('leaves a text-layer page’s words as the author typed them', () => {
    const page: PageResult = { pageNumber: 1, text: 'apres le deces', source: 'text-layer', confidence: null, words: [], width: 0, height: 0 };
    expect(boostDocument('acte', [page], { dictionary: dict }).text).toBe('--- Page 1 ---\napres le deces\n');
  });

  it('returns the confidence with the text and flags a low page', () => {
    const r = boostDocument('index', [ocrPage(1, 'Vente 14/03/1962', 91), ocrPage(2, 'illisible griffonné', 30)], { dictionary: null });
    expect(r.confidence).toMatchObject({ flagged: true, flaggedPages: [2] });
  });

  it('is empty for a document without pages', () => {
    expect(boostDocument('index', [], { dictionary: null }).text).toBe('');
  });
});

describe('boostDocument is faithful to the page (issue 16)', () => {
  const words = makeDictionary(['boîtiers', 'pyrénéen', 'lévêque', 'tableau', 'lambert', 'livré', 'les', 'dans', 'leurs', 'vendu']);
  /** One page whose words are read at the given confidences (default 95). */
  function page(text: string, confidences: Record<string, number> = {}): PageResult {
    const p = ocrPage(1, text, 95);
    for (const w of p.words) w.confidence = confidences[w.text] ?? 95;
    return { ...p, confidence: 95 };
  }

  it('keeps a read accent, a surely read spelling and a name, and still mends what it should', () => {
    const text = [
      'Monsieur Leveque a vendu les boitiers livrés dans les Pyrénées, avec leurs accessoires et le tableeu des prix convenus entre les',
      'parties, Monsieur Lam-',
      'bert, domicilié à Tarbes (Hautes-Pyrénées), qui le déclare.',
    ].join('\n');
    const r = boostDocument('acte', [page(text, { tableeu: 55 })], { dictionary: words });
    const body = r.text.split('\n').slice(1).join('\n').trim();
    expect(body).toContain('Pyrénées,');
    expect(body).toContain('(Hautes-Pyrénées)');
    expect(body).toContain('boitiers'); // read at 95: the page's spelling
    expect(body).toContain('Monsieur Leveque'); // a name: the word list is no evidence
    // The rules that help still apply: one unsure letter, the word cut at the line end, the reflow.
    expect(body).toContain('le tableau des prix');
    expect(body).toContain('Monsieur Lambert, domicilié');
    expect(body.split('\n')).toHaveLength(1);
  });

  it('restores the accent of the same word when tesseract was unsure of it', () => {
    const r = boostDocument('acte', [page('Les boitiers sont livrés.', { boitiers: 60 })], { dictionary: words });
    expect(r.text).toContain('Les boîtiers sont livrés.');
  });

  it('still rebuilds a register table and fixes its number fields', () => {
    const r = boostDocument('index', [ocrPage(1, 'Hypotheque 14/O3/1962 n° 4S21\nVente 02/11/1963 n° 4522', 70)], { dictionary: null });
    expect(r.text).toContain('14/03/1962');
    expect(r.text).toContain('4521');
    expect(r.text).toContain('Hypothèque');
  });

  it('does not rebuild a table on a register page laid out in wide columns of text (a list), but still fixes its fields', () => {
    // Columns 400 px apart, aligned from line to line: what the table rebuild looks for.
    const rows = [['Vente', '14/O3/1962', 'GÉRARD', '4S21'], ['Bail', '02/11/1963', 'LEFÈVRE', '4522'], ['Donation', '05/01/1964', 'BOUCHARD', '4523'], ['Vente', '07/02/1964', 'DURAND', '4524']];
    const words = rows.flatMap((r, row) => r.map((w, col) => ({ text: w, confidence: 70, x0: col * 400, y0: row * 50, x1: col * 400 + w.length * 20, y1: row * 50 + 30 })));
    const page: PageResult = { pageNumber: 1, text: rows.map((r) => r.join(' ')).join('\n'), source: 'ocr', confidence: 70, words, width: 1600, height: 3000 };
    const table = boostDocument('index', [page], { dictionary: null }).text;
    expect(table).toContain('|---|');
    const list = boostDocument('index', [{ ...page, textColumns: true }], { dictionary: null }).text;
    expect(list).toBe('--- Page 1 ---\nVente 14/03/1962 GÉRARD 4521\nBail 02/11/1963 LEFÈVRE 4522\nDonation 05/01/1964 BOUCHARD 4523\nVente 07/02/1964 DURAND 4524\n');
  });
});

describe('boostDocument on anything OCR can return', () => {
  // A small deterministic generator: the boost must never throw and must keep one separator per page.
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const alphabet = [...'aeiouéèàçAÉOlI10|[]!=-–—’\'"«» .,;:()\n\n\t\u00A0ﬁ€%/'];
  const junk = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');

  it.each(['index', 'acte'] as const)('%s mode: 200 random documents', (mode) => {
    for (let i = 0; i < 200; i++) {
      const pages = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, p) => {
        const text = junk(Math.floor(rand() * 300));
        const page = ocrPage(p + 1, text, Math.floor(rand() * 100));
        return rand() < 0.3 ? { ...page, words: page.words.slice(0, Math.floor(rand() * page.words.length)) } : page;
      });
      const r = boostDocument(mode, pages, { dictionary: dict });
      expect(r.text.match(/^--- Page \d+ ---$/gm)?.length).toBe(pages.length);
    }
  });
});
