/**
 * The invented documents of the demo sample set (samples/), as data: deeds (actes) as headings and
 * paragraphs, register pages (index des immeubles) as tables. scripts/generate-samples.ts lays them out,
 * renders them (born-digital or scanned-looking) and writes each one's ground truth.
 *
 * Every person, company, lot and number here is made up. The lot 2 475 312 (formerly 147-12, parish of
 * Saint-Colomb de Sillery) runs through several documents, as it would in a real registry: the 1978
 * transmission, the 1994 hypothec, the 2019 sale and the lot's index page agree with each other.
 *
 * A non-breaking space (U+00A0) marks a space where a line must not break ("432 500,00 $"); it is drawn
 * and written to the ground truth as an ordinary space.
 */

export type FontName = 'Times-Roman' | 'Times-Bold' | 'Times-Italic' | 'Helvetica' | 'Helvetica-Bold' | 'Courier' | 'Courier-Bold';

/** One block of a deed. */
export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'para'; text: string; indent?: boolean }
  | { kind: 'right'; text: string }
  | { kind: 'gap'; pt: number }
  | { kind: 'pageBreak' }
  | { kind: 'signatures'; names: string[] };

export interface DeedSpec {
  kind: 'deed';
  fonts: { body: FontName; bold: FontName };
  size: number;
  leading: number;
  justify: boolean;
  blocks: Block[];
}

export interface RegisterPage {
  title: string;
  info: string[];
  rows: string[][];
}

export interface RegisterSpec {
  kind: 'register';
  fonts: { body: FontName; bold: FontName };
  size: number;
  /**
   * `columns`: ledger style, rules between columns and under the header only (a computer printout);
   * `grid`: every cell closed (a pre-printed register sheet). Tesseract reads a closed grid far worse.
   */
  rules: 'columns' | 'grid';
  /** Column titles and widths (points); the widths add up to the table width. */
  columns: { title: string; width: number; align?: 'left' | 'right' }[];
  pages: RegisterPage[];
}

export interface PlanSpec {
  kind: 'plan';
}

const NB = '\u00A0';
const nb = (s: string) => s.replace(/ /g, NB);

// ------------------------------------------------------------------------------------------------
// Deed of sale, 2019, word-processed (born-digital): typographic apostrophes and guillemets.

