/**
 * The checks of scripts/verify-ocr-setup.sh that need the project's own modules: configuration, storage,
 * language data, every enabled environment (reachable, schema complete), Redis. Run with tsx from
 * source, so it works before a build. Prints one line per check; exit 1 when any check failed.
 *
 *   --pre-migrate   an incomplete schema is expected (migrations run next): reported, not an error
 */
import { accessSync, constants, statSync } from 'node:fs';
import Redis from 'ioredis';
import pg from 'pg';
import { ConfigError, describeUrl, loadConfig } from '../config';
import { describeSchemaReport } from '../queue/schema';
import { languageDataFile, parseLangs } from '../ocr/language-data';
import { readEnvironment } from './queries';
import { safeMessage } from './run';
import { resolveTargets } from './targets';

type Level = 'ok' | 'warn' | 'error';
const results: { level: Level; text: string }[] = [];

function say(level: Level, text: string): void {
  results.push({ level, text });
  const tag = level === 'ok' ? 'ok   ' : level === 'warn' ? 'WARN ' : 'ERROR';
  process.stdout.write(`  ${tag} ${text}\n`);
}

function checkConfig(): void {
  try {
    const config = loadConfig();
    say('ok', `configuration valid (${config.environments.map((e) => e.name).join(', ') || 'no environment'} enabled, ${config.poolSize} workers)`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) say('error', `configuration: ${p}`);
  }
}

function checkStorage(): void {
  const dir = process.env.OCR_STORAGE_DIR?.trim();
  if (!dir) {
    say('ok', 'storage: Supabase (OCR_STORAGE_DIR not set)');
    return;
  }
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.R_OK | constants.X_OK);
    say('ok', `storage: directory ${dir}`);
  } catch (err) {
    say('error', `storage: OCR_STORAGE_DIR ${dir} is not a readable directory (${(err as Error).message})`);
  }
}

function checkLanguageData(): void {
  const langs = process.env.OCR_LANGS?.trim() || 'fra+eng';
  let codes: string[];
  try {
    codes = parseLangs(langs);
  } catch (err) {
    say('error', `language data: ${(err as Error).message}`);
    return;
  }
  for (const code of codes) {
    try {
      languageDataFile(code);
      say('ok', `language data: ${code} (@tesseract.js-data/${code})`);
    } catch (err) {
      say('error', `language data: ${(err as Error).message} (run npm ci)`);
    }
  }
}

async function checkEnvironments(preMigrate: boolean): Promise<void> {
  const { targets, errors } = resolveTargets(process.env);
  for (const e of errors) say('error', e);
  await Promise.all(
    targets.map(async (t) => {
      const client = new pg.Client({ connectionString: t.databaseUrl, connectionTimeoutMillis: 5_000, application_name: 'verify-ocr-setup' });
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (err) {
        say('error', `${t.env}: database ${t.database} unreachable: ${safeMessage(err, t.databaseUrl)} (check ${t.env.toUpperCase()}_DATABASE_URL, the network, and that the database exists)`);
        await client.end().catch(() => undefined);
        return;
      }
      try {
        const { schema } = await readEnvironment(client);
        if (schema.ok) say('ok', `${t.env}: database ${t.database} reachable, schema complete`);
        else if (preMigrate) say('ok', `${t.env}: database ${t.database} reachable; ${describeSchemaReport(t.env, schema).replace(/^\w+: /, '').replace(/ \(run `npm run migrate`\)$/, '')}: the migrate step creates it`);
        else say('error', describeSchemaReport(t.env, schema));
      } catch (err) {
        say('error', `${t.env}: database ${t.database} reachable but cannot be read: ${safeMessage(err, t.databaseUrl)}`);
      } finally {
        await client.end().catch(() => undefined);
      }
    }),
  );
}

async function checkRedis(): Promise<void> {
  const url = process.env.REDIS_URL?.trim();
  if (!url) {
    say('warn', 'Redis: REDIS_URL not set: the rate limit is per host, live progress goes through Postgres NOTIFY');
    return;
  }
  const where = describeUrl(url);
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError: unknown;
  client.on('error', (err) => (lastError = err));
  try {
    await client.connect();
    const pong = await client.ping();
    say('ok', `Redis ${where} reachable (${pong})`);
  } catch (err) {
    say('error', `Redis ${where} unreachable: ${safeMessage(lastError ?? err, url)} (check REDIS_URL; unset it to run without Redis)`);
  } finally {
    client.disconnect();
  }
}

async function main(): Promise<number> {
  const preMigrate = process.argv.includes('--pre-migrate');
  checkConfig();
  checkStorage();
  checkLanguageData();
  await checkEnvironments(preMigrate);
  await checkRedis();
  return results.some((r) => r.level === 'error') ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`verify: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
