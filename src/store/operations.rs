//! Operations: one row per launched scaling operation, from its first phase to its outcome,
//! holding everything a restarted process needs to resume it in the same message and thread.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use super::{expect_one, lease::Lease, now, Store};
use crate::{
    ops::{
        Actor, CommandKind, MessageRef, OperationId, Origin, OutcomeKind, Phase, ServiceRef,
        ThreadRef,
    },
    scaling::Settings,
};

/// What is known of an operation when it is launched.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOperation {
    /// From [`Store::next_operation_id`].
    pub id: OperationId,
    pub kind: CommandKind,
    pub service: ServiceRef,
    pub actor: Actor,
    pub origin: Origin,
    /// The requested change (`scaling::Target` as JSON).
    pub target: Value,
    /// The configuration read before the change, as JSON.
    pub before: Value,
    /// What to do once the change is confirmed (`ops::FollowUp` as JSON).
    pub followup: Value,
    /// The settings the target sets: what decides supersession.
    pub settings: Settings,
}

/// An operation as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationRecord {
    pub id: OperationId,
    pub kind: CommandKind,
    pub service: ServiceRef,
    pub actor: Actor,
    pub origin: Origin,
    pub target: Value,
    pub before: Value,
    pub followup: Value,
    /// The public status message, once posted.
    pub status: Option<MessageRef>,
    /// The follow-up thread, once opened.
    pub thread: Option<ThreadRef>,
    /// The API's `requestId` for the change, once accepted.
    pub request_id: Option<String>,
    /// When the API accepted the change: a resumed watch keeps its deadline.
    pub applied_at: Option<DateTime<Utc>>,
    pub phase: Phase,
    /// How it ended, once settled.
    pub outcome: Option<OutcomeKind>,
    pub outcome_detail: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
    /// The instance working on it, if any holds an unexpired or stale lease.
    pub lease: Option<Lease>,
    /// The final notice, settled but not yet posted.
    pub notice: Option<Value>,
    /// The settings the target sets.
    pub settings: Settings,
    /// The newer operation on overlapping settings that took over, once one did.
    pub superseded_by: Option<OperationId>,
    /// When a PATCH was sent whose answer never came: its outcome is unknown until a GET tells.
    pub unanswered_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct OperationRow {
    id: i64,
    kind: String,
    service_id: String,
    service_name: String,
    customer_facing: bool,
    actor: Json<Actor>,
    origin: Json<Origin>,
    status_channel: Option<String>,
    status_message: Option<String>,
    thread: Option<String>,
    target: Json<Value>,
    before_value: Json<Value>,
    followup: Option<Json<Value>>,
    request_id: Option<String>,
    applied_at: Option<DateTime<Utc>>,
    phase: String,
    outcome: Option<String>,
    outcome_detail: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    settled_at: Option<DateTime<Utc>>,
    lease_owner: Option<String>,
    lease_until: Option<DateTime<Utc>>,
    notice: Option<Json<Value>>,
    fields: Option<String>,
    superseded_by: Option<i64>,
    unanswered_at: Option<DateTime<Utc>>,
}

impl TryFrom<OperationRow> for OperationRecord {
    type Error = anyhow::Error;

    fn try_from(r: OperationRow) -> anyhow::Result<Self> {
        let id = OperationId(u64::try_from(r.id).context("negative operation id")?);
        let kind = CommandKind::ALL
            .into_iter()
            .find(|k| k.name() == r.kind)
            .with_context(|| format!("operation {id}: unknown command kind `{}`", r.kind))?;
        let phase = phase_from(&r.phase)
            .with_context(|| format!("operation {id}: unknown phase `{}`", r.phase))?;
        Ok(Self {
            id,
            kind,
            service: ServiceRef {
                id: r.service_id,
                name: r.service_name,
                customer_facing: r.customer_facing,
            },
            actor: r.actor.0,
            origin: r.origin.0,
            target: r.target.0,
            before: r.before_value.0,
            followup: r.followup.map_or(Value::Null, |j| j.0),
            status: r
                .status_channel
                .zip(r.status_message)
                .map(|(channel, message)| MessageRef { channel, message }),
            thread: r.thread.map(ThreadRef),
            request_id: r.request_id,
            applied_at: r.applied_at,
            phase,
            outcome: r
                .outcome
                .map(|o| {
                    o.parse()
                        .with_context(|| format!("operation {id}: unknown outcome `{o}`"))
                })
                .transpose()?,
            outcome_detail: r.outcome_detail,
            created_at: r.created_at,
            updated_at: r.updated_at,
            settled_at: r.settled_at,
            lease: Lease::from_columns(r.lease_owner, r.lease_until),
            notice: r.notice.map(|j| j.0),
            settings: r
                .fields
                .as_deref()
                .map(Settings::from_stored)
                .unwrap_or_default(),
            superseded_by: r
                .superseded_by
                .map(|v| u64::try_from(v).map(OperationId))
                .transpose()
                .context("negative superseding operation id")?,
            unanswered_at: r.unanswered_at,
        })
    }
}

fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Starting => "starting",
        Phase::AwaitingWake => "awaiting_wake",
        Phase::Waking => "waking",
        Phase::AwaitingConfirmation => "awaiting_confirmation",
        Phase::Applying => "applying",
        Phase::Watching => "watching",
        Phase::Settled => "settled",
    }
}

fn phase_from(name: &str) -> Option<Phase> {
    [
        Phase::Starting,
        Phase::AwaitingWake,
        Phase::Waking,
        Phase::AwaitingConfirmation,
        Phase::Applying,
        Phase::Watching,
        Phase::Settled,
    ]
    .into_iter()
    .find(|p| phase_name(*p) == name)
}

/// Operation ids are `u64` in the engine and `BIGINT` in the database.
pub(super) fn key(id: OperationId) -> anyhow::Result<i64> {
    i64::try_from(id.0).with_context(|| format!("operation id {id} out of range"))
}

fn records(rows: Vec<OperationRow>) -> anyhow::Result<Vec<OperationRecord>> {
    rows.into_iter().map(OperationRecord::try_from).collect()
}

impl Store {
    /// A fresh operation id, never handed out before by any instance on this database.
    pub async fn next_operation_id(&self) -> anyhow::Result<OperationId> {
        let sql = "UPDATE counters SET value = value + 1 WHERE name = 'operation' RETURNING value";
        let value: i64 = on_db!(self, p => sqlx::query_scalar(sql).fetch_one(p).await)
            .context("allocating an operation id")?;
        Ok(OperationId(u64::try_from(value)?))
    }

    /// Record a launched operation, in phase [`Phase::Starting`].
    pub async fn insert_operation(&self, op: &NewOperation) -> anyhow::Result<()> {
        let sql = "INSERT INTO operations (id, kind, service_id, service_name, customer_facing, \
                   actor, origin, target, before_value, followup, phase, created_at, updated_at, \
                   fields) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)";
        let (id, at) = (key(op.id)?, now());
        on_db!(self, p => sqlx::query(sql)
            .bind(id)
            .bind(op.kind.name())
            .bind(&op.service.id)
            .bind(&op.service.name)
            .bind(op.service.customer_facing)
            .bind(Json(&op.actor))
            .bind(Json(&op.origin))
            .bind(Json(&op.target))
            .bind(Json(&op.before))
            .bind(Json(&op.followup))
            .bind(phase_name(Phase::Starting))
            .bind(at)
            .bind(op.settings.to_stored())
            .execute(p)
            .await
            .map(|_| ()))
        .with_context(|| format!("recording operation {}", op.id))
    }

    /// Move an unsettled operation to `phase`; use [`Store::settle_operation`] to end it.
    pub async fn update_operation_phase(
        &self,
        id: OperationId,
        phase: Phase,
    ) -> anyhow::Result<()> {
        let sql = "UPDATE operations SET phase = $2, updated_at = $3 \
                   WHERE id = $1 AND settled_at IS NULL";
        let k = key(id)?;
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(k)
            .bind(phase_name(phase))
            .bind(now())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        expect_one(
            rows,
            format_args!("operation {id} is unknown or already settled"),
        )
    }