export const VENTE_2019: DeedSpec = {
  kind: 'deed',
  fonts: { body: 'Times-Roman', bold: 'Times-Bold' },
  size: 10.5,
  leading: 13.4,
  justify: true,
  blocks: [
    { kind: 'right', text: `N°${NB}12${NB}457 des minutes` },
    { kind: 'title', text: 'VENTE' },
    { kind: 'para', text: 'L’AN DEUX MILLE DIX-NEUF, le douze mars.' },
    { kind: 'para', text: `DEVANT Me${NB}Catherine LEFEBVRE-DUBÉ, notaire à Québec, province de Québec.` },
    { kind: 'heading', text: 'COMPARAISSENT :' },
    {
      kind: 'para',
      text: `Monsieur Gérald BOUCHARD, retraité, domicilié et résidant au 1485, rue des Érables, à Québec (Québec) ${nb('G1S 2K7')}, né le quatre avril mil neuf cent quarante-neuf;`,
    },
    { kind: 'para', text: `ci-après appelé le «${NB}vendeur${NB}»;` },
    { kind: 'para', text: 'ET' },
    {
      kind: 'para',
      text: `Madame Sophie TREMBLAY, ingénieure, et Monsieur Karim HADDAD, enseignant, domiciliés et résidant ensemble au 220, avenue Cartier, appartement 4, à Québec (Québec) ${nb('G1R 2S6')};`,
    },
    { kind: 'para', text: `ci-après appelés l’«${NB}acheteur${NB}»;` },
    { kind: 'para', text: 'LESQUELS, préalablement à la vente faisant l’objet du présent acte, déclarent ce qui suit :' },
    { kind: 'heading', text: 'OBJET DU CONTRAT' },
    { kind: 'para', text: 'Le vendeur vend à l’acheteur, qui accepte, à parts égales entre eux, l’immeuble dont la désignation suit :' },
    { kind: 'heading', text: 'DÉSIGNATION' },
    {
      kind: 'para',
      indent: true,
      text: `Un immeuble connu et désigné comme étant le lot numéro DEUX MILLIONS QUATRE CENT SOIXANTE-QUINZE MILLE TROIS CENT DOUZE (${nb('2 475 312')}) du cadastre du Québec, circonscription foncière de Québec.`,
    },
    {
      kind: 'para',
      indent: true,
      text: `Avec la maison et les autres bâtisses dessus construites, portant le numéro 1485, rue des Érables, à Québec (Québec) ${nb('G1S 2K7')}, circonstances et dépendances.`,
    },
    { kind: 'heading', text: 'ORIGINE DU DROIT DE PROPRIÉTÉ' },
    {
      kind: 'para',
      text: `Le vendeur est propriétaire de l’immeuble pour l’avoir acquis de Madame Lucienne GAGNON aux termes d’un acte de vente reçu devant Me${NB}Paul-André ROY, notaire, le vingt-huit juin mil neuf cent quatre-vingt-sept, dont copie a été publiée au bureau de la publicité des droits de la circonscription foncière de Québec sous le numéro ${nb('1 234 567')}.`,
    },
    { kind: 'heading', text: 'GARANTIE' },
    {
      kind: 'para',
      text: `Cette vente est faite avec la garantie légale. Le vendeur déclare que l’immeuble est libre de toute hypothèque, priorité ou charge quelconque, à l’exception d’une servitude d’utilité publique en faveur d’Hydro-Québec publiée sous le numéro ${nb('10 384 221')}.`,
    },
    { kind: 'heading', text: 'POSSESSION' },
    { kind: 'para', text: 'L’acheteur devient propriétaire de l’immeuble à compter de ce jour, avec possession et occupation immédiates.' },
    { kind: 'heading', text: 'DOSSIER DE TITRES' },
    {
      kind: 'para',
      text: `Le vendeur s’engage à remettre à l’acheteur les titres de propriété qu’il détient ainsi qu’un certificat de localisation préparé par Monsieur Denis PARADIS, arpenteur-géomètre, le vingt et un janvier deux mille dix-neuf, sous le numéro ${nb('4 118')} de ses minutes.`,
    },
    { kind: 'pageBreak' },
    { kind: 'heading', text: 'ATTESTATIONS DU VENDEUR' },
    {
      kind: 'para',
      text: 'Le vendeur déclare : a) que les impôts fonciers, taxes municipales et scolaires ont été payés sans subrogation jusqu’à ce jour; b) qu’il est résident canadien au sens de la Loi de l’impôt sur le revenu; c) que l’immeuble n’est pas situé dans une zone agricole.',
    },
    { kind: 'heading', text: 'RÉPARTITIONS' },
    {
      kind: 'para',
      text: 'Les parties feront entre elles, en date des présentes, les répartitions d’usage des taxes foncières et des autres charges afférentes à l’immeuble.',
    },
    { kind: 'heading', text: 'PRIX' },
    {
      kind: 'para',
      text: `Cette vente est faite pour le prix de QUATRE CENT TRENTE-DEUX MILLE CINQ CENTS DOLLARS (${nb('432 500,00 $')}), que le vendeur reconnaît avoir reçu de l’acheteur à la signature des présentes, dont quittance totale et finale.`,
    },
    { kind: 'heading', text: 'MENTIONS EXIGÉES PAR LA LOI CONCERNANT LES DROITS SUR LES MUTATIONS IMMOBILIÈRES' },
    {
      kind: 'para',
      text: `Le cédant est Gérald BOUCHARD; les cessionnaires sont Sophie TREMBLAY et Karim HADDAD, dont l’adresse est mentionnée ci-dessus. L’immeuble est situé sur le territoire de la Ville de Québec. Le montant de la contrepartie est de ${nb('432 500,00 $')}; le montant constituant la base d’imposition du droit de mutation est de ${nb('432 500,00 $')}; le montant du droit de mutation est de ${nb('5 977,50 $')}.`,
    },
    {
      kind: 'para',
      text: `DONT ACTE à Québec, sous le numéro douze mille quatre cent cinquante-sept (${nb('12 457')}) des minutes de la notaire soussignée.`,
    },
    { kind: 'para', text: 'LECTURE FAITE, les parties signent en présence de la notaire.' },
    { kind: 'gap', pt: 24 },
    { kind: 'signatures', names: ['Gérald BOUCHARD', 'Sophie TREMBLAY', 'Karim HADDAD', `Me${NB}Catherine LEFEBVRE-DUBÉ, notaire`] },
  ],
};

