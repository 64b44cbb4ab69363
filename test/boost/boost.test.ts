import { describe, expect, it } from 'vitest';
import { boostDocument } from '../../src/boost';
import { makeDictionary } from '../../src/boost/french';
import type { OcrWord, PageResult } from '../../src/ocr/types';

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
  it('keeps a separator per page and drops what repeats at the top of every page', () => {
    const pages = [
      ocrPage(1, 'ÉTUDE DE MAÎTRE DURAND\nVente par Monsieur Gérard au profit de Monsieur Lefèvre, demeurant à\nGrenoble.\n- 1 -'),
      ocrPage(2, 'ÉTUDE DE MAÎTRE DURAND\nLequel a déclaré accepter la vente après lecture.\n- 2 -'),
    ];
    const r = boostDocument('acte', pages, { dictionary: dict });
    expect(r.text).toBe(
      '--- Page 1 ---\nVente par Monsieur Gérard au profit de Monsieur Lefèvre, demeurant à Grenoble.\n\n' +
        '--- Page 2 ---\nLequel a déclaré accepter la vente après lecture.\n',
    );
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
