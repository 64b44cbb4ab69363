-- The extractor writes document_source by hand sometimes: 'Acte', 'ACTE', ' acte' sat at 3 forever
-- because the claim compared it exactly. The claim now compares lower(btrim(document_source)), so the
-- ready index is on that expression (same partial predicate); the exact-match index it replaces is ours
-- and unused from now on.
CREATE INDEX IF NOT EXISTS extraction_queue_ocr_ready_norm_idx
  ON extraction_queue (lower(btrim(document_source)), created_at, id)
  WHERE status_id = 3 AND supabase_path IS NOT NULL;

DROP INDEX IF EXISTS extraction_queue_ocr_ready_idx;
