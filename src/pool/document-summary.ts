/** What a completed document's pages add up to, for its progress record, its log line and the pool's stats. */
import { sumRefinementMs } from '../ocr/page-steps';
import type { PageResult, RefinementMs } from '../ocr/types';

export interface DocumentSummary {
  pages: number;
  ocrPages: number;
  textLayerPages: number;
  failedPages: number;
  /** Mean OCR confidence per page (null for text-layer and unread pages). */
  pageConfidence: (number | null)[];
  /** Time spent in the thread's page stages over all pages, ms. */
  stageMs: { render: number; preprocess: number; recognition: number };
  /** Of `stageMs.recognition`, what each refinement took over all pages, ms. */
  refinementMs: RefinementMs;
  /** Tesseract passes by kind over all pages (`fra`, `fra/sauvola`, `eng`): what the refinements cost. */
  passes: Record<string, number>;
  /** OCR'd pages by the language model whose reading was kept. */
  langs: Record<string, number>;
  /** Unsure words read again by every language (src/ocr/second-opinion.ts), and how many changed. */
  secondOpinion: { asked: number; changed: number; failures: string[] };
}

export function summarise(pages: readonly PageResult[]): DocumentSummary {
  const read = pages.filter((p) => p.failed === undefined);
  return {
    pages: pages.length,
    ocrPages: read.filter((p) => p.source === 'ocr').length,
    textLayerPages: read.filter((p) => p.source === 'text-layer').length,
    failedPages: pages.length - read.length,
    pageConfidence: pages.map((p) => p.confidence),
    stageMs: {
      render: sum(pages, (p) => p.timings?.renderMs ?? 0),
      preprocess: sum(pages, (p) => p.timings?.preprocessMs ?? 0),
      recognition: sum(pages, (p) => p.timings?.recognitionMs ?? 0),
    },
    refinementMs: sumRefinementMs(pages.map((p) => p.timings?.refinementMs)),
    passes: tally(pages.flatMap((p) => p.passes ?? [])),
    langs: tally(pages.flatMap((p) => (p.lang ? [p.lang] : []))),
    secondOpinion: {
      asked: sum(pages, (p) => p.secondOpinion?.asked ?? 0),
      changed: sum(pages, (p) => p.secondOpinion?.changed ?? 0),
      failures: pages.flatMap((p) => (p.secondOpinion?.failed ? [`page ${p.pageNumber}: ${p.secondOpinion.failed}`] : [])),
    },
  };
}

const sum = (pages: readonly PageResult[], f: (p: PageResult) => number) => pages.reduce((n, p) => n + f(p), 0);

function tally(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}
