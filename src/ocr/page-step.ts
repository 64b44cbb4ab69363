/**
 * A page is read by a list of named steps (src/ocr/page-steps.ts), run in order by `runSteps`, the one
 * loop that times them all the same way and reports the page's progress. Modelled on OCRmyPDF's
 * `process_page` over its `PageContext`: the list reads top to bottom as what happens to a page.
 */
import type { PageState } from './page-state';

/**
 * Which of the page's timings a step's time counts to: `render` (a text-layer page's reading too),
 * `preprocess`, `reading` (the first reading) or `refinement` (a reading besides the first; each is
 * reported apart, by name, in the page's `refinementMs`, the job's log and bench:ocr). Reading and
 * refinements together are the page's recognition time.
 */
export type StepStage = 'render' | 'preprocess' | 'reading' | 'refinement';

export interface PageStep {
  readonly name: string;
  readonly stage: StepStage;
  /** Whether the step has anything to do for this page. A pure decision, no reading. */
  when(state: PageState): boolean;
  /** Do it: the next state, a new object (or `state` itself when there was nothing to change). */
  run(state: PageState): Promise<PageState> | PageState;
  /** Whether the page keeps `after` or stays at `before` (see src/ocr/better-reading.ts). */
  keep(before: PageState, after: PageState): boolean;
}

/** `keep` of a step whose result is always taken (rendering, preprocessing, the first reading). */
export const always = (): boolean => true;

/**
 * Run `steps` over a page, in order, until one leaves it final (text layer used, nothing to read).
 * Each step that runs is timed into `state.log.ms[name]`: its own time, so that a step that runs other
 * steps (orientation reads the turned page through the Sauvola step) is charged the rest. Progress is
 * sent before each step and after it, whenever it changed (`rendering` → `ocr`, a turn found).
 */
export async function runSteps(steps: readonly PageStep[], start: PageState): Promise<PageState> {
  let state = start;
  for (const step of steps) {
    if (state.final) break;
    if (!step.when(state)) continue;
    tell(state, step.stage);
    const { log } = state;
    const nestedBefore = log.totalMs;
    const started = performance.now();
    let after: PageState;
    try {
      after = await step.run(state);
    } finally {
      const ms = performance.now() - started - (log.totalMs - nestedBefore);
      log.ms[step.name] = (log.ms[step.name] ?? 0) + ms;
      log.totalMs += ms;
    }
    if (step.keep(state, after)) state = after;
    tell(state, step.stage);
  }
  return state;
}

/** Send the page's progress if it differs from the last sent. */
function tell(state: PageState, stage: StepStage): void {
  const p = {
    stage: stage === 'render' || stage === 'preprocess' ? ('rendering' as const) : ('ocr' as const),
    page: state.page.index + 1,
    ...(state.rotated ? { rotated: state.rotated } : {}),
  };
  const key = JSON.stringify(p);
  if (key === state.page.told) return;
  state.page.told = key;
  state.page.progress(p);
}