// ------------------------------------------------------------------------------------------------
// Immovable hypothec, 1994, typeset and later scanned: straight apostrophes.

export const HYPOTHEQUE_1994: DeedSpec = {
  kind: 'deed',
  fonts: { body: 'Times-Roman', bold: 'Times-Bold' },
  size: 11.5,
  leading: 15,
  justify: true,
  blocks: [
    { kind: 'title', text: 'HYPOTHÈQUE IMMOBILIÈRE' },
    { kind: 'para', text: "L'AN MIL NEUF CENT QUATRE-VINGT-QUATORZE, le quinze mars." },
    { kind: 'para', text: `DEVANT Me${NB}Paul-André ROY, notaire à Sillery, province de Québec.` },
    { kind: 'heading', text: 'COMPARAISSENT :' },
    {
      kind: 'para',
      text: `BANQUE LAURENTIENNE DU CANADA, banque à charte régie par la Loi sur les banques, ayant une succursale au 1360, chemin Saint-Louis, à Sillery (Québec) ${nb('G1S 1E7')}, ici représentée par Madame Diane CÔTÉ, directrice de comptes, dûment autorisée aux fins des présentes;`,
    },
    { kind: 'para', text: `ci-après appelée le «${NB}créancier${NB}»;` },
    { kind: 'para', text: 'ET' },
    { kind: 'para', text: `Monsieur Gérald BOUCHARD, technicien, domicilié et résidant au 1485, rue des Érables, à Sillery (Québec) ${nb('G1S 2K7')};` },
    { kind: 'para', text: `ci-après appelé le «${NB}constituant${NB}»;` },
    { kind: 'para', text: 'LESQUELS conviennent de ce qui suit :' },
    { kind: 'heading', text: 'PRÊT' },
    {
      kind: 'para',
      text: `Le créancier a prêté au constituant la somme de SOIXANTE-QUINZE MILLE DOLLARS (${nb('75 000,00 $')}), que le constituant reconnaît avoir reçue, dont quittance.`,
    },
    { kind: 'heading', text: 'REMBOURSEMENT ET INTÉRÊTS' },
    {
      kind: 'para',
      text: `Le constituant s'oblige à rembourser cette somme en deux cent quarante (240) versements mensuels, égaux et consécutifs de SIX CENT QUATRE-VINGT-DOUZE DOLLARS ET QUARANTE CENTS (${nb('692,40 $')}) chacun, comprenant le capital et les intérêts, le premier versement devenant exigible le quinze avril mil neuf cent quatre-vingt-quatorze. Le solde portera intérêt au taux de neuf et demi pour cent (${nb('9,5 %')}) l'an, calculé semestriellement et non à l'avance.`,
    },
    { kind: 'heading', text: 'HYPOTHÈQUE' },
    {
      kind: 'para',
      text: `Pour garantir le remboursement du prêt, le paiement des intérêts et l'exécution de toutes ses obligations aux termes des présentes, le constituant hypothèque en faveur du créancier, jusqu'à concurrence de la somme de QUATRE-VINGT-DIX MILLE DOLLARS (${nb('90 000,00 $')}), avec intérêt au taux de quinze pour cent (${nb('15 %')}) l'an à compter de la date des présentes, l'immeuble suivant :`,
    },
    { kind: 'heading', text: 'DÉSIGNATION' },
    {
      kind: 'para',
      indent: true,
      text: 'Un emplacement connu et désigné comme étant le lot numéro CENT QUARANTE-SEPT, subdivision DOUZE (147-12), du cadastre officiel de la paroisse de Saint-Colomb de Sillery, circonscription foncière de Québec.',
    },
    {
      kind: 'para',
      indent: true,
      text: 'Avec la maison dessus construite portant le numéro 1485, rue des Érables, à Sillery, circonstances et dépendances.',
    },
    { kind: 'pageBreak' },
    { kind: 'heading', text: 'OBLIGATIONS DU CONSTITUANT' },
    {
      kind: 'para',
      text: "Le constituant s'oblige à maintenir l'immeuble en bon état, à l'assurer contre l'incendie pour sa pleine valeur assurable, à payer à échéance les taxes et cotisations qui le grèvent et à en remettre la preuve au créancier sur demande.",
    },
    { kind: 'heading', text: 'DÉFAUT' },
    {
      kind: 'para',
      text: "Si le constituant fait défaut de payer un versement à son échéance, le créancier pourra, après avoir donné les préavis requis par la loi, exercer les droits hypothécaires que lui confèrent le Code civil du Québec et la loi.",
    },
    { kind: 'heading', text: 'ÉLECTION DE DOMICILE' },
    { kind: 'para', text: 'Les parties élisent domicile à leur adresse respective mentionnée ci-dessus.' },
    { kind: 'para', text: `DONT ACTE à Sillery, sous le numéro huit mille trois cent quatre (${nb('8 304')}) des minutes du notaire soussigné.` },
    { kind: 'para', text: 'LECTURE FAITE, les parties signent avec le notaire.' },
    { kind: 'gap', pt: 24 },
    { kind: 'signatures', names: ['Diane CÔTÉ', 'Gérald BOUCHARD', `Me${NB}Paul-André ROY, notaire`] },
  ],
};

