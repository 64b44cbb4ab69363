/**
 * Import rules for ocr-pool (run by `npm run lint`; docs/architecture.md draws the layers). Each layer
 * imports itself and the layers below it, never one above:
 *
 *   entry points   src/main.ts (the daemon), src/status/server.ts, check-ocr-queue.ts, ocr-admin.ts,
 *                  src/db/migrate-cli.ts, src/demo/main.ts
 *   demo           src/demo     runs the pool and the status server as the daemon does; nothing imports it
 *   status         src/status   the status server: reads the pool, the live channel, check's health rules
 *   check          src/check    check-ocr-queue and verify-ocr-setup: the queue's reads, the pool's budgets
 *   pool · progress             src/pool runs the work (ocr, boost, queue); src/progress is the live channel
 *   boost          src/boost    (may read src/ocr/types.ts, ocr's result format; never the other way)
 *   ocr, queue     src/ocr, src/queue   (each imports only itself and the base)
 *   base           src/text, src/util, src/db, src/storage, src/limiter, src/types,
 *                  src/errors.ts, src/logger.ts, src/config.ts, src/retry.ts
 *
 * A rule names what a layer may import; anything else in src/ is refused. Type-only imports count
 * (tsPreCompilationDeps), so a cycle through `import type` fails too.
 */
const BASE = '^src/(text|util|db|storage|limiter|types)/|^src/(errors|logger|config|retry)\\.ts$';
/** What each layer may import besides itself: its own path pattern is added by `layer`. */
const OCR_QUEUE = `^src/(ocr|queue)/|${BASE}`;
const POOL = `^src/pool/|^src/boost/|${OCR_QUEUE}`;

/** A rule: files under `folder` import only `allowed` (and their own folder) within src/. */
function layer(name, folder, allowed, comment) {
  return {
    name,
    severity: 'error',
    comment,
    from: { path: `^src/${folder}/` },
    to: { path: '^src/', pathNot: `^src/${folder}/|${allowed}` },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only ones included) tie modules together: move the shared part lower.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'base-imports-only-base',
      severity: 'error',
      comment: 'The base (text, util, db, storage, limiter, errors, logger, config, retry) knows nothing above it.',
      // migrate-cli.ts is the `npm run migrate` entry point: it reports each schema with the queue's check.
      from: { path: BASE, pathNot: '^src/db/migrate-cli\\.ts$' },
      to: { path: '^src/', pathNot: BASE },
    },
    {
      name: 'queue-imports-only-base',
      severity: 'error',
      comment: 'src/queue/ holds the SQL: it imports itself and the base, nothing above (pool, ocr, boost, status…).',
      from: { path: '^src/queue/' },
      to: { path: '^src/', pathNot: `^src/queue/|${BASE}` },
    },
    layer('ocr-imports-only-base', 'ocr', BASE, 'src/ocr/ reads pages: it imports itself and the base, never boost/ (which post-processes its output) nor anything above.'),
    {
      name: 'boost-imports-ocr-types-and-base',
      severity: 'error',
      comment: 'src/boost/ post-processes OCR results: it may import ocr/types.ts (the result format) and the base, nothing else.',
      from: { path: '^src/boost/' },
      to: { path: '^src/', pathNot: `^src/boost/|^src/ocr/types\\.ts$|${BASE}` },
    },
    layer('progress-imports-queue-and-base', 'progress', `^src/queue/|${BASE}`, 'src/progress/ is the live channel: it reads the queue and publishes; it knows nothing of the pool or the status server.'),
    layer('pool-imports-boost-ocr-queue-and-base', 'pool', POOL, 'src/pool/ runs the work: OCR, the boost, the queue and the base; never the status server, check or the demo (they read it).'),
    layer('check-imports-pool-and-below', 'check', `^src/progress/|${POOL}`, 'src/check/ (check-ocr-queue, verify-ocr-setup) reads the queue and uses the pool\'s rules; never the status server or the demo.'),
    layer('status-imports-check-and-below', 'status', `^src/(check|progress)/|${POOL}`, 'src/status/ serves what the pool, the live channel and check\'s health rules say; never the demo.'),
    layer('demo-imports-status-and-below', 'demo', `^src/(status|check|progress)/|${POOL}`, 'src/demo/ runs the daemon\'s parts on samples; it is the top of src/.'),
    {
      name: 'no-demo-in-src',
      severity: 'error',
      comment: 'The demo is a tool on top of the daemon: no module of src/ outside src/demo/ imports it.',
      from: { path: '^src/', pathNot: '^src/demo/' },
      to: { path: '^src/demo/' },
    },
    {
      name: 'no-entry-point-imported',
      severity: 'error',
      comment: 'src/main.ts starts the daemon (PM2 runs dist/main.js): nothing imports it.',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'no-bench-outside-bench',
      severity: 'error',
      comment: 'Benchmarks are leaves: nothing outside bench/ imports them.',
      from: { pathNot: '^bench/' },
      to: { path: '^bench/' },
    },
    {
      name: 'no-test-in-src',
      severity: 'error',
      comment: 'Shipped code never imports test helpers.',
      from: { path: '^(src|scripts)/|^(check-ocr-queue|ocr-admin)\\.ts$' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing.',
      from: {},
      // ecosystem.config.js reads the build output (dist/), which exists only after `npm run build`.
      to: { couldNotResolve: true, pathNot: '^(\\./)?dist/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mts', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
