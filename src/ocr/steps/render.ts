/** The page rendered in grey at OCR_DPI by MuPDF (or less, to fit the pixel budget: src/ocr/pdf.ts). */
import type { PageStep } from '../page-step';
import { always } from '../page-step';

export const render: PageStep = {
  name: 'render',
  stage: 'render',
  when: () => true,
  run: (state) => ({ ...state, rendered: state.page.doc.renderGrey(state.page.index, state.page.dpi) }),
  keep: always,
};
