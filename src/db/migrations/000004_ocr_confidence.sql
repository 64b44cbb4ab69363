-- OCR confidence per document (ours, nullable, additive), written with the text when a job completes:
--   {"mean": 87.4, "threshold": 70, "flagged": false, "flaggedPages": [],
--    "pages": [{"pageNumber": 1, "confidence": 87.4, "words": 312, "flagged": false}, ...]}
-- confidence is tesseract's mean word confidence 0..100 (null for a page read from its text layer).
-- A flagged document (a page below the threshold: handwriting, a bad scan) is still completed (status 5);
-- readers filter with e.g. (ocr_confidence->>'flagged')::boolean.

ALTER TABLE extraction_queue
  ADD COLUMN IF NOT EXISTS ocr_confidence jsonb;
