/**
 * `npx tsx ocr-admin.ts` — the live page's actions from a shell, for scripts and hosts without a browser:
 * failures, requeue, pause, resume, find. Straight on the environment's database (src/check/operator.ts,
 * the same calls as the status server's API); `--help` for the commands. Connection URLs are never printed.
 */
import { ADMIN_USAGE, AdminUsageError, parseAdminArgs, type AdminArgs } from './src/check/admin-args';
import { runAdmin } from './src/check/admin-run';

async function main(): Promise<number> {
  let args: AdminArgs;
  try {
    args = parseAdminArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof AdminUsageError) {
      process.stderr.write(`ocr-admin: ${err.message}\n\n${ADMIN_USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    process.stdout.write(`${ADMIN_USAGE}\n`);
    return 0;
  }
  if (args.envFile) {
    try {
      process.loadEnvFile(args.envFile);
    } catch (err) {
      process.stderr.write(`ocr-admin: cannot read --env-file ${args.envFile}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const r = await runAdmin(args, process.env);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`ocr-admin: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
