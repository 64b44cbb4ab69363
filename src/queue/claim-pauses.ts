/**
 * Claim pauses (table ocr_claim_pauses, migration 000008): an operator stops claims of one environment,
 * or of one source in it, until resumed. Persisted in the environment's own database and checked by the
 * claim statement itself (NOT_PAUSED), so every pool on every host obeys from its next claim, with no
 * message to miss and nothing to restart; documents already at 6 finish. Source '*' pauses every source.
 * Each pause and resume is audited (operator-actions.ts) in the same statement.
 */
import type { Queryable } from '../db/pg';
import { KNOWN_SOURCES } from './ready';

/** The row that pauses every source of the environment. */
export const ALL_SOURCES = '*';

/**
 * SQL: claims of source `param` (as SOURCE reads it) are not paused. The claim passes its source as a
 * parameter, so this is one primary-key probe per claim.
 */
export const notPaused = (param: string) => `NOT EXISTS (SELECT 1 FROM ocr_claim_pauses p WHERE p.source IN ('${ALL_SOURCES}', ${param}))`;

export interface ClaimPause {
  /** A source (index, acte, plan_cadastraux), or '*' for every source. */
  source: string;
  pausedBy: string;
  reason: string | null;
  pausedAt: Date;
}

/** The source to pause as the claim reads it (lower, trimmed), or an error message. Pure. */
export function pauseScope(source: string | null | undefined): { ok: true; source: string } | { ok: false; error: string } {
  if (source == null || source.trim() === '' || source.trim() === ALL_SOURCES) return { ok: true, source: ALL_SOURCES };
  const s = source.trim().toLowerCase();
  if (!(KNOWN_SOURCES as readonly string[]).includes(s)) return { ok: false, error: `unknown source ${JSON.stringify(source.slice(0, 40))}: expected one of ${KNOWN_SOURCES.join(', ')}` };
  return { ok: true, source: s };
}

/**
 * $1 = source or '*', $2 = actor, $3 = reason, $4 = env (for the audit row). Pausing what is already paused
 * keeps the first pause's time and author (the audit row records the second attempt anyway).
 */
const PAUSE = `
WITH p AS (
  INSERT INTO ocr_claim_pauses (source, paused_by, reason) VALUES ($1, $2, $3)
  ON CONFLICT (source) DO NOTHING
  RETURNING source
), audit AS (
  INSERT INTO ocr_operator_actions (actor, action, env, source, count, detail)
  SELECT $2, 'pause', $4, $1, count(*)::int, jsonb_build_object('reason', $3::text) FROM p
)
SELECT count(*)::int AS n FROM p`;

/** $1 = source or NULL for every pause of the environment, $2 = actor, $3 = env. */
const RESUME = `
WITH r AS (
  DELETE FROM ocr_claim_pauses WHERE $1::text IS NULL OR source = $1 RETURNING source
), audit AS (
  INSERT INTO ocr_operator_actions (actor, action, env, source, count, detail)
  SELECT $2, 'resume', $3, coalesce($1, '${ALL_SOURCES}'), count(*)::int, jsonb_build_object('lifted', coalesce(jsonb_agg(r.source), '[]'::jsonb)) FROM r
)
SELECT coalesce(array_agg(source), '{}') AS lifted FROM r`;

/** No parameters. */
const LIST = `SELECT source, paused_by, reason, paused_at FROM ocr_claim_pauses ORDER BY source`;

/** Pause claims of `source` ('*': all). False when that pause was already in place. */
export async function pauseClaims(db: Queryable, env: string, source: string, actor: string, reason: string | null): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(PAUSE, [source, actor, reason, env]);
  return rows[0]!.n > 0;
}

/** Lift the pause of `source`, or every pause of the environment when `source` is null. Returns what was lifted. */
export async function resumeClaims(db: Queryable, env: string, source: string | null, actor: string): Promise<string[]> {
  const { rows } = await db.query<{ lifted: string[] }>(RESUME, [source, actor, env]);
  return rows[0]!.lifted;
}

/** Pauses in place; [] on a database without the table (an environment that lags in migrations). */
export async function claimPauses(db: Queryable): Promise<ClaimPause[]> {
  const { rows } = await db
    .query<{ source: string; paused_by: string; reason: string | null; paused_at: Date }>(LIST)
    .catch((err: { code?: string }) => {
      if (err.code === '42P01') return { rows: [] };
      throw err;
    });
  return rows.map((r) => ({ source: r.source, pausedBy: r.paused_by, reason: r.reason, pausedAt: r.paused_at }));
}

/** Whether claims of `source` are paused by these pauses (its own or the environment's). Pure. */
export function isPaused(pauses: readonly Pick<ClaimPause, 'source'>[], source: string): boolean {
  return pauses.some((p) => p.source === ALL_SOURCES || p.source === source);
}
