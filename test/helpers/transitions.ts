/**
 * A trigger that records every status change of extraction_queue, so a test can prove that no document
 * was completed twice (6 → 5 exactly once) however often the pool was killed.
 */
import type pg from 'pg';

export async function recordTransitions(db: pg.Pool): Promise<void> {
  await db.query(`
    CREATE TABLE IF NOT EXISTS test_transitions (
      id uuid NOT NULL, old_status int, new_status int, worker text, attempt int, at timestamptz DEFAULT clock_timestamp());
    CREATE OR REPLACE FUNCTION test_record_transition() RETURNS trigger AS $$
    BEGIN
      IF NEW.status_id IS DISTINCT FROM OLD.status_id THEN
        INSERT INTO test_transitions (id, old_status, new_status, worker, attempt)
        VALUES (NEW.id, OLD.status_id, NEW.status_id, NEW.ocr_worker_id, NEW.ocr_attempts);
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    DROP TRIGGER IF EXISTS test_transitions_trg ON extraction_queue;
    CREATE TRIGGER test_transitions_trg AFTER UPDATE ON extraction_queue
      FOR EACH ROW EXECUTE FUNCTION test_record_transition();`);
}
