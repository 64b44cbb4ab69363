/**
 * A page that reads poorly, or as vertical text, may have been scanned sideways or upside down
 * (src/ocr/orientation.ts decides; src/ocr/find-rotation.ts reads samples of it turned). When a turn
 * reads better, the whole page is turned, prepared and read again (with a Sauvola retry, as any first
 * reading), and that reading is kept when it has nearly as many confident words. Its cost is the
 * samples and the turned page's preparation and reading; a Sauvola retry of it is the Sauvola step's.
 */
import { turnedReadsAsWell } from '../better-reading';
import { findRotation } from '../find-rotation';
import { rotateGrey, wantsOrientationCheck } from '../orientation';
import { asRead, isRead } from '../page-state';
import type { PageStep } from '../page-step';
import { runSteps } from '../page-step';
import type { RenderedPage } from '../pdf';
import { prepareImage } from './prepare';
import { sauvola } from './sauvola';

export const orientation: PageStep = {
  name: 'orientation',
  stage: 'refinement',
  when: (state) => isRead(state) && wantsOrientationCheck(state.reading.words),
  async run(state) {
    const s = asRead(state, 'orientation');
    const { primary, mode } = s.page;
    const { psm } = s;
    const turn = await findRotation(primary, s.image, s.dpi, s.reading);
    if (turn === 0) return s;
    const rendered: RenderedPage = { ...s.rendered, ...rotateGrey(s.rendered, turn) };
    // The layout was chosen on the page as scanned: turned, it keeps it.
    const turned = prepareImage(rendered, mode);
    s.log.passes.push(`${primary.langs}/turned ${turn}`);
    const reading = await primary.recognize(turned.image, psm, { dpi: turned.dpi });
    // Turned only once read: the loop tells the page's turn when it is kept, not before.
    const retried = await runSteps([sauvola], { ...s, rendered, ...turned, reading });
    return { ...retried, rotated: turn };
  },
  keep: (before, after) => after.rotated !== before.rotated && turnedReadsAsWell(before.reading!, after.reading!),
};
