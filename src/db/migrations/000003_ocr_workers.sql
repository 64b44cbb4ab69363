-- Worker registry: every pool writes its workers here every few seconds, so any process on any host
-- (check-ocr-queue, the status server) sees who is alive, in which mode, on which document. A worker
-- whose heartbeat is older than its TTL is dead: readers ignore it and maintenance deletes it.
CREATE TABLE IF NOT EXISTS ocr_workers (
  worker_id    text PRIMARY KEY,
  host         text NOT NULL,
  pid          int NOT NULL,
  mode         text NOT NULL,
  state        text NOT NULL,
  document_id  uuid,
  progress     jsonb,
  jobs_done    int NOT NULL DEFAULT 0,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS ocr_workers_heartbeat_idx ON ocr_workers (heartbeat_at);
