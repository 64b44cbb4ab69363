/** Command line of ocr-admin.ts, parsed without a dependency. Pure. */
import { ENV_NAMES, type EnvName } from '../config';

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

export function parseAdminArgs(argv: readonly string[]): AdminArgs {
  const out: AdminArgs = { command: null, limit: 50, json: false, text: false, connectTimeoutMs: 5_000, help: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new AdminUsageError(`${flag} needs a value`);
      i++;
      return next;
    };
    switch (flag) {
      case '--env': {
        const e = value().trim().toLowerCase();
        if (!(ENV_NAMES as readonly string[]).includes(e)) throw new AdminUsageError(`--env ${e}: expected one of ${ENV_NAMES.join(', ')}`);
        out.env = e as EnvName;
        break;
      }
      case '--source':
        out.source = value();
        break;
      case '--class':
        out.errorClass = value();
        break;
      case '--id':
        out.id = value();
        break;
      case '--reason':
        out.reason = value();
        break;
      case '--as':
        out.actor = value();
        break;
      case '--limit': {
        const raw = value();
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new AdminUsageError(`--limit ${raw}: expected a whole number from 1 to 10000`);
        out.limit = n;
        break;
      }
      case '--json':
        out.json = true;
        break;
      case '--text':
        out.text = true;
        break;
      case '--env-file':
        out.envFile = value();
        break;
      case '--timeout': {
        const raw = value();
        const s = Number(raw);
        if (!Number.isFinite(s) || s <= 0 || s > 300) throw new AdminUsageError(`--timeout ${raw}: expected seconds from 1 to 300`);
        out.connectTimeoutMs = Math.round(s * 1000);
        break;
      }
      case '-h':
      case '--help':
        out.help = true;
        break;
      default:
        if (arg.startsWith('--')) throw new AdminUsageError(`unknown argument ${arg}`);
        positional.push(arg);
    }
  }
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
