import { describe, expect, it } from 'vitest';
import { fixDigits, normaliseDate, normaliseField } from '../../src/boost/fields';

describe('fixDigits', () => {
  it.each([
    ['I98O', '1980'],
    ['4S21', '4521'],
    ['1O', '10'],
    ['2003', '2003'],
    ['Il', 'Il'], // no digit: a word
    ['SO', 'SO'],
    ['Bob', 'Bob'],
    ['1ll', '1ll'], // fewer digits than letters: left alone
  ])('%s → %s', (input, expected) => expect(fixDigits(input)).toBe(expected));
});

describe('normaliseDate', () => {
  it.each([
    ['14/03/1962', '14/03/1962'],
    ['14.03.1962', '14.03.1962'], // as printed: only look-alike letters are fixed
    ['4-3-1962', '4-3-1962'],
    ['10-1-1909', '10-1-1909'],
    ['l4/O3/1962', '14/03/1962'],
    ['4-O3-l962', '4-03-1962'],
    ['(02/07/1963)', '(02/07/1963)'],
    ['02/07/1963,', '02/07/1963,'],
    ['32/03/1962', '32/03/1962'], // not a day
    ['12/13/1962', '12/13/1962'], // not a month
    ['1/2', '1/2'],
  ])('%s → %s', (input, expected) => expect(normaliseDate(input)).toBe(expected));
});

describe('normaliseField', () => {
  it.each([
    ['n*', '17', 'n°'],
    ['no', '17', 'n°'],
    ['N°', '17', 'N°'],
    ['N°.', '17', 'N°'],
    ['no', 'doute', 'no'],
    ['Vol', '4521', 'Vol.'],
    ['Vol;', '145', 'Vol.'],
    ['VOL,', '8012', 'Vol.'],
    ['Vol', 'de', 'Vol'],
    ['45O', undefined, '450'],
    ['9,7S', undefined, '9,75'],
    ['I25', 'francs', '125'],
    ['Il', 'doit', 'Il'],
    ['Vente', undefined, 'Vente'],
  ])('%s (before %s) → %s', (token, next, expected) => expect(normaliseField(token, next)).toBe(expected));
});
