// PM2 process file of ocr-pool: `pm2 start ecosystem.config.js` (docs/contract.md, "Commands"; docs/operations.md).
//
// CommonJS on purpose: PM2 loads this file with require(), and package.json has no "type": "module".
// It is evaluated by the pm2 command line, so process.env here is the shell of whoever runs pm2 start /
// reload; PM2 passes that shell's variables on to the app as well (use --update-env on reload so a
// changed variable reaches it). Secrets (database URLs, keys) never go in this file: they come from the
// environment (see docs/operations.md, "Configuration on a host").
// biome-ignore lint/suspicious/noRedundantUseStrict: a CommonJS file (see above), where strict mode is not implied
'use strict';

const os = require('node:os');

/** A whole number from the environment, or the default when unset or not a number (the app itself rejects bad values, exit 78). */
function intFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '' || !/^\d+$/.test(raw.trim())) return fallback;
  return Number(raw.trim());
}

// The budget the daemon gives running documents on SIGINT before handing them back (6 → 3); same
// default as src/config.ts (OCR_SHUTDOWN_TIMEOUT_MS, 30000).
const shutdownTimeoutMs = intFromEnv('OCR_SHUTDOWN_TIMEOUT_MS', 30000);
// After the budget the daemon still hands unfinished documents back, removes its workers from the
// registry and closes its Postgres pools: 15 s covers that even against a slow database. PM2's default
// kill_timeout (1.6 s) would SIGKILL a document mid-hand-back and leave it at 6 until its lease expires.
const KILL_MARGIN_MS = 15000;

// The apps run on the node that runs this pm2 command (Node 24 LTS, the target: its tesseract.js build
// uses relaxed SIMD, ≈10 % faster), not on whatever `node` the PM2 daemon's PATH finds first, which on
// these machines is the system's end-of-life Node 20. PM2_NODE_INTERPRETER overrides it.
const interpreter = process.env.PM2_NODE_INTERPRETER || process.execPath;

const poolSize = intFromEnv('OCR_WORKER_POOL_SIZE', Math.max(1, os.availableParallelism()));

// PM2 measures the main process only, but OCR runs in worker threads of that process, so their memory
// (tesseract's WASM heap, rendered pages) is counted: budget the supervisor plus each worker. One worker
// with fra+eng uses a few hundred MiB at 300 dpi; 1 GiB each leaves room for large pages. Each worker's
// JS heap is also capped by OCR_WORKER_MAX_MEMORY_MB, and the pool replaces a worker that exceeds it
// (only that document is retried): this PM2 limit is the last resort for a leak outside the workers.
// Override with PM2_MAX_MEMORY_RESTART (e.g. "6G"); never above 90 % of the host's RAM.
const autoMemoryMb = Math.min(512 + poolSize * 1024, Math.floor((os.totalmem() / 1048576) * 0.9));
const maxMemoryRestart = process.env.PM2_MAX_MEMORY_RESTART || `${autoMemoryMb}M`;

// The daemon's settings, passed through the app's env block. PM2 7 applies an ecosystem file's env
// block on `pm2 startOrReload ecosystem.config.js`, but NOT the shell's other variables, even with
// --update-env (measured with 7.0.4: a changed OCR_WORKER_POOL_SIZE never reached the reloaded app).
// So every setting the daemon reads is copied from this shell here. A setting that is no longer set is
// passed as '' (the daemon treats an empty value as unset), so removing a line from the environment
// file takes effect on the next deploy too. Unknown OCR_* / SERVER_RESERVE_* names are passed as well,
// so the daemon's typo check still sees them.
const SETTING = /^(OCR_|SERVER_RESERVE_)|^(PROD|STAGING|DEV)_(DATABASE_URL|SUPABASE_URL|SUPABASE_SERVICE_KEY)$|^REDIS_(URL|COMMAND_TIMEOUT_MS)$|^LOG_LEVEL$/;
function knownSettings() {
  try {
    return Object.keys(require('./dist/config.js').OPTIONS); // every name, when the app is built
  } catch {
    return [];
  }
}
function settingsFromShell() {
  const env = {};
  for (const name of knownSettings()) env[name] = '';
  for (const [name, value] of Object.entries(process.env)) if (SETTING.test(name) && value !== undefined) env[name] = value;
  env.LOG_LEVEL = process.env.LOG_LEVEL || 'info';
  return env;
}

