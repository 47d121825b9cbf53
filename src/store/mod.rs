//! Durable state: operations, reminders, the audit log, handled interactions and the leases that
//! let several instances share them.
//!
//! One [`Store`] over embedded SQLite (the default, [`DEFAULT_URL`]) or PostgreSQL (for teams
//! that run several instances), chosen by URL; migrations (`migrations/sqlite`,
//! `migrations/postgres`) run on connect. Each query is written once, in SQL both databases
//! accept (`$n` placeholders, `RETURNING`, `ON CONFLICT`), and runs on whichever pool is open;
//! the one place where they differ (row locks when claiming reminders) says so.
//!
//! Times are stored with microsecond precision, what PostgreSQL keeps, so a value reads back
//! as written on both. SQLite keeps them as RFC 3339 text in UTC, where text order is time order.
//! Leases compare against the callers' clocks: instances sharing a database need synchronized
//! clocks (NTP), and lease lengths well above any skew.

use std::{str::FromStr, time::Duration};

use anyhow::Context as _;
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::{
    postgres::{PgConnectOptions, PgPool, PgPoolOptions},
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
    },
};

/// Run `$body` with `$pool` bound to whichever pool the store holds. The body is compiled once
/// per backend, so it must produce the same type for both (no driver-specific results).
macro_rules! on_db {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::store::Db::Sqlite($pool) => $body,
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}

mod audit;
mod digests;
mod interactions;
mod lease;
mod operations;
mod outbox;
mod reminders;

pub use audit::{AuditAction, AuditEntry, AuditRecord};
pub use lease::{same_instance, Lease, Leased};
pub use operations::{NewOperation, OperationRecord, TakeOver};
pub use outbox::OutboxLine;
pub use reminders::{NewReminder, Reminder, ReminderId, ReminderKind, ReminderState};

/// Used when neither `--database-url` nor `CLICKSCALE_DATABASE_URL` is given.
pub const DEFAULT_URL: &str = "sqlite://clickscale.db";

/// `--database-url`, shared by the commands that keep state (`run`, `console`, `audit`).
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// Where operations, reminders and the audit log live: `sqlite://PATH` (created if
    /// missing) or `postgres://USER:PASSWORD@HOST/DB` for several instances.
    #[arg(
        long = "database-url",
        value_name = "URL",
        env = "CLICKSCALE_DATABASE_URL",
        default_value = DEFAULT_URL,
        hide_env_values = true
    )]
    pub url: String,
}

impl DatabaseArgs {
    /// Open the store (applying migrations) with the `[store]` settings.
    pub async fn connect(&self, settings: &crate::config::StoreConfig) -> anyhow::Result<Store> {
        Store::connect_with(&self.url, settings).await
    }
}

/// Which database a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Handle to the database; cheap to clone (a connection pool).
#[derive(Clone)]
pub struct Store {
    db: Db,
}

#[derive(Clone)]
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

// Hand-written so that a PostgreSQL password in the pool's options can never be printed.
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Open the database at `url` (`sqlite://path`, `postgres://…` or `postgresql://…`) and
    /// apply pending migrations. An SQLite file is created if missing and put in WAL mode.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        Self::connect_with(url, &crate::config::StoreConfig::default()).await
    }

    /// [`Store::connect`] with the `[store]` settings (the SQLite busy timeout).
    pub async fn connect_with(
        url: &str,
        settings: &crate::config::StoreConfig,
    ) -> anyhow::Result<Store> {
        let db = if url.starts_with("sqlite:") {
            Db::Sqlite(open_sqlite(url, settings.sqlite_busy_timeout).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Db::Postgres(open_postgres(url).await?)
        } else {
            // Only the scheme is shown: the rest of a URL may hold a password.
            let scheme = url.split_once(':').map_or("(none)", |(s, _)| s);
            anyhow::bail!(
                "unsupported database URL scheme `{scheme}`: use sqlite://PATH or postgres://…"
            );
        };
        Ok(Store { db })
    }

    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// One `SELECT 1` round trip, for readiness checks: fails when the pool is closed or the
    /// database does not answer.
    pub async fn ping(&self) -> anyhow::Result<()> {
        on_db!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))
            .context("the database did not answer SELECT 1")
    }

    /// Close every connection, waiting for those in use to come back (flushes SQLite's WAL).
    pub async fn close(&self) {
        on_db!(self, p => p.close().await)
    }
}

async fn open_sqlite(url: &str, busy_timeout: Duration) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)
        .context("invalid SQLite database URL")?
        .create_if_missing(true)
        // WAL lets readers go on while one connection writes; FULL makes each commit survive
        // power loss too, at a cost that does not matter for a few writes per operation.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(busy_timeout)
        .foreign_keys(true);
    let path = options.get_filename().display().to_string();
    let mut pool = SqlitePoolOptions::new().max_connections(4);
    if url.contains(":memory:") || url.contains("mode=memory") {
        // An in-memory database lives only as long as one of its connections.
        pool = pool
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
    }
    let pool = pool
        .connect_with(options)
        .await
        .with_context(|| format!("opening SQLite database {path}"))?;
    sqlx::migrate!("migrations/sqlite")
        .run(&pool)
        .await
        .with_context(|| format!("applying migrations to SQLite database {path}"))?;
    Ok(pool)
}

async fn open_postgres(url: &str) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(url).context("invalid PostgreSQL database URL")?;
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .context("connecting to PostgreSQL")?;
    // The migrator takes an advisory lock, so instances starting together apply them once.
    sqlx::migrate!("migrations/postgres")
        .run(&pool)
        .await
        .context("applying PostgreSQL migrations")?;
    Ok(pool)
}

/// A time as the store keeps it (microseconds).
fn stamp(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

fn now() -> DateTime<Utc> {
    stamp(Utc::now())
}

/// `from + ttl`, for lease expiries.
fn after(from: DateTime<Utc>, ttl: Duration) -> anyhow::Result<DateTime<Utc>> {
    let ttl = chrono::Duration::from_std(ttl).context("lease duration out of range")?;
    from.checked_add_signed(ttl)
        .map(stamp)
        .context("lease expiry out of range")
}

/// Fail unless an UPDATE of one known row changed it.
fn expect_one(rows: u64, what: std::fmt::Arguments<'_>) -> anyhow::Result<()> {
    anyhow::ensure!(rows == 1, "{what}");
    Ok(())
}
