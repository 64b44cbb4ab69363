/**
 * The demo's closing report, from the rows as the pool left them: documents by outcome, pages, pages per
 * minute, and the quality of raw (`file_content`) and boosted (`boosted_file_content`) text against each
 * sample's ground truth, scored like ocr_metrics.py (the team's scorer; a copy is in test/fixtures/tools/) --canonical (see ./metrics).
 * Pure: the rows come in, a summary object and its text come out.
 */
import { DONE_STATUS, FAILED_STATUS, PLAN_SOURCE } from '../queue/ready';
import { score, type TextScore } from './metrics';
import type { Sample } from './samples';

/** What the demo reads back from extraction_queue for each seeded row. */
export interface FinalRow {
  statusId: number;
  fileContent: string | null;
  boostedFileContent: string | null;
  ocrError: string | null;
  attempts: number;
  /** ocr_started_at of the last attempt. */
  startedAt: Date | null;
  /** ocr_completed_at, or ocr_last_error_at for a document that failed. */
  finishedAt: Date | null;
  progress: { pages?: number; ocrPages?: number; textLayerPages?: number } | null;
}

export type Outcome = 'done' | 'plan' | 'error' | 'unfinished';

export interface DocumentReport {
  id: string;
  title: string;
  source: Sample['source'];
  kind: Sample['kind'];
  expected: Sample['expect'];
  status: number;
  outcome: Outcome;
  asExpected: boolean;
  pages: number | null;
  ocrPages: number | null;
  textLayerPages: number | null;
  seconds: number | null;
  attempts: number;
  error: string | null;
  raw: TextScore | null;
  boosted: TextScore | null;
}

export interface Mean {
  documents: number;
  cerRaw: number;
  cerBoosted: number;
  f1Raw: number;
  f1Boosted: number;
}

export interface DemoSummary {
  documents: DocumentReport[];
  counts: Record<Outcome, number>;
  pages: { total: number; ocr: number; textLayer: number };
  /** First claim to last completion of the documents (the OCR phase). */
  processingSeconds: number;
  pagesPerMinute: number;
  wallSeconds: number;
  workers: number;
  quality: { acte: Mean | null; index: Mean | null };
  /** Every document ended as the sample set expects (corrupt → 4, plan → 5 without OCR, others → 5). */
  ok: boolean;
}

function outcomeOf(sample: Sample, row: FinalRow): Outcome {
  if (row.statusId === FAILED_STATUS) return 'error';
  if (row.statusId === DONE_STATUS) return sample.source === PLAN_SOURCE ? 'plan' : 'done';
  return 'unfinished';
}

const EXPECTED: Record<Sample['expect'], Outcome> = { done: 'done', error: 'error', skipped: 'plan' };

function mean(reports: DocumentReport[]): Mean | null {
  const scored = reports.filter((r) => r.raw && r.boosted);
  if (!scored.length) return null;
  const avg = (f: (r: DocumentReport) => number) => scored.reduce((a, r) => a + f(r), 0) / scored.length;
  return {
    documents: scored.length,
    cerRaw: avg((r) => r.raw!.cer),
    cerBoosted: avg((r) => r.boosted!.cer),
    f1Raw: avg((r) => r.raw!.bowF1),
    f1Boosted: avg((r) => r.boosted!.bowF1),
  };
}

export function summarize(input: {
  samples: readonly Sample[];
  rows: ReadonlyMap<string, FinalRow>;
  groundTruth: (s: Sample) => string | null;
  wallSeconds: number;
  workers: number;
}): DemoSummary {
  const documents: DocumentReport[] = input.samples.map((s) => {
    const row = input.rows.get(s.id);
    if (!row) throw new Error(`no row for sample ${s.id}`);
    const outcome = outcomeOf(s, row);
    const gt = outcome === 'done' ? input.groundTruth(s) : null;
    const pages = outcome === 'done' ? (row.progress?.pages ?? null) : null;
    return {
      id: s.id,
      title: s.title,
      source: s.source,
      kind: s.kind,
      expected: s.expect,
      status: row.statusId,
      outcome,
      asExpected: outcome === EXPECTED[s.expect],
      pages,
      ocrPages: outcome === 'done' ? (row.progress?.ocrPages ?? null) : null,
      textLayerPages: outcome === 'done' ? (row.progress?.textLayerPages ?? null) : null,
      seconds: outcome !== 'plan' && row.startedAt && row.finishedAt ? (row.finishedAt.getTime() - row.startedAt.getTime()) / 1000 : null,
      attempts: row.attempts,
      error: row.ocrError,
      raw: gt !== null ? score(gt, row.fileContent ?? '') : null,
      boosted: gt !== null ? score(gt, row.boostedFileContent ?? '') : null,
    };
  });
  const counts: Record<Outcome, number> = { done: 0, plan: 0, error: 0, unfinished: 0 };
  for (const d of documents) counts[d.outcome]++;
  const done = documents.filter((d) => d.outcome === 'done');
  const pages = {
    total: done.reduce((a, d) => a + (d.pages ?? 0), 0),
    ocr: done.reduce((a, d) => a + (d.ocrPages ?? 0), 0),
    textLayer: done.reduce((a, d) => a + (d.textLayerPages ?? 0), 0),
  };
  // The OCR phase: from the first claim to the last document finished (plans are never claimed).
  const claimed = [...input.rows.values()].filter((r) => r.startedAt && r.finishedAt);
  const t0 = Math.min(...claimed.map((r) => r.startedAt!.getTime()));
  const t1 = Math.max(...claimed.map((r) => r.finishedAt!.getTime()));
  const processingSeconds = Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0 ? (t1 - t0) / 1000 : 0;
  return {
    documents,
    counts,
    pages,
    processingSeconds,
    pagesPerMinute: processingSeconds > 0 ? (pages.total / processingSeconds) * 60 : 0,
    wallSeconds: input.wallSeconds,
    workers: input.workers,
    quality: {
      acte: mean(done.filter((d) => d.source === 'acte')),
      index: mean(done.filter((d) => d.source === 'index')),
    },
    ok: documents.every((d) => d.asExpected),
  };
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const f1 = (x: number) => x.toFixed(3);
const secs = (x: number | null) => (x === null ? '-' : `${x.toFixed(1)} s`);

function table(header: string[], rows: string[][], right: Set<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(fmt)];
}