/** @type {import('pm2').StartOptions[]} */
const apps = [
  {
    name: 'ocr-pool',
    script: 'dist/main.js',
    cwd: __dirname,
    interpreter,
    // One supervisor per host in fork mode: it runs OCR_WORKER_POOL_SIZE worker threads itself.
    // Cluster mode would start several supervisors each with its own pool and fight over the CPU.
    exec_mode: 'fork',
    instances: 1,
    // V8's young generation, process-wide (V8 flags are): the main thread and the tesseract.js threads
    // (which tesseract.js starts without resourceLimits; the OCR threads set their own) may each grow
    // theirs to V8's default, 64 MiB semi-spaces on a host of this size (seen with Node 24 in a worker
    // thread). 4 MiB: bench:soak daemon peak 696 → 647 MiB (2 workers, 300 documents), 688 → 676 MiB
    // (1,000), and bench:ocr's pool time unchanged (2 interleaved pairs on a quiet machine, 2 workers:
    // 20.9/20.8 s with it, 21.6/20.5 s without). docs/benchmarks.md, "bench:soak".
    // --expose-gc: each OCR thread runs a full collection between documents, which returns the dead
    // page images V8 let pile up (src/pool/ocr-thread.ts): bench:soak daemon peak 670 → 606 MiB (1,000
    // documents), bench:ocr unchanged.
    node_args: ['--max-semi-space-size=4', '--expose-gc'],

    // Online only once the daemon says process.send('ready'): after the environments were checked and
    // every OCR engine loaded its language models (a few seconds per worker, in parallel; up to the
    // pool's 120 s engine timeout on a loaded host). Without it PM2 would report a half-started pool
    // as online, and a deploy could not tell a good start from a crash loop.
    wait_ready: true,
    listen_timeout: 120000,

    // SIGINT first (graceful: stop claiming, finish or hand back), SIGKILL only after this.
    kill_timeout: shutdownTimeoutMs + KILL_MARGIN_MS,

    max_memory_restart: maxMemoryRestart,

    // A crash loop (database down at start, a bad deploy) backs off 100 ms, ×1.5 each time, up to 15 s
    // instead of PM2's 0 ms respawn storm; the delay resets after 30 s of stable uptime.
    exp_backoff_restart_delay: 100,
    autorestart: true,
    // Exit 78 (EX_CONFIG) is a bad or misspelt setting: restarting cannot fix it, so PM2 shows the app
    // stopped, and `pm2 logs ocr-pool` shows the line naming the variable.
    stop_exit_codes: [78],

    // pino writes one JSON object per line with its own ISO time. Do NOT set log_date_format (or
    // time: true): PM2 would prefix every line with a date and break the JSON for log shippers.
    merge_logs: true,

    // Secrets are not written here: they are read from the shell when pm2 evaluates this file.
    env: {
      ...settingsFromShell(),
      // glibc gives each thread that allocates its own malloc arena (up to 8 per core), and the pool has
      // many: its OCR threads, their tesseract.js workers, V8's and libuv's helpers. Each arena keeps the
      // high-water mark of the page images that passed through it, and glibc raises its mmap threshold to
      // the largest block freed, so page-sized buffers (8 MB for an A4 page at 300 DPI) end up in arenas.
      // Two arenas for the whole process, and blocks of 4 MiB or more always mapped (given back when
      // freed): bench:soak peak 839 → 663 MiB, 2 workers, 1,000 documents, no growth (docs/benchmarks.md,
      // "bench:soak"). glibc reads both when the process starts: they can only be set here, not by the daemon.
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX || '2',
      MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ || '4194304',
      NODE_ENV: 'development',
    },
    // `pm2 start ecosystem.config.js --env production` (what scripts/deploy-ocr-workers.sh does):
    // merged over `env`.
    env_production: {
      NODE_ENV: 'production',
    },
  },
];

// The standalone status server (docs/contract.md, "Routes of the status server"): the same HTTP API and live page the pool process serves on
// OCR_HTTP_PORT, from a process of its own, so status, /metrics and progress streams stay up while
// ocr-pool restarts or is redeployed. Every answer comes from Postgres and the live channel, never from
// the pool's memory, so it needs the same settings but reads no PDFs. It listens on STATUS_HTTP_PORT,
// by default the port after OCR_HTTP_PORT (9465), since the pool process already holds OCR_HTTP_PORT.
// (Not an OCR_* name: the daemon would take an unknown OCR_* variable for a typo.)
const poolHttpPort = intFromEnv('OCR_HTTP_PORT', 9464);
const statusHttpPort = intFromEnv('STATUS_HTTP_PORT', poolHttpPort === 0 ? 0 : poolHttpPort + 1);

apps.push({
  name: 'ocr-status',
  script: 'dist/status/server.js',
  cwd: __dirname,
  interpreter,
  exec_mode: 'fork',
  instances: 1,
  // Ready once it listens (it sends 'ready').
  wait_ready: true,
  listen_timeout: 30000,
  // SIGINT closes the listener and the open event streams; nothing to hand back, so a short grace.
  kill_timeout: 10000,
  // No OCR here: a few live connections and caches. Far above normal, low enough to catch a leak.
  max_memory_restart: process.env.STATUS_MAX_MEMORY_RESTART || '512M',
  exp_backoff_restart_delay: 100,
  autorestart: true,
  stop_exit_codes: [78],
  merge_logs: true, // and no log_date_format, as above
  env: {
    ...settingsFromShell(),
    OCR_HTTP_PORT: String(statusHttpPort),
    NODE_ENV: 'development',
  },
  env_production: {
    NODE_ENV: 'production',
  },
});

module.exports = { apps };
