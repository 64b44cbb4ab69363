/**
 * The audit trail of operator actions (table ocr_operator_actions, migration 000008): the statements that
 * act (requeue.ts, claim-pauses.ts) write their row themselves; this reads the latest for the panel.
 */
import type { Queryable } from '../db/pg';

export interface OperatorAction {
  at: Date;
  actor: string;
  action: string;
  env: string;
  documentId: string | null;
  source: string | null;
  errorClass: string | null;
  count: number;
}

/** $1 = how many. */
const LATEST = `SELECT at, actor, action, env, document_id, source, error_class, count
                  FROM ocr_operator_actions ORDER BY at DESC, id DESC LIMIT $1`;

export async function latestActions(db: Queryable, limit = 20): Promise<OperatorAction[]> {
  const { rows } = await db.query(LATEST, [limit]);
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor,
    action: r.action,
    env: r.env,
    documentId: r.document_id,
    source: r.source,
    errorClass: r.error_class,
    count: r.count,
  }));
}
