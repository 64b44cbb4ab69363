-- Storage pauses: a pool that stopped claiming from this environment because its storage failed as a
-- whole (credentials refused, bucket missing, storage root empty or unreadable, a run of missing objects)
-- says so here, one row per pool process, refreshed with its worker registry every few seconds and
-- deleted when it resumes. check-ocr-queue and the status server read it; a row whose heartbeat is older
-- than the registry's TTL belongs to a dead pool and is ignored (and pruned by maintenance).
CREATE TABLE IF NOT EXISTS ocr_storage_pauses (
  pool_id       text PRIMARY KEY,
  host          text NOT NULL,
  pid           int NOT NULL,
  reason        text NOT NULL,
  message       text NOT NULL,
  since         timestamptz NOT NULL,
  next_probe_at timestamptz,
  heartbeat_at  timestamptz NOT NULL DEFAULT now()
);
