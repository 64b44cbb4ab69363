/**
 * What the two PM2 apps (`ocr-pool`, `ocr-status`) do alike at start and at stop.
 *
 * Config is validated before anything starts; a bad value exits 78 (EX_CONFIG) with the variable named,
 * so PM2's restart loop shows the same clear line instead of a crash trace. SIGINT (PM2 stop) and SIGTERM
 * start a graceful stop; a second signal is ignored, since PM2's SIGKILL after kill_timeout is the hard stop.
 * SIGHUP (the terminal of a daemon started from a shell closed) stops it the same way: its default would
 * kill the process at once and leave its documents to expire their leases, burning an attempt each.
 */
import { ConfigError, loadConfig, type Config, type LoadOptions } from '../config';
import { createLogger, type Logger } from '../logger';

export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Config {
  try {
    return loadConfig(env, opts);
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger('info').fatal({ problems: err.problems }, err.message);
      process.exit(78);
    }
    throw err;
  }
}

/** On SIGINT, SIGTERM or SIGHUP: `stop()` once, then exit 0, or 1 when stopping failed. */
export function stopOnSignals(log: Logger, stop: () => Promise<void>, messages: { requested: string; failed: string }): void {
  let exiting = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (exiting) return;
    exiting = true;
    log.info({ signal }, messages.requested);
    stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, messages.failed);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}
