//! Leases: which instance acts on an operation or reminder. A lease is taken with one atomic
//! UPDATE, so two instances never both believe they hold it; it lapses at `until` so the work
//! moves to another instance when its holder dies. Holders renew well before it lapses.
//!
//! Owners are `<instance id>/<incarnation>`. Instance ids are unique among live processes, so
//! a lease held by another incarnation of the same instance belongs to a process that has
//! stopped: a restarted instance takes it at once instead of waiting for it to lapse.

use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{
    after, now, operations,
    reminders::{Reminder, ReminderId, ReminderRow},
    stamp, Db, Store,
};
use crate::ops::OperationId;

/// Whether two lease owners are incarnations of the same instance.
pub fn same_instance(a: &str, b: &str) -> bool {
    instance_prefix(a) == instance_prefix(b)
}

/// `bot-1/` of `bot-1/3f2a…`; an owner without an incarnation (`bot-1`) gets `bot-1/`, which
/// no other owner's lease starts with unless it is an incarnation of `bot-1`.
pub(super) fn instance_prefix(owner: &str) -> String {
    match owner.rfind('/') {
        Some(i) => owner[..=i].to_owned(),
        None => format!("{owner}/"),
    }
}

/// Who holds a row, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub owner: String,
    pub until: DateTime<Utc>,
}

impl Lease {
    pub(super) fn from_columns(
        owner: Option<String>,
        until: Option<DateTime<Utc>>,
    ) -> Option<Self> {
        Some(Self {
            owner: owner?,
            until: until?,
        })
    }
}

/// A row that can be leased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leased {
    Operation(OperationId),
    Reminder(ReminderId),
}

impl Leased {
    /// The table and the key; table names are constants, never input.
    fn row(self) -> anyhow::Result<(&'static str, i64)> {
        Ok(match self {
            Leased::Operation(id) => ("operations", operations::key(id)?),
            Leased::Reminder(id) => ("reminders", id.0),
        })
    }
}

impl Store {
    /// Take the lease on an unsettled operation for `ttl`: true if it was free, lapsed, or
    /// already `owner`'s (then it is extended); false if another instance holds it.
    pub async fn claim_operation(
        &self,
        id: OperationId,
        owner: &str,
        ttl: Duration,
    ) -> anyhow::Result<bool> {
        let sql = "UPDATE operations SET lease_owner = $2, lease_until = $3 \
                   WHERE id = $1 AND settled_at IS NULL \
                   AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < $4 \
                        OR substr(lease_owner, 1, length($5)) = $5)";
        let (k, at) = (operations::key(id)?, now());
        let until = after(at, ttl)?;
        let prefix = instance_prefix(owner);
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(k)
            .bind(owner)
            .bind(until)
            .bind(at)
            .bind(prefix.as_str())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .with_context(|| format!("claiming operation {id}"))?;
        Ok(rows == 1)
    }

    /// Take the lease on one open reminder for `ttl` (to answer a click on it): true if it was
    /// free, lapsed, or already `owner`'s; false if another instance is acting on it now.
    pub async fn claim_reminder(
        &self,
        id: ReminderId,
        owner: &str,
        ttl: Duration,
    ) -> anyhow::Result<bool> {
        let sql = "UPDATE reminders SET lease_owner = $2, lease_until = $3 \
                   WHERE id = $1 AND state NOT IN ('kept', 'done') \
                   AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < $4 \
                        OR substr(lease_owner, 1, length($5)) = $5)";
        let at = now();
        let until = after(at, ttl)?;
        let prefix = instance_prefix(owner);
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(id.0)
            .bind(owner)
            .bind(until)
            .bind(at)
            .bind(prefix.as_str())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .with_context(|| format!("claiming {id}"))?;
        Ok(rows == 1)
    }

    /// Lease the reminder that has been due longest and that no instance holds, for `ttl`.
    /// Reminders `owner` already holds are not returned again.
    pub async fn claim_due_reminder(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> anyhow::Result<Option<Reminder>> {
        // SQLite runs the statement under its single write lock. PostgreSQL could let two
        // transactions pick the same row in the subquery, so there the candidate row is locked
        // (skipping rows other claims hold) and the lease condition is checked again on the
        // row actually updated.
        const SQLITE: &str = "UPDATE reminders SET lease_owner = $1, lease_until = $2 \
            WHERE id = (SELECT id FROM reminders \
                WHERE state IN ('pending', 'snoozed', 'escalated') AND due_at <= $3 \
                AND (lease_until IS NULL OR lease_until < $3) \
                ORDER BY due_at, id LIMIT 1) \
            RETURNING *";
        const POSTGRES: &str = "UPDATE reminders SET lease_owner = $1, lease_until = $2 \
            WHERE id = (SELECT id FROM reminders \
                WHERE state IN ('pending', 'snoozed', 'escalated') AND due_at <= $3 \
                AND (lease_until IS NULL OR lease_until < $3) \
                ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
            AND (lease_until IS NULL OR lease_until < $3) \
            RETURNING *";
        let now = stamp(now);
        let until = after(now, ttl)?;
        let sql = match self.db {
            Db::Sqlite(_) => SQLITE,
            Db::Postgres(_) => POSTGRES,
        };
        let row: Option<ReminderRow> = on_db!(self, p => sqlx::query_as(sql)
            .bind(owner)
            .bind(until)
            .bind(now)
            .fetch_optional(p)
            .await)
        .context("claiming a due reminder")?;
        row.map(Reminder::try_from).transpose()
    }

    /// Extend a lease `owner` holds to `ttl` from now; false if it is not (or no longer) theirs.
    pub async fn renew_lease(
        &self,
        what: Leased,
        owner: &str,
        ttl: Duration,
    ) -> anyhow::Result<bool> {
        let (table, k) = what.row()?;
        let until = after(now(), ttl)?;
        let sql = format!("UPDATE {table} SET lease_until = $3 WHERE id = $1 AND lease_owner = $2");
        let rows = on_db!(self, p => sqlx::query(&sql)
            .bind(k)
            .bind(owner)
            .bind(until)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .with_context(|| format!("renewing the lease on {what:?}"))?;
        Ok(rows == 1)
    }

    /// Give up a lease `owner` holds so another instance may act at once; false if not theirs.
    pub async fn release_lease(&self, what: Leased, owner: &str) -> anyhow::Result<bool> {
        let (table, k) = what.row()?;
        let sql = format!(
            "UPDATE {table} SET lease_owner = NULL, lease_until = NULL \
             WHERE id = $1 AND lease_owner = $2"
        );
        let rows = on_db!(self, p => sqlx::query(&sql)
            .bind(k)
            .bind(owner)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .with_context(|| format!("releasing the lease on {what:?}"))?;
        Ok(rows == 1)
    }
}
