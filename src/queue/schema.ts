/**
 * What the OCR side needs of each environment's schema, so that a database that lags in migrations is
 * reported precisely ("prod: extraction_queue.ocr_lease_expires_at missing") instead of failing obscurely
 * on the first claim.
 */
import { presentStatuses, presentTables, tableColumns } from './reads/catalog';
import { DONE_STATUS, FAILED_STATUS, READY_STATUS, RUNNING_STATUS } from './ready';
import type { Queryable } from '../db/pg';

// ocr_claim_pauses: the claim reads it (an operator's pause), so a database without it is not served;
// ocr_pages: every page read is written there.
export const REQUIRED_TABLES = ['extraction_queue', 'extraction_status', 'ocr_workers', 'ocr_claim_pauses', 'ocr_pages'];

/** Columns written or read by ocr-pool, upstream's and ours. */
export const REQUIRED_COLUMNS = [
  'id',
  'document_source',
  'document_number',
  'supabase_path',
  'status_id',
  'created_at',
  'updated_at',
  'file_content',
  'boosted_file_content',
  'ocr_worker_id',
  'ocr_started_at',
  'ocr_completed_at',
  'ocr_attempts',
  'ocr_max_attempts',
  'ocr_error',
  'ocr_last_error_at',
  'ocr_lease_expires_at',
  'ocr_next_attempt_at',
  'ocr_progress',
  'ocr_confidence',
  'ocr_error_history',
  'ocr_pdf_path',
  'ocr_pdf_error',
  'ocr_pdf_at',
] as const;

export interface SchemaReport {
  ok: boolean;
  missingTables: string[];
  missingColumns: string[];
  missingStatuses: number[];
}

/** The statuses ocr-pool moves rows between. */
const REQUIRED_STATUSES = [READY_STATUS, FAILED_STATUS, DONE_STATUS, RUNNING_STATUS];

export async function checkSchema(db: Queryable): Promise<SchemaReport> {
  const have = await presentTables(db, REQUIRED_TABLES);
  const missingTables = REQUIRED_TABLES.filter((t) => !have.has(t));

  let missingColumns: string[] = [];
  if (have.has('extraction_queue')) {
    const cols = await tableColumns(db, 'extraction_queue');
    missingColumns = REQUIRED_COLUMNS.filter((c) => !cols.has(c)).map((c) => `extraction_queue.${c}`);
  }

  let missingStatuses: number[] = [];
  if (have.has('extraction_status')) {
    const ids = await presentStatuses(db, REQUIRED_STATUSES);
    missingStatuses = REQUIRED_STATUSES.filter((id) => !ids.has(id));
  }

  return {
    ok: missingTables.length === 0 && missingColumns.length === 0 && missingStatuses.length === 0,
    missingTables,
    missingColumns,
    missingStatuses,
  };
}

export function describeSchemaReport(env: string, r: SchemaReport): string {
  if (r.ok) return `${env}: schema complete`;
  const parts = [
    ...r.missingTables.map((t) => `table ${t}`),
    ...r.missingColumns.map((c) => `column ${c}`),
    ...r.missingStatuses.map((s) => `extraction_status row ${s}`),
  ];
  return `${env}: schema incomplete, missing ${parts.join(', ')} (run \`npm run migrate\`)`;
}
