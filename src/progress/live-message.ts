/**
 * What travels on the live channel (Redis pub/sub, or Postgres NOTIFY without Redis): a document's
 * status as just committed, with its version. A message too large for NOTIFY (Postgres refuses payloads
 * of 8000 bytes or more) is sent with shortened texts, or as a bare "document X changed to version V"
 * that receivers complete from Postgres.
 */
import { ENV_NAMES, type EnvName } from '../config';
import { isUuid, type JobStatus } from './job-status';

/** Postgres NOTIFY channel (one per database, so it needs no environment in its name). */
export const NOTIFY_CHANNEL = 'ocr_pool_progress';
/** NOTIFY payloads must stay under 8000 bytes; keep a margin. */
export const NOTIFY_MAX_BYTES = 7900;

/** Redis channel of one environment. Messages also carry the database name, checked by receivers. */
export function redisChannel(env: EnvName): string {
  return `ocr-pool:progress:${env}`;
}

export type LiveMessage =
  | { v: 1; db: string; job: JobStatus }
  | { v: 1; db: string; env: EnvName; id: string; version: number; partial: true };

export function encodeLive(db: string, job: JobStatus, maxBytes = Infinity): string {
  const full = JSON.stringify({ v: 1, db, job });
  if (Buffer.byteLength(full) <= maxBytes) return full;
  const short = JSON.stringify({
    v: 1,
    db,
    job: {
      ...job,
      error: clip(job.error, 500),
      progress: job.progress && { ...job.progress, message: clip(job.progress.message, 500) },
    },
  });
  if (Buffer.byteLength(short) <= maxBytes) return short;
  return JSON.stringify({ v: 1, db, env: job.env, id: job.id, version: job.version, partial: true });
}

export function decodeLive(text: string): LiveMessage | null {
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, checked field by field below
  let m: any;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (m?.v !== 1 || typeof m.db !== 'string') return null;
  if (m.partial === true) {
    return ENV_NAMES.includes(m.env) && typeof m.id === 'string' && isUuid(m.id) && typeof m.version === 'number' ? m : null;
  }
  const j = m.job;
  if (!j || !ENV_NAMES.includes(j.env) || typeof j.id !== 'string' || !isUuid(j.id) || typeof j.version !== 'number') return null;
  if (!j.status || typeof j.status.id !== 'number') return null;
  return m;
}

function clip(s: string | null, n: number): string | null {
  return s && s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
