/**
 * The daemon: `node dist/ocr/start-worker-pool.js` (PM2 app `ocr-pool`).
 *
 * Config is validated before anything starts; a bad value exits 78 (EX_CONFIG) with the variable named,
 * so PM2's restart loop shows the same clear line instead of a crash trace. SIGINT (PM2 stop) and
 * SIGTERM start a graceful shutdown; a second signal is ignored, since PM2's SIGKILL after kill_timeout
 * is the hard stop.
 */
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import { WorkerPool } from '../pool/pool';
import { createPoolStatus } from '../status/in-pool';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger('info').fatal({ problems: err.problems }, err.message);
      process.exit(78);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  // Status server (DESIGN §5) in this process; progress is published live as it is committed.
  const status = createPoolStatus(config, log.child({ component: 'status' }));
  const pool = new WorkerPool(config, log, { onProgress: status.onProgress });

  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    log.info({ signal }, 'shutdown requested');
    pool
      .stop()
      .then(() => status.stop())
      .then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
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
