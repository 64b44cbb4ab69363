/**
 * Import rules for ocr-pool (run by `npm run lint`; docs/architecture.md draws the layers).
 *
 *   entry points   src/ocr/start-worker-pool.ts, check-ocr-queue.ts, ocr-admin.ts, src/db/migrate-cli.ts, src/demo/main.ts
 *   upper          src/pool, src/status, src/check, src/progress, src/demo
 *   boost          src/boost            (may read src/ocr/types.ts, ocr's result format; never the other way)
 *   ocr, queue     src/ocr, src/queue   (each imports only itself and the base)
 *   base           src/text, src/util, src/db, src/storage, src/limiter, src/types,
 *                  src/errors.ts, src/logger.ts, src/config.ts, src/retry.ts
 *
 * A rule names what a layer may import; anything else in src/ is refused. Type-only imports count
 * (tsPreCompilationDeps), so a cycle through `import type` fails too.
 */
const BASE = '^src/(text|util|db|storage|limiter|types)/|^src/(errors|logger|config|retry)\\.ts$';

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
    {
      name: 'ocr-imports-only-base',
      severity: 'error',
      comment:
        'src/ocr/ reads pages: it imports itself and the base, never boost/ (which post-processes its output) nor ' +
        'anything above. start-worker-pool.ts is the daemon entry point kept at its published path (PM2, package.json main).',
      from: { path: '^src/ocr/', pathNot: '^src/ocr/start-worker-pool\\.ts$' },
      to: { path: '^src/', pathNot: `^src/ocr/|${BASE}` },
    },
    {
      name: 'boost-imports-ocr-types-and-base',
      severity: 'error',
      comment: 'src/boost/ post-processes OCR results: it may import ocr/types.ts (the result format) and the base, nothing else.',
      from: { path: '^src/boost/' },
      to: { path: '^src/', pathNot: `^src/boost/|^src/ocr/types\\.ts$|${BASE}` },
    },
    {
      name: 'no-demo-in-src',
      severity: 'error',
      comment: 'The demo is a tool on top of the daemon: no module of src/ outside src/demo/ imports it.',
      from: { path: '^src/', pathNot: '^src/demo/' },
      to: { path: '^src/demo/' },
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
