/**
 * A page that read (nearly) empty is read again with Sauvola's local threshold instead of Otsu's global
 * one (src/ocr/sauvola-retry.ts says when); the reading with more readable words is kept.
 */
import { moreReadableWords } from '../better-reading';
import { asRead, isRead } from '../page-state';
import type { PageStep } from '../page-step';
import { wantsSauvolaRetry } from '../sauvola-retry';

export const sauvola: PageStep = {
  name: 'sauvola',
  stage: 'refinement',
  when: (state) => isRead(state) && wantsSauvolaRetry(state.reading.words),
  async run(state) {
    const s = asRead(state, 'sauvola');
    const { primary } = s.page;
    const { psm } = s;
    s.log.passes.push(`${primary.langs}/sauvola`);
    const reading = await primary.recognize(s.image, psm, { dpi: s.dpi, thresholding: 'sauvola' });
    return { ...s, reading };
  },
  keep: (before, after) => moreReadableWords(before.reading!, after.reading!),
};
