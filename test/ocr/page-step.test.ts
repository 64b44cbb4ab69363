import { describe, expect, it } from 'vitest';
import { newPageState, type PageContext, type PageState } from '../../src/ocr/page-state';
import { runSteps, type PageStep } from '../../src/ocr/page-step';
import { AS_SCANNED, PAGE_STEPS, REFINEMENTS, sumRefinementMs } from '../../src/ocr/page-steps';
import type { PageProgress } from '../../src/ocr/types';

/** The loop itself, on steps that only wait and write: what every page step gets from it. */
function page(progress: Omit<PageProgress, 'pages'>[] = []): PageState {
  return newPageState({ index: 0, progress: (p: Omit<PageProgress, 'pages'>) => progress.push(p) } as unknown as PageContext);
}

const busy = (ms: number) => new Promise((r) => setTimeout(r, ms));

function step(name: string, stage: PageStep['stage'], o: Partial<PageStep> & { ms?: number } = {}): PageStep {
  return {
    name,
    stage,
    when: o.when ?? (() => true),
    run:
      o.run ??
      (async (s) => {
        await busy(o.ms ?? 0);
        return { ...s, lang: name };
      }),
    keep: o.keep ?? (() => true),
  };
}

describe('runSteps', () => {
  it('runs the steps in order, skips those with nothing to do, and keeps only what a step says is better', async () => {
    const ran: string[] = [];
    const track = (name: string, stage: PageStep['stage'], o: Partial<PageStep> = {}) =>
      step(name, stage, {
        ...o,
        run: async (s) => {
          ran.push(name);
          return { ...s, lang: name };
        },
      });
    const end = await runSteps(
      [track('a', 'render'), track('b', 'reading', { when: () => false }), track('c', 'refinement'), track('d', 'refinement', { keep: () => false })],
      page(),
    );
    expect(ran).toEqual(['a', 'c', 'd']);
    expect(end.lang).toBe('c');
    expect(Object.keys(end.log.ms)).toEqual(['a', 'c', 'd']);
  });

  it('stops at a final state', async () => {
    const end = await runSteps([step('a', 'render', { run: (s) => ({ ...s, final: 'text-layer' }) }), step('b', 'reading')], page());
    expect(end.final).toBe('text-layer');
    expect(end.log.ms.b).toBeUndefined();
  });

  it('times each step the same way, kept or not, and charges a step that runs steps only its own time', async () => {
    const inner = step('inner', 'refinement', { ms: 60 });
    const outer = step('outer', 'refinement', {
      run: async (s) => {
        await busy(30);
        return runSteps([inner], s);
      },
      keep: () => false,
    });
    const end = await runSteps([step('first', 'reading', { ms: 20 }), outer], page());
    expect(end.log.ms.first).toBeGreaterThanOrEqual(15);
    expect(end.log.ms.inner).toBeGreaterThanOrEqual(55);
    expect(end.log.ms.outer).toBeGreaterThanOrEqual(25);
    expect(end.log.ms.outer).toBeLessThan(55);
    expect(end.log.totalMs).toBeCloseTo(end.log.ms.first! + end.log.ms.inner! + end.log.ms.outer!, 6);
  });

  it('tells the page\'s progress when it changes: rendering, then ocr, then a turn once kept', async () => {
    const progress: Omit<PageProgress, 'pages'>[] = [];
    await runSteps(
      [
        step('render', 'render'),
        step('preprocess', 'preprocess'),
        step('read', 'reading'),
        step('turn', 'refinement', { run: (s) => ({ ...s, rotated: 90 }) }),
        step('again', 'refinement'),
      ],
      page(progress),
    );
    expect(progress).toEqual([
      { stage: 'rendering', page: 1 },
      { stage: 'ocr', page: 1 },
      { stage: 'ocr', page: 1, rotated: 90 },
    ]);
  });
});

describe('the page steps', () => {
  it('read a page top to bottom: text layer, render, preprocess, first reading, then the refinements', () => {
    expect(PAGE_STEPS.slice(0, 4).map((s) => `${s.name} (${s.stage})`)).toEqual(['text-layer (render)', 'render (render)', 'preprocess (preprocess)', 'read (reading)']);
    expect(PAGE_STEPS.slice(4).every((s) => s.stage === 'refinement')).toBe(true);
    // The Sauvola retry reads before orientation (a turned page's reading gets one too); routing decides between a
    // routed reading and second opinions on the page as it will stay.
    const order = ['sauvola', 'orientation', 'routed', 'secondOpinion'];
    expect(REFINEMENTS.filter((name) => order.includes(name))).toEqual(order);
    expect(REFINEMENTS).toEqual(PAGE_STEPS.filter((s) => s.stage === 'refinement').map((s) => s.name));
    expect(AS_SCANNED.map((s) => s.name)).not.toContain('orientation');
  });

  it('add up refinement times by name, every refinement present', () => {
    expect(sumRefinementMs([{ sauvola: 1, routed: 2 }, undefined, { sauvola: 3 }])).toMatchObject({ sauvola: 4, orientation: 0, routed: 2, secondOpinion: 0 });
    expect(Object.keys(sumRefinementMs([]))).toEqual(REFINEMENTS);
  });
});
