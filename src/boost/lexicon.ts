/**
 * Vocabulary of land-registry index books and deeds (Québec's registre foncier and the French publicité
 * foncière share most of it): deed types, the words that qualify them, and the printed column headings.
 * Used to restore accents lost by OCR (`Hypotheque`, `HYPOTHEQUE` → `Hypothèque`, `HYPOTHÈQUE`) and to
 * fix one-letter misreadings of these words when tesseract was unsure of them.
 */
import { foldAccents, withCase } from '../text/fold';

/** Deed types (natures d'acte) as they are written in index books. */
export const DEED_TYPES = [
  'Vente', 'Hypothèque', 'Quittance', 'Servitude', 'Cession', 'Donation', 'Déclaration de transmission',
  "Préavis d'exercice", 'Mainlevée', 'Radiation', 'Bail', 'Jugement', 'Échange', 'Dation en paiement',
  'Délaissement', 'Testament', 'Succession', 'Promesse', 'Rectification', 'Renonciation', 'Subrogation',
  'Partage', 'Donation-partage', 'Attestation immobilière', 'Privilège', 'Commandement', 'Saisie',
  'Division', 'Procuration', 'Dépôt', 'Transaction', 'Certificat de propriété', 'Inventaire', 'Titre nouvel',
  'Obligation', 'Constitution', 'Cautionnement', 'Résiliation', 'Résolution', 'Prise en paiement',
  'Vente pour taxes', 'Avis d’adresse', 'Retrait', 'Licitation', 'Adjudication', 'Expropriation',
  'Bornage', 'Emphytéose', 'Usufruit', 'Antichrèse', 'Nantissement', 'Inscription', 'Réquisition',
];

/** Words that qualify deed types and fill the other columns of an index page. */
const QUALIFIERS = [
  'hypothécaire', 'hypothécaires', 'conventionnelle', 'légale', 'judiciaire', 'immobilière', 'immobilier',
  'mobilière', 'après', 'décès', 'prêteur', 'prêteurs', 'deniers', 'vendeur', 'parcellaire', 'partielle',
  'totale', 'réitéré', 'réitérée', 'péremption', 'caduc', 'caduque', 'réserve', 'nue-propriété',
  'propriété', 'propriétaire', 'préférence', 'épouse', 'époux', 'veuve', 'société', 'créancier',
  'débiteur', 'acquéreur', 'donataire', 'donatrice', 'donateur', 'héritier', 'héritiers', 'légataire',
  'régime', 'communauté', 'séparation', 'exécution', 'créance', 'intérêts', 'échéance', 'numéro',
  'remarques', 'désignation', 'immeuble', 'immeubles', 'circonscription', 'foncière', 'publicité',
  'enregistrement', 'intervenants', 'cédant', 'cessionnaire', 'préavis', 'mainlevée', 'déclaration',
  'hypothèque', 'hypothèques', 'servitude', 'quittance', 'transmission', 'exercice', 'épargne', 'crédit',
  'foncier', 'reçu', 'présentation', 'entrée', 'référence', 'matricule', 'cadastré', 'cadastre',
];

/**
 * Unaccented form → registry spelling. null where two words of the vocabulary share the unaccented form
 * (cadastre, the noun, and cadastré): nothing says which one a page meant, so such a word is left as read.
 */
const WORDS = new Map<string, string | null>();
for (const phrase of [...DEED_TYPES, ...QUALIFIERS]) {
  for (const w of phrase.split(/[\s’']+/u)) {
    if (w.length < 4) continue;
    const key = foldAccents(w);
    const spelling = w.toLowerCase();
    const known = WORDS.get(key);
    if (known === undefined) WORDS.set(key, spelling);
    else if (known !== spelling) WORDS.set(key, null);
  }
}
const BY_LENGTH = new Map<number, string[]>();
for (const k of WORDS.keys()) BY_LENGTH.set(k.length, [...(BY_LENGTH.get(k.length) ?? []), k]);

/** Substitutions only (OCR misreads a letter; it rarely adds or drops one in a word it is unsure of). */
function oneSubstitution(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && ++d > 1) return false;
  return d === 1;
}

/** Words this long or longer may be corrected by one letter (short words have too many neighbours). */
export const MIN_FUZZY_LENGTH = 7;

/**
 * The registry spelling of a word, or the word unchanged. Accents are always restored when the word is
 * the vocabulary word without them; a one-letter misreading is fixed only when `unsure` (low confidence)
 * and only one vocabulary word is that close. Punctuation around the word and an elided `d’`/`l’` are kept.
 */
export function registryWord(token: string, unsure: boolean): string {
  const m = /^([(«"]*(?:[dlDL]['’])?)([\p{L}-]+)([^\p{L}]*)$/u.exec(token);
  if (!m) return token;
  const [, pre, word, post] = m as unknown as [string, string, string, string];
  if (word.length < 4) return token;
  const key = foldAccents(word);
  let hit = WORDS.get(key);
  if (hit === undefined && unsure && key.length >= MIN_FUZZY_LENGTH) {
    const near = (BY_LENGTH.get(key.length) ?? []).filter((k) => oneSubstitution(k, key));
    if (near.length === 1) hit = WORDS.get(near[0]!);
  }
  return hit ? `${pre}${withCase(hit, word)}${post}` : token;
}
