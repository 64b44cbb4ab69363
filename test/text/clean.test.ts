import { describe, expect, it } from 'vitest';
import { cleanText } from '../../src/text/clean';
import { joinPages } from '../../src/ocr/file-content';

describe('cleanText', () => {
  it.each<{ name: string; raw: string; clean: string }>([
    { name: 'empty stays empty', raw: '', clean: '' },
    { name: 'whitespace only becomes empty', raw: ' \n\t\n\n  ', clean: '' },
    { name: 'adds a final newline', raw: 'Vente', clean: 'Vente\n' },
    { name: 'composes accents (NFC)', raw: 'Lefe\u0300vre, Ge\u0301rard', clean: 'Lefèvre, Gérard\n' },
    { name: 'CRLF and CR line ends', raw: 'un\r\ndeux\rtrois', clean: 'un\ndeux\ntrois\n' },
    { name: 'trailing spaces, tabs and NBSP', raw: 'Vente  \t\nHypothèque\u00A0\n', clean: 'Vente\nHypothèque\n' },
    { name: 'keeps inner spaces, tabs and NBSP', raw: 'Vol.\t4521  n°\u00A017 ;', clean: 'Vol.\t4521  n°\u00A017 ;\n' },
    { name: 'removes control characters', raw: 'Ven\u0000te\u0007 du\u001B 12\u007F/03\u0085', clean: 'Vente du 12/03\n' },
    { name: 'form feed and vertical tab become line breaks', raw: 'fin\fdébut\vsuite', clean: 'fin\ndébut\nsuite\n' },
    { name: 'removes BOM, zero-width space and soft hyphen', raw: '\uFEFFpro\u00ADpriété\u200B', clean: 'propriété\n' },
    { name: 'a control character between a letter and its accent', raw: 'e\u0001\u0301', clean: 'é\n' },
    { name: 'keeps one blank line', raw: 'a\n\nb', clean: 'a\n\nb\n' },
    { name: 'collapses two or more blank lines to one', raw: 'a\n\n\nb\n\n\n\n\nc', clean: 'a\n\nb\n\nc\n' },
    { name: 'lines of spaces count as blank', raw: 'a\n  \n \t \n\nb', clean: 'a\n\nb\n' },
    { name: 'drops leading and trailing blank lines', raw: '\n\n\nVente\n\n\n', clean: 'Vente\n' },
    { name: 'keeps leading indentation', raw: '    Attendu que', clean: '    Attendu que\n' },
    { name: 'does not touch words, hyphens or punctuation', raw: 'pro-\npriété « vendeur » : 125 francs', clean: 'pro-\npriété « vendeur » : 125 francs\n' },
  ])('$name', ({ raw, clean }) => {
    expect(cleanText(raw)).toBe(clean);
  });

  it('keeps page separators on their own lines', () => {
    const raw = joinPages([
      { pageNumber: 1, text: 'PARIS, 13 Avril 1858.  \n\n\n\nMonsieur,\n' },
      { pageNumber: 2, text: '\f\n\n' },
      { pageNumber: 3, text: 'Tout à vous\u0000\n' },
    ]);
    expect(cleanText(raw)).toBe('--- Page 1 ---\nPARIS, 13 Avril 1858.\n\nMonsieur,\n\n--- Page 2 ---\n\n--- Page 3 ---\nTout à vous\n');
  });

  it('is idempotent', () => {
    const raw = '\uFEFF--- Page 1 ---\r\nLe\u0301fe\u0300vre  \n\n\n\n\u0007x\n';
    expect(cleanText(cleanText(raw))).toBe(cleanText(raw));
  });
});

describe('joinPages', () => {
  it('writes a `--- Page N ---` line before each page and a blank line between pages', () => {
    expect(
      joinPages([
        { pageNumber: 1, text: 'first page\nline 2\n' },
        { pageNumber: 2, text: 'second page\n\n' },
      ]),
    ).toBe('--- Page 1 ---\nfirst page\nline 2\n\n--- Page 2 ---\nsecond page\n');
  });

  it('writes an empty page as its separator line only', () => {
    expect(joinPages([{ pageNumber: 1, text: ' \n' }, { pageNumber: 2, text: 'x' }])).toBe('--- Page 1 ---\n\n--- Page 2 ---\nx\n');
  });

  it('returns an empty string for no pages', () => {
    expect(joinPages([])).toBe('');
  });
});
