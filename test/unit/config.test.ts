import { describe, expect, it } from 'vitest';
import { ConfigError, describeUrl, loadConfig } from '../../src/config';

const base = { DEV_DATABASE_URL: 'postgres://u:secret@db.example:5432/ocr', OCR_STORAGE_DIR: '/data' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({
      rebalanceIntervalMs: 30_000,
      reserveCpuPercent: 20,
      reserveRamPercent: 20,
      langs: 'fra+eng',
      dpi: 300,
      httpHost: '127.0.0.1',
      logLevel: 'info',
    });
    expect(c.environments).toEqual([{ name: 'dev', databaseUrl: base.DEV_DATABASE_URL, supabaseUrl: undefined, supabaseServiceKey: undefined }]);
  });

  it('enables each environment with a URL unless OCR_<ENV>=false, in prod, staging, dev order', () => {
    const c = loadConfig({ ...base, PROD_DATABASE_URL: 'postgres://p/x', STAGING_DATABASE_URL: 'postgres://s/x', OCR_STAGING: 'false' });
    expect(c.environments.map((e) => e.name)).toEqual(['prod', 'dev']);
  });

  it('names the variable and what it accepts for a bad value', () => {
    expect(problems({ ...base, OCR_DPI: 'high' })).toEqual(['OCR_DPI="high" is invalid: expected a whole number from 72 to 600']);
    expect(problems({ ...base, OCR_DPI: '5000' })).toEqual(['OCR_DPI="5000" is invalid: expected a whole number from 72 to 600']);
    expect(problems({ ...base, OCR_PROD: 'maybe' })[0]).toMatch(/^OCR_PROD="maybe" is invalid/);
    expect(problems({ ...base, LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL="loud" is invalid/);
  });

  it('flags a misspelt OCR_ variable and suggests the right name', () => {
    expect(problems({ ...base, OCR_WORKERS_POOL_SIZE: '2' })).toEqual([
      'OCR_WORKERS_POOL_SIZE is not a known setting (did you mean OCR_WORKER_POOL_SIZE?)',
    ]);
  });

  it('never shows a secret value in an error', () => {
    const msgs = problems({ DEV_DATABASE_URL: 'mysql://root:hunter2@h/db', OCR_STORAGE_DIR: '/d' });
    expect(msgs.join()).toContain('DEV_DATABASE_URL=(value hidden) is invalid');
    expect(msgs.join()).not.toContain('hunter2');
  });

  it('reports every problem at once, including cross-field ones', () => {
    const msgs = problems({ DEV_DATABASE_URL: 'postgres://h/db', OCR_WORKER_POOL_SIZE: '2', OCR_MIN_INDEX_WORKERS: '2', OCR_MIN_ACTE_WORKERS: '1' });
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/dev has no storage/);
    expect(msgs[1]).toMatch(/exceeds OCR_WORKER_POOL_SIZE/);
  });

  it('asks for storage only where PDFs are read: not to migrate or to serve status', () => {
    expect(problems({ DEV_DATABASE_URL: 'postgres://h/db' })).toEqual(['dev has no storage: set DEV_SUPABASE_URL and DEV_SUPABASE_SERVICE_KEY, or OCR_STORAGE_DIR']);
    expect(loadConfig({ DEV_DATABASE_URL: 'postgres://h/db' }, { storage: false }).environments).toEqual([
      { name: 'dev', databaseUrl: 'postgres://h/db', supabaseUrl: undefined, supabaseServiceKey: undefined },
    ]);
  });

  it('OCR_HTTP_ADMIN_TOKEN: named tokens or one bare token; a short, malformed or repeated one is refused, value hidden', () => {
    expect(loadConfig(base).httpAdminTokens).toEqual([]);
    expect(loadConfig({ ...base, OCR_HTTP_ADMIN_TOKEN: 'Zk3-9f_Q.a+b/c=d0123' }).httpAdminTokens).toEqual([{ name: 'admin', token: 'Zk3-9f_Q.a+b/c=d0123' }]);
    expect(loadConfig({ ...base, OCR_HTTP_ADMIN_TOKEN: ' alice:aaaaaaaaaaaaaaaa1 , ops-bot:bbbbbbbbbbbbbbbb2 ' }).httpAdminTokens).toEqual([
      { name: 'alice', token: 'aaaaaaaaaaaaaaaa1' },
      { name: 'ops-bot', token: 'bbbbbbbbbbbbbbbb2' },
    ]);
    for (const bad of ['short', 'alice:short', 'Alice:aaaaaaaaaaaaaaaa1', 'alice:aaaaaaaaaaaaaaaa1,alice:bbbbbbbbbbbbbbbb2', 'a:aaaaaaaaaaaaaaaa1,b:aaaaaaaaaaaaaaaa1', 'alice:has space in it 1234', 'alice:aaaaaaaaaaaaaaaa1,']) {
      const msgs = problems({ ...base, OCR_HTTP_ADMIN_TOKEN: bad });
      expect([bad, msgs[0]]).toEqual([bad, expect.stringMatching(/^OCR_HTTP_ADMIN_TOKEN=\(value hidden\) is invalid: expected name:token\[,name:token…\] or one token; tokens of 16 to 200/)]);
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ...base, OCR_DPI: '', REDIS_URL: '' })).toMatchObject({ dpi: 300, redisUrl: undefined });
  });
});

describe('describeUrl', () => {
  it('keeps host, port and database, drops user and password', () => {
    expect(describeUrl('postgres://u:secret@db.example:5432/ocr')).toBe('db.example:5432/ocr');
    expect(describeUrl('not a url')).toBe('(unparseable URL)');
  });
});
