-- Weekly digests already posted (or being posted): one row per scheduled week, so that of
-- several instances exactly one posts it. The first INSERT wins; a failed post deletes its row
-- so that a later pass tries again.
-- Keep in step with migrations/sqlite/0005_digests.sql.
CREATE TABLE digests (
    week       TEXT PRIMARY KEY,
    instance   TEXT NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL
);
