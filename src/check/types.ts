/**
 * The report of check-ocr-queue. `--json` prints `CheckReport` as is: this shape is documented in
 * docs/operations.md and versioned by `version`; fields are only ever added, never renamed or removed,
 * without bumping it. Times are ISO 8601 strings (UTC), durations are seconds.
 */
import type { SearchablePdfSummary } from '../queue/reads/searchable-pdf';
import type { EnvName } from '../config';
import type { Eta, RateWindow } from '../queue/eta';
import type { SchemaReport } from '../queue/schema';

export const REPORT_VERSION = 1;

export interface StatusCount {
  status: number;
  /** From extraction_status, or null when the table has no such row. */
  statusName: string | null;
  source: string;
  count: number;
}

export interface ReadySummary {
  /** Claimable now: status 3, a PDF path, attempts left, no pending backoff. */
  total: number;
  bySource: Record<string, number>;
}

export interface BlockedSummary {
  /** At 3 with ocr_attempts >= ocr_max_attempts: never claimed (maintenance moves them to 4). */
  attemptsExhausted: number;
  /** At 3 without a supabase_path (NULL or blank): nothing to OCR. */
  noPath: number;
  /** At 3 waiting for their retry backoff (ocr_next_attempt_at in the future). */
  backoff: number;
  /** The earliest ocr_next_attempt_at among rows in backoff. */
  nextRetryAt: string | null;
}

export interface InFlightDocument {
  id: string;
  documentSource: string;
  documentNumber: string | null;
  worker: string | null;
  attempt: number;
  maxAttempts: number;
  startedAt: string | null;
  ageSeconds: number | null;
  leaseExpiresAt: string | null;
  /** Lease expired: the worker died or stalled; the pool's maintenance hands it back. */
  stuck: boolean;
  stage: string | null;
  page: number | null;
  pages: number | null;
  percent: number | null;
  message: string | null;
  progressUpdatedAt: string | null;
  /** Seconds since the progress last changed stage or page (database clock); null without progress. */
  progressAgeSeconds: number | null;
  /** Why the attempt before this one failed (null on a first attempt). */
  previousError: string | null;
}

export interface RecentError {
  id: string;
  documentSource: string;
  documentNumber: string | null;
  /** 3: will be retried; 4: final. */
  status: number;
  attempts: number;
  maxAttempts: number;
  error: string;
  at: string | null;
}

export interface ThroughputWindow {
  /** Documents OCR'd to 5 in the window (cadastral plans, passed through without OCR, not counted). */
  completed: number;
  /** Mean of ocr_completed_at - ocr_started_at over those documents; null when none. */
  avgSeconds: number | null;
  /** Documents that ended at 4 in the window. */
  failed: number;
}

export interface WorkerSummary {
  workerId: string;
  host: string;
  pid: number;
  mode: string;
  state: string;
  documentId: string | null;
  jobsDone: number;
  heartbeatAgeSeconds: number;
}

/** A pool that paused claiming from this environment because its storage fails as a whole. */
export interface StoragePauseSummary {
  host: string;
  pid: number;
  /** auth (key refused), bucket (missing), storage-root (empty or unreadable), not-found (a run of missing objects). */
  reason: string;
  message: string;
  since: string | null;
  nextProbeAt: string | null;
}

/** What one database says, read in one read-only transaction. */
export interface EnvironmentSnapshot {
  schema: SchemaReport;
  counts: StatusCount[];
  ready: ReadySummary | null;
  blocked: BlockedSummary | null;
  /** Every document at 6 (the list below shows at most the oldest 100). */
  inFlightCount: number;
  inFlight: InFlightDocument[];
  stuckLeases: number;
  recentErrors: RecentError[];
  throughput: { lastHour: ThroughputWindow; lastDay: ThroughputWindow } | null;
  workers: { live: number; list: WorkerSummary[] } | null;
  /** Live pools that paused claiming here (empty when none; absent before migration 5). */
  storagePauses?: StoragePauseSummary[];
  /** Claims an operator paused here: source ('*' for all), who, why, since when (absent before migration 8). */
  claimPauses?: ClaimPauseSummary[];
  /** Documents and pages completed, and documents arrived, per minute over 5, 60 and 1,440 minutes. */
  rates?: RateWindow[];
  /** When the backlog should be empty, with its state (src/queue/eta.ts, as GET /api/pool and the page). */
  eta?: Eta;
  /** Searchable PDFs (OCR_SEARCHABLE_PDF) written and not written over the last day. */
  searchablePdfs?: SearchablePdfSummary;
}

/** An operator's pause of claims (ocr-admin.ts pause, the page, POST /api/pause). */
export interface ClaimPauseSummary {
  source: string;
  pausedBy: string;
  reason: string | null;
  pausedAt: string;
}

/** The readings of an environment before any query, or when its tables are missing. */
export function noReadings(): Omit<EnvironmentSnapshot, 'schema' | 'workers'> {
  return { counts: [], ready: null, blocked: null, inFlightCount: 0, inFlight: [], stuckLeases: 0, recentErrors: [], throughput: null };
}

export interface EnvironmentReport extends Omit<EnvironmentSnapshot, 'schema'> {
  env: EnvName;
  /** host:port/database; never the URL. */
  database: string;
  reachable: boolean;
  /** Why the database could not be reached or read; null when it could. */
  error: string | null;
  schema: SchemaReport | null;
  healthy: boolean;
  /** What makes this environment unhealthy. */
  problems: string[];
  /** Worth a look, not unhealthy. */
  warnings: string[];
}

export interface CheckReport {
  version: typeof REPORT_VERSION;
  checkedAt: string;
  /** 0 healthy, 1 unhealthy, 2 cannot connect or nothing configured. */
  exitCode: 0 | 1 | 2;
  healthy: boolean;
  /** Problems not tied to one environment (nothing configured, an unknown --env). */
  errors: string[];
  warnings: string[];
  environments: EnvironmentReport[];
}
