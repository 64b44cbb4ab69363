/**
 * Every setting of ocr-pool, parsed and validated once at start (the names others set: docs/contract.md, "Settings").
 *
 * Each option is declared once in OPTIONS with its default, unit and meaning; docs/configuration.md is
 * checked against this table by a test, so the two cannot drift. A bad value, or an OCR_* variable
 * nobody knows (a typo), stops the start with a message naming the variable and what it accepts.
 */
import os from 'node:os';
import { z } from 'zod';
import { editDistance } from './util/edit-distance';
import { RENDER_DPI } from './util/resolution';
import { DEFAULT_SEARCHABLE_PDF_PATH, searchablePathProblem } from './storage/searchable-path';

export const ENV_NAMES = ['prod', 'staging', 'dev'] as const; // also the service order: prod first
export type EnvName = (typeof ENV_NAMES)[number];

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `a whole number from ${min} to ${max}`).max(max, `a whole number from ${min} to ${max}`));
const percent = int(0, 95);
const pgUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), 'a postgres:// or postgresql:// URL');
const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), 'an http:// or https:// URL');
const redisUrl = z
  .string()
  .trim()
  .refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), 'a redis:// or rediss:// URL');
const text = z.string().trim().min(1, 'a non-empty value');
/** Who may act on the panel: named tokens (the name goes into the audit trail), or one bare token. */
export interface AdminToken {
  name: string;
  token: string;
}
const ADMIN_TOKEN_RULE = 'name:token[,name:token…] or one token; tokens of 16 to 200 characters A-Z a-z 0-9 . _ ~ + / = -, names of 1 to 40 characters a-z 0-9 . _ -, each once';
const adminTokens = z
  .string()
  .trim()
  .transform((v, ctx): AdminToken[] => {
    const out: AdminToken[] = [];
    for (const part of v.split(',').map((x) => x.trim())) {
      const colon = part.indexOf(':');
      const name = colon >= 0 ? part.slice(0, colon) : 'admin';
      const token = colon >= 0 ? part.slice(colon + 1) : part;
      // A short or oddly shaped token is a typo or a placeholder: refuse it rather than guard writes with it.
      if (!/^[a-z0-9._-]{1,40}$/.test(name) || !/^[A-Za-z0-9._~+/=-]{16,200}$/.test(token) || out.some((t) => t.name === name || t.token === token)) {
        ctx.addIssue({ code: 'custom', message: ADMIN_TOKEN_RULE });
        return z.NEVER;
      }
      out.push({ name, token });
    }
    return out;
  });
const langs = z
  .string()
  .trim()
  .regex(/^[a-z_]{3,}(\+[a-z_]{3,})*$/, 'tesseract language codes joined with +, e.g. fra+eng');
