-- ocr-pool's own columns (nullable, additive) and the indexes of its hot queries.
--   ocr_lease_expires_at: a claim is alive while this is in the future; the job's heartbeat extends it.
--                         Stale rows are recovered by lease expiry, not by a fixed age.
--   ocr_next_attempt_at:  after a retryable failure, the row is not claimed again before this time.
--   ocr_progress:         stage, page i of n, percent, message, worker, time (shared state, docs/contract.md).

ALTER TABLE extraction_queue
  ADD COLUMN IF NOT EXISTS ocr_lease_expires_at timestamptz,
  ADD COLUMN IF NOT EXISTS ocr_next_attempt_at  timestamptz,
  ADD COLUMN IF NOT EXISTS ocr_progress         jsonb;

-- claim: the oldest ready row of one document_source. Partial, so it holds only the (small) ready set
-- however large the table grows.
CREATE INDEX IF NOT EXISTS extraction_queue_ocr_ready_idx
  ON extraction_queue (document_source, created_at, id)
  WHERE status_id = 3 AND supabase_path IS NOT NULL;

-- recover-stale and in-flight reporting: only rows being OCR'd.
CREATE INDEX IF NOT EXISTS extraction_queue_ocr_lease_idx
  ON extraction_queue (ocr_lease_expires_at)
  WHERE status_id = 6;
