/**
 * The daemon: `node dist/main.js` (PM2 app `ocr-pool`, package.json `main`). Start and stop as described
 * in src/util/entry-point.ts: a bad setting exits 78, SIGINT/SIGTERM stop gracefully once.
 */
import { createLogger } from './logger';
import { WorkerPool } from './pool/pool';
import { createPoolStatus } from './status/in-pool';
import { loadConfigOrExit, stopOnSignals } from './util/entry-point';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  // Status server (docs/contract.md, "Routes of the status server") in this process; progress is published live as it is committed.
  const status = createPoolStatus(config, log.child({ component: 'status' }));
  const pool = new WorkerPool(config, log, { onProgress: status.onProgress, onStages: status.onStages });

  stopOnSignals(log, () => pool.stop().then(() => status.stop()), { requested: 'shutdown requested', failed: 'shutdown failed' });
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection (kept running)'));

  await status.start(pool);
  await pool.start();
  // PM2 wait_ready: the app counts as online once workers are loaded.
  process.send?.('ready');
}

main().catch((err) => {
  createLogger('info').fatal({ err }, 'OCR pool failed to start');
  process.exit(1);
});
