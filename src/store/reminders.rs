//! Reminders: a scheduled follow-up on an operation (scale down after the snapshots, restore
//! the previous configuration when a timed change ends), escalated until someone answers.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::types::Json;

use super::{expect_one, lease::Lease, now, operations, stamp, Store};
use crate::ops::{OperationId, ThreadRef};

/// Reminder ids are allocated by the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReminderId(pub i64);

impl std::fmt::Display for ReminderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "reminder {}", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// Scale CDC back down once no DB ClickPipe is in an initial load or resync.
    AfterSnapshot,
    /// Restore the previous configuration when a `for:` duration ends.
    TimedRevert,
}

impl ReminderKind {
    pub const ALL: [ReminderKind; 2] = [Self::AfterSnapshot, Self::TimedRevert];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AfterSnapshot => "after_snapshot",
            Self::TimedRevert => "timed_revert",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderState {
    /// Waiting for its time, or posted and waiting for an answer.
    Pending,
    /// Someone asked to be reminded later (`due_at`).
    Snoozed,
    /// Someone chose to act (scale down, revert); the resulting operation is under way.
    Acknowledged,
    /// Someone chose to keep the configuration (the reason is in the audit log). Final.
    Kept,
    /// Acted on. Final.
    Done,
    /// Nobody answered; the escalation target was told.
    Escalated,
}

impl ReminderState {
    pub const ALL: [ReminderState; 6] = [
        Self::Pending,
        Self::Snoozed,
        Self::Acknowledged,
        Self::Kept,
        Self::Done,
        Self::Escalated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Snoozed => "snoozed",
            Self::Acknowledged => "acknowledged",
            Self::Kept => "kept",
            Self::Done => "done",
            Self::Escalated => "escalated",
        }
    }

    /// Kept and done reminders are finished; every other one is resumed after a restart.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Kept | Self::Done)
    }

    /// States in which reaching `due_at` means the bot must act (post, remind, escalate).
    pub fn acts_when_due(self) -> bool {
        matches!(self, Self::Pending | Self::Snoozed | Self::Escalated)
    }
}

/// A reminder to schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReminder {
    pub operation: OperationId,
    pub service_id: String,
    pub kind: ReminderKind,
    pub due_at: DateTime<Utc>,
    /// Where to post: the operation's thread.
    pub thread: Option<ThreadRef>,
    /// What the reminder needs to act (previous configuration, pipes seen, …).
    pub payload: Value,
}

/// A reminder as stored. Change fields and pass it to [`Store::update_reminder`].
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub id: ReminderId,
    pub operation: OperationId,
    pub service_id: String,
    pub kind: ReminderKind,
    pub due_at: DateTime<Utc>,
    pub state: ReminderState,
    /// 0: first notice, 1: reminded again, 2: escalated.
    pub level: u8,
    pub thread: Option<ThreadRef>,
    pub payload: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub lease: Option<Lease>,
}

#[derive(sqlx::FromRow)]
pub(super) struct ReminderRow {
    id: i64,
    operation_id: i64,
    service_id: String,
    kind: String,
    due_at: DateTime<Utc>,
    state: String,
    level: i16,
    thread: Option<String>,
    payload: Json<Value>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    lease_owner: Option<String>,
    lease_until: Option<DateTime<Utc>>,
}

impl TryFrom<ReminderRow> for Reminder {
    type Error = anyhow::Error;

    fn try_from(r: ReminderRow) -> anyhow::Result<Self> {
        let id = ReminderId(r.id);
        let kind = ReminderKind::ALL
            .into_iter()
            .find(|k| k.as_str() == r.kind)
            .with_context(|| format!("{id}: unknown kind `{}`", r.kind))?;
        let state = ReminderState::ALL
            .into_iter()
            .find(|s| s.as_str() == r.state)
            .with_context(|| format!("{id}: unknown state `{}`", r.state))?;
        Ok(Self {
            id,
            operation: OperationId(u64::try_from(r.operation_id).context("negative operation id")?),
            service_id: r.service_id,
            kind,
            due_at: r.due_at,
            state,
            level: u8::try_from(r.level).with_context(|| format!("{id}: bad level {}", r.level))?,
            thread: r.thread.map(ThreadRef),
            payload: r.payload.0,
            created_at: r.created_at,
            updated_at: r.updated_at,
            lease: Lease::from_columns(r.lease_owner, r.lease_until),
        })
    }
}

