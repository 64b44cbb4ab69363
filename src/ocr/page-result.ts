/** A page's state after its steps → the page as everything after the engine sees it (`PageResult`). */
import { inTextColumns } from './layout';
import { pageLayout } from './page-layout';
import type { PageState } from './page-state';
import type { PageStep, StepStage } from './page-step';
import type { PageResult, PageTimings } from './types';

export function pageResult(state: PageState, steps: readonly PageStep[]): PageResult {
  const pageNumber = state.page.index + 1;
  const timings = pageTimings(state, steps);
  const layout = pageLayout(state);
  const placed = layout ? { layout } : {};
  if (state.final === 'text-layer') {
    return { pageNumber, text: state.text ?? '', source: 'text-layer', confidence: null, words: [], width: 0, height: 0, timings, ...placed };
  }
  const note = state.textLayerNote ? { textLayer: state.textLayerNote } : {};
  const image = state.image ?? state.rendered;
  const size = { width: image?.width ?? 0, height: image?.height ?? 0 };
  const r = state.reading;
  if (state.final === 'empty' || !r) {
    return { pageNumber, text: '', source: 'ocr', confidence: null, words: [], ...size, empty: state.empty ?? 'not read', ...note, timings, ...placed };
  }
  return {
    pageNumber,
    text: r.text,
    source: 'ocr',
    confidence: r.confidence,
    words: r.words,
    ...size,
    lang: state.lang,
    passes: state.log.passes,
    ...(state.secondOpinion ? { secondOpinion: state.secondOpinion } : {}),
    timings,
    ...(state.prepared ? { preprocess: state.prepared.report } : {}),
    ...(inTextColumns(state.prepared?.report.layout) ? { textColumns: true as const } : {}),
    ...note,
    ...(state.rotated ? { rotated: state.rotated } : {}),
    ...placed,
  };
}

/**
 * Each step's time added to its stage; refinements also by name (every refinement of the list, 0 when
 * it did not run), for pages that were read.
 */
function pageTimings(state: PageState, steps: readonly PageStep[]): PageTimings {
  const stageOf = new Map<string, StepStage>(steps.map((s) => [s.name, s.stage]));
  const by: Record<StepStage, number> = { render: 0, preprocess: 0, reading: 0, refinement: 0 };
  for (const [name, ms] of Object.entries(state.log.ms)) by[stageOf.get(name) ?? 'refinement'] += ms;
  const timings: PageTimings = { renderMs: by.render, preprocessMs: by.preprocess, recognitionMs: by.reading + by.refinement };
  if (!state.reading) return timings;
  const refinementMs = Object.fromEntries(steps.filter((s) => s.stage === 'refinement').map((s) => [s.name, state.log.ms[s.name] ?? 0]));
  return { ...timings, refinementMs };
}
