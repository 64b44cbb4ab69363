/** Command line of check-ocr-queue (read by src/util/cli-args.ts). Pure. */
import { ENV_NAMES, type EnvName } from '../config';
import { lastValue, readArgs, type FlagSpec } from '../util/cli-args';

export interface CheckArgs {
  envs: EnvName[];
  json: boolean;
  /** Seconds between runs; undefined: run once. */
  watchSeconds?: number;
  envFile?: string;
  connectTimeoutMs: number;
  help: boolean;
}

export const DEFAULT_WATCH_SECONDS = 5;

export const USAGE = `Usage: npx tsx check-ocr-queue.ts [--env dev|staging|prod[,…]] [--json] [--watch [SECONDS]]
                                [--env-file FILE] [--timeout SECONDS]

Shows, for every environment whose E_DATABASE_URL is set (or only those given with --env): documents by
status × source, ready vs blocked, in-flight documents with worker, age and progress, stuck leases, the
last errors, throughput over the last hour and day, and the live workers.

  --env E[,E]       only these environments (repeatable)
  --json            print the report as JSON (shape: docs/operations.md); with --watch, one line per run
  --watch [S]       run again every S seconds (default ${DEFAULT_WATCH_SECONDS}) until Ctrl-C
  --env-file FILE   read variables from FILE (KEY=value lines) before anything else
  --timeout S       give up connecting to a database after S seconds (default 5)
  -h, --help        this text

Exit status: 0 healthy · 1 unhealthy (stuck leases, ready work but no live worker, schema incomplete)
             2 cannot connect, nothing configured, or bad arguments`;

export class UsageError extends Error {
  override name = 'UsageError';
}

const FLAGS: Record<string, FlagSpec> = {
  env: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  watch: { type: 'boolean', optionalValue: (next) => /^\d+(\.\d+)?$/.test(next) },
  'env-file': { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export function parseArgs(argv: readonly string[]): CheckArgs {
  const read = readArgs(argv, FLAGS, (m) => new UsageError(m), { positionals: false });
  const out: CheckArgs = { envs: [], json: read.flags.has('json'), connectTimeoutMs: 5_000, help: read.flags.has('help') };
  for (const e of (read.flags.get('env') ?? []).flatMap((v) => v.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (!(ENV_NAMES as readonly string[]).includes(e)) throw new UsageError(`--env ${e}: expected one of ${ENV_NAMES.join(', ')}`);
    if (!out.envs.includes(e as EnvName)) out.envs.push(e as EnvName);
  }
  const watch = lastValue(read, 'watch');
  if (watch !== undefined) {
    const s = watch === 'true' ? DEFAULT_WATCH_SECONDS : Number(watch);
    if (!Number.isFinite(s) || s < 1 || s > 3600) throw new UsageError(`--watch ${watch}: expected seconds from 1 to 3600`);
    out.watchSeconds = s;
  }
  out.envFile = lastValue(read, 'env-file');
  if (out.envFile === undefined) delete out.envFile;
  const timeout = lastValue(read, 'timeout');
  if (timeout !== undefined) out.connectTimeoutMs = timeoutMs(timeout, (m) => new UsageError(m));
  return out;
}

/** `--timeout S`: seconds from (0, 300], as ms. */
export function timeoutMs(raw: string, fail: (message: string) => Error): number {
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0 || s > 300) throw fail(`--timeout ${raw}: expected seconds from 1 to 300`);
  return Math.round(s * 1000);
}
