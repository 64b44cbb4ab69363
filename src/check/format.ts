/**
 * The human-readable form of a check report (pure; `--json` prints the report itself). Row text (a
 * document number, a source, an error) is whatever other programs wrote: each printed line goes through
 * `displayText`, so an ESC sequence or a bidi override in a row is shown, never obeyed by the terminal.
 */
import { statusLabel } from '../queue/ready';
import { displayText } from '../util/inert';
import type { CheckReport, EnvironmentReport, StatusCount } from './types';

const STATUS_HINTS: Record<number, string> = { 3: ' (ready for OCR)', 5: ' (OCR done)' };

export function verdictLabel(code: 0 | 1 | 2): string {
  return code === 0 ? 'HEALTHY' : code === 1 ? 'UNHEALTHY' : 'CANNOT CHECK';
}

function oneLine(s: string, max = 160): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function duration(seconds: number | null): string {
  if (seconds == null) return '?';
  if (seconds < 90) return `${Math.round(seconds)}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86_400).toFixed(1)}d`;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

export function countsTable(counts: StatusCount[]): string[] {
  if (counts.length === 0) return ['  (no documents)'];
  const sources = [...new Set(counts.map((c) => c.source))].sort();
  const statuses = [...new Set(counts.map((c) => c.status))].sort((a, b) => a - b);
  const label = (s: number) =>
    `${s} ${counts.find((c) => c.status === s)?.statusName ?? statusLabel(s) ?? '?'}${STATUS_HINTS[s] ?? ''}`;
  const labelWidth = Math.max(6, ...statuses.map((s) => label(s).length));
  const widths = sources.map((s) => Math.max(5, (s || '(none)').length));
  const lines = [`  ${pad('status', labelWidth)}  ${sources.map((s, i) => pad(s || '(none)', widths[i]!, true)).join('  ')}  ${pad('total', 6, true)}`];
  for (const st of statuses) {
    const row = sources.map((so) => counts.find((c) => c.status === st && c.source === so)?.count ?? 0);
    const total = row.reduce((a, b) => a + b, 0);
    lines.push(`  ${pad(label(st), labelWidth)}  ${row.map((n, i) => pad(String(n), widths[i]!, true)).join('  ')}  ${pad(String(total), 6, true)}`);
  }
  return lines;
}

export function formatEnvironment(e: EnvironmentReport): string[] {
  const out: string[] = [];
  const paused = (e.claimPauses ?? []).map((p) => (p.source === '*' ? 'all sources' : p.source));
  const state = (!e.reachable ? 'CANNOT CONNECT' : e.healthy ? 'healthy' : 'UNHEALTHY') + (paused.length ? `, PAUSED (${paused.join(', ')})` : '');
  out.push(`== ${e.env} (${e.database}) — ${state}`);
  if (!e.reachable) {
    for (const p of e.problems) out.push(`  ✗ ${p}`);
    return out;
  }

  out.push('documents by status × source:');
  out.push(...countsTable(e.counts));

  if (e.ready && e.blocked) {
    const by = Object.entries(e.ready.bySource).map(([s, n]) => `${s} ${n}`).join(', ');
    out.push(`ready: ${e.ready.total}${by ? ` (${by})` : ''}`);
    const b = e.blocked;
    out.push(
      `blocked at 3: ${b.attemptsExhausted} attempts exhausted · ${b.noPath} without path · ${b.backoff} waiting for backoff` +
        (b.nextRetryAt ? ` (next retry ${b.nextRetryAt})` : ''),
    );
  }

  out.push(`in flight (6): ${e.inFlightCount} · stuck leases: ${e.stuckLeases}`);
  for (const d of e.inFlight) {
    const progress =
      d.stage == null
        ? 'no progress yet'
        : `${d.stage}${d.pages ? ` page ${d.page ?? 0}/${d.pages}` : ''}${d.percent != null ? ` ${Math.round(d.percent)}%` : ''}`;
    out.push(
      `  ${d.stuck ? '✗ STUCK ' : ''}${d.id}  ${d.documentSource} ${d.documentNumber ?? ''}  worker ${d.worker ?? '?'}  ` +
        `attempt ${d.attempt}/${d.maxAttempts}  age ${duration(d.ageSeconds)}  ${progress}`,
    );
  }
  if (e.inFlightCount > e.inFlight.length) out.push(`  … and ${e.inFlightCount - e.inFlight.length} more`);

  if (e.recentErrors.length) {
    out.push('last errors:');
    for (const r of e.recentErrors) {
      out.push(`  ${r.at ?? '?'}  ${r.id}  ${r.documentSource} ${r.documentNumber ?? ''}  at ${r.status} (${r.attempts}/${r.maxAttempts}): ${oneLine(r.error)}`);
    }
  }

  if (e.throughput) {
    const w = (x: { completed: number; avgSeconds: number | null; failed: number }) =>
      `${x.completed} done${x.avgSeconds != null ? `, avg ${x.avgSeconds.toFixed(1)} s/doc` : ''}, ${x.failed} failed`;
    out.push(`throughput: last hour ${w(e.throughput.lastHour)} · last day ${w(e.throughput.lastDay)}`);
  }

  if (e.searchablePdfs) {
    const p = e.searchablePdfs;
    out.push(`searchable PDFs, last day: ${p.written} written, ${p.failed} not written${p.lastFailure ? ` (last ${p.lastFailure.at} ${p.lastFailure.id}: ${oneLine(p.lastFailure.error)})` : ''}`);
  }

  if (e.rates) {
    out.push(
      `per minute: ${e.rates.map((w) => `last ${w.minutes >= 60 ? `${w.minutes / 60} h` : `${w.minutes} min`} ${w.documentsPerMinute} docs, ${w.pagesPerMinute} pages, ${w.arrivalsPerMinute} arrived`).join(' · ')}`,
    );
  }
  if (e.eta) out.push(`ETA: ${e.eta.summary}${e.eta.at ? ` (about ${e.eta.at})` : ''}`);

  if (e.workers) {
    out.push(`live workers: ${e.workers.live}`);
    for (const w of e.workers.list) {
      out.push(
        `  ${w.workerId}  ${w.mode}  ${w.state}${w.documentId ? ` on ${w.documentId}` : ''}  jobs ${w.jobsDone}  heartbeat ${duration(w.heartbeatAgeSeconds)} ago`,
      );
    }
  }

  for (const p of e.problems) out.push(`  ✗ ${p}`);
  for (const w of e.warnings) out.push(`  ! ${w}`);
  return out;
}

export function formatReport(r: CheckReport): string {
  const out: string[] = [`check-ocr-queue ${r.checkedAt} — ${verdictLabel(r.exitCode)}`];
  for (const e of r.errors) out.push(`✗ ${e}`);
  for (const w of r.warnings) out.push(`! ${w}`);
  for (const e of r.environments) out.push('', ...formatEnvironment(e));
  return `${out.map(displayText).join('\n')}\n`;
}
