/**
 * The health rules of check-ocr-queue, pure: a snapshot in, problems and warnings out.
 *
 * Unhealthy (exit 1): the schema is incomplete, a lease has expired (a document stuck at 6 whose worker
 * died or stalled), a document runs past its time budget (its worker is not being freed), rows at 3 have
 * a document_source no worker takes, documents are ready but no worker is alive to take them, or a pool
 * paused claiming because the environment's storage fails as a whole, or a worker's loop died, or an
 * operator paused claims and documents wait behind the pause (a pause with nothing behind it: a warning).
 * Cannot tell (exit 2): the database cannot be reached or read, or nothing is configured.
 * Everything else that deserves a look (rows blocked at 3, recent failures) is a warning only.
 */
import { isBudgetOverrun } from '../errors';
import { describeSchemaReport } from '../queue/schema';
import type { EnvironmentSnapshot } from './queries';
import { pastBudget, type TimeBudgets } from '../pool/budget';
import type { CheckReport, EnvironmentReport, InFlightDocument, StatusCount } from './types';
import { KNOWN_SOURCES } from '../queue/ready';

export interface Verdict {
  healthy: boolean;
  problems: string[];
  warnings: string[];
}


/** A worker can be late noticing a page change (progress is written once per stage): this much slack. */
export const BUDGET_GRACE_MS = 60_000;

/** Rows at 3 whose document_source no worker takes, by source as written: they would wait forever. */
export function unknownSources(counts: readonly Pick<StatusCount, 'status' | 'source' | 'count'>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of counts) {
    if (c.status !== 3 || c.count === 0) continue;
    if ((KNOWN_SOURCES as readonly string[]).includes(c.source.trim().toLowerCase())) continue;
    out[c.source] = (out[c.source] ?? 0) + c.count;
  }
  return out;
}

/** A document at 6 whose OCR has run past its page or document budget (its worker is not freeing itself). */
export function inFlightPastBudget(d: InFlightDocument, budgets: TimeBudgets): string | null {
  if (d.stuck || d.ageSeconds == null || (d.stage !== 'rendering' && d.stage !== 'ocr')) return null;
  const now = d.ageSeconds * 1000;
  const pageFor = d.progressAgeSeconds == null ? now : Math.min(now, d.progressAgeSeconds * 1000);
  const clock = { startedAt: 0, page: d.page ?? 0, pages: d.pages ?? 0, stage: d.stage, pageStartedAt: now - pageFor };
  return pastBudget(clock, budgets, now, BUDGET_GRACE_MS);
}

export function judgeEnvironment(env: string, s: EnvironmentSnapshot, budgets?: TimeBudgets): Verdict {
  const problems: string[] = [];
  const warnings: string[] = [];

  if (!s.schema.ok) problems.push(describeSchemaReport(env, s.schema));
  if (s.searchablePdfs?.failed) {
    const last = s.searchablePdfs.lastFailure;
    warnings.push(`${env}: ${s.searchablePdfs.failed} searchable PDF(s) not written in the last day (their text is done)${last ? `; last: ${last.error.slice(0, 200)}` : ''}`);
  }

  if (s.stuckLeases > 0) {
    problems.push(
      `${env}: ${s.stuckLeases} document(s) stuck at 6 with an expired lease (worker died or stalled; ` +
        `a running pool hands them back within its maintenance interval)`,
    );
  }

  for (const p of s.storagePauses ?? []) {
    problems.push(
      `${env}: claiming paused by ${p.host}:${p.pid} since ${p.since ?? '?'}: storage ${p.reason}: ${p.message} ` +
        `(its documents stay at 3 with attempts unspent; claiming resumes by itself once storage answers, next check ${p.nextProbeAt ?? '?'})`,
    );
  }

  if (budgets) {
    const over = s.inFlight.flatMap((d) => {
      const why = inFlightPastBudget(d, budgets);
      return why ? [`${d.id} (${d.worker ?? '?'}) ${why}`] : [];
    });
    if (over.length > 0) {
      problems.push(`${env}: ${over.length} document(s) running past their time budget (worker not freed): ${over.slice(0, 5).join('; ')}`);
    }
  }

  // Deterministic overruns are final after the second (decideFailure); meanwhile a worker is pinned for up
  // to a budget by a document that already overran once: say so rather than look healthy and busy.
  const reread = s.inFlight.filter((d) => !d.stuck && isBudgetOverrun(d.previousError));
  if (reread.length > 0) {
    problems.push(
      `${env}: ${reread.length} document(s) being read again after overrunning a time budget on the attempt before ` +
        `(a poison page? a second overrun ends them at 4): ` +
        reread.slice(0, 5).map((d) => `${d.id} (${d.worker ?? '?'}, attempt ${d.attempt}/${d.maxAttempts})`).join('; '),
    );
  }

  const unknown = unknownSources(s.counts);
  const unknownTotal = Object.values(unknown).reduce((a, b) => a + b, 0);
  if (unknownTotal > 0) {
    problems.push(
      `${env}: ${unknownTotal} document(s) at 3 with a document_source no worker takes: ` +
        `${Object.entries(unknown).map(([src, n]) => `${JSON.stringify(src)} × ${n}`).join(', ')} (expected index, acte or plan_cadastraux)`,
    );
  }

  const dead = (s.workers?.list ?? []).filter((w) => w.state === 'dead');
  if (dead.length > 0) {
    problems.push(
      `${env}: ${dead.length} worker(s) whose loop died of an unexpected error and is restarting: ` +
        `${dead.slice(0, 5).map((w) => w.workerId).join(', ')} (see that pool's log)`,
    );
  }

  // An operator's pause: deliberate, but work that waits behind it is not "healthy and idle".
  const paused = s.claimPauses ?? [];
  if (paused.length > 0) {
    const what = paused.map((p) => `${p.source === '*' ? 'all sources' : p.source} by ${p.pausedBy} since ${p.pausedAt}${p.reason ? ` (${p.reason})` : ''}`).join('; ');
    const waiting = s.eta?.pausedDocuments ?? 0;
    if (waiting > 0) problems.push(`${env}: claims paused: ${what}; ${waiting} document(s) wait (resume: npx tsx ocr-admin.ts resume --env ${env})`);
    else warnings.push(`${env}: claims paused: ${what}; nothing waits there now`);
  }

  const live = s.workers?.live ?? 0;
  if (s.ready && s.ready.total > 0 && live === 0) {
    problems.push(`${env}: ${s.ready.total} document(s) ready at 3 but no live OCR worker (is the ocr-pool app running?)`);
  }

  if (s.blocked) {
    if (s.blocked.attemptsExhausted > 0) {
      warnings.push(`${env}: ${s.blocked.attemptsExhausted} document(s) at 3 with no attempts left (a running pool moves them to 4)`);
    }
    if (s.blocked.noPath > 0) warnings.push(`${env}: ${s.blocked.noPath} document(s) at 3 without a supabase_path`);
  }
  if (s.throughput && s.throughput.lastHour.failed > 0) {
    warnings.push(`${env}: ${s.throughput.lastHour.failed} document(s) failed (→ 4) in the last hour`);
  }

  return { healthy: problems.length === 0, problems, warnings };
}

/** 2 beats 1 beats 0: one unreachable environment makes the whole check "cannot tell". */
export function overallExitCode(report: Pick<CheckReport, 'errors' | 'environments'>): 0 | 1 | 2 {
  if (report.errors.length > 0) return 2;
  if (report.environments.length === 0) return 2;
  if (report.environments.some((e) => !e.reachable)) return 2;
  if (report.environments.some((e: EnvironmentReport) => !e.healthy)) return 1;
  return 0;
}
