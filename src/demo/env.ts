/** The environment the demo builds for `loadConfig()`: the same configuration path as the daemon. */

/** Settings the demo passes through from the caller's environment; everything else is the demo's own. */
const PASS_THROUGH = ['OCR_LANGS', 'OCR_DPI', 'OCR_HTTP_HOST', 'OCR_HTTP_PORT', 'OCR_HTTP_TOKEN', 'LOG_LEVEL', 'SERVER_RESERVE_CPU_PERCENT', 'SERVER_RESERVE_RAM_PERCENT'];

/**
 * The pool's environment: one `dev` environment on the demo database, PDFs from the staged directory.
 * Never the caller's PROD_/STAGING_ URLs or REDIS_URL: a demo must not touch real queues or share a
 * production rate limiter. Short polls and retry delays so the sample set finishes promptly, and no CPU
 * reserve (the demo is the machine's only job; on 2 cores a 20 % reserve would park one of 2 workers).
 */
export function demoEnvironment(opts: { databaseUrl: string; storageDir: string; workers: number; callerEnv: NodeJS.ProcessEnv }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    DEV_DATABASE_URL: opts.databaseUrl,
    OCR_STORAGE_DIR: opts.storageDir,
    OCR_WORKER_POOL_SIZE: String(opts.workers),
    OCR_POLL_INTERVAL_MS: '500',
    OCR_REBALANCE_INTERVAL_MS: '5000',
    OCR_RETRY_BASE_MS: '2000',
    OCR_RETRY_MAX_MS: '10000',
    OCR_SHUTDOWN_TIMEOUT_MS: '10000',
    SERVER_RESERVE_CPU_PERCENT: '0',
    // The status server (when built) on a free port, so a running daemon's port is never in the way.
    OCR_HTTP_PORT: '0',
  };
  for (const name of PASS_THROUGH) {
    const v = opts.callerEnv[name];
    if (v !== undefined && v.trim() !== '') env[name] = v;
  }
  return env;
}
