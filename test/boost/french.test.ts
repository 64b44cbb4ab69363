import { describe, expect, it } from 'vitest';
import { capitalsCarryAccents, frenchDictionary, frenchToken, frenchWord, makeDictionary } from '../../src/boost/french';

const dict = makeDictionary([
  'maître', 'évaluation', 'dévolution', 'après', 'tableau', 'extraordinaire', 'propriétaire', 'réunion',
  'côte', 'cote', 'coté', 'côté', 'acte', 'homme', 'vente', 'messieurs', 'décès', 'théâtre', 'opéra', 'été',
  'perception', 'déclaration', 'tablette',
]);

describe('frenchWord', () => {
  it.each([
    // accents, whatever the confidence: the word as read is not French
    ['EVALUATION', false, 'ÉVALUATION'],
    ['Maitre', false, 'Maître'],
    ['aprés', false, 'après'],
    ['devolution', false, 'dévolution'],
    // ambiguous folds stay (cote / côte / coté / côté)
    ['cotè', false, 'cotè'],
    ['COTE', false, 'COTE'],
    // one letter, only in unsure lower-case words
    ['tableeu', true, 'tableau'],
    ['tableeu', false, 'tableeu'],
    ['extroardinaire', true, 'extraordinaire'],
    ['prorriétaire', true, 'propriétaire'],
    ['Tableeu', true, 'Tableeu'], // capitalised: maybe a name
    // from 8 letters, a lower-case word is corrected even when tesseract was sure of it
    ['perceprion', false, 'perception'],
    ['declaratiom', false, 'declaratiom'], // two edits from déclaration (the accent and the m): left
    ['Perceprion', false, 'Perceprion'], // capitalised: maybe a name
    ['tablette', false, 'tablette'],
    ['acto', true, 'acto'], // too short
    // already French, or not a word
    ['vente', true, 'vente'],
    ['Meryon', true, 'Meryon'],
    ['D0463', true, 'D0463'],
  ])('%s (unsure: %s) → %s', (w, unsure, expected) => expect(frenchWord(w, unsure, dict)).toBe(expected));

  it('keeps capitals unaccented when the document does', () => {
    expect(frenchWord('REUNION', false, dict, { accentCapitals: false })).toBe('REUNION');
    expect(frenchWord('Maitre', false, dict, { accentCapitals: false })).toBe('Maître');
  });
});

describe('frenchToken', () => {
  it.each([
    ["l'homme,", "l'homme,"],
    ['d’evaluation.', 'd’évaluation.'],
    ['(aprés)', '(après)'],
    ['«tableeu»', '«tableau»'],
  ])('%s → %s', (t, expected) => expect(frenchToken(t, true, dict)).toBe(expected));
});

describe('capitalsCarryAccents', () => {
  it.each([
    ['a typewriter without accented capitals', ['THEATRE', 'REUNION', 'REUNION', 'OPÉRA'], false],
    ['a printed deed', ['ÉVALUATION', 'DÉCÈS', 'DEVOLUTION'], true],
    ['no evidence', ['VENTE', 'Monsieur'], true],
  ])('%s', (_, tokens, expected) => expect(capitalsCarryAccents(tokens, dict)).toBe(expected));
});

describe('the packaged word list', () => {
  it('loads offline and knows deed vocabulary', () => {
    const d = frenchDictionary();
    for (const w of ['hypothèque', 'mainlevée', 'propriétaire', 'notaire']) expect(d.has(w)).toBe(true);
    expect(d.byFold('maitre')).toBe('maître');
  });
});
