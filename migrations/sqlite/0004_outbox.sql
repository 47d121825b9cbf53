-- Thread lines that could not be posted yet (Discord rate limited, failing or unreachable),
-- in the order they were said. A later pass posts them oldest first, each with a nonce made
-- from its id so that Discord shows it once, and deletes the row once posted.
-- Keep in step with migrations/postgres/0004_outbox.sql.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id INTEGER NOT NULL REFERENCES operations (id),
    thread       TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX outbox_by_thread ON outbox (thread, id);
