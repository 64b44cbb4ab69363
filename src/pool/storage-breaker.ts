/**
 * The storage circuit breaker of one environment, pure: which storage failures are the environment's
 * rather than the document's, when they pause claiming, when to look again, when to resume.
 *
 * A revoked key, a wrong project or bucket, an unmounted volume: every ready row of the environment
 * would fail within seconds, each with its own error, though none of the documents is bad. Such a
 * failure pauses claiming for that environment instead: the document that met it goes back to 3 with its
 * attempt unspent, the storage is probed on a backoff, and claiming resumes when a probe succeeds.
 * A single missing object is still the document's own failure; only a run of them across distinct
 * documents, with no download succeeding in between, looks like the storage's.
 */
import { BucketNotFoundError, ObjectNotFoundError, StorageAuthError, StorageUnavailableError } from '../storage/errors';
import { SOURCE_BUCKETS } from '../storage/path';

/** The buckets bare file names map to: every document of a source is in one of them. */
const SOURCE_BUCKET_NAMES = new Set(Object.values(SOURCE_BUCKETS));

export type PauseReason = 'auth' | 'bucket' | 'storage-root' | 'not-found';

export type StorageFault = { kind: 'environment'; reason: Exclude<PauseReason, 'not-found'> } | { kind: 'not-found' } | { kind: 'document' };

/**
 * Whose fault is a failed download: the whole environment's, perhaps (a missing object), or this
 * document's. A missing bucket is the environment's when it is one of the source buckets (wrong project,
 * wrong directory); a path that names some other bucket is one document's mistake, and pausing on it
 * would wait for a bucket that will never come.
 */
export function classifyStorageError(err: unknown, bucket?: string): StorageFault {
  if (err instanceof StorageAuthError) return { kind: 'environment', reason: 'auth' };
  if (err instanceof BucketNotFoundError) return bucket !== undefined && SOURCE_BUCKET_NAMES.has(bucket) ? { kind: 'environment', reason: 'bucket' } : { kind: 'not-found' };
  if (err instanceof StorageUnavailableError) return { kind: 'environment', reason: 'storage-root' };
  if (err instanceof ObjectNotFoundError) return { kind: 'not-found' };
  return { kind: 'document' };
}

export interface BreakerPolicy {
  /** Distinct documents in a row not found (OCR_STORAGE_NOT_FOUND_TRIP). */
  notFoundTrip: number;
  /** First probe this long after a pause; doubling. */
  probeBaseMs: number;
  /** Longest wait between probes (OCR_STORAGE_PROBE_MAX_MS). */
  probeMaxMs: number;
}

export interface Pause {
  reason: PauseReason;
  /** What the failure said, for logs, check-ocr-queue, /readyz. */
  message: string;
  since: number;
  /** Probes so far, counting those of earlier pauses that resumed without any download succeeding. */
  probes: number;
  nextProbeAt: number;
  /** Source buckets an environment-wide failure was about: the probe checks they exist. */
  buckets: string[];
}

export interface BreakerState {
  pause: Pause | null;
  /** Documents not found in a row (ids), since the last successful download. */
  notFoundRun: string[];
  /** Pauses since the last successful download: a storage that fails again right after resuming waits longer. */
  trips: number;
}

export const CLOSED: BreakerState = { pause: null, notFoundRun: [], trips: 0 };

/** Wait before the `n`-th probe (0-based): base, 2×base, 4×base, … up to the ceiling. */
export function probeDelayMs(n: number, policy: BreakerPolicy): number {
  const base = Math.min(policy.probeBaseMs, policy.probeMaxMs);
  return Math.min(policy.probeMaxMs, base * 2 ** Math.min(n, 30));
}

export type Verdict =
  /** Hand the document back (6 → 3, attempt not spent): the storage is at fault. */
  | 'hold'
  /** The document's own failure: retry or fail it as usual. */
  | 'as-usual';

export interface FailureInput {
  fault: StorageFault;
  documentId: string;
  bucket: string;
  message: string;
  now: number;
}

/** A download failed: the new state, what to do with the document, and whether this failure paused the environment. */
export function afterFailure(state: BreakerState, f: FailureInput, policy: BreakerPolicy): { state: BreakerState; verdict: Verdict; tripped: boolean } {
  if (f.fault.kind === 'document') return { state, verdict: 'as-usual', tripped: false };
  if (state.pause) {
    // Already paused: in-flight documents that meet the outage go back too.
    const add = f.fault.kind === 'environment' && !state.pause.buckets.includes(f.bucket);
    const buckets = add ? [...state.pause.buckets, f.bucket] : state.pause.buckets;
    return { state: { ...state, pause: { ...state.pause, buckets } }, verdict: 'hold', tripped: false };
  }
  if (f.fault.kind === 'environment') return trip(state, f.fault.reason, f.message, [f.bucket], f.now, policy);
  const run = state.notFoundRun.includes(f.documentId) ? state.notFoundRun : [...state.notFoundRun, f.documentId];
  if (run.length < policy.notFoundTrip) return { state: { ...state, notFoundRun: run }, verdict: 'as-usual', tripped: false };
  const message = `${run.length} documents in a row not found in storage, none found in between (last: ${f.message})`;
  // The probe then checks the storage as a whole (key accepted, root readable and not empty), not the
  // buckets of these documents, which may be wrong themselves.
  return trip({ ...state, notFoundRun: [] }, 'not-found', message, [], f.now, policy);
}

function trip(state: BreakerState, reason: PauseReason, message: string, buckets: string[], now: number, policy: BreakerPolicy) {
  const probes = state.trips;
  return {
    state: { pause: { reason, message, since: now, probes, nextProbeAt: now + probeDelayMs(probes, policy), buckets }, notFoundRun: [], trips: state.trips + 1 },
    verdict: 'hold' as const,
    tripped: true,
  };
}

/** A download succeeded: the storage works, whatever came before. A pause is left to its probe. */
export function afterSuccess(state: BreakerState): BreakerState {
  if (state.pause) return state;
  if (state.notFoundRun.length === 0 && state.trips === 0) return state;
  return { pause: null, notFoundRun: [], trips: 0 };
}

/** Is a probe due? */
export function probeDue(state: BreakerState, now: number): boolean {
  return !!state.pause && now >= state.pause.nextProbeAt;
}

/** A probe ended: resume when it succeeded, otherwise wait longer before the next one. */
export function afterProbe(state: BreakerState, ok: boolean, now: number, policy: BreakerPolicy): { state: BreakerState; resumed: boolean } {
  if (!state.pause) return { state, resumed: false };
  if (ok) return { state: { pause: null, notFoundRun: [], trips: state.trips }, resumed: true };
  const probes = state.pause.probes + 1;
  return { state: { ...state, pause: { ...state.pause, probes, nextProbeAt: now + probeDelayMs(probes, policy) } }, resumed: false };
}