// ------------------------------------------------------------------------------------------------
// Declaration of transmission, 1978, typewritten (monospace, no accents on capitals), photocopied.

export const TRANSMISSION_1978: DeedSpec = {
  kind: 'deed',
  fonts: { body: 'Courier', bold: 'Courier-Bold' },
  size: 10.5,
  leading: 15.5,
  justify: false,
  blocks: [
    { kind: 'title', text: 'DECLARATION DE TRANSMISSION' },
    { kind: 'para', text: "L'AN MIL NEUF CENT SOIXANTE-DIX-HUIT, le vingt-deux septembre." },
    { kind: 'para', text: `DEVANT Me${NB}Roland GAUTHIER, notaire à Québec.` },
    {
      kind: 'para',
      text: 'COMPARAIT : Madame Lucienne GAGNON, fille majeure, domiciliée au 1485, rue des Erables, à Sillery, seule héritière de son père, feu Joseph-Arthur GAGNON, en son vivant cultivateur, domicilié à Sillery, décédé à Québec le trois mars mil neuf cent soixante-dix-huit.',
    },
    {
      kind: 'para',
      text: `LAQUELLE déclare que par son testament reçu devant Me${NB}Roland GAUTHIER, notaire, le dix mai mil neuf cent soixante-quatre, sous le numéro ${nb('2 871')} de ses minutes, le défunt l'a instituée sa légataire universelle.`,
    },
    {
      kind: 'para',
      text: 'QUE la succession comprend l\'immeuble suivant : un emplacement connu et désigné comme étant le lot numéro CENT QUARANTE-SEPT, subdivision DOUZE (147-12), du cadastre officiel de la paroisse de Saint-Colomb de Sillery, avec maison dessus construite portant le numéro 1485, rue des Erables, circonstances et dépendances.',
    },
    { kind: 'para', text: `QUE la valeur de cet immeuble au jour du décès est de QUARANTE-DEUX MILLE DOLLARS (${nb('42 000,00 $')}).` },
    {
      kind: 'para',
      text: "EN CONSEQUENCE, la comparante requiert l'officier de la publicité des droits d'inscrire la présente déclaration de transmission contre l'immeuble ci-dessus désigné.",
    },
    { kind: 'para', text: `DONT ACTE à Québec, sous le numéro cinq mille six cent dix (${nb('5 610')}) des minutes du notaire soussigné.` },
    { kind: 'para', text: 'LECTURE FAITE, la comparante signe avec le notaire.' },
    { kind: 'gap', pt: 20 },
    { kind: 'signatures', names: ['Lucienne GAGNON', `Me${NB}Roland GAUTHIER, notaire`] },
  ],
};

// ------------------------------------------------------------------------------------------------
// Register pages (index des immeubles): landscape A4, table width 770 pt.

