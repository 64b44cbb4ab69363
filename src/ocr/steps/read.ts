/** The first reading: the prepared page read by the primary model (every language, without routing). */
import type { PageStep } from '../page-step';
import { always } from '../page-step';

export const read: PageStep = {
  name: 'read',
  stage: 'reading',
  when: (state) => state.image !== undefined && state.dpi !== undefined && state.psm !== undefined,
  async run(state) {
    const { primary } = state.page;
    state.log.passes.push(primary.langs);
    const reading = await primary.recognize(state.image!, state.psm!, { dpi: state.dpi! });
    return { ...state, reading, lang: primary.langs };
  },
  keep: always,
};
