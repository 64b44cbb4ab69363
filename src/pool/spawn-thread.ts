/** Starting this package's worker threads, from its source (tests, benches, tsx) or its build (dist/). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** Start the thread whose entry is `src/pool/<name>.ts` (or `dist/pool/<name>.js`), whichever is running. */
export function spawn(name: string, options: ConstructorParameters<typeof Worker>[1]): Worker {
  const js = path.join(__dirname, `${name}.js`);
  if (existsSync(js)) return new Worker(js, options);
  // Running from TypeScript source (tests, tsx): load tsx's CommonJS hook inside the thread first.
  const ts = path.join(__dirname, `${name}.ts`);
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(ts)});`, { ...options, eval: true });
}
