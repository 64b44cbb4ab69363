import { describe, expect, it } from 'vitest';
import { boostActePage, fixLowConfidenceWord, frenchTypography, reflow, typewriterDashes } from '../../src/boost/acte';
import { alignLines } from '../../src/boost/lines';

describe('typewriterDashes', () => {
  it.each([
    ['raisons d’être= de', 'raisons d’être- de'],
    ['interprétons=la', 'interprétons-la'],
    ['Une inter=', 'Une inter-'],
    ['= de la peinture', '- de la peinture'],
    ['prix = 12', 'prix - 12'],
    ['a == b', 'a == b'],
  ])('%s → %s', (input, expected) => expect(typewriterDashes(input)).toBe(expected));
});

describe('reflow', () => {
  it.each([
    ['joins a word cut at the line end', ['allant me présenter à l’atelier de Marcel Lam-', 'bert, abrité au dernier étage'], ['allant me présenter à l’atelier de Marcel Lambert, abrité au dernier étage']],
    ['keeps the hyphen before a capital', ['demeurant ensemble à Saint-', 'Égrève (Isère)'], ['demeurant ensemble à Saint-Égrève (Isère)']],
    ['runs a full line on into the next', ['Vous pouvez m’envoyer la personne dont vous', 'me parlez.'], ['Vous pouvez m’envoyer la personne dont vous me parlez.']],
    ['keeps the break after a short line', ['Tout à vous', 'Salut fraternel et cordial à tous les vôtres'], ['Tout à vous', 'Salut fraternel et cordial à tous les vôtres']],
    ['keeps the break after a colon', ['les conventions suivantes qui sont les suivantes :', 'le vendeur vend'], ['les conventions suivantes qui sont les suivantes :', 'le vendeur vend']],
  ])('%s', (_, input, expected) => expect(reflow(input)).toEqual(expected));
});

describe('frenchTypography', () => {
  it.each([
    ['Aug. DELATRE .', 'Aug. DELATRE.'],
    ['bien connu , et', 'bien connu, et'],
    ['( par ordre )', '(par ordre)'],
    ["l'homme d'affaires", 'l’homme d’affaires'],
    ['A COMPARU: Monsieur', 'A COMPARU : Monsieur'],
    ['Vraiment!', 'Vraiment !'],
    ['dénommés "le vendeur", d’une part', 'dénommés «\u00A0le vendeur\u00A0», d’une part'],
    ['un " seul', 'un " seul'],
    ["THEATRE DE L’'OPÉRA", 'THEATRE DE L’OPÉRA'],
    ['vous avez, A plusieurs reprises', 'vous avez, à plusieurs reprises'],
    ['Annexe A.', 'Annexe A.'],
    ['A COMPARU', 'A COMPARU'],
    ['la ﬁn du ﬂeuve', 'la fin du fleuve'],
    ['Nom ..... exemplaires', 'Nom ..... exemplaires'],
    ['à 9,75 %', 'à 9,75 %'],
  ])('%s → %s', (input, expected) => expect(frenchTypography(input)).toBe(expected));
});

describe('fixLowConfidenceWord', () => {
  it.each([
    ["1'IFIP", "l'IFIP"],
    ['1’acte', 'l’acte'],
    ['v0us', 'vous'],
    ['vi1le', 'ville'],
    ['1962', '1962'],
    ['D0463', 'D0463'],
    ['A1', 'A1'],
  ])('%s → %s', (input, expected) => expect(fixLowConfidenceWord(input)).toBe(expected));
});

describe('boostActePage', () => {
  it('fixes confusions only in words tesseract was unsure of', () => {
    const words = [
      { text: "1'acte", confidence: 40 },
      { text: 'et', confidence: 95 },
      { text: "1'acte", confidence: 95 },
    ];
    expect(boostActePage(alignLines("1'acte et 1'acte", words))).toBe("l’acte et 1'acte");
  });

  it('joins a paragraph that opens in lower case to the one before, and a word cut across them', () => {
    const text = 'Je vous prie de me donner une explica-\n\ntion écrite.\n\nEt voici\n\nla suite';
    expect(boostActePage(alignLines(text, []))).toBe('Je vous prie de me donner une explication écrite.\n\nEt voici la suite');
  });

  it('keeps paragraphs apart and reflows each', () => {
    const text = 'Par-devant Maître Éloïse DURAND, notaire à Grenoble,\nsoussignée.\n\nA COMPARU : Monsieur Émile';
    expect(boostActePage(alignLines(text, []))).toBe('Par-devant Maître Éloïse DURAND, notaire à Grenoble, soussignée.\n\nA COMPARU : Monsieur Émile');
  });
});
