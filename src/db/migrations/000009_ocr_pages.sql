-- Pages as the unit of work: one row per page of a claimed document, written as the page is read
-- (fenced by the document's claim), so that a document claimed again reads only the pages not yet done,
-- and a page that cannot be read is one failed page, not a failed document. file_content,
-- boosted_file_content and ocr_confidence are assembled from these rows when the document completes.
-- Additive only: a version still running on another host ignores the table.
--
-- digest: SHA-256 (hex) of the PDF the page was read from; rows of other bytes are not reused.
-- state: 'done' (read) or 'failed' (overran its time budget, could not be rendered, crashed its thread:
-- error says why). words: the page's words with box and confidence (src/text/word-codec.ts, ~20 B a
-- word). detail: the rest of the page's reading as JSON (src/pool/page-row.ts). layout: the page's
-- words in PDF points (src/ocr/page-layout.ts), encoded the same way (~45 B a word). Rows of documents completed long ago are pruned (OCR_PAGE_ROWS_KEEP_DAYS).
CREATE TABLE IF NOT EXISTS ocr_pages (
  document_id uuid NOT NULL,
  page        int NOT NULL CHECK (page >= 1),
  digest      text NOT NULL,
  state       text NOT NULL CHECK (state IN ('done', 'failed')),
  text        text NOT NULL DEFAULT '',
  words       bytea,
  confidence  real,
  lang        text,
  rotated     smallint,
  refinements text[],
  timings     jsonb,
  error       text,
  detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
  layout      bytea,
  attempt     int NOT NULL,
  worker_id   text NOT NULL,
  read_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, page)
);
