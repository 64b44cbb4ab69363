import { describe, expect, it } from 'vitest';
import { makeDictionary } from '../../src/boost/french';
import { acceptReread, addsOnlyDiacritics, spliceWords, wantsPrimaryReread } from '../../src/ocr/diacritics';

const words = makeDictionary(['doit', 'maître', 'évaluation', 'a', 'à', 'le', 'mai', 'cent', 'théâtre']);

describe('addsOnlyDiacritics', () => {
  it('accepts marks added to bare letters, capitals included', () => {
    expect(addsOnlyDiacritics('VALLIERE,', 'VALLIÈRE,')).toBe(true);
    expect(addsOnlyDiacritics('EVALUATION', 'ÉVALUATION')).toBe(true);
    expect(addsOnlyDiacritics('Maitre', 'Maître')).toBe(true);
    expect(addsOnlyDiacritics('a', 'à')).toBe(true);
    // decomposed input (e + combining grave) is the same text
    expect(addsOnlyDiacritics('LEFEVRE', 'LEFE\u0300VRE')).toBe(true);
  });

  it('refuses any other change: a letter, a removed or swapped mark, the length, nothing at all', () => {
    expect(addsOnlyDiacritics('cing', 'cinq')).toBe(false);
    expect(addsOnlyDiacritics('libres', 'fibres')).toBe(false);
    expect(addsOnlyDiacritics('Honoré', 'Honore')).toBe(false);
    expect(addsOnlyDiacritics('aprés', 'après')).toBe(false);
    expect(addsOnlyDiacritics('LEFEVRE,', '(LEFÈVRE,')).toBe(false);
    expect(addsOnlyDiacritics('soixante-cinq.', 'soixante-cinq,.')).toBe(false);
    expect(addsOnlyDiacritics('VALLIERE', 'VALLIERE')).toBe(false);
    expect(addsOnlyDiacritics('oe', 'œ')).toBe(false);
  });
});

describe('acceptReread', () => {
  it('refuses to turn a known word into an unknown one (a mark invented out of context)', () => {
    expect(acceptReread('doit', 'doït', words)).toBe(false);
    expect(acceptReread('doit,', 'doït,', words)).toBe(false);
  });

  it('accepts a known word reached by the marks, and names no list holds', () => {
    expect(acceptReread('Maitre', 'Maître', words)).toBe(true);
    expect(acceptReread('EVALUATION', 'ÉVALUATION', words)).toBe(true);
    expect(acceptReread('a', 'à', words)).toBe(true);
    expect(acceptReread('VALLIERE,', 'VALLIÈRE,', words)).toBe(true);
    expect(acceptReread('THEATRE', 'THÉATRE', words)).toBe(true); // neither form is listed: the re-read decides
  });

  it('without a word list, decides on the marks alone', () => {
    expect(acceptReread('doit', 'doït')).toBe(true);
    expect(acceptReread('cing', 'cinq')).toBe(false);
  });
});

describe('wantsPrimaryReread', () => {
  it('re-reads words another model read, that have letters and could gain a mark', () => {
    expect(wantsPrimaryReread({ text: 'VALLIERE,', lang: 'eng' }, 'fra', words)).toBe(true);
    expect(wantsPrimaryReread({ text: 'Maitre', lang: 'eng' }, 'fra', words)).toBe(true);
    expect(wantsPrimaryReread({ text: 'a', lang: 'eng' }, 'fra', words)).toBe(true); // `à` is a word too
  });

  it('leaves words the primary model read, numbers, and known words with no accented form', () => {
    expect(wantsPrimaryReread({ text: 'VALLIERE', lang: 'fra' }, 'fra', words)).toBe(false);
    expect(wantsPrimaryReread({ text: 'VALLIERE' }, 'fra', words)).toBe(false);
    expect(wantsPrimaryReread({ text: '1965.', lang: 'eng' }, 'fra', words)).toBe(false);
    expect(wantsPrimaryReread({ text: 'mai', lang: 'eng' }, 'fra', words)).toBe(false);
    expect(wantsPrimaryReread({ text: 'Le', lang: 'eng' }, 'fra', words)).toBe(false);
    expect(wantsPrimaryReread({ text: 'mai', lang: 'eng' }, 'fra')).toBe(true); // no list: cannot tell
  });
});

describe('spliceWords', () => {
  const text = 'Monsieur Jean VALLIERE, et\nMadame LEFEVRE, son EVALUATION\n\nLEFEVRE fin';
  const ws = ['Monsieur', 'Jean', 'VALLIERE,', 'et', 'Madame', 'LEFEVRE,', 'son', 'EVALUATION', 'LEFEVRE', 'fin'].map((t) => ({ text: t }));

  it('replaces each word at its own place, keeping line breaks and paragraphs', () => {
    const r = spliceWords(text, ws, new Map([[2, 'VALLIÈRE,'], [8, 'LEFÈVRE']]));
    expect(r.text).toBe('Monsieur Jean VALLIÈRE, et\nMadame LEFEVRE, son EVALUATION\n\nLEFÈVRE fin');
    expect(r.missed).toEqual([]);
  });

  it('reports a word it cannot find and leaves the text as it was there', () => {
    const r = spliceWords('Jean VALLIERE', [{ text: 'Jean' }, { text: 'VALIERE' }], new Map([[1, 'VALIÈRE']]));
    expect(r.text).toBe('Jean VALLIERE');
    expect(r.missed).toEqual([1]);
  });
});
