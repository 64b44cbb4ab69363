/**
 * One run of check-ocr-queue: resolve the environments, read each database (one short-lived connection
 * each, in parallel), judge, and build the report. Never throws for a database problem: an environment
 * that cannot be reached is reported as such (exit 2).
 */
import pg from 'pg';
import type { EnvName } from '../config';
import { judgeEnvironment, overallExitCode } from './health';
import { readEnvironment } from './queries';
import type { TimeBudgets } from '../pool/budget';
import { resolveBudgets, resolveTargets, type CheckTarget } from './targets';
import { noReadings, REPORT_VERSION, type CheckReport, type EnvironmentReport } from './types';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  only?: readonly EnvName[];
  connectTimeoutMs?: number;
}

/** An error message fit to print: without the connection URL or its password, whatever the driver put in it. */
export function safeMessage(err: unknown, databaseUrl: string): string {
  let msg = err instanceof Error ? err.message || err.name : String(err);
  const code = (err as { code?: unknown })?.code;
  if (!msg && typeof code === 'string') msg = code;
  const secrets = [databaseUrl];
  try {
    const u = new URL(databaseUrl);
    if (u.password) secrets.push(u.password, decodeURIComponent(u.password));
  } catch {
    // unparseable: the URL itself is still scrubbed
  }
  for (const s of secrets) if (s) msg = msg.split(s).join('[redacted]');
  return msg;
}

export async function checkEnvironment(target: CheckTarget, connectTimeoutMs = 5_000, budgets?: TimeBudgets): Promise<EnvironmentReport> {
  const report: EnvironmentReport = {
    env: target.env,
    database: target.database,
    reachable: false,
    error: null,
    schema: null,
    ...noReadings(),
    workers: null,
    healthy: false,
    problems: [],
    warnings: [],
  };
  const client = new pg.Client({
    connectionString: target.databaseUrl,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: 30_000,
    application_name: 'check-ocr-queue',
  });
  client.on('error', () => undefined); // a connection dropped mid-check surfaces as a failed query below
  try {
    await client.connect();
  } catch (err) {
    report.error = `cannot connect to ${target.database}: ${safeMessage(err, target.databaseUrl)}`;
    report.problems.push(`${target.env}: ${report.error}`);
    await client.end().catch(() => undefined);
    return report;
  }
  try {
    // Read-only by construction: nothing here may change the queue it is looking at.
    await client.query('BEGIN READ ONLY');
    const snapshot = await readEnvironment(client);
    await client.query('COMMIT');
    const verdict = judgeEnvironment(target.env, snapshot, budgets);
    Object.assign(report, snapshot, { reachable: true }, verdict);
  } catch (err) {
    report.error = `cannot read ${target.database}: ${safeMessage(err, target.databaseUrl)}`;
    report.problems.push(`${target.env}: ${report.error}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return report;
}

export async function runCheck(opts: RunOptions = {}): Promise<CheckReport> {
  const { targets, errors, warnings } = resolveTargets(opts.env ?? process.env, opts.only);
  const budgets = resolveBudgets(opts.env ?? process.env);
  const environments = await Promise.all(targets.map((t) => checkEnvironment(t, opts.connectTimeoutMs, budgets)));
  const partial = { errors, environments };
  const exitCode = overallExitCode(partial);
  return {
    version: REPORT_VERSION,
    checkedAt: new Date().toISOString(),
    exitCode,
    healthy: exitCode === 0,
    errors,
    warnings,
    environments,
  };
}
