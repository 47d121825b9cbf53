-- Follow-ups on operations (revert after the snapshot, timed reverts), when the change was
-- applied (a resumed watch keeps its deadline), and an outbox for the final notice so that a
-- restart posts it exactly once. Keep in step with migrations/postgres/0002_followups.sql.
ALTER TABLE operations ADD COLUMN followup TEXT;
ALTER TABLE operations ADD COLUMN applied_at TEXT;
ALTER TABLE operations ADD COLUMN notice TEXT;
CREATE INDEX operations_notice ON operations (id) WHERE notice IS NOT NULL;

