import { describe, expect, it } from 'vitest';
import { registryWord } from '../../src/boost/lexicon';
import { foldAccents } from '../../src/text/fold';

describe('registryWord', () => {
  it.each([
    // accents restored whatever the confidence, case kept
    ['Hypotheque', false, 'Hypothèque'],
    ['HYPOTHEQUE', false, 'HYPOTHÈQUE'],
    ['hypotheque', false, 'hypothèque'],
    ['Mainlevee', false, 'Mainlevée'],
    ['preteur', false, 'prêteur'],
    ["d'Epargne", false, "d'Épargne"],
    ['Declaration,', false, 'Déclaration,'],
    // one misread letter, only when tesseract was unsure
    ['Servitnde', true, 'Servitude'],
    ['Servitnde', false, 'Servitnde'],
    ['Quittanse', true, 'Quittance'],
    // left alone: not registry words, or too short to correct safely
    ['Meryon', true, 'Meryon'],
    ['Vente', true, 'Vente'],
    ['Bal', true, 'Bal'],
    ['GERARD', true, 'GERARD'],
    // two registry words share the unaccented form (the noun cadastre, cadastré): left as written
    ['Cadastre', false, 'Cadastre'],
    ['Cadastré', true, 'Cadastré'],
    ['CADASTRE', true, 'CADASTRE'],
  ])('%s (unsure: %s) → %s', (token, unsure, expected) => expect(registryWord(token, unsure)).toBe(expected));

  it('folds accents and case', () => expect(foldAccents('Hypothèque Élevée')).toBe('hypotheque elevee'));
});
