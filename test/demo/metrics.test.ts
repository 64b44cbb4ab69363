/**
 * The demo's CER must be the team's CER: src/demo/metrics.ts against ocr_metrics.py (the team's scorer; a copy is in test/fixtures/tools/)
 * --canonical on text pairs that exercise every rule (typography, guillemets, line-end hyphens, page
 * separators, Markdown tables, Unicode spaces and separators, decomposed accents, ligatures, astral
 * characters, \r line ends). The script's numbers are recorded here, so the test holds without Python;
 * when python3 and the script are present, they are also compared live.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonical, prepare, score } from '../../src/demo/metrics';
import { editDistance } from '../../src/util/edit-distance';

const PAIRS: Record<string, { gt: string; hyp: string; python: { gt_chars: number; gt_words: number; cer: number; wer: number; bow_f1: number; bow_recall: number } }> = {
  prose: {
    gt:
      'L’AN DEUX MILLE DIX-NEUF, le douze mars.\nCi-après appelé le « vendeur » ; il déclare : « oui » !\n' +
      'Le lot numéro 2\u00a0475\u00a0312 du cadastre du Québec, circonscription foncière de Québec.\fPage deux : l\'acheteur accepte.\n',
    hyp:
      '--- Page 1 ---\nL\'AN DEUX MILLE DIX-NEUF, le douze mars.\nCi-aprés appelé le "vendeur"; il déclare: oui!\n' +
      'Le lot numéro 2 475 3l2 du ca-\ndastre du Québec, circons-  \n  cription fonciere de Quebec.\n\n--- Page 2 ---\nPage deux : l’acheteur ac-\ncepte.\n',
    python: { gt_chars: 199, gt_words: 32, cer: 0.020100502512562814, wer: 0.125, bow_f1: 0.875, bow_recall: 0.875 },
  },
  table: {
    gt:
      "INDEX DES IMMEUBLES\nPrésentation Nature de l'acte Parties N° d'inscription\n" +
      '2019-03-12 Vente G. Bouchard à S. Tremblay 24 518 903\n2019-03-12 Hypothèque S. Tremblay à Banque Nationale 24 518 904\n',
    hyp:
      '--- Page 1 ---\n| Présentation | Nature de l’acte | Parties | N° d’inscription |\n|---|:---:|---|---:|\n' +
      '| 2019-03-12 | Vente | G. Bouchard a S. Tremblay | 24 518 903 |\n|2019-03-12|Hypotheque|S. Tremblay à Banque Nationale|24518904|\n' +
      '  | --- | --- |\nINDEX DES IMMEUBLES\n',
    python: { gt_chars: 192, gt_words: 30, cer: 0.22916666666666666, wer: 0.3, bow_f1: 0.8620689655172413, bow_recall: 0.8333333333333334 },
  },
  unicode: {
    gt: 'Cre\u0301ance de l\u2019\u0153uvre \u2014 \ufb01n de l\u2019acte\u2028ligne\x1cs\u00e9par\u00e9e \u{1F3E0} maison\u3000\u00e9t\u00e9 I9I9',
    hyp: "Créance de l'œuvre — fin de l acte\nligne séparée 🏠 maison ete 1919\ufeff x\r\n--- Page 12 ---\rfin\n   -- Page 3 --   \nmot- \n   suite 2- \n3",
    python: { gt_chars: 66, gt_words: 13, cer: 0.36363636363636365, wer: 0.6153846153846154, bow_f1: 0.6451612903225806, bow_recall: 0.7692307692307693 },
  },
};

function expectSame(ours: ReturnType<typeof score>, py: (typeof PAIRS)[string]['python']): void {
  expect(ours.gtChars).toBe(py.gt_chars);
  expect(ours.gtWords).toBe(py.gt_words);
  expect(ours.cer).toBeCloseTo(py.cer, 12);
  expect(ours.wer).toBeCloseTo(py.wer, 12);
  expect(ours.bowF1).toBeCloseTo(py.bow_f1, 12);
  expect(ours.bowRecall).toBeCloseTo(py.bow_recall, 12);
}

describe('demo metrics = ocr_metrics.py --canonical', () => {
  for (const [name, pair] of Object.entries(PAIRS)) {
    it(`${name}: same scores as the recorded script output`, () => {
      expectSame(score(pair.gt, pair.hyp), pair.python);
    });
  }

  const script = path.join(__dirname, '..', 'fixtures', 'tools', 'ocr_metrics.py');
  let python = false;
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    python = existsSync(script);
  } catch {
    python = false;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ocr-metrics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!python)('same scores as the script run now, canonical and plain', () => {
    for (const [name, pair] of Object.entries(PAIRS)) {
      const gt = path.join(dir, `${name}.gt.txt`);
      const hyp = path.join(dir, `${name}.hyp.txt`);
      writeFileSync(gt, pair.gt);
      writeFileSync(hyp, pair.hyp);
      for (const canon of [true, false]) {
        const out = execFileSync('python3', [script, ...(canon ? ['--canonical'] : []), gt, hyp], { encoding: 'utf8' });
        expectSame(score(pair.gt, pair.hyp, { canonical: canon }), JSON.parse(out));
      }
    }
  });
});

describe('canonical rules', () => {
  it('drops page separators and table rules only on lines of their own', () => {
    expect(prepare('a\n--- Page 3 ---\nb')).toBe('a b');
    expect(prepare('a --- Page 3 --- b')).toBe('a --- Page 3 --- b');
    expect(prepare('| x | y |\n|---|:---:|\n| 1 | 2 |')).toBe('x y 1 2');
  });

  it('joins line-end hyphens of any script, keeps real hyphens', () => {
    expect(canonical('hypo-\nthèque vingt-deux')).toBe('hypothèque vingt-deux');
    expect(prepare('Œu-  \n  vre')).toBe('Œuvre');
  });

  it('typography: apostrophes unified, guillemets and quotes dropped, no space before ; : ! ?', () => {
    expect(prepare('l’« acheteur » ; oui !')).toBe("l' acheteur; oui!");
  });

  it('counts code points, not UTF-16 units', () => {
    expect(score('maison 🏠', 'maison 🏡').cer).toBeCloseTo(1 / 8, 12);
    expect(editDistance([...'kitten'], [...'sitting'])).toBe(3);
    expect(editDistance([], ['a', 'b'])).toBe(2);
  });

  it('an empty hypothesis scores CER 1, F1 0', () => {
    const s = score('un deux trois', '');
    expect(s.cer).toBe(1);
    expect(s.bowF1).toBe(0);
  });
});
