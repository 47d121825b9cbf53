//! The audit log: append-only, one entry per request, decision, API call, outcome, reminder
//! and answer, with who, when, where, and the values before and after.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::types::Json;

use super::{operations, stamp, Store};
use crate::ops::OperationId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Requested,
    Confirmed,
    Cancelled,
    /// A PATCH sent to the Cloud API (with its `requestId` when accepted).
    ApiCall,
    Outcome,
    /// A reminder posted (or posted again).
    Reminder,
    Escalated,
    Acknowledged,
    Kept,
    Snoozed,
    Extended,
    Reverted,
    /// A line the bot could not post where it belonged (thread gone, permission revoked)
    /// nor tell the requester privately: the entry keeps what was not delivered.
    Undelivered,
}

impl AuditAction {
    pub const ALL: [AuditAction; 13] = [
        Self::Requested,
        Self::Confirmed,
        Self::Cancelled,
        Self::ApiCall,
        Self::Outcome,
        Self::Reminder,
        Self::Escalated,
        Self::Acknowledged,
        Self::Kept,
        Self::Snoozed,
        Self::Extended,
        Self::Reverted,
        Self::Undelivered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::ApiCall => "api_call",
            Self::Outcome => "outcome",
            Self::Reminder => "reminder",
            Self::Escalated => "escalated",
            Self::Acknowledged => "acknowledged",
            Self::Kept => "kept",
            Self::Snoozed => "snoozed",
            Self::Extended => "extended",
            Self::Reverted => "reverted",
            Self::Undelivered => "undelivered",
        }
    }
}

/// One audit entry. Start from [`AuditEntry::new`] and fill in what applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Who: a Discord user id (or console user); the bot itself for automatic actions.
    pub actor_id: String,
    pub actor_name: String,
    pub action: AuditAction,
    pub operation: Option<OperationId>,
    pub guild: Option<String>,
    pub channel: Option<String>,
    pub thread: Option<String>,
    pub service_id: Option<String>,
    pub service_name: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<String>,
    /// Free text: a Keep reason, an error message, a snooze length.
    pub detail: Option<String>,
}

impl AuditEntry {
    pub fn new(
        at: DateTime<Utc>,
        actor_id: impl Into<String>,
        actor_name: impl Into<String>,
        action: AuditAction,
    ) -> Self {
        Self {
            at,
            actor_id: actor_id.into(),
            actor_name: actor_name.into(),
            action,
            operation: None,
            guild: None,
            channel: None,
            thread: None,
            service_id: None,
            service_name: None,
            before: None,
            after: None,
            request_id: None,
            detail: None,
        }
    }
}

/// A stored entry with its id (ids grow in insertion order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: i64,
    #[serde(flatten)]
    pub entry: AuditEntry,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    recorded_at: DateTime<Utc>,
    actor_id: String,
    actor_name: String,
    action: String,
    operation_id: Option<i64>,
    guild: Option<String>,
    channel: Option<String>,
    thread: Option<String>,
    service_id: Option<String>,
    service_name: Option<String>,
    before_value: Option<Json<Value>>,
    after_value: Option<Json<Value>>,
    request_id: Option<String>,
    detail: Option<String>,
}

impl TryFrom<AuditRow> for AuditRecord {
    type Error = anyhow::Error;

    fn try_from(r: AuditRow) -> anyhow::Result<Self> {
        let action = AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == r.action)
            .with_context(|| format!("audit entry {}: unknown action `{}`", r.id, r.action))?;
        let operation = r
            .operation_id
            .map(u64::try_from)
            .transpose()
            .context("negative operation id")?
            .map(OperationId);
        Ok(Self {
            id: r.id,
            entry: AuditEntry {
                at: r.recorded_at,
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                action,
                operation,
                guild: r.guild,
                channel: r.channel,
                thread: r.thread,
                service_id: r.service_id,
                service_name: r.service_name,
                before: r.before_value.map(|j| j.0),
                after: r.after_value.map(|j| j.0),
                request_id: r.request_id,
                detail: r.detail,
            },
        })
    }
}

impl Store {
    /// Append an entry; returns its id.
    pub async fn audit(&self, e: &AuditEntry) -> anyhow::Result<i64> {
        let sql = "INSERT INTO audit (recorded_at, actor_id, actor_name, action, operation_id, \
                   guild, channel, thread, service_id, service_name, before_value, after_value, \
                   request_id, detail) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                   RETURNING id";
        let op = e.operation.map(operations::key).transpose()?;
        on_db!(self, p => sqlx::query_scalar(sql)
            .bind(stamp(e.at))
            .bind(&e.actor_id)
            .bind(&e.actor_name)
            .bind(e.action.as_str())
            .bind(op)
            .bind(&e.guild)
            .bind(&e.channel)
            .bind(&e.thread)
            .bind(&e.service_id)
            .bind(&e.service_name)
            .bind(e.before.as_ref().map(Json))
            .bind(e.after.as_ref().map(Json))
            .bind(&e.request_id)
            .bind(&e.detail)
            .fetch_one(p)
            .await)
        .with_context(|| format!("recording a `{}` audit entry", e.action.as_str()))
    }