const OUTCOME_LABEL: Record<Outcome, string> = { done: '5 done', plan: '5 plan', error: '4 error', unfinished: 'unfinished' };

/** The summary as printed at the end of the demo. Stable first words per line: the test greps them. */
export function formatSummary(s: DemoSummary): string[] {
  const out: string[] = [];
  out.push('Summary');
  out.push(
    `Documents: ${s.documents.length} (${s.counts.done} done, ${s.counts.plan} cadastral plan${s.counts.plan === 1 ? '' : 's'} passed through without OCR, ` +
      `${s.counts.error} error, ${s.counts.unfinished} unfinished)`,
  );
  out.push(
    `Pages: ${s.pages.total} (${s.pages.ocr} OCR'd, ${s.pages.textLayer} read from a text layer) in ${s.processingSeconds.toFixed(1)} s` +
      ` with ${plural(s.workers, 'worker')}: ${s.pagesPerMinute.toFixed(1)} pages/min`,
  );
  const q = s.quality;
  if (!q.acte && !q.index) out.push('Quality: - (no document with ground truth was completed)');
  else out.push('Quality against the ground truth, raw → boosted (scored like ocr_metrics.py --canonical):');
  if (q.acte) out.push(`  actes (prose):   CER raw ${pct(q.acte.cerRaw)} → boosted ${pct(q.acte.cerBoosted)} (${plural(q.acte.documents, 'document')})`);
  if (q.index) {
    // Rows rebuilt as a table put words in another order than the ground truth's lines: CER counts that
    // against the boost, bag-of-words F1 does not.
    out.push(
      `  index (tables):  bag-of-words F1 raw ${f1(q.index.f1Raw)} → boosted ${f1(q.index.f1Boosted)} (${plural(q.index.documents, 'document')}); ` +
        `CER raw ${pct(q.index.cerRaw)} → boosted ${pct(q.index.cerBoosted)}, not the measure for tables, whose reading order is ambiguous`,
    );
  }
  out.push(`Wall time: ${s.wallSeconds.toFixed(1)} s (database, workers, OCR and shutdown)`);
  out.push('');
  const rows = s.documents.map((d) => [
    d.id,
    d.source === 'plan_cadastraux' ? 'plan' : d.source,
    d.kind,
    d.pages === null ? '-' : `${d.pages}${d.ocrPages ? ` (${d.ocrPages} OCR)` : ''}`,
    d.outcome === 'plan' ? '-' : secs(d.seconds),
    `${OUTCOME_LABEL[d.outcome]}${d.asExpected ? '' : ' (!)'}`,
    d.raw ? pct(d.raw.cer) : '-',
    d.boosted ? pct(d.boosted.cer) : '-',
    d.raw ? f1(d.raw.bowF1) : '-',
    d.boosted ? f1(d.boosted.bowF1) : '-',
  ]);
  out.push(...table(['document', 'source', 'kind', 'pages', 'time', 'status', 'CER raw', 'CER boosted', 'F1 raw', 'F1 boosted'], rows, new Set([3, 4, 6, 7, 8, 9])));
  for (const d of s.documents.filter((x) => x.error && x.outcome !== 'done')) out.push(`  ${d.id}: ${d.error}`);
  for (const d of s.documents.filter((x) => !x.asExpected)) {
    out.push(`  (!) ${d.id} was expected to end as "${EXPECTED[d.expected]}" but ended as "${d.outcome}"`);
  }
  return out;
}