const MODERN_COLUMNS: RegisterSpec['columns'] = [
  { title: 'Présentation', width: 92 },
  { title: "Nature de l'acte", width: 158 },
  { title: 'Parties', width: 252 },
  { title: "N° d'inscription", width: 96, align: 'right' },
  { title: 'Remarques', width: 172 },
];

/** Lot 2 475 312 (the house of the deeds above) since the cadastral renovation. */
export const INDEX_2475312: RegisterSpec = {
  kind: 'register',
  rules: 'columns',
  fonts: { body: 'Helvetica', bold: 'Helvetica-Bold' },
  size: 9,
  columns: MODERN_COLUMNS,
  pages: [
    {
      title: 'INDEX DES IMMEUBLES',
      info: [
        `Circonscription foncière : Québec      Cadastre : Cadastre du Québec      Lot : ${nb('2 475 312')}`,
        'Lot de rénovation cadastrale, remplace le lot 147-12 de la paroisse de Saint-Colomb de Sillery',
      ],
      rows: [
        ['2001-11-14', 'Avis de rénovation', 'Ministère des Ressources naturelles', '5 312 844', 'Remplace le lot 147-12'],
        ['2003-05-20', 'Servitude', 'G. Bouchard et Hydro-Québec', '10 384 221', "Servitude d'utilité publique"],
        ['2009-08-11', 'Quittance', 'Banque Laurentienne à G. Bouchard', '16 502 117', 'Radie 1 612 044'],
        ['2014-02-03', 'Hypothèque', 'G. Bouchard à Caisse Desjardins de Sillery', '20 611 385', '50 000 $'],
        ['2018-12-06', 'Quittance', 'Caisse Desjardins de Sillery à G. Bouchard', '24 203 559', 'Radie 20 611 385'],
        ['2019-03-12', 'Vente', 'G. Bouchard à S. Tremblay et K. Haddad', '24 518 903', '432 500 $'],
        ['2019-03-12', 'Hypothèque', 'S. Tremblay et K. Haddad à Banque Nationale', '24 518 904', '346 000 $'],
        ['2019-04-02', 'Déclaration de résidence familiale', 'S. Tremblay et K. Haddad', '24 577 120', ''],
      ],
    },
  ],
};

/** A commercial condominium lot in Limoilou: a foreclosure, a lease, a gift. */
export const INDEX_1875044: RegisterSpec = {
  kind: 'register',
  rules: 'grid',
  fonts: { body: 'Helvetica', bold: 'Helvetica-Bold' },
  size: 9,
  columns: MODERN_COLUMNS,
  pages: [
    {
      title: 'INDEX DES IMMEUBLES',
      info: [`Circonscription foncière : Québec      Cadastre : Cadastre du Québec      Lot : ${nb('1 875 044')}`, 'Partie privative, 3e Avenue, Limoilou'],
      rows: [
        ['2006-07-19', 'Vente', 'Construction Laval inc. à M.-A. Pelletier', '13 442 908', '189 900 $'],
        ['2006-07-19', 'Hypothèque', 'M.-A. Pelletier à Caisse Desjardins de Limoilou', '13 442 909', '170 000 $'],
        ['2011-10-04', "Préavis d'exercice", 'Caisse Desjardins de Limoilou c. M.-A. Pelletier', '18 559 301', 'Prise en paiement'],
        ['2012-03-27', 'Jugement', 'Caisse Desjardins de Limoilou c. M.-A. Pelletier', '19 004 276', 'Délaissement forcé'],
        ['2012-06-15', 'Vente', 'Caisse Desjardins de Limoilou à Nathalie Roy', '19 188 530', '176 000 $'],
        ['2012-06-15', 'Hypothèque', 'N. Roy à Banque de Montréal', '19 188 531', '140 800 $'],
        ['2016-09-01', 'Bail', 'N. Roy à Clinique dentaire Vézina inc.', '22 617 045', 'Durée de 5 ans'],
        ['2021-01-25', 'Mainlevée', 'Banque de Montréal à N. Roy', '26 004 812', 'Radie 19 188 531'],
        ['2022-05-30', 'Donation', 'N. Roy à Élodie Roy-Gagné', '27 305 661', ''],
      ],
    },
  ],
};

