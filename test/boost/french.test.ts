import { describe, expect, it } from 'vitest';
import { capitalsCarryAccents, frenchToken, frenchWord } from '../../src/boost/french';
import { frenchDictionary, makeDictionary } from '../../src/text/french-words';

const dict = makeDictionary([
  'maître', 'évaluation', 'dévolution', 'après', 'tableau', 'extraordinaire', 'propriétaire', 'réunion',
  'côte', 'cote', 'coté', 'côté', 'acte', 'homme', 'vente', 'messieurs', 'décès', 'théâtre', 'opéra', 'été',
  'perception', 'déclaration', 'tablette',
]);

/** Tesseract's word confidence: unsure below SPELL_CONFIDENCE (90), sure at or above. */
const UNSURE = 60;
const SURE = 95;

describe('frenchWord', () => {
  it.each([
    // accents, on a word tesseract was unsure of: the word as read is not French
    ['aprés', UNSURE, 'après'],
    ['devolution', UNSURE, 'dévolution'],
    ['Maitre', UNSURE, 'Maître'],
    ['EVALUATION', UNSURE, 'ÉVALUATION'],
    // ambiguous folds stay (cote / côte / coté / côté)
    ['cotè', UNSURE, 'cotè'],
    ['COTE', UNSURE, 'COTE'],
    // one letter, only in unsure lower-case words
    ['tableeu', UNSURE, 'tableau'],
    ['tableeu', SURE, 'tableeu'],
    ['extroardinaire', UNSURE, 'extraordinaire'],
    ['prorriétaire', UNSURE, 'propriétaire'],
    ['Tableeu', UNSURE, 'Tableeu'], // capitalised: maybe a name
    // from 8 letters, a lower-case word that is no French word is corrected even when tesseract was sure of it
    ['perceprion', SURE, 'perception'],
    ['declaratiom', SURE, 'declaratiom'], // two edits from déclaration (the accent and the m): left
    ['Perceprion', SURE, 'Perceprion'], // capitalised: maybe a name
    ['tablette', SURE, 'tablette'],
    ['acto', UNSURE, 'acto'], // too short
    // already French, or not a word
    ['vente', UNSURE, 'vente'],
    ['Meryon', UNSURE, 'Meryon'],
    ['D0463', UNSURE, 'D0463'],
  ])('%s (confidence %s) → %s', (w, confidence, expected) => expect(frenchWord(w, confidence, dict)).toBe(expected));

  it('keeps capitals unaccented when the document does', () => {
    expect(frenchWord('REUNION', UNSURE, dict, { accentCapitals: false })).toBe('REUNION');
    expect(frenchWord('Maitre', UNSURE, dict, { accentCapitals: false })).toBe('Maître');
  });
});

describe('frenchWord is faithful to the page (issue 16)', () => {
  const words = makeDictionary(['boîtier', 'boîtiers', 'pyrénéen', 'pyrénéens', 'évêque', 'légal', 'maître', 'perception', 'tableau']);

  it('never removes a diacritic that was read, at any confidence', () => {
    for (const confidence of [20, UNSURE, 80, SURE]) {
      for (const w of ['Pyrénées', 'PYRÉNÉES', 'Hautes-Pyrénées', 'pyrénées']) {
        expect(frenchWord(w, confidence, words)).toMatch(/é.*é/iu);
      }
      expect(frenchWord('Pyrénées', confidence, words)).toBe('Pyrénées');
    }
  });

  it('takes a word read surely as the page spells it, even when the word list spells it otherwise', () => {
    // `boitiers` (reformed spelling, or a typewriter without î): not in the list, `boîtiers` is.
    expect(frenchWord('boitiers', SURE, words)).toBe('boitiers');
    expect(frenchWord('boitiers', 90, words)).toBe('boitiers');
    // The same letters read unsurely: the page gives reason to doubt them, the accent comes back.
    expect(frenchWord('boitiers', UNSURE, words)).toBe('boîtiers');
  });

  it('changes a capitalised word (a name, maybe) only where tesseract doubted the image', () => {
    // `Leveque`, `Maitre`, `Legal` can be surnames; the list alone is no evidence.
    expect(frenchWord('Leveque', 80, makeDictionary(['lévêque']))).toBe('Leveque');
    expect(frenchWord('Maitre', SURE, words)).toBe('Maitre');
    expect(frenchWord('LEGAL', SURE, words)).toBe('LEGAL');
    expect(frenchWord('Maitre', 50, words)).toBe('Maître');
  });
});

describe('frenchToken', () => {
  it.each([
    ["l'homme,", "l'homme,"],
    ['d’evaluation.', 'd’évaluation.'],
    ['(aprés)', '(après)'],
    ['«tableeu»', '«tableau»'],
  ])('%s → %s', (t, expected) => expect(frenchToken(t, UNSURE, dict)).toBe(expected));

  it('keeps the read accents of a place name with punctuation and elision', () => {
    const words = makeDictionary(['pyrénéen']);
    for (const t of ['Pyrénées,', '(Pyrénées)', "d'Pyrénées.", 'Basses-Pyrénées;']) expect(frenchToken(t, 40, words)).toBe(t);
  });
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
