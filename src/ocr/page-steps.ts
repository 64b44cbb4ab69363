/**
 * How a page is read, top to bottom: the steps `runSteps` (src/ocr/page-step.ts) runs over each page.
 * A step that has nothing to do for a page is skipped (its `when`); a step's reading replaces the page's
 * only if it is better (its `keep`). Adding a step is a file in steps/ and a line here: it is timed,
 * reported by name in every page's `refinementMs`, the job's log line and bench:ocr's table.
 */
import type { PageStep } from './page-step';
import { orientation } from './steps/orientation';
import { prepare } from './steps/prepare';
import { read } from './steps/read';
import { render } from './steps/render';
import { routed } from './steps/routed';
import { sauvola } from './steps/sauvola';
import { secondOpinion } from './steps/second-opinion';
import { textLayer } from './steps/text-layer';
import type { RefinementMs } from './types';

export const PAGE_STEPS: readonly PageStep[] = [
  textLayer, //     its text layer, when it stands for the page (then nothing more)
  render, //        rendered in grey at OCR_DPI
  prepare, //       as tesseract gets it (or an empty page: too small, blank)
  read, //          the first reading, by the primary language
  sauvola, //       read (nearly) empty: again with a local threshold
  orientation, //   read poorly or standing: turned, if a turn reads better
  routed, //        in another language: again with every language
  secondOpinion, // in the primary language: its unsure words again with every language
];

/** Pages read as they were scanned, never turned (bench:quality `--no-orientation`, tests). */
export const AS_SCANNED: readonly PageStep[] = PAGE_STEPS.filter((s) => s !== orientation);

/** The readings a page may get besides the first, by name, in order: the keys of `RefinementMs`. */
export const REFINEMENTS: readonly string[] = PAGE_STEPS.filter((s) => s.stage === 'refinement').map((s) => s.name);

/** Every refinement at 0 ms. */
export function noRefinementMs(): RefinementMs {
  return Object.fromEntries(REFINEMENTS.map((name) => [name, 0]));
}

/** Refinement times added up: a document's pages, a pool's documents, a bench's rounds. */
export function sumRefinementMs(all: ReadonlyArray<RefinementMs | undefined>): RefinementMs {
  const out = noRefinementMs();
  for (const ms of all) if (ms) for (const [name, v] of Object.entries(ms)) out[name] = (out[name] ?? 0) + v;
  return out;
}
