-- The searchable PDF of a completed document (OCR_SEARCHABLE_PDF, ours, nullable, additive):
--   ocr_pdf_path   where it was written, `<bucket>/<key>` in the environment's storage
--   ocr_pdf_error  why it could not be written (the text is done regardless: the row is at 5)
--   ocr_pdf_at     when either was recorded
-- A new completion of the row (after a requeue) clears all three before the new PDF is written.

ALTER TABLE extraction_queue
  ADD COLUMN IF NOT EXISTS ocr_pdf_path text,
  ADD COLUMN IF NOT EXISTS ocr_pdf_error text,
  ADD COLUMN IF NOT EXISTS ocr_pdf_at timestamptz;

-- check-ocr-queue counts the last day's writes and failures: only rows that have one are indexed.
CREATE INDEX IF NOT EXISTS extraction_queue_ocr_pdf_at ON extraction_queue (ocr_pdf_at) WHERE ocr_pdf_at IS NOT NULL;
