import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config';
import { renderConfigDoc } from '../../src/config-doc';

describe('docs/configuration.md', () => {
  const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
  it('is the table generated from the config module (run `npm run docs:config` after changing an option)', () => {
    expect(doc).toBe(renderConfigDoc());
  });
  it('documents every variable of docs/contract.md, "Settings"', () => {
    const design = ['DEV_DATABASE_URL', 'STAGING_DATABASE_URL', 'PROD_DATABASE_URL', 'OCR_DEV', 'OCR_STAGING', 'OCR_PROD',
      'DEV_SUPABASE_URL', 'DEV_SUPABASE_SERVICE_KEY', 'STAGING_SUPABASE_URL', 'STAGING_SUPABASE_SERVICE_KEY',
      'PROD_SUPABASE_URL', 'PROD_SUPABASE_SERVICE_KEY', 'OCR_STORAGE_DIR', 'REDIS_URL', 'OCR_WORKER_POOL_SIZE',
      'OCR_MIN_INDEX_WORKERS', 'OCR_MIN_ACTE_WORKERS', 'OCR_REBALANCE_INTERVAL_MS', 'SERVER_RESERVE_CPU_PERCENT',
      'SERVER_RESERVE_RAM_PERCENT', 'OCR_RATE_LIMIT_PER_MINUTE', 'OCR_RATE_MAX_CONCURRENT', 'OCR_LANGS', 'OCR_DPI',
      'OCR_LEASE_MS', 'OCR_SHUTDOWN_TIMEOUT_MS', 'OCR_HTTP_HOST', 'OCR_HTTP_PORT', 'OCR_HTTP_TOKEN', 'LOG_LEVEL'];
    for (const name of design) {
      expect(Object.keys(OPTIONS)).toContain(name);
      expect(doc).toContain(`| \`${name}\` |`);
    }
  });
});
