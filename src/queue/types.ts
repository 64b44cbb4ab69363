import type { EnvName } from '../config';

export type DocumentSource = 'index' | 'acte' | 'plan_cadastraux';

/** A row this worker holds at status 6. `workerId` + `attempt` fence every later write. */
export interface Claim {
  env: EnvName;
  id: string;
  documentSource: DocumentSource;
  documentNumber: string | null;
  supabasePath: string;
  attempt: number;
  maxAttempts: number;
  workerId: string;
  leaseExpiresAt: Date;
  /** The row's ocr_error when it was claimed: why its previous attempt failed (null on a first one). */
  previousError: string | null;
}

/** What a fenced write found: applied, or the row was no longer ours (lease lost, row changed upstream). */
export type FencedResult = { applied: true } | { applied: false; reason: 'lost' };

