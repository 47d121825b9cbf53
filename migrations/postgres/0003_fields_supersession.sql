-- Supersession by the fields an operation changes, decided in the store so that every instance
-- agrees: `fields` lists the settings the target changes (comma-separated `scaling::Field`
-- names), `superseded_by` names the newer operation on overlapping fields that took over.
-- `unanswered_at` is when a PATCH was sent whose answer never came (the outcome is unknown
-- until a GET tells). Keep in step with migrations/sqlite/0003_fields_supersession.sql.
ALTER TABLE operations ADD COLUMN fields TEXT;
ALTER TABLE operations ADD COLUMN superseded_by BIGINT;
ALTER TABLE operations ADD COLUMN unanswered_at TIMESTAMPTZ;
CREATE INDEX operations_open_by_service ON operations (service_id, id) WHERE settled_at IS NULL;