    /// Remember the status message and/or thread; `None` keeps what is stored.
    pub async fn set_operation_refs(
        &self,
        id: OperationId,
        status: Option<&MessageRef>,
        thread: Option<&ThreadRef>,
    ) -> anyhow::Result<()> {
        let sql = "UPDATE operations SET status_channel = COALESCE($2, status_channel), \
                   status_message = COALESCE($3, status_message), thread = COALESCE($4, thread), \
                   updated_at = $5 WHERE id = $1";
        let k = key(id)?;
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(k)
            .bind(status.map(|m| m.channel.as_str()))
            .bind(status.map(|m| m.message.as_str()))
            .bind(thread.map(|t| t.0.as_str()))
            .bind(now())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        expect_one(rows, format_args!("operation {id} is unknown"))
    }

    /// A change that waited for its idle service: what the API reports now that it runs, and
    /// the follow-up decided against it (see [`crate::ops::FollowUp::Undecided`]). From here
    /// on the operation plans, confirms and resumes like any other.
    pub async fn set_operation_before(
        &self,
        id: OperationId,
        before: &serde_json::Value,
        followup: &serde_json::Value,
    ) -> anyhow::Result<()> {
        let sql = "UPDATE operations SET before_value = $2, followup = $3, updated_at = $4 \
                   WHERE id = $1 AND settled_at IS NULL";
        let k = key(id)?;
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(k)
            .bind(Json(before))
            .bind(Json(followup))
            .bind(now())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        expect_one(rows, format_args!("operation {id} is unknown or settled"))
    }

    /// The API accepted the change at `at`: remember its `requestId` and move to watching.
    pub async fn set_applied(
        &self,
        id: OperationId,
        request_id: Option<&str>,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let sql = "UPDATE operations SET request_id = $2, applied_at = $3, phase = $4, \
                   updated_at = $5, unanswered_at = NULL WHERE id = $1 AND settled_at IS NULL";
        let k = key(id)?;
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(k)
            .bind(request_id)
            .bind(super::stamp(at))
            .bind(phase_name(Phase::Watching))
            .bind(now())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        expect_one(
            rows,
            format_args!("operation {id} is unknown or already settled"),
        )
    }

    /// Record how an operation ended, with the notice still to post (see
    /// [`Store::take_notice`]), and drop its lease. Returns false if it was already settled
    /// (the first outcome stays), so a resumed operation cannot end twice.
    pub async fn settle_operation(
        &self,
        id: OperationId,
        outcome: OutcomeKind,
        detail: Option<&str>,
        notice: Option<&Value>,
    ) -> anyhow::Result<bool> {
        let sql = "UPDATE operations SET phase = $2, outcome = $3, outcome_detail = $4, \
                   settled_at = $5, updated_at = $5, lease_owner = NULL, lease_until = NULL, \
                   notice = $6 WHERE id = $1 AND settled_at IS NULL";
        let k = key(id)?;
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(k)
            .bind(phase_name(Phase::Settled))
            .bind(outcome.label())
            .bind(detail)
            .bind(now())
            .bind(notice.map(Json))
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .with_context(|| format!("settling operation {id}"))?;
        Ok(rows == 1)
    }

    /// Claim the unposted notice of a settled operation for `ttl`, under the operation's
    /// lease (free, lapsed, `owner`'s or an earlier incarnation's): the claimer posts it, then
    /// calls [`Store::clear_notice`]. A claimer that dies before posting lets the claim lapse,
    /// and another process posts it; so the notice is never lost, and posted twice only if a
    /// process dies between posting and clearing (Discord's message nonce covers that).
    pub async fn claim_notice(
        &self,
        id: OperationId,
        owner: &str,
        ttl: std::time::Duration,
    ) -> anyhow::Result<Option<Value>> {
        let k = key(id)?;
        let at = now();
        let until = super::after(at, ttl)?;
        let prefix = super::lease::instance_prefix(owner);
        let sql = "UPDATE operations SET lease_owner = $2, lease_until = $3 \
                   WHERE id = $1 AND notice IS NOT NULL \
                   AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < $4 \
                        OR substr(lease_owner, 1, length($5)) = $5)";
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(k)
            .bind(owner)
            .bind(until)
            .bind(at)
            .bind(prefix.as_str())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .with_context(|| format!("claiming the notice of operation {id}"))?;
        if rows == 0 {
            return Ok(None);
        }
        let read = "SELECT notice FROM operations WHERE id = $1";
        let notice: Option<Option<Json<Value>>> = on_db!(self, p => sqlx::query_scalar(read)
            .bind(k)
            .fetch_optional(p)
            .await)
        .with_context(|| format!("reading the notice of operation {id}"))?;
        Ok(notice.flatten().map(|j| j.0))
    }

