import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Test files share a 2-core machine with real OCR; two files at a time keeps timings sane.
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
  },
});
