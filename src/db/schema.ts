/**
 * What the OCR side needs of each environment's schema, so that a database that lags in migrations is
 * reported precisely ("prod: extraction_queue.ocr_lease_expires_at missing") instead of failing obscurely
 * on the first claim.
 */
import type { Queryable } from './pg';

export const REQUIRED_TABLES = ['extraction_queue', 'extraction_status', 'ocr_workers'];

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
] as const;

export interface SchemaReport {
  ok: boolean;
  missingTables: string[];
  missingColumns: string[];
  missingStatuses: number[];
}

export async function checkSchema(db: Queryable): Promise<SchemaReport> {
  const { rows: tables } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name = ANY($1::text[])`,
    [REQUIRED_TABLES],
  );
  const have = new Set(tables.map((t) => t.table_name));
  const missingTables = REQUIRED_TABLES.filter((t) => !have.has(t));

  let missingColumns: string[] = [];
  if (have.has('extraction_queue')) {
    const { rows } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'extraction_queue'`,
    );
    const cols = new Set(rows.map((r) => r.column_name));
    missingColumns = REQUIRED_COLUMNS.filter((c) => !cols.has(c)).map((c) => `extraction_queue.${c}`);
  }

  let missingStatuses: number[] = [];
  if (have.has('extraction_status')) {
    const { rows } = await db.query<{ id: number }>(`SELECT id FROM extraction_status WHERE id = ANY($1::int[])`, [
      [3, 4, 5, 6],
    ]);
    const ids = new Set(rows.map((r) => Number(r.id)));
    missingStatuses = [3, 4, 5, 6].filter((id) => !ids.has(id));
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