const searchablePath = z
  .string()
  .trim()
  .superRefine((t, ctx) => {
    const problem = searchablePathProblem(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const host = z.string().trim().min(1, 'a host name or IP address');

interface Option {
  schema: z.ZodType<unknown, string>;
  /** Default as the string a user would write; undefined means "unset". */
  default?: string;
  unit: string;
  description: string;
  secret?: boolean;
}

const perEnv = (E: string, label: string): Record<string, Option> => ({
  [`${E}_DATABASE_URL`]: {
    schema: pgUrl,
    unit: 'URL',
    description: `Postgres of the ${label} environment; setting it enables ${label}.`,
    secret: true,
  },
  [`OCR_${E}`]: {
    schema: bool,
    default: 'true',
    unit: 'boolean',
    description: `Set to false to leave ${label} alone even when its database URL is set.`,
  },
  [`${E}_SUPABASE_URL`]: {
    schema: httpUrl,
    unit: 'URL',
    description: `Supabase project URL that holds ${label}'s PDFs (unused when OCR_STORAGE_DIR is set).`,
  },
  [`${E}_SUPABASE_SERVICE_KEY`]: {
    schema: text,
    unit: 'secret',
    description: `Supabase service-role key for ${label}'s storage.`,
    secret: true,
  },
});

export const OPTIONS = {
  ...perEnv('PROD', 'prod'),
  ...perEnv('STAGING', 'staging'),
  ...perEnv('DEV', 'dev'),
  OCR_STORAGE_DIR: {
    schema: text,
    unit: 'path',
    description: 'Read PDFs from this directory (`<bucket>/<path>`) instead of Supabase: on-premise, demo, tests.',
  },
  REDIS_URL: {
    schema: redisUrl,
    unit: 'URL',
    description: 'Redis shared by every host (rate limiter, live progress, worker registry). Unset: local limiter, Postgres NOTIFY.',
    secret: true,
  },
  REDIS_COMMAND_TIMEOUT_MS: {
    schema: int(100, 60_000),
    default: '3000',
    unit: 'ms',
    description:
      'Deadline of one Redis command. Redis that stops answering (frozen, partitioned) is treated as down after this: local limiter, Postgres NOTIFY, until it answers again.',
  },
  OCR_WORKER_POOL_SIZE: {
    schema: int(1, 64),
    default: String(Math.max(1, os.availableParallelism())),
    unit: 'workers',
    description: 'OCR workers (threads) this host runs at once. Default: the number of CPU cores.',
  },
  OCR_MIN_INDEX_WORKERS: {
    schema: int(0, 64),
    default: '0',
    unit: 'workers',
    description: 'Workers kept on `index` (register pages) whatever the queue says.',
  },
  OCR_MIN_ACTE_WORKERS: {
    schema: int(0, 64),
    default: '0',
    unit: 'workers',
    description: 'Workers kept on `acte` (deeds) whatever the queue says.',
  },
  OCR_REBALANCE_INTERVAL_MS: {
    schema: int(1000, 3_600_000),
    default: '30000',
    unit: 'ms',
    description: 'How often the supervisor re-decides each worker’s mode.',
  },
  SERVER_RESERVE_CPU_PERCENT: {
    schema: percent,
    default: '20',
    unit: '%',
    description: 'CPU kept free for the rest of the host; workers park between jobs when it is used up.',
  },
  SERVER_RESERVE_RAM_PERCENT: {
    schema: percent,
    default: '20',
    unit: '%',
    description: 'RAM kept free for the rest of the host; workers park between jobs when it is used up.',
  },
  OCR_RATE_LIMIT_PER_MINUTE: {
    schema: int(1, 1_000_000),
    default: '600',
    unit: 'calls/min',
    description: 'Calls to rate-limited dependencies (storage downloads) per minute, shared by every host.',
  },
  OCR_RATE_MAX_CONCURRENT: {
    schema: int(1, 1000),
    default: '4',
    unit: 'calls',
    description: 'Calls to rate-limited dependencies in flight at once, shared by every host.',
  },
  OCR_LANGS: {
    schema: langs,
    default: 'fra+eng',
    unit: 'languages',
    description:
      'Tesseract languages, from the @tesseract.js-data packages (nothing is downloaded), primary first: a page is read with the primary alone, and with all of them when it is in another one (src/ocr/routing.ts) or for the words the primary was unsure of (src/ocr/second-opinion.ts).',
  },
  OCR_DPI: {
    schema: int(RENDER_DPI.min, RENDER_DPI.max),
    default: '300',
    unit: 'dpi',
    description: 'Resolution at which scanned pages are rendered for OCR.',
  },
  OCR_LEASE_MS: {
    schema: int(5000, 86_400_000),
    default: '120000',
    unit: 'ms',
    description: 'How long a claim lives without a heartbeat; a running job renews it every third of this.',
  },
  OCR_SHUTDOWN_TIMEOUT_MS: {
    schema: int(0, 3_600_000),
    default: '30000',
    unit: 'ms',
    description: 'On SIGINT/SIGTERM, time given to running jobs to finish before they are handed back (6 → 3).',
  },
  OCR_PAGE_TIMEOUT_MS: {
    schema: int(1000, 86_400_000),
    default: '120000',
    unit: 'ms',
    description:
      'Time budget of one page (render + OCR). A page normally takes 2–10 s, a handwritten one up to ~30 s; past the budget the OCR thread is stopped, the page kept as failed (see OCR_MAX_FAILED_PAGES_PERCENT) and the document goes on in a fresh thread.',
  },
  OCR_MAX_FAILED_PAGES_PERCENT: {
    schema: int(0, 100),
    default: '50',
    unit: '%',
    description:
      'A page that cannot be read (past its time budget, not renderable, crashed its thread) is one failed page: the document completes without its text, the page flagged. Only when more than this share of its pages failed does the document fail (→ 4) with their reasons.',
  },
  OCR_PAGE_ROWS_KEEP_DAYS: {
    schema: int(0, 3650),
    default: '7',
    unit: 'days',
    description:
      'Page rows (ocr_pages) of a document completed longer ago than this are deleted (hourly); 0 keeps them for good. They let a document claimed again read only its pages not yet read.',
  },
  OCR_DOCUMENT_TIMEOUT_MS: {
    schema: int(1000, 604_800_000),
    default: '14400000',
    unit: 'ms',
    description:
      'Time budget of one document in its OCR thread (4 h: a 300-page handwritten deed at ~30 s a page fits). Past it the thread is stopped and the document fails (attempt spent).',
  },
  OCR_HTTP_HOST: {
    schema: host,
    default: '127.0.0.1',
    unit: 'address',
    description: 'Address the status server binds.',
  },
  OCR_HTTP_PORT: {
    schema: int(0, 65535),
    default: '9464',
    unit: 'port',
    description: 'Port of the status server (0: pick a free port).',
  },
  OCR_HTTP_TOKEN: {
    schema: text,
    unit: 'secret',
    description: 'When set, the status server requires `Authorization: Bearer <token>` (or `?token=`).',
    secret: true,
  },
  OCR_HTTP_ADMIN_TOKEN: {
    schema: adminTokens,
    unit: 'secret',
    description:
      'Enables the panel\'s actions (requeue, pause, resume): `name:token[,name:token…]`, or one bare token (named `admin`). ' +
      'An action is a POST with `Authorization: Bearer <token>` (never `?token=` or a cookie); the name is recorded as who acted. ' +
      'Tokens: 16 to 200 characters of A–Z a–z 0–9 . _ ~ + / = -; names: 1 to 40 of a–z 0–9 . _ -. Unset: actions are refused.',
    secret: true,
  },
  LOG_LEVEL: {
    schema: logLevel,
    default: 'info',
    unit: 'level',
    description: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
  },
  OCR_MAX_PDF_MB: {
    schema: int(1, 4096),
    default: '200',
    unit: 'MiB',
    description: 'Largest PDF accepted; a larger one fails permanently.',
  },
  OCR_STORAGE_TIMEOUT_MS: {
    schema: int(1000, 3_600_000),
    default: '60000',
    unit: 'ms',
    description: 'Time allowed for one PDF download before it is retried.',
  },
  OCR_STORAGE_NOT_FOUND_TRIP: {
    schema: int(1, 10_000),
    default: '5',
    unit: 'documents',
    description:
      'Distinct documents in a row whose PDF is missing (no download succeeding in between) that pause an environment as a storage outage rather than fail each one.',
  },
  OCR_STORAGE_PROBE_MAX_MS: {
    schema: int(1000, 3_600_000),
    default: '300000',
    unit: 'ms',
    description: 'Longest wait between two checks of a paused environment’s storage (the first comes after 5 s, then doubling).',
  },
  OCR_POLL_INTERVAL_MS: {
    schema: int(100, 600_000),
    default: '2000',
    unit: 'ms',
    description: 'How long an idle worker waits before looking for ready rows again.',
  },
  OCR_RETRY_BASE_MS: {
    schema: int(0, 86_400_000),
    default: '30000',
    unit: 'ms',
    description: 'First retry delay after a retryable failure; doubles per attempt, with jitter.',
  },
  OCR_RETRY_MAX_MS: {
    schema: int(0, 86_400_000),
    default: '3600000',
    unit: 'ms',
    description: 'Longest retry delay.',
  },
  OCR_SEARCHABLE_PDF: {
    schema: bool,
    default: 'false',
    unit: 'boolean',
    description:
      'Also write, for each completed document with OCR\'d pages, the original PDF with an invisible, searchable text layer (OCR_SEARCHABLE_PDF_PATH). A failed write never fails the document: it is retried a few times, then reported (row, check-ocr-queue, /metrics).',
  },
  OCR_SEARCHABLE_PDF_PATH: {
    schema: searchablePath,
    default: DEFAULT_SEARCHABLE_PDF_PATH,
    unit: 'template',
    description:
      'Where the searchable PDF is written, in the same storage: `{bucket}/{dir}{name}.ocr.pdf` puts actes/2024/123.pdf at actes/2024/123.ocr.pdf ({dir}: the source\'s folder, {name}: its file name without .pdf). Never the source itself.',
  },
  OCR_WORKER_MAX_MEMORY_MB: {
    // 128 at least: the French word list (src/text/french-words.ts) alone takes ~47 MB of a thread's heap.
    schema: int(128, 65536),
    default: '2048',
    unit: 'MiB',
    description: 'JS heap limit of one OCR worker thread (128 at least); a thread that exceeds it is replaced and its job retried.',
  },
} satisfies Record<string, Option>;

export type OptionName = keyof typeof OPTIONS;

export interface EnvironmentConfig {
  name: EnvName;
  databaseUrl: string;
  supabaseUrl?: string;
  supabaseServiceKey?: string;
}

export interface Config {
  environments: EnvironmentConfig[];
  storageDir?: string;
  redisUrl?: string;
  redisCommandTimeoutMs: number;
  poolSize: number;
  minIndexWorkers: number;
  minActeWorkers: number;
  rebalanceIntervalMs: number;
  reserveCpuPercent: number;
  reserveRamPercent: number;
  rateLimitPerMinute: number;
  rateMaxConcurrent: number;
  langs: string;
  dpi: number;
  leaseMs: number;
  shutdownTimeoutMs: number;
  pageTimeoutMs: number;
  documentTimeoutMs: number;
  /** More than this share of a document's pages unread: the document fails instead of completing. */
  maxFailedPagePercent: number;
  /** Page rows of documents completed longer ago than this are pruned; 0 keeps them. */
  pageRowsKeepDays: number;
  httpHost: string;
  httpPort: number;
  httpToken?: string;
  /** Tokens that may act (requeue, pause, resume); empty: actions are refused. */
  httpAdminTokens: AdminToken[];
  logLevel: z.infer<typeof logLevel>;
  maxPdfBytes: number;
  storageTimeoutMs: number;
  storageNotFoundTrip: number;
  storageProbeMaxMs: number;
  pollIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  workerMaxMemoryMb: number;
  /** OCR_SEARCHABLE_PDF: the template of where to write it, or undefined when off. */
  searchablePdfPath?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Variables with these prefixes are ours: an unknown one is almost certainly a typo. */
const OWN_PREFIXES = ['OCR_', 'SERVER_RESERVE_'];
const KNOWN_FOREIGN = new Set<string>(); // room for e.g. OCR_ variables of other tools

function closest(name: string): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const known of Object.keys(OPTIONS)) {
    const d = editDistance([...name], [...known]);
    if (d < bestDist) [best, bestDist] = [known, d];
  }
  return bestDist <= Math.max(3, Math.floor(name.length / 4)) ? best : undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.message;
}

export interface LoadOptions {
  /**
   * Whether every enabled environment must have storage (default true: the daemon reads PDFs). Commands
   * that only talk to the databases (`npm run migrate`, the standalone status server) pass false.
   */
  storage?: boolean;
}

/**
 * Parse and validate the whole configuration from `env` (process.env by default).
 * Empty strings count as unset, as a shell's `FOO=` usually means "no value".
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};

  for (const [name, opt] of Object.entries(OPTIONS) as [string, Option][]) {
    const raw = env[name];
    const given = raw !== undefined && raw.trim() !== '';
    const input = given ? raw : opt.default;
    if (input === undefined) continue;
    const parsed = opt.schema.safeParse(input);
    if (parsed.success) values[name] = parsed.data;
    else {
      const shown = opt.secret ? '(value hidden)' : JSON.stringify(input);
      problems.push(`${name}=${shown} is invalid: expected ${describeIssue(parsed.error.issues[0]!)}`);
    }
  }

  for (const name of Object.keys(env)) {
    if (name in OPTIONS || KNOWN_FOREIGN.has(name)) continue;
    if (!OWN_PREFIXES.some((p) => name.startsWith(p))) continue;
    const guess = closest(name);
    problems.push(`${name} is not a known setting${guess ? ` (did you mean ${guess}?)` : ''}`);
  }

  const v = values as Record<OptionName, never>;
  const environments: EnvironmentConfig[] = [];
  for (const name of ENV_NAMES) {
    const E = name.toUpperCase();
    const url = values[`${E}_DATABASE_URL`] as string | undefined;
    if (!url || values[`OCR_${E}`] === false) continue;
    const supabaseUrl = values[`${E}_SUPABASE_URL`] as string | undefined;
    const supabaseServiceKey = values[`${E}_SUPABASE_SERVICE_KEY`] as string | undefined;
    if (opts.storage !== false && !values.OCR_STORAGE_DIR && !(supabaseUrl && supabaseServiceKey)) {
      problems.push(
        `${name} has no storage: set ${E}_SUPABASE_URL and ${E}_SUPABASE_SERVICE_KEY, or OCR_STORAGE_DIR`,
      );
    }
    environments.push({ name, databaseUrl: url, supabaseUrl, supabaseServiceKey });
  }

  const poolSize = v.OCR_WORKER_POOL_SIZE as number;
  if ((v.OCR_MIN_INDEX_WORKERS as number) + (v.OCR_MIN_ACTE_WORKERS as number) > poolSize) {
    problems.push(
      `OCR_MIN_INDEX_WORKERS + OCR_MIN_ACTE_WORKERS (${v.OCR_MIN_INDEX_WORKERS} + ${v.OCR_MIN_ACTE_WORKERS}) ` +
        `exceeds OCR_WORKER_POOL_SIZE (${poolSize})`,
    );
  }
  if ((v.OCR_RETRY_BASE_MS as number) > (v.OCR_RETRY_MAX_MS as number)) {
    problems.push('OCR_RETRY_BASE_MS must not exceed OCR_RETRY_MAX_MS');
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    environments,
    storageDir: v.OCR_STORAGE_DIR,
    redisUrl: v.REDIS_URL,
    redisCommandTimeoutMs: v.REDIS_COMMAND_TIMEOUT_MS,
    poolSize,
    minIndexWorkers: v.OCR_MIN_INDEX_WORKERS,
    minActeWorkers: v.OCR_MIN_ACTE_WORKERS,
    rebalanceIntervalMs: v.OCR_REBALANCE_INTERVAL_MS,
    reserveCpuPercent: v.SERVER_RESERVE_CPU_PERCENT,
    reserveRamPercent: v.SERVER_RESERVE_RAM_PERCENT,
    rateLimitPerMinute: v.OCR_RATE_LIMIT_PER_MINUTE,
    rateMaxConcurrent: v.OCR_RATE_MAX_CONCURRENT,
    langs: v.OCR_LANGS,
    dpi: v.OCR_DPI,
    leaseMs: v.OCR_LEASE_MS,
    shutdownTimeoutMs: v.OCR_SHUTDOWN_TIMEOUT_MS,
    pageTimeoutMs: v.OCR_PAGE_TIMEOUT_MS,
    documentTimeoutMs: v.OCR_DOCUMENT_TIMEOUT_MS,
    maxFailedPagePercent: v.OCR_MAX_FAILED_PAGES_PERCENT,
    pageRowsKeepDays: v.OCR_PAGE_ROWS_KEEP_DAYS,
    httpHost: v.OCR_HTTP_HOST,
    httpPort: v.OCR_HTTP_PORT,
    httpToken: v.OCR_HTTP_TOKEN,
    httpAdminTokens: (v.OCR_HTTP_ADMIN_TOKEN as AdminToken[] | undefined) ?? [],
    logLevel: v.LOG_LEVEL,
    maxPdfBytes: (v.OCR_MAX_PDF_MB as number) * 1024 * 1024,
    storageTimeoutMs: v.OCR_STORAGE_TIMEOUT_MS,
    storageNotFoundTrip: v.OCR_STORAGE_NOT_FOUND_TRIP,
    storageProbeMaxMs: v.OCR_STORAGE_PROBE_MAX_MS,
    pollIntervalMs: v.OCR_POLL_INTERVAL_MS,
    retryBaseMs: v.OCR_RETRY_BASE_MS,
    retryMaxMs: v.OCR_RETRY_MAX_MS,
    workerMaxMemoryMb: v.OCR_WORKER_MAX_MEMORY_MB,
    ...(v.OCR_SEARCHABLE_PDF ? { searchablePdfPath: v.OCR_SEARCHABLE_PDF_PATH as string } : {}),
  };
}

/** host:port/database of a connection URL: what logs may show instead of the URL (which may hold a password). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return '(unparseable URL)';
  }
}
