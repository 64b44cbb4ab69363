/**
 * The health rules of check-ocr-queue, pure: a snapshot in, problems and warnings out.
 *
 * Unhealthy (exit 1): the schema is incomplete, a lease has expired (a document stuck at 6 whose worker
 * died or stalled), documents are ready but no worker is alive to take them, or a pool paused claiming
 * because the environment's storage fails as a whole.
 * Cannot tell (exit 2): the database cannot be reached or read, or nothing is configured.
 * Everything else that deserves a look (rows blocked at 3, recent failures) is a warning only.
 */
import { describeSchemaReport } from '../db/schema';
import type { EnvironmentSnapshot } from './queries';
import type { CheckReport, EnvironmentReport } from './types';

export interface Verdict {
  healthy: boolean;
  problems: string[];
  warnings: string[];
}

export function judgeEnvironment(env: string, s: EnvironmentSnapshot): Verdict {
  const problems: string[] = [];
  const warnings: string[] = [];

  if (!s.schema.ok) problems.push(describeSchemaReport(env, s.schema));

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
