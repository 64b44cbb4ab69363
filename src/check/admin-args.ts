/** Command line of ocr-admin.ts (read by src/util/cli-args.ts). Pure. */
import { ENV_NAMES, type EnvName } from '../config';
import { lastValue, readArgs, type FlagSpec } from '../util/cli-args';
import { timeoutMs } from './args';

export type AdminCommand = 'failures' | 'requeue' | 'pause' | 'resume' | 'find';

export interface AdminArgs {
  command: AdminCommand | null;
  env?: EnvName;
  source?: string;
  errorClass?: string;
  id?: string;
  query?: string;
  reason?: string;
  actor?: string;
  limit: number;
  json: boolean;
  text: boolean;
  envFile?: string;
  connectTimeoutMs: number;
  help: boolean;
}

export const ADMIN_USAGE = `Usage: npx tsx ocr-admin.ts <command> [options]

The panel's actions from a shell, straight on the environment's database (needs E_DATABASE_URL, as
check-ocr-queue does; no status server, no token). Every action is audited in ocr_operator_actions.

  failures [--env E] [--source S] [--class C] [--limit N]   failed documents (4) by error class
  requeue  --env E --id UUID                                one failed document back to 3
  requeue  --env E --class C [--source S]                   every failed document of a class back to 3
  pause    --env E [--source S] [--reason TEXT]             stop claims of E (or of one source in it)
  resume   --env E [--source S]                             lift them (without --source: every pause of E)
  find     QUERY [--env E] [--text]                         by document number (spaces, case ignored) or id

  --as NAME         who acts, for the audit (default cli:<user>@<host>)
  --json            print the result as JSON
  --text            find: print the raw and boosted text too
  --env-file FILE   read variables from FILE (KEY=value lines) first
  --timeout S       give up connecting after S seconds (default 5)
  -h, --help        this text

Classes: poison, storage, budget, memory, lease, other. Sources: index, acte, plan_cadastraux.
Exit status: 0 done · 1 nothing to do (not at 4, nothing found) · 2 bad arguments or cannot connect`;

export class AdminUsageError extends Error {
  override name = 'AdminUsageError';
}

const COMMANDS: readonly AdminCommand[] = ['failures', 'requeue', 'pause', 'resume', 'find'];

const FLAGS: Record<string, FlagSpec> = {
  env: { type: 'string' },
  source: { type: 'string' },
  class: { type: 'string' },
  id: { type: 'string' },
  reason: { type: 'string' },
  as: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  text: { type: 'boolean' },
  'env-file': { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export function parseAdminArgs(argv: readonly string[]): AdminArgs {
  const read = readArgs(argv, FLAGS, (m) => new AdminUsageError(m), { positionals: true });
  const given = (name: string) => lastValue(read, name);
  const out: AdminArgs = { command: null, limit: 50, json: read.flags.has('json'), text: read.flags.has('text'), connectTimeoutMs: 5_000, help: read.flags.has('help') };
  const env = given('env')?.trim().toLowerCase();
  if (env !== undefined) {
    if (!(ENV_NAMES as readonly string[]).includes(env)) throw new AdminUsageError(`--env ${env}: expected one of ${ENV_NAMES.join(', ')}`);
    out.env = env as EnvName;
  }
  const strings = { source: 'source', errorClass: 'class', id: 'id', reason: 'reason', actor: 'as', envFile: 'env-file' } as const;
  for (const [key, flag] of Object.entries(strings) as [keyof typeof strings, string][]) {
    const v = given(flag);
    if (v !== undefined) out[key] = v;
  }
  const limit = given('limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new AdminUsageError(`--limit ${limit}: expected a whole number from 1 to 10000`);
    out.limit = n;
  }
  const timeout = given('timeout');
  if (timeout !== undefined) out.connectTimeoutMs = timeoutMs(timeout, (m) => new AdminUsageError(m));
  const positional = read.positionals;
  if (out.help) return out;
  const [command, ...rest] = positional;
  if (!command) throw new AdminUsageError('give a command: failures, requeue, pause, resume or find');
  if (!(COMMANDS as readonly string[]).includes(command)) throw new AdminUsageError(`unknown command ${command}`);
  out.command = command as AdminCommand;
  if (out.command === 'find') {
    out.query = rest.join(' ');
    if (!out.query.trim()) throw new AdminUsageError('find needs a document number or id');
  } else if (rest.length) throw new AdminUsageError(`unexpected ${rest[0]}`);
  if ((out.command === 'requeue' || out.command === 'pause' || out.command === 'resume') && !out.env) {
    throw new AdminUsageError(`${out.command} needs --env: an action is always on one environment`);
  }
  if (out.command === 'requeue' && !out.id === !out.errorClass) throw new AdminUsageError('requeue needs either --id or --class');
  return out;
}