fn reminders(rows: Vec<ReminderRow>) -> anyhow::Result<Vec<Reminder>> {
    rows.into_iter().map(Reminder::try_from).collect()
}

impl Store {
    /// Schedule a reminder: pending, level 0.
    pub async fn insert_reminder(&self, r: &NewReminder) -> anyhow::Result<ReminderId> {
        let sql = "INSERT INTO reminders (operation_id, service_id, kind, due_at, state, level, \
                   thread, payload, created_at, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $8) RETURNING id";
        let op = operations::key(r.operation)?;
        let id: i64 = on_db!(self, p => sqlx::query_scalar(sql)
            .bind(op)
            .bind(&r.service_id)
            .bind(r.kind.as_str())
            .bind(stamp(r.due_at))
            .bind(ReminderState::Pending.as_str())
            .bind(r.thread.as_ref().map(|t| t.0.as_str()))
            .bind(Json(&r.payload))
            .bind(now())
            .fetch_one(p)
            .await)
        .with_context(|| format!("scheduling a reminder for operation {}", r.operation))?;
        Ok(ReminderId(id))
    }

    /// The reminders of one operation.
    pub async fn reminders_of(&self, operation: OperationId) -> anyhow::Result<Vec<Reminder>> {
        let sql = "SELECT * FROM reminders WHERE operation_id = $1 ORDER BY id";
        let op = operations::key(operation)?;
        let rows: Vec<ReminderRow> = on_db!(self, p => sqlx::query_as(sql)
            .bind(op)
            .fetch_all(p)
            .await)
        .with_context(|| format!("reading the reminders of operation {operation}"))?;
        reminders(rows)
    }

    /// Every reminder, open or finished, oldest first (for reports and tests).
    pub async fn all_reminders(&self) -> anyhow::Result<Vec<Reminder>> {
        let sql = "SELECT * FROM reminders ORDER BY id";
        let rows: Vec<ReminderRow> = on_db!(self, p => sqlx::query_as(sql).fetch_all(p).await)
            .context("reading reminders")?;
        reminders(rows)
    }

    /// One reminder, open or finished (a button click names it by id).
    pub async fn reminder(&self, id: ReminderId) -> anyhow::Result<Option<Reminder>> {
        let sql = "SELECT * FROM reminders WHERE id = $1";
        let row: Option<ReminderRow> = on_db!(self, p => sqlx::query_as(sql)
            .bind(id.0)
            .fetch_optional(p)
            .await)?;
        row.map(Reminder::try_from).transpose()
    }

    /// Reminders to act on at `now` (see [`ReminderState::acts_when_due`]), longest due first,
    /// leased or not. To act on one, take it with [`Store::claim_due_reminder`].
    pub async fn due_reminders(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<Reminder>> {
        let sql = "SELECT * FROM reminders \
                   WHERE state IN ('pending', 'snoozed', 'escalated') AND due_at <= $1 \
                   ORDER BY due_at, id";
        let rows: Vec<ReminderRow> = on_db!(self, p => sqlx::query_as(sql)
            .bind(stamp(now))
            .fetch_all(p)
            .await)
        .context("reading due reminders")?;
        reminders(rows)
    }

    /// Every open reminder (see [`ReminderState::is_open`]), soonest due first: what a
    /// starting instance resumes.
    pub async fn pending_reminders(&self) -> anyhow::Result<Vec<Reminder>> {
        let sql = "SELECT * FROM reminders WHERE state NOT IN ('kept', 'done') ORDER BY due_at, id";
        let rows: Vec<ReminderRow> = on_db!(self, p => sqlx::query_as(sql).fetch_all(p).await)
            .context("reading open reminders")?;
        reminders(rows)
    }

    /// Save a reminder's state, level, due time, thread and payload (the lease is untouched).
    pub async fn update_reminder(&self, r: &Reminder) -> anyhow::Result<()> {
        let sql = "UPDATE reminders SET state = $2, level = $3, due_at = $4, thread = $5, \
                   payload = $6, updated_at = $7 WHERE id = $1";
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(r.id.0)
            .bind(r.state.as_str())
            .bind(i16::from(r.level))
            .bind(stamp(r.due_at))
            .bind(r.thread.as_ref().map(|t| t.0.as_str()))
            .bind(Json(&r.payload))
            .bind(now())
            .execute(p)
            .await
            .map(|q| q.rows_affected()))
        .with_context(|| format!("saving {}", r.id))?;
        expect_one(rows, format_args!("{} is unknown", r.id))
    }
}
