/**
 * A page whose text layer stands for it is read from it, and nothing more is done (src/ocr/text-layer.ts
 * decides); otherwise why it was set aside, if it had one, is kept with the page.
 */
import type { PageStep } from '../page-step';
import { always } from '../page-step';
import { decideTextLayer } from '../text-layer';

export const textLayer: PageStep = {
  name: 'text-layer',
  stage: 'render',
  when: () => true,
  run(state) {
    const { doc, index, langCodes } = state.page;
    const info = doc.pageInfo(index);
    const layer = decideTextLayer(doc, index, info, langCodes);
    if (layer.use) return { ...state, final: 'text-layer', text: info.text, layout: doc.pageWords(index) };
    return layer.note ? { ...state, textLayerNote: layer.note } : state;
  },
  keep: always,
};
