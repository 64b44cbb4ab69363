/**
 * Maintenance of every environment, every min(15 s, lease/2): re-check environments that are not served
 * (schema migrated, storage fixed: served without a restart), recover expired leases (→ 3, or → 4 when
 * attempts are spent), prune dead workers and pauses from the registry, pass cadastral plans through
 * (3 → 5 without OCR), and once an hour delete the page rows of documents completed long ago.
 */
import type { Logger } from '../logger';
import { prunePages } from '../queue/pages';
import { pruneDeadPauses } from '../queue/pauses';
import { recoverStale } from '../queue/recover-stale';
import { skipPlans } from '../queue/skip-plans';
import { pruneDeadWorkers } from '../queue/workers';
import { checkEnvironment, type EnvRuntime } from './environments';

/** How often maintenance runs: well inside a lease, so an expired one is recovered soon. */
export function maintenanceIntervalMs(leaseMs: number): number {
  return Math.min(15_000, Math.floor(leaseMs / 2));
}

/** Page rows are pruned at most this often: the statement reads all of ocr_pages. */
export const PAGE_PRUNE_INTERVAL_MS = 3_600_000;

/** When each environment's page rows were last pruned (ms), by environment name. */
const prunedAt = new Map<string, number>();

export async function maintain(envs: readonly EnvRuntime[], leaseMs: number, log: Logger, pageRowsKeepDays = 0): Promise<void> {
  for (const env of envs) {
    if (!env.serving) await checkEnvironment(env, log);
    if (!env.serving) continue;
    try {
      const r = await recoverStale(env.db, leaseMs);
      if (r.requeued.length || r.failed.length || r.exhaustedAtReady.length) log.warn({ env: env.name, ...r }, 'recovered stale documents');
      await pruneDeadWorkers(env.db);
      await pruneDeadPauses(env.db).catch(() => undefined);
      const plans = await skipPlans(env.db);
      if (plans.length) log.info({ env: env.name, count: plans.length }, 'cadastral plans marked done without OCR');
      if (pageRowsKeepDays > 0 && Date.now() - (prunedAt.get(env.name) ?? 0) >= PAGE_PRUNE_INTERVAL_MS) {
        prunedAt.set(env.name, Date.now());
        const n = await prunePages(env.db, pageRowsKeepDays);
        if (n) log.info({ env: env.name, rows: n, keepDays: pageRowsKeepDays }, 'page rows of documents completed long ago deleted');
      }
    } catch (err) {
      log.warn({ env: env.name, err }, 'maintenance failed (database unavailable?)');
    }
  }
}
