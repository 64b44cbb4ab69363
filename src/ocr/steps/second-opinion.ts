/**
 * The words the primary model was unsure of, on a page in the primary language, are read again by every
 * language (src/ocr/second-opinion.ts); each new reading replaces its word only when surer and when it
 * keeps the word's accents, so the page always keeps the result. A failure here is not the page's: it
 * keeps the primary reading, and the failure is noted.
 */
import { coerceError } from '../../errors';
import { frenchDictionary } from '../../text/french-words';
import { asRead, isRead, type PageState } from '../page-state';
import type { PageStep } from '../page-step';
import { always } from '../page-step';
import { secondOpinion as askEveryLanguage, unsureWords } from '../second-opinion';
import { inAnotherLanguage } from './routed';

/** Read in the primary language (not routed, or the routed reading was not kept), by choice of the page's words. */
const inPrimaryLanguage = (state: PageState) => state.lang === state.page.primary.langs && !inAnotherLanguage(state);

export const secondOpinion: PageStep = {
  name: 'secondOpinion',
  stage: 'refinement',
  when: (state) => isRead(state) && state.page.others.length > 0 && inPrimaryLanguage(state) && unsureWords(state.reading.words).length > 0,
  async run(state) {
    const s = asRead(state, 'secondOpinion');
    const { all, primary } = s.page;
    const unsure = unsureWords(s.reading.words);
    s.log.passes.push(`${all.langs}/words`);
    // The French word list (src/text/french-words.ts), loaded once per thread; other primary languages go without.
    const words = primary.langs === 'fra' ? frenchDictionary() : undefined;
    try {
      const second = await askEveryLanguage(s.image, s.reading, unsure, all, s.dpi, words);
      return { ...s, reading: second.recognition, secondOpinion: second.report };
    } catch (err) {
      return { ...s, secondOpinion: { asked: unsure.length, changed: 0, failed: coerceError(err).message } };
    }
  },
  keep: always,
};
