-- The operator's panel (live page, its API and ocr-admin.ts): pauses, requeues with their audit trail,
-- find by number, and the reads behind throughput and ETA. Additive only: the version still running on
-- other hosts ignores all of it.
--
-- Claim pauses, one row per paused scope of this environment's database: source '*' pauses every source,
-- otherwise one source as the claim reads it (lower(btrim(document_source))). The claim statement itself
-- checks this table, so every pool on every host stops claiming the moment the pause commits; rows already
-- at 6 finish. Deleted on resume.
CREATE TABLE IF NOT EXISTS ocr_claim_pauses (
  source     text PRIMARY KEY,
  paused_by  text NOT NULL,
  reason     text,
  paused_at  timestamptz NOT NULL DEFAULT now()
);

-- Who did what, when, to how many rows: one row per operator action (requeue, pause, resume), from the
-- page, the API or the command line. Never updated or deleted by ocr-pool.
CREATE TABLE IF NOT EXISTS ocr_operator_actions (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL,
  env         text NOT NULL,
  document_id uuid,
  source      text,
  error_class text,
  count       int NOT NULL,
  detail      jsonb
);
CREATE INDEX IF NOT EXISTS ocr_operator_actions_at_idx ON ocr_operator_actions (at);

-- A requeue (4 → 3) clears ocr_error so the row reads as fresh; the error it had, with when, its attempts
-- and who requeued it, is appended here first (a JSON array, oldest first), so it is never lost.
ALTER TABLE extraction_queue
  ADD COLUMN IF NOT EXISTS ocr_error_history jsonb;

-- find: the registry writes "12 345 678", "12345678", or groups split by a no-break space (U+00A0) or the
-- French narrow one (U+202F), which [[:space:]] does not match in every locale; the panel looks numbers up
-- without whitespace and case, on this expression (src/queue/reads/find.ts writes it the same way).
CREATE INDEX IF NOT EXISTS extraction_queue_document_number_norm_idx
  ON extraction_queue (lower(regexp_replace(document_number, U&'[[:space:]\00A0\202F]+', '', 'g')));

-- throughput and ETA: completions and arrivals over the last day, read every few seconds by the page.
CREATE INDEX IF NOT EXISTS extraction_queue_ocr_completed_idx
  ON extraction_queue (ocr_completed_at) WHERE ocr_completed_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS extraction_queue_created_idx
  ON extraction_queue (created_at);

-- failures: the rows at 4, newest first.
CREATE INDEX IF NOT EXISTS extraction_queue_ocr_failed_idx
  ON extraction_queue (ocr_last_error_at DESC) WHERE status_id = 4;
