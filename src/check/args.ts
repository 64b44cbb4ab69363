/** Command line of check-ocr-queue, parsed without a dependency. Pure. */
import { ENV_NAMES, type EnvName } from '../config';

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

export function parseArgs(argv: readonly string[]): CheckArgs {
  const out: CheckArgs = { envs: [], json: false, connectTimeoutMs: 5_000, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) throw new UsageError(`${flag} needs a value`);
      i++;
      return next;
    };
    switch (flag) {
      case '--env':
        for (const e of value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
          if (!(ENV_NAMES as readonly string[]).includes(e)) throw new UsageError(`--env ${e}: expected one of ${ENV_NAMES.join(', ')}`);
          if (!out.envs.includes(e as EnvName)) out.envs.push(e as EnvName);
        }
        break;
      case '--json':
        out.json = true;
        break;
      case '--watch': {
        let raw = inline;
        if (raw === undefined && argv[i + 1] !== undefined && /^\d+(\.\d+)?$/.test(argv[i + 1]!)) raw = argv[++i];
        const s = raw === undefined ? DEFAULT_WATCH_SECONDS : Number(raw);
        if (!Number.isFinite(s) || s < 1 || s > 3600) throw new UsageError(`--watch ${raw}: expected seconds from 1 to 3600`);
        out.watchSeconds = s;
        break;
      }
      case '--env-file':
        out.envFile = value();
        break;
      case '--timeout': {
        const raw = value();
        const s = Number(raw);
        if (!Number.isFinite(s) || s <= 0 || s > 300) throw new UsageError(`--timeout ${raw}: expected seconds from 1 to 300`);
        out.connectTimeoutMs = Math.round(s * 1000);
        break;
      }
      case '-h':
      case '--help':
        out.help = true;
        break;
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return out;
}
