import { describe, expect, it } from 'vitest';
import type { Line } from '../../src/boost/lines';
import { alignLines, lineText } from '../../src/boost/lines';
import { dropNoise, dropPageFurniture, isPageNumber, isSpeck } from '../../src/boost/noise';

const line = (...tokens: [string, number | null][]): Line => tokens.map(([text, confidence]) => ({ text, confidence }));

describe('alignLines', () => {
  it('gives each token the confidence of its word, in order, and keeps blank lines', () => {
    const lines = alignLines('Vente de\n\nla maison', [
      { text: 'Vente', confidence: 91 },
      { text: 'de', confidence: 80 },
      { text: 'la', confidence: 70 },
      { text: 'maison', confidence: 60 },
    ]);
    expect(lines.map((l) => l.map((t) => t.confidence))).toEqual([[91, 80], [], [70, 60]]);
  });

  it('leaves a token it cannot match without confidence and goes on', () => {
    const lines = alignLines('a b c', [{ text: 'a', confidence: 90 }, { text: 'c', confidence: 50 }]);
    expect(lines[0]!.map((t) => t.confidence)).toEqual([90, null, 50]);
  });
});

describe('isSpeck', () => {
  it.each([
    ['|', 30, true],
    ['~', 50, true],
    ['|', 90, false], // confident
    ['-', 20, false], // a dash means something
    [':', 20, false],
    ['a', 10, false], // a letter is not a speck (the line may still go)
    ['|', null, false], // text layer
  ] as const)('%s at %s → %s', (text, confidence, expected) => expect(isSpeck({ text, confidence })).toBe(expected));
});

describe('dropNoise', () => {
  it.each([
    ['keeps a confident line', [line(['Monsieur,', 93])], ['Monsieur,']],
    ['drops specks inside a line', [line(['Halévy,', 91], ['|"', 41])], ['Halévy,']],
    ['drops a short low-confidence line', [line(['eu', 35], ['tré,', 9], ['ve', 38])], []],
    ['keeps a long line of middling confidence', [line(['a', 50], ['b', 50], ['c', 50], ['d', 50], ['e', 50], ['f', 50])], ['a b c d e f']],
    ['drops any line below the garbage threshold', [line(['a', 20], ['b', 20], ['c', 20], ['d', 20], ['e', 20], ['f', 20])], []],
    ['keeps text-layer lines', [line(['x', null])], ['x']],
  ])('%s', (_, input, expected) => {
    expect(dropNoise(input).map(lineText)).toEqual(expected);
  });
});

describe('fragments (registers)', () => {
  it('drops one- or two-character fragments read with low confidence only when asked', () => {
    const lines = [line(['culièrement', 90], ['belle,', 95], ['i', 37]), line(['double', 96], ['Sa', 33]), line(['27', 96], ['ans', 96])];
    expect(dropNoise(lines, { fragments: true }).map(lineText)).toEqual(['culièrement belle,', 'double', '27 ans']);
    expect(dropNoise(lines).map(lineText)).toEqual(['culièrement belle, i', 'double Sa', '27 ans']);
  });
});

describe('page furniture', () => {
  it.each([['12'], ['- 1 -'], ['— 3 —'], ['Page 5'], ['5/12'], ['(4)']])('%s is a page number', (s) => expect(isPageNumber(s)).toBe(true));
  it.each([['1962 Vente'], ['D04631'], ['le 12']])('%s is not', (s) => expect(isPageNumber(s)).toBe(false));

  it('drops page numbers and web banners at the edges, not in the body', () => {
    const pages = [['- 1 -', 'Vente par Monsieur', '12', 'suite du texte', 'Source gallica.bnf.fr / Bibliothèque nationale de France']];
    expect(dropPageFurniture(pages)).toEqual([['Vente par Monsieur', '12', 'suite du texte']]);
  });

  it('drops a running header repeated at the top of pages, digits aside', () => {
    const pages = [
      ['ÉTUDE DE Me DURAND — page 1', 'premier alinéa', 'fin'],
      ['ÉTUDE DE Me DURAND — page 2', 'deuxième alinéa', 'fin'],
      ['ÉTUDE DE Me DURAND — page 3', 'troisième alinéa', 'fin'],
    ];
    expect(dropPageFurniture(pages).map((p) => p[0])).toEqual(['premier alinéa', 'deuxième alinéa', 'troisième alinéa']);
  });

  it('keeps a one-page document’s first line', () => {
    expect(dropPageFurniture([['VENTE', 'texte', 'fin']])).toEqual([['VENTE', 'texte', 'fin']]);
  });
});

describe('page furniture in registers', () => {
  it('keeps a bare number at the bottom of a register page (a registration number), drops a decorated one', () => {
    expect(dropPageFurniture([['Date Nature', '15/04/2008 Vente', '871']], { bareNumbers: false })).toEqual([['Date Nature', '15/04/2008 Vente', '871']]);
    expect(dropPageFurniture([['Date Nature', '15/04/2008 Vente', '- 2 -']], { bareNumbers: false })).toEqual([['Date Nature', '15/04/2008 Vente']]);
  });
});
