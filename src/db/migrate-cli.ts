/**
 * `npm run migrate`: applies the migrations to every enabled environment, then reports each schema.
 * Exit 1 when any environment failed (the others are still migrated).
 */
import pg from 'pg';
import { ConfigError, describeUrl, loadConfig } from '../config';
import { createLogger } from '../logger';
import { migrate } from './migrate';
import { checkSchema, describeSchemaReport } from '../queue/schema';

async function main(): Promise<number> {
  const log = createLogger();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, { storage: false }); // migrating a database needs no storage
  } catch (err) {
    if (err instanceof ConfigError) {
      log.fatal(err.message);
      return 2;
    }
    throw err;
  }
  if (config.environments.length === 0) {
    log.error('no environment enabled: set DEV_DATABASE_URL, STAGING_DATABASE_URL or PROD_DATABASE_URL');
    return 2;
  }
  let failed = 0;
  for (const env of config.environments) {
    const client = new pg.Client({ connectionString: env.databaseUrl, connectionTimeoutMillis: 10_000 });
    const where = { env: env.name, db: describeUrl(env.databaseUrl) };
    try {
      await client.connect();
      const result = await migrate(client);
      const report = await checkSchema(client);
      log.info({ ...where, applied: result.applied, alreadyApplied: result.alreadyApplied }, describeSchemaReport(env.name, report));
      if (!report.ok) failed++;
    } catch (err) {
      failed++;
      log.error({ ...where, err }, `${env.name}: migration failed`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