const TYPED_COLUMNS: RegisterSpec['columns'] = [
  { title: 'Date', width: 80 },
  { title: "Nature de l'acte", width: 170 },
  { title: 'Parties', width: 280 },
  { title: 'Numéro', width: 70, align: 'right' },
  { title: 'Remarques', width: 170 },
];

/** An old rural lot, typed on a register sheet over 35 years: two pages. */
export const INDEX_412_7: RegisterSpec = {
  kind: 'register',
  rules: 'grid',
  fonts: { body: 'Courier', bold: 'Courier-Bold' },
  size: 9,
  columns: TYPED_COLUMNS,
  pages: [
    {
      title: 'INDEX DES IMMEUBLES',
      info: ['Division d\'enregistrement de Montmorency      Paroisse de Château-Richer      Lot 412-7'],
      rows: [
        ['1952-04-17', 'Vente', 'Théodore Cloutier à Adélard Racine', '52 118', '4 500 $'],
        ['1952-04-17', 'Obligation hypothécaire', 'A. Racine à Caisse populaire de Château-Richer', '52 119', '3 000 $'],
        ['1958-09-02', 'Quittance', 'Caisse populaire à A. Racine', '61 447', 'Radie 52 119'],
        ['1961-06-21', 'Servitude', 'A. Racine et Bell Téléphone', '66 930', 'Passage de ligne'],
        ['1964-11-30', 'Déclaration de transmission', 'Succession A. Racine à Rosaire Racine', '72 015', ''],
        ['1965-03-08', 'Vente', 'Rosaire Racine à Jean-Guy Lachance', '73 402', '9 800 $'],
        ['1965-03-08', 'Hypothèque', 'J.-G. Lachance à Banque Canadienne Nationale', '73 403', '7 000 $'],
        ['1971-08-16', 'Cession', 'J.-G. Lachance à Ginette Lachance', '85 266', 'Droits indivis'],
        ['1973-05-04', 'Quittance', 'Banque Canadienne Nationale à J.-G. Lachance', '88 911', 'Radie 73 403'],
        ['1974-10-22', 'Vente', 'J.-G. et G. Lachance à Roger Fortin', '92 650', '24 000 $'],
      ],
    },
    {
      title: 'INDEX DES IMMEUBLES (suite)',
      info: ['Division d\'enregistrement de Montmorency      Paroisse de Château-Richer      Lot 412-7'],
      rows: [
        ['1974-10-22', 'Hypothèque', 'R. Fortin à Caisse populaire de Château-Richer', '92 651', '18 000 $'],
        ['1977-02-14', 'Bail', 'R. Fortin à Marcel Huot', '98 104', 'Durée de 3 ans'],
        ['1979-12-03', 'Quittance', 'Caisse populaire à R. Fortin', '104 775', 'Radie 92 651'],
        ['1981-07-09', 'Donation', 'R. Fortin à Sylvie Fortin', '112 340', ''],
        ['1983-04-26', 'Hypothèque', 'S. Fortin à Banque Royale du Canada', '118 027', '35 000 $'],
        ['1986-09-18', 'Vente', 'S. Fortin à Denis et Louise Bérubé', '126 559', '61 500 $'],
        ['1986-09-18', 'Quittance', 'Banque Royale du Canada à S. Fortin', '126 560', 'Radie 118 027'],
      ],
    },
  ],
};

// ------------------------------------------------------------------------------------------------
// English documents: Quebec registries hold deeds and register pages in English too (language routing,
// src/ocr/routing.ts, must read them as well as fra+eng did).