    /// Part of the notice was posted: keep only what is left to post (the claim stays, so
    /// the claimer, or another process once it lapses, posts the rest).
    pub async fn set_notice(&self, id: OperationId, notice: &Value) -> anyhow::Result<()> {
        let sql = "UPDATE operations SET notice = $2 WHERE id = $1 AND notice IS NOT NULL";
        let k = key(id)?;
        on_db!(self, p => sqlx::query(sql).bind(k).bind(Json(notice)).execute(p).await.map(|_| ()))
            .with_context(|| format!("keeping the rest of the notice of operation {id}"))
    }

    /// The notice was posted: forget it and drop the lease.
    pub async fn clear_notice(&self, id: OperationId) -> anyhow::Result<()> {
        let sql = "UPDATE operations SET notice = NULL, lease_owner = NULL, lease_until = NULL \
                   WHERE id = $1";
        let k = key(id)?;
        on_db!(self, p => sqlx::query(sql).bind(k).execute(p).await.map(|_| ()))
            .with_context(|| format!("clearing the notice of operation {id}"))
    }

    /// Settled operations whose final notice was not posted (the process stopped in between).
    pub async fn unposted_notices(&self) -> anyhow::Result<Vec<OperationRecord>> {
        let sql = "SELECT * FROM operations WHERE notice IS NOT NULL ORDER BY id";
        let rows: Vec<OperationRow> = on_db!(self, p => sqlx::query_as(sql).fetch_all(p).await)
            .context("reading unposted notices")?;
        records(rows)
    }

    /// One operation, settled or not.
    pub async fn operation(&self, id: OperationId) -> anyhow::Result<Option<OperationRecord>> {
        let k = key(id)?;
        let sql = "SELECT * FROM operations WHERE id = $1";
        let row: Option<OperationRow> = on_db!(self, p => sqlx::query_as(sql)
            .bind(k)
            .fetch_optional(p)
            .await)?;
        row.map(OperationRecord::try_from).transpose()
    }

    /// The operation whose status message is `message` (button clicks name it), if any.
    pub async fn operation_by_status(
        &self,
        message: &str,
    ) -> anyhow::Result<Option<OperationRecord>> {
        let sql = "SELECT * FROM operations WHERE status_message = $1 ORDER BY id DESC LIMIT 1";
        let row: Option<OperationRow> = on_db!(self, p => sqlx::query_as(sql)
            .bind(message)
            .fetch_optional(p)
            .await)?;
        row.map(OperationRecord::try_from).transpose()
    }

    /// Every operation not settled yet, oldest first: what a starting instance resumes.
    pub async fn unsettled_operations(&self) -> anyhow::Result<Vec<OperationRecord>> {
        let sql = "SELECT * FROM operations WHERE settled_at IS NULL ORDER BY id";
        let rows: Vec<OperationRow> = on_db!(self, p => sqlx::query_as(sql).fetch_all(p).await)
            .context("reading unsettled operations")?;
        records(rows)
    }

    /// The newest operations, newest first, optionally on one service (by id or name).
    pub async fn recent_operations(
        &self,
        service: Option<&str>,
        limit: u32,
    ) -> anyhow::Result<Vec<OperationRecord>> {
        let sql = "SELECT * FROM operations \
                   WHERE ($1 IS NULL OR service_id = $1 OR service_name = $1) \
                   ORDER BY id DESC LIMIT $2";
        let rows: Vec<OperationRow> = on_db!(self, p => sqlx::query_as(sql)
            .bind(service)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await)
        .context("reading recent operations")?;
        records(rows)
    }

    /// A PATCH was sent at `at` and its answer never came: watch from then on, and remember
    /// that the outcome is unknown until a GET shows the target.
    pub async fn set_unanswered(&self, id: OperationId, at: DateTime<Utc>) -> anyhow::Result<()> {
        let sql =
            "UPDATE operations SET applied_at = COALESCE(applied_at, $2), unanswered_at = $2, \
                   phase = $3, updated_at = $4 WHERE id = $1 AND settled_at IS NULL";
        let k = key(id)?;
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(k)
            .bind(super::stamp(at))
            .bind(phase_name(Phase::Watching))
            .bind(now())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        expect_one(
            rows,
            format_args!("operation {id} is unknown or already settled"),
        )
    }

