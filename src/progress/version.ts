/**
 * The version of a document's progress, used as its SSE event id.
 *
 * Every statement that writes `ocr_progress` (claim, saveProgress, complete, fail, release, recoverStale,
 * skipPlans) stamps it with `updatedAt = now()`: the start time of its own transaction, in microseconds,
 * on the database server's clock. A document's progress is written by one job at a time, one statement
 * after the other (each waits for the previous one's commit), so for one document this stamp only ever
 * grows: it is a per-document, persisted, monotonically increasing sequence that needs no new column,
 * no trigger on the upstream's table and no coordination between hosts. The event id is that stamp as
 * whole microseconds since the epoch (16 digits until the year 2286; a JS number holds it exactly).
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}(?::?\d{2}){0,2})?$/;

/** Microseconds since the epoch of a Postgres timestamptz rendered in JSON; 0 when absent or unparseable. */
export function versionOf(updatedAt: unknown): number {
  if (typeof updatedAt !== 'string') return 0;
  const m = ISO.exec(updatedAt.trim());
  if (!m) return 0;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  if (!Number.isFinite(seconds)) return 0;
  const micros = frac ? Number(frac.padEnd(6, '0')) : 0;
  return (seconds - zoneOffsetSeconds(zone)) * 1_000_000 + micros;
}

/** `+01:00`, `-0330`, `+05:53:28` (historic zones), `Z` or nothing (UTC). */
function zoneOffsetSeconds(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replaceAll(':', '');
  const hh = Number(digits.slice(0, 2));
  const mm = Number(digits.slice(2, 4) || 0);
  const ss = Number(digits.slice(4, 6) || 0);
  return sign * (hh * 3600 + mm * 60 + ss);
}

/** A Last-Event-ID as sent back by a client: whole non-negative number, or undefined when malformed. */
export function parseEventId(raw: string | undefined | null): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const t = raw.trim();
  if (!/^\d{1,16}$/.test(t)) return undefined;
  return Number(t);
}