/** A deed of sale drawn up in English, Montreal 1987 (typed). */
export const SALE_1987_EN: DeedSpec = {
  kind: 'deed',
  fonts: { body: 'Times-Roman', bold: 'Times-Bold' },
  size: 11,
  leading: 14.5,
  justify: true,
  blocks: [
    { kind: 'title', text: 'DEED OF SALE' },
    { kind: 'para', text: 'ON THE FOURTEENTH day of the month of April, in the year one thousand nine hundred and eighty-seven.' },
    { kind: 'para', text: `BEFORE Me${NB}Thomas McKENNA, the undersigned notary for the Province of Quebec, practising in the City of Montreal.` },
    {
      kind: 'para',
      text: 'APPEARED: Mr. Douglas William FRASER, retired engineer, residing at 4417 Western Avenue, in the City of Westmount, hereinafter called the "Vendor",',
    },
    { kind: 'para', text: 'AND: Mrs. Eileen Margaret O\'CONNOR, teacher, residing at 212 Sherbrooke Street West, in the City of Montreal, hereinafter called the "Purchaser".' },
    {
      kind: 'para',
      text: 'WHICH PARTIES have agreed as follows: the Vendor hereby sells, with legal warranty, to the Purchaser, who accepts, the immovable property described below, with the building thereon erected bearing civic number 4417 Western Avenue.',
    },
    {
      kind: 'para',
      text: `DESCRIPTION: that certain lot of land known and designated as lot number ONE HUNDRED AND TWELVE of the official subdivision of original lot number TWO HUNDRED AND SIX (206-112) on the official plan and book of reference of the Municipality of the Town of Westmount, registration division of Montreal.`,
    },
    {
      kind: 'para',
      text: `TITLE: the Vendor acquired the said property from the estate of the late Arthur James BELL by deed of sale executed before Me${NB}Paul GRANT, notary, on the third of June, nineteen hundred and sixty-nine, and registered at Montreal under number ${nb('2 104 577')}.`,
    },
    {
      kind: 'para',
      text: `PRICE: this sale is made for the price of ONE HUNDRED AND SIXTY-FIVE THOUSAND DOLLARS (${nb('165 000,00 $')}), which the Vendor acknowledges having received from the Purchaser, whereof quit.`,
    },
    { kind: 'para', text: 'The Purchaser shall be the owner of the said property from this day and shall pay all taxes and assessments due from and after this day.' },
    { kind: 'para', text: 'WHEREOF ACTE at Montreal, under number four thousand and eighty-one of the minutes of the undersigned notary.' },
    { kind: 'para', text: 'AND AFTER DUE READING hereof, the parties have signed with and in the presence of the said notary.' },
    { kind: 'gap', pt: 20 },
    { kind: 'signatures', names: ['Douglas William FRASER', 'Eileen Margaret O\'CONNOR', `Me${NB}Thomas McKENNA, notary`] },
  ],
};

/** A register page of lot 206-112 (Westmount) with English headings and entries. */
export const INDEX_206_112_EN: RegisterSpec = {
  kind: 'register',
  rules: 'columns',
  fonts: { body: 'Helvetica', bold: 'Helvetica-Bold' },
  size: 9,
  columns: [
    { title: 'Presentation', width: 92 },
    { title: 'Nature of the deed', width: 158 },
    { title: 'Parties', width: 252 },
    { title: 'Registration No.', width: 96, align: 'right' },
    { title: 'Remarks', width: 172 },
  ],
  pages: [
    {
      title: 'INDEX OF IMMOVABLES',
      info: [
        'Registration division: Montreal      Cadastre: Town of Westmount      Lot: 206-112',
        'Entries of the deeds affecting the said lot since the opening of the index',
      ],
      rows: [
        ['1969-06-03', 'Sale', 'Estate of A. J. Bell to D. W. Fraser', '2 104 577', 'Price 38 500 $'],
        ['1969-06-03', 'Hypothec', 'D. W. Fraser to the Royal Trust Company', '2 104 578', '30 000 $'],
        ['1978-10-17', 'Discharge', 'The Royal Trust Company to D. W. Fraser', '2 917 240', 'Cancels 2 104 578'],
        ['1982-02-09', 'Servitude', 'D. W. Fraser and the Bell Telephone Company', '3 201 655', 'Right of way for the lines'],
        ['1987-04-14', 'Sale', 'D. W. Fraser to E. M. O\'Connor', '3 855 012', 'Price 165 000 $'],
        ['1987-04-14', 'Hypothec', 'E. M. O\'Connor to the Bank of Montreal', '3 855 013', '120 000 $'],
        ['1995-09-28', 'Notice of address', 'Bank of Montreal', '4 611 390', 'For the hypothec 3 855 013'],
      ],
    },
  ],
};
