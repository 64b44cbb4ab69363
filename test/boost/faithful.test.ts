import { describe, expect, it } from 'vitest';
import { keepReadDiacritics, removesDiacritic } from '../../src/boost/faithful';

describe('removesDiacritic', () => {
  it.each([
    ['Pyrénées', 'Pyrenées', true],
    ['Pyrénées', 'Pyrenees', true],
    ['PYRÉNÉES', 'PYRENEES', true],
    ['soussigneé', 'soussignée', true], // the read é moved: the letter that carried it is bare now
    ['aprés', 'après', false], // a mark changed, none lost
    ['boitiers', 'boîtiers', false], // added
    ['tableeu', 'tableau', false],
    ['Pyrénées', 'Pyrénéen', false],
    ['décès', 'déces', true],
    ['réunion', 'reunions', true], // length changed: fewer marks overall
    ['e\u0301te\u0301', 'été', false], // decomposed input: the same marks
  ])('%s → %s: %s', (read, corrected, expected) => expect(removesDiacritic(read, corrected)).toBe(expected));
});

describe('keepReadDiacritics', () => {
  it('keeps the reading when the correction would drop an accent, and the correction otherwise', () => {
    expect(keepReadDiacritics('Pyrénées', 'Pyrenées')).toBe('Pyrénées');
    expect(keepReadDiacritics('aprés', 'après')).toBe('après');
    expect(keepReadDiacritics('tableeu', 'tableau')).toBe('tableau');
  });
});
