/**
 * A page whose first reading shows it is in another language (src/ocr/routing.ts) is read again with
 * every language at once, as tesseract would have read it without routing; kept unless less sure.
 */
import { fitsBetter } from '../better-reading';
import { asRead, isRead, type PageState } from '../page-state';
import type { PageStep } from '../page-step';
import { routeTo } from '../routing';

/** Whether the page's reading says it is in one of the other languages. */
export function inAnotherLanguage(state: PageState): boolean {
  const { others, primary } = state.page;
  return isRead(state) && others.length > 0 && routeTo(state.reading.words, primary.langs, others) !== null;
}

export const routed: PageStep = {
  name: 'routed',
  stage: 'refinement',
  when: inAnotherLanguage,
  async run(state) {
    const s = asRead(state, 'routed');
    const { all } = s.page;
    const { psm } = s;
    s.log.passes.push(all.langs);
    const reading = await all.recognize(s.image, psm, { dpi: s.dpi });
    return { ...s, reading, lang: all.langs };
  },
  keep: (before, after) => fitsBetter(before.reading!, after.reading!),
};
