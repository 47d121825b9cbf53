-- Follow-ups on operations (revert after the snapshot, timed reverts), when the change was
-- applied (a resumed watch keeps its deadline), and an outbox for the final notice so that a
-- restart posts it exactly once. Keep in step with migrations/sqlite/0002_followups.sql.
ALTER TABLE operations ADD COLUMN followup JSONB;
ALTER TABLE operations ADD COLUMN applied_at TIMESTAMPTZ;
ALTER TABLE operations ADD COLUMN notice JSONB;
CREATE INDEX operations_notice ON operations (id) WHERE notice IS NOT NULL;

