/**
 * What every bench shares: a scratch database, the machine header (the machines are shared, so each run
 * says how loaded it was), percentiles and a Markdown table printer.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { migrate } from '../src/db/migrate';

export const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The OCR development set (real pages with ground truth) lives outside the repository: its folder is
 * `OCR_DEV_SET`. A bench that needs it and finds no folder there says so and stops (exit 2).
 */
export function devSetDir(bench: string): string {
  const dir = process.env.OCR_DEV_SET;
  if (!dir || !existsSync(dir)) {
    const where = dir ? `is not at ${dir}` : 'has no folder set';
    console.error(`${bench}: the OCR development set ${where}; set OCR_DEV_SET to its folder (pdf/, synthetic/, manifest.tsv).`);
    process.exit(2);
  }
  return dir;
}

export function urlFor(database: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh database named `ocr_pool_bench_<tag>_<random>`, migrated unless `migrated: false`. */
export async function createBenchDb(tag: string, opts: { migrated?: boolean; template?: string } = {}): Promise<string> {
  const name = `ocr_pool_bench_${tag}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}${opts.template ? ` TEMPLATE ${opts.template}` : ''}`);
  if (opts.migrated !== false && !opts.template) {
    const c = new pg.Client({ connectionString: urlFor(name) });
    await c.connect();
    try {
      await migrate(c);
    } finally {
      await c.end();
    }
  }
  return name;
}

export async function dropBenchDb(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** The header line every bench prints first: what ran, where, and how busy the machine was. */
export function machineHeader(title: string): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  return [
    `${title}`,
    `date ${new Date().toISOString()} · node ${process.version} · ${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'}) · ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `load average at start (1 / 5 / 15 min): ${load} — the machine is shared; other work may be running`,
  ].join('\n');
}

export function loadLine(): string {
  return `load average now (1 / 5 / 15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`;
}

/** Nearest-rank percentile of `values` (not necessarily sorted), `p` in 0..100. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** A Markdown table: first row is the header; numbers are right-aligned. */
export function table(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = cells[0]!.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = cells[0]!.map((_, i) => cells.slice(1).every((r) => /^[-+]?[\d.,]+[×%]?$|^–$/.test(r[i] ?? '')));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(cells[0]!), sep, ...cells.slice(1).map(line)].join('\n');
}

export function ratio(a: number, b: number): string {
  return Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
}

export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
