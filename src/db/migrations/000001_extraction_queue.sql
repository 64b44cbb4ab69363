-- The upstream extractor's tables, created only where they do not exist yet (a new install, a test),
-- plus the upstream OCR columns, added where an older upstream schema lacks them.
-- Additive and idempotent: safe on a database where the extractor already created everything.

CREATE TABLE IF NOT EXISTS extraction_status (
  id   int PRIMARY KEY,
  name text NOT NULL
);

INSERT INTO extraction_status (id, name) VALUES
  (1, 'En attente'),
  (2, 'En traitement'),
  (3, 'Complété'),
  (4, 'Erreur'),
  (5, 'Extraction Complété'),
  (6, 'OCR en traitement')
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS extraction_queue (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_source text NOT NULL,
  document_number text,
  supabase_path   text,
  status_id       int NOT NULL DEFAULT 1 REFERENCES extraction_status (id),
  error_message   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE extraction_queue
  ADD COLUMN IF NOT EXISTS file_content         text,
  ADD COLUMN IF NOT EXISTS boosted_file_content text,
  ADD COLUMN IF NOT EXISTS ocr_worker_id        text,
  ADD COLUMN IF NOT EXISTS ocr_started_at       timestamptz,
  ADD COLUMN IF NOT EXISTS ocr_completed_at     timestamptz,
  ADD COLUMN IF NOT EXISTS ocr_attempts         int DEFAULT 0,
  ADD COLUMN IF NOT EXISTS ocr_max_attempts     int DEFAULT 3,
  ADD COLUMN IF NOT EXISTS ocr_error            text,
  ADD COLUMN IF NOT EXISTS ocr_last_error_at    timestamptz;