    /// The newest `limit` entries, newest first, optionally on one service (by id or name).
    pub async fn recent_audit(
        &self,
        service: Option<&str>,
        limit: u32,
    ) -> anyhow::Result<Vec<AuditRecord>> {
        let sql = "SELECT * FROM audit WHERE ($1 IS NULL OR service_id = $1 OR service_name = $1) \
                   ORDER BY id DESC LIMIT $2";
        let rows: Vec<AuditRow> = on_db!(self, p => sqlx::query_as(sql)
            .bind(service)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await)
        .context("reading the audit log")?;
        rows.into_iter().map(AuditRecord::try_from).collect()
    }

    /// The newest `limit` entries at or after `since`, returned oldest first, optionally on one
    /// service (by id or name). A chart reads this: when a period holds more than it draws, it
    /// leaves out the oldest entries, not today's.
    pub async fn audit_newest_since(
        &self,
        since: DateTime<Utc>,
        service: Option<&str>,
        limit: u32,
    ) -> anyhow::Result<Vec<AuditRecord>> {
        let sql = "SELECT * FROM audit WHERE recorded_at >= $1 \
                   AND ($2 IS NULL OR service_id = $2 OR service_name = $2) \
                   ORDER BY recorded_at DESC, id DESC LIMIT $3";
        let rows: Vec<AuditRow> = on_db!(self, p => sqlx::query_as(sql)
            .bind(stamp(since))
            .bind(service)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await)
        .context("reading the audit log")?;
        let mut records = rows
            .into_iter()
            .map(AuditRecord::try_from)
            .collect::<anyhow::Result<Vec<_>>>()?;
        records.reverse();
        Ok(records)
    }

    /// Entries at or after `since`, oldest first, at most `limit`, optionally on one service
    /// (by id or name).
    pub async fn audit_since(
        &self,
        since: DateTime<Utc>,
        service: Option<&str>,
        limit: u32,
    ) -> anyhow::Result<Vec<AuditRecord>> {
        self.audit_since_of(since, service, &AuditAction::ALL, limit)
            .await
    }

    /// Entries at or after `since`, oldest first, at most `limit`, optionally on one service
    /// (by id or name), only of these `actions`: what a summary over weeks needs (episodes, the
    /// digest), without every request, confirmation and API call of the period in memory.
    pub async fn audit_since_of(
        &self,
        since: DateTime<Utc>,
        service: Option<&str>,
        actions: &[AuditAction],
        limit: u32,
    ) -> anyhow::Result<Vec<AuditRecord>> {
        let mut records = Vec::new();
        self.fold_audit_since_of(since, service, actions, limit, |r| records.push(r))
            .await?;
        Ok(records)
    }

    /// [`Self::audit_since_of`], each entry handed to `each` as it is read, so that a fold over
    /// a long period never holds it whole (`/scaling-history` priced 10,000 stored changes at
    /// 120 MiB reading all their entries at once).
    pub async fn fold_audit_since_of(
        &self,
        since: DateTime<Utc>,
        service: Option<&str>,
        actions: &[AuditAction],
        limit: u32,
        mut each: impl FnMut(AuditRecord),
    ) -> anyhow::Result<()> {
        use futures::TryStreamExt as _;
        if actions.is_empty() {
            return Ok(());
        }
        // The names are the enum's own constants, never input, so they may stand in the SQL.
        let names: Vec<String> = actions
            .iter()
            .map(|a| format!("'{}'", a.as_str()))
            .collect();
        let sql = format!(
            "SELECT * FROM audit WHERE recorded_at >= $1 \
             AND ($2 IS NULL OR service_id = $2 OR service_name = $2) \
             AND action IN ({}) ORDER BY recorded_at, id LIMIT $3",
            names.join(", ")
        );
        on_db!(self, p => {
            let mut rows = sqlx::query_as::<_, AuditRow>(&sql)
                .bind(stamp(since))
                .bind(service)
                .bind(i64::from(limit))
                .fetch(p);
            while let Some(row) = rows.try_next().await.context("reading the audit log")? {
                each(AuditRecord::try_from(row)?);
            }
        });
        Ok(())
    }
}
