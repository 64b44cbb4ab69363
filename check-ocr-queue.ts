/**
 * `npx tsx check-ocr-queue.ts` — the state of the OCR queue in every configured environment, from
 * source (no build needed). Read-only. `--help` for the flags; the JSON shape and the exit codes are
 * documented in docs/operations.md. Connection URLs are never printed, only host:port/database.
 */
import { parseArgs, USAGE, UsageError, type CheckArgs } from './src/check/args';
import { formatReport } from './src/check/format';
import { runCheck } from './src/check/run';
import type { CheckReport } from './src/check/types';
import { stringifyInert } from './src/util/inert';

function print(report: CheckReport, args: CheckArgs): void {
  // Inert JSON: row text's C1 and bidi controls as \uXXXX, so `--json` piped to a terminal is safe too.
  if (args.json) process.stdout.write(`${stringifyInert(report, args.watchSeconds ? undefined : 2)}\n`);
  else process.stdout.write(formatReport(report));
}

async function once(args: CheckArgs): Promise<CheckReport> {
  return runCheck({ env: process.env, only: args.envs, connectTimeoutMs: args.connectTimeoutMs });
}

async function main(): Promise<number> {
  let args: CheckArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`check-ocr-queue: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.envFile) {
    try {
      process.loadEnvFile(args.envFile);
    } catch (err) {
      process.stderr.write(`check-ocr-queue: cannot read --env-file ${args.envFile}: ${(err as Error).message}\n`);
      return 2;
    }
  }

  if (!args.watchSeconds) {
    const report = await once(args);
    print(report, args);
    return report.exitCode;
  }

  // --watch: run until Ctrl-C; the exit code is the last run's.
  let last: 0 | 1 | 2 = 2;
  let stop = false;
  let wake: (() => void) | undefined;
  const onSignal = () => {
    stop = true;
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const clear = process.stdout.isTTY && !args.json;
  while (!stop) {
    const report = await once(args);
    last = report.exitCode;
    if (clear) process.stdout.write('\x1b[2J\x1b[H');
    print(report, args);
    if (!args.json && clear) process.stdout.write(`\n(every ${args.watchSeconds} s; Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, args.watchSeconds! * 1000);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
      if (stop) wake();
    });
  }
  return last;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`check-ocr-queue: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
