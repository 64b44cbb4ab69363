/**
 * The environments one pool serves (dev, staging, prod): a Postgres pool and a storage each, and whether
 * the environment is served. It is served only when its schema is complete and its storage configured;
 * one that is not is re-checked by maintenance and served as soon as it is fixed, without a restart.
 */
import type pg from 'pg';
import type { Config, EnvName } from '../config';
import { createPool } from '../db/pg';
import { checkSchema, describeSchemaReport } from '../queue/schema';
import { coerceError } from '../errors';
import type { Logger } from '../logger';
import { createStorage, type ObjectStorage } from '../storage';

export interface EnvRuntime {
  readonly name: EnvName;
  readonly db: pg.Pool;
  readonly storage: ObjectStorage | undefined;
  /** Serving only when the schema is complete and storage is configured. */
  serving: boolean;
  /** Why it is not served (logged, and shown by the snapshot). */
  problem: string | undefined;
}

/** One runtime per configured environment; none is served before `checkEnvironment`. */
export function openEnvironments(config: Config, log: Logger): EnvRuntime[] {
  return config.environments.map((e) => {
    let storage: ObjectStorage | undefined;
    let problem: string | undefined;
    try {
      storage = createStorage({
        storageDir: config.storageDir,
        supabaseUrl: e.supabaseUrl,
        supabaseServiceKey: e.supabaseServiceKey,
        timeoutMs: config.storageTimeoutMs,
        env: e.name,
      });
    } catch (err) {
      problem = coerceError(err).message;
    }
    return {
      name: e.name,
      db: createPool(e.databaseUrl, log.child({ env: e.name }), { max: config.poolSize + 4 }),
      storage,
      serving: false,
      problem,
    };
  });
}

/** Check the environment's storage and schema and set whether it is served; says so when that changes. */
export async function checkEnvironment(env: EnvRuntime, log: Logger): Promise<void> {
  if (!env.storage) {
    env.serving = false;
    if (env.problem) log.error({ env: env.name }, `${env.name}: not served: ${env.problem}`);
    return;
  }
  try {
    const report = await checkSchema(env.db);
    const was = env.serving;
    env.serving = report.ok;
    env.problem = report.ok ? undefined : describeSchemaReport(env.name, report);
    if (!report.ok) log.error({ env: env.name, ...report }, env.problem!);
    else if (!was) log.info({ env: env.name }, `${env.name}: schema complete, serving`);
  } catch (err) {
    env.serving = false;
    env.problem = `${env.name}: database unreachable: ${coerceError(err).message}`;
    log.error({ env: env.name, err }, env.problem);
  }
}

/** Close every environment's Postgres pool, each on its own (one failing does not skip the others). */
export async function closeEnvironments(envs: readonly EnvRuntime[], log: Logger): Promise<void> {
  for (const e of envs) await e.db.end().catch((err) => log.warn({ err, env: e.name }, 'closing Postgres pool failed'));
}
