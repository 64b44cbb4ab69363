import { describe, expect, it } from 'vitest';
import { boostIndexPage, findColumns, normaliseTokens, ruleColumns, stripRuleDebris } from '../../src/boost/index-table';
import type { Line, Token } from '../../src/boost/lines';

/** A word starting at character x (20 px a character) on line `row` (60 px apart), 40 px high. */
const word = (text: string, x: number, row: number, confidence = 90): Token => ({
  text,
  confidence,
  box: { x0: x * 20, y0: row * 60, x1: (x + text.length) * 20 - 2, y1: row * 60 + 40 },
});

/** Lines of `[text, x]` words. */
const page = (...lines: [string, number][][]): Line[] => lines.map((l, row) => l.map(([t, x]) => word(t, x, row)));

const register = page(
  [['INDEX', 8], ['DES', 14], ['IMMEUBLES', 18]],
  [['Date', 0], ['Nature', 14], ['Parties', 32], ['Numéro', 52]],
  [['14.O3.1962', 0], ['Vente', 14], ['GÉRARD', 32], ['à', 39], ['LEFÈVRE', 41], ['Vol', 52], ['4521', 56], ['n*', 61], ['17', 64]],
  [['02/07/1963', 0], ['Hypotheque', 14], ['LEFÈVRE', 32], ['François', 40], ['Vol.', 52], ['612', 57]],
  [['conventionnelle', 14], ['au', 32], ['profit', 35]],
  [['19/11/1965', 0], ['Servitude', 14], ['BOUCHARD', 32], ['Vol.', 52], ['4877', 57]],
);

describe('findColumns', () => {
  it('finds the columns between gutters, ignoring a title across them', () => {
    expect(findColumns(register, 1400).length).toBe(4);
  });

  it('finds none in running text', () => {
    const prose = page(
      [['Vente', 0], ['par', 6], ['Monsieur', 10], ['et', 19], ['Madame', 22]],
      [['au', 0], ['profit', 3], ['de', 10], ['Monsieur', 13], ['Lefèvre', 22]],
      [['le', 0], ['quatorze', 3], ['mars', 12], ['mil', 17], ['neuf', 21]],
    );
    expect(findColumns(prose, 1400)).toEqual([]);
  });
});

describe('boostIndexPage', () => {
  it('rebuilds the register as a Markdown table with its header, one row per entry', () => {
    expect(boostIndexPage(register, 1400).split('\n')).toEqual([
      'INDEX DES IMMEUBLES',
      '| Date | Nature | Parties | Numéro |',
      '|---|---|---|---|',
      '| 14.03.1962 | Vente | GÉRARD à LEFÈVRE | Vol. 4521 n° 17 |',
      '| 02/07/1963 | Hypothèque conventionnelle | LEFÈVRE François au profit | Vol. 612 |',
      '| 19/11/1965 | Servitude | BOUCHARD | Vol. 4877 |',
    ]);
  });

  it('returns plain normalised lines when there is no table', () => {
    const lines: Line[] = [[{ text: 'Hypotheque', confidence: null }, { text: 'du', confidence: null }, { text: '2.7.1963', confidence: null }]];
    expect(boostIndexPage(lines, 0)).toBe('Hypothèque du 2.7.1963');
  });
});

describe('normaliseTokens', () => {
  it.each([
    ['|Vol. 612 n° 88', 'Vol. 612 n° 88'],
    ['[Capital : 30 000 F', 'Capital : 30 000 F'],
    ['!06/02/1981 Donation-partage', '06/02/1981 Donation-partage'],
    ['Privilège de preteur de deniers', 'Privilège de prêteur de deniers'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseTokens(input.split(' ').map((text) => ({ text, confidence: 90 })))).toBe(expected);
  });

  it.each([['|x', 'x'], ['Vol.|', 'Vol.'], ['|', '|'], ['a|b', 'a|b']])('strips rule debris: %s → %s', (input, expected) => {
    expect(stripRuleDebris(input)).toBe(expected);
  });
});

/** A rule read as `|` at pixel x on line `row`. */
const rule = (x: number, row: number): Token => ({ text: '|', confidence: 40, box: { x0: x - 2, y0: row * 60, x1: x + 2, y1: row * 60 + 40 } });

describe('ruled tables', () => {
  it('finds vertical rules read as | on enough lines', () => {
    const words = [rule(250, 0), rule(251, 1), rule(249, 2), rule(900, 1), { text: 'Vente', confidence: 90 }];
    expect(ruleColumns(words, 4)).toEqual([250]);
  });

  it('splits a column at a rule with text on both sides, and merges the columns a header word runs across', () => {
    // The date and the deed type are closer than a gutter, but a rule runs between them; the header
    // "Numéro d'inscription" runs across the gap between "Vol." and the number, which stay one column.
    const lines: Line[] = [
      [word('Date', 0, 0), word('Nature', 11, 0), word('Parties', 24, 0), word('Inscription', 40, 0)],
      [word('14/03/1962', 0, 1), rule(210, 1), word('Vente', 11, 1), word('GÉRARD', 24, 1), word('Vol.', 40, 1), word('4521', 47, 1)],
      [word('02/07/1963', 0, 2), rule(210, 2), word('Servitude', 11, 2), word('LEFÈVRE', 24, 2), word('Vol.', 40, 2), word('612', 47, 2)],
      [word('19/11/1965', 0, 3), rule(210, 3), word('Radiation', 11, 3), word('BOUCHARD', 24, 3), word('Vol.', 40, 3), word('4877', 47, 3)],
    ];
    const rules = ruleColumns(lines.flat(), lines.length);
    expect(boostIndexPage(lines, 1400, rules).split('\n')).toEqual([
      '| Date | Nature | Parties | Inscription |',
      '|---|---|---|---|',
      '| 14/03/1962 | Vente | GÉRARD | Vol. 4521 |',
      '| 02/07/1963 | Servitude | LEFÈVRE | Vol. 612 |',
      '| 19/11/1965 | Radiation | BOUCHARD | Vol. 4877 |',
    ]);
  });
});

describe('header', () => {
  it('takes a heading word wrapped under the header line into the header', () => {
    const lines = page(
      [['Date', 0], ['Nature', 14], ['Parties', 32], ['Numéro', 52]],
      [["d'inscription", 52]],
      [['14/03/1962', 0], ['Vente', 14], ['GÉRARD', 32], ['4521', 52]],
      [['02/07/1963', 0], ['Bail', 14], ['LEFÈVRE', 32], ['612', 52]],
      [['19/11/1965', 0], ['Servitude', 14], ['BOUCHARD', 32], ['4877', 52]],
    );
    expect(boostIndexPage(lines, 1400).split('\n').slice(0, 3)).toEqual([
      "| Date | Nature | Parties | Numéro d'inscription |",
      '|---|---|---|---|',
      '| 14/03/1962 | Vente | GÉRARD | 4521 |',
    ]);
  });
});
