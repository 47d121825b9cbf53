-- clickscale store, SQLite. Keep in step with migrations/postgres/0001_init.sql:
-- the same tables and columns; only the column types differ. Timestamps are RFC 3339 text in
-- UTC (as sqlx writes them), so text order is time order; JSON is text.

-- Named counters; operation ids come from here so they never repeat across restarts or instances.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('operation', 0);

CREATE TABLE operations (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    service_id      TEXT NOT NULL,
    service_name    TEXT NOT NULL,
    customer_facing BOOLEAN NOT NULL,
    actor           TEXT NOT NULL,
    origin          TEXT NOT NULL,
    status_channel  TEXT,
    status_message  TEXT,
    thread          TEXT,
    target          TEXT NOT NULL,
    before_value    TEXT NOT NULL,
    request_id      TEXT,
    phase           TEXT NOT NULL,
    outcome         TEXT,
    outcome_detail  TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    settled_at      TEXT,
    lease_owner     TEXT,
    lease_until     TEXT
);
CREATE INDEX operations_unsettled ON operations (id) WHERE settled_at IS NULL;
CREATE INDEX operations_by_service ON operations (service_id, id);

CREATE TABLE reminders (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    operation_id INTEGER NOT NULL REFERENCES operations (id),
    service_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    state        TEXT NOT NULL,
    level        INTEGER NOT NULL,
    thread       TEXT,
    payload      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    lease_owner  TEXT,
    lease_until  TEXT
);
CREATE INDEX reminders_due ON reminders (due_at, id)
    WHERE state IN ('pending', 'snoozed', 'escalated');
CREATE INDEX reminders_by_operation ON reminders (operation_id);

-- Append-only: the store never updates or deletes these rows.
CREATE TABLE audit (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at  TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    operation_id INTEGER,
    guild        TEXT,
    channel      TEXT,
    thread       TEXT,
    service_id   TEXT,
    service_name TEXT,
    before_value TEXT,
    after_value  TEXT,
    request_id   TEXT,
    detail       TEXT
);
CREATE INDEX audit_by_time ON audit (recorded_at, id);
CREATE INDEX audit_by_service ON audit (service_id, recorded_at);

-- Discord interaction ids already handled by some instance.
CREATE TABLE handled_interactions (
    id         TEXT PRIMARY KEY,
    handled_at TEXT NOT NULL
);