    /// Unsettled operations on one service, oldest first: what supersession, joining and
    /// `/scaling-status` look at, whichever instance runs them.
    pub async fn open_operations_on(
        &self,
        service_id: &str,
    ) -> anyhow::Result<Vec<OperationRecord>> {
        let sql =
            "SELECT * FROM operations WHERE settled_at IS NULL AND service_id = $1 ORDER BY id";
        let rows: Vec<OperationRecord> = records(
            on_db!(self, p => sqlx::query_as(sql)
            .bind(service_id)
            .fetch_all(p)
            .await)
            .context("reading open operations")?,
        )?;
        Ok(rows)
    }

    /// Operation `id` takes over the settings it sets on its service: every older unsettled
    /// operation there whose settings overlap is marked superseded by it, and if a newer
    /// overlapping one exists already, `id` itself is marked superseded by that one. Each
    /// instance does this after its row is written, so whichever order two launches
    /// interleave in, the newest wins and every instance reads the same answer.
    pub async fn take_over_settings(&self, id: OperationId) -> anyhow::Result<TakeOver> {
        let own = self
            .operation(id)
            .await?
            .with_context(|| format!("operation {id} is unknown"))?;
        let mut out = TakeOver::default();
        for other in self.open_operations_on(&own.service.id).await? {
            if other.id == id || !other.settings.overlaps(&own.settings) {
                continue;
            }
            if other.id < id {
                if other.superseded_by.is_none() && self.mark_superseded(other.id, id).await? {
                    out.superseded.push(other.id);
                }
            } else {
                out.newer = Some(other.id);
            }
        }
        if let Some(newer) = out.newer {
            self.mark_superseded(id, newer).await?;
        }
        Ok(out)
    }

    async fn mark_superseded(&self, id: OperationId, by: OperationId) -> anyhow::Result<bool> {
        let sql = "UPDATE operations SET superseded_by = $2, updated_at = $3 \
                   WHERE id = $1 AND settled_at IS NULL AND superseded_by IS NULL";
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(key(id)?)
            .bind(key(by)?)
            .bind(now())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .with_context(|| format!("marking operation {id} superseded"))?;
        Ok(rows == 1)
    }

    /// How long the API took to show this deployment's recent confirmed changes of `kind`:
    /// from the PATCH being accepted to the confirmation, newest first, at most `limit`.
    /// What the poll planner learns each resource's usual window from.
    pub async fn confirm_times(
        &self,
        kind: CommandKind,
        limit: u32,
    ) -> anyhow::Result<Vec<std::time::Duration>> {
        let sql = "SELECT applied_at, settled_at FROM operations \
                   WHERE kind = $1 AND outcome = $2 \
                   AND applied_at IS NOT NULL AND settled_at IS NOT NULL \
                   ORDER BY id DESC LIMIT $3";
        let rows: Vec<(DateTime<Utc>, DateTime<Utc>)> = on_db!(self, p => sqlx::query_as(sql)
            .bind(kind.name())
            .bind(OutcomeKind::Confirmed.label())
            .bind(i64::from(limit))
            .fetch_all(p)
            .await)
        .context("reading confirmation times")?;
        Ok(rows
            .into_iter()
            .filter_map(|(applied, settled)| (settled - applied).to_std().ok())
            .collect())
    }

    /// The newer operation that took over from `id`, if one did.
    pub async fn superseded_by(&self, id: OperationId) -> anyhow::Result<Option<OperationId>> {
        let sql = "SELECT superseded_by FROM operations WHERE id = $1";
        let v: Option<Option<i64>> = on_db!(self, p => sqlx::query_scalar(sql)
            .bind(key(id)?)
            .fetch_optional(p)
            .await)
        .with_context(|| format!("reading operation {id}"))?;
        v.flatten()
            .map(|v| u64::try_from(v).map(OperationId))
            .transpose()
            .context("negative operation id")
    }
}

/// What [`Store::take_over_settings`] decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TakeOver {
    /// Older operations this one superseded just now.
    pub superseded: Vec<OperationId>,
    /// A newer overlapping operation that had started already: this one is superseded by it.
    pub newer: Option<OperationId>,
}
