import { describe, expect, it } from 'vitest';
import { MAX_WORDS_FOR_RETRY, wantsSauvolaRetry } from '../../src/ocr/sauvola-retry';
import { fitsBetter } from '../../src/ocr/better-reading';
import { MIN_ROUTING_EVIDENCE, languageEvidence, routeTo } from '../../src/ocr/routing';

const read = (text: string, confidence = 90) => text.split(/\s+/).filter(Boolean).map((t) => ({ text: t, confidence }));

const ENGLISH = read('WHICH PARTIES have agreed as follows: the Vendor hereby sells to the Purchaser, who accepts, the property with the building thereon erected, which is registered at Montreal by the deed of sale of the said lot');
const FRENCH = read("LAQUELLE déclare que par son testament reçu devant le notaire, le défunt l'a instituée sa légataire universelle et que la succession comprend l'immeuble suivant, avec la maison dessus construite");

describe('languageEvidence', () => {
  it('counts function words of each language, and French elisions as French', () => {
    expect(languageEvidence(read("the deed of sale, l'acte de vente d'un lot"), ['fra', 'eng'])).toEqual(
      new Map([
        ['fra', 3], // l'acte, de, d'un
        ['eng', 2], // the, of
      ]),
    );
  });

  it('ignores words read with low confidence: handwriting read as garbage is no evidence', () => {
    expect(languageEvidence(read('the of and to in is that', 40), ['eng']).get('eng')).toBe(0);
  });

  it('strips punctuation around a word and ignores case', () => {
    expect(languageEvidence(read('(The) WHICH, said.'), ['eng']).get('eng')).toBe(3);
  });
});

describe('routeTo', () => {
  it('sends an English page to the English model', () => {
    expect(routeTo(ENGLISH, 'fra', ['eng'])).toBe('eng');
  });

  it('keeps a French page with the primary model', () => {
    expect(routeTo(FRENCH, 'fra', ['eng'])).toBeNull();
  });

  it('keeps a page with a few English words among French ones (names, a quoted clause)', () => {
    expect(routeTo([...FRENCH, ...read('the said lot of the vendor')], 'fra', ['eng'])).toBeNull();
  });

  it(`needs at least ${MIN_ROUTING_EVIDENCE} function words: a register page of names and numbers stays`, () => {
    expect(routeTo(read('1987-04-14 Sale D. W. Fraser to the Bank of Montreal 3 855 013'), 'fra', ['eng'])).toBeNull();
  });

  it('never routes to a language it has no function words for', () => {
    expect(routeTo(ENGLISH, 'fra', ['deu'])).toBeNull();
  });
});

describe('fitsBetter', () => {
  it('keeps the all-languages reading of a routed page unless it is less sure; a tie goes to it', () => {
    // (primary reading, routed reading)
    expect(fitsBetter({ confidence: 92 }, { confidence: 94 })).toBe(true);
    expect(fitsBetter({ confidence: 92 }, { confidence: 92 })).toBe(true);
    expect(fitsBetter({ confidence: 92 }, { confidence: 90 })).toBe(false);
  });
});

describe('wantsSauvolaRetry', () => {
  it('retries a page that read as (nearly) empty', () => {
    expect(wantsSauvolaRetry([])).toBe(true);
    expect(wantsSauvolaRetry(read('ab cd', 95))).toBe(true);
  });

  it('does not retry a page with enough readable words', () => {
    expect(wantsSauvolaRetry(read('un deux trois quatre cinq', 95))).toBe(false);
  });

  it(`does not retry a page where tesseract found ${MAX_WORDS_FOR_RETRY}+ words it could hardly read (handwriting)`, () => {
    const scrawl = Array.from({ length: MAX_WORDS_FOR_RETRY }, (_, i) => ({ text: `xq${i}`, confidence: 30 }));
    expect(wantsSauvolaRetry(scrawl)).toBe(false);
    expect(wantsSauvolaRetry(scrawl.slice(1))).toBe(true);
  });
});
