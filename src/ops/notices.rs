//! The sentences of follow-ups: resumed operations, scale-down reminders, timed reverts. Like
//! [`super::text`], the words come from the Fluent files; every function takes the [`Locale`].

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{engine::Phase, request::OperationId, surface::Actor, text::duration};
use crate::{
    i18n::Locale,
    scaling::{Money, Target},
    t,
};

/// The bot itself, as the actor of automatic steps in the audit log.
pub fn system_actor() -> Actor {
    Actor {
        id: "clickscale".into(),
        name: "clickscale".into(),
        roles: Vec::new(),
    }
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn resumed(loc: Locale, phase: Phase) -> String {
    match phase {
        Phase::Starting | Phase::AwaitingConfirmation => t!(loc, "resumed-confirm"),
        Phase::AwaitingWake => t!(loc, "resumed-wake"),
        Phase::Waking => t!(loc, "resumed-waking"),
        Phase::Applying => t!(loc, "resumed-apply"),
        Phase::Watching | Phase::Settled => t!(loc, "resumed-watch"),
    }
}

/// A target as people read it.
pub fn describe_target(loc: Locale, target: &Target) -> String {
    match target {
        Target::Cdc(c) => crate::scaling::Value::cdc(c).render(loc),
        Target::Service(p) => {
            let mut parts = Vec::new();
            if let Some(n) = p.num_replicas {
                parts.push(t!(loc, "target-replicas", n = n));
            }
            match (p.min_replica_memory_gb, p.max_replica_memory_gb) {
                (Some(min), Some(max)) => parts.push(t!(
                    loc,
                    "target-memory-range",
                    min = min.to_string(),
                    max = max.to_string()
                )),
                (Some(min), None) => {
                    parts.push(t!(loc, "target-memory-min", min = min.to_string()))
                }
                (None, Some(max)) => {
                    parts.push(t!(loc, "target-memory-max", max = max.to_string()))
                }
                (None, None) => {}
            }
            match (p.idle_scaling, p.idle_timeout_minutes) {
                (Some(true), Some(m)) => {
                    parts.push(t!(loc, "target-idle-on-timeout", minutes = m.to_string()))
                }
                (Some(true), None) => parts.push(t!(loc, "target-idle-on")),
                (Some(false), _) => parts.push(t!(loc, "target-idle-off")),
                (None, Some(m)) => {
                    parts.push(t!(loc, "target-idle-timeout", minutes = m.to_string()))
                }
                (None, None) => {}
            }
            crate::i18n::join(loc, &parts)
        }
        Target::Schedule(post) if post.entries.is_empty() => t!(loc, "schedule-none-short"),
        Target::Schedule(post) => {
            let entries: Vec<String> = post
                .entries
                .iter()
                .map(|e| crate::scaling::schedule::render_entry(loc, e))
                .collect();
            entries.join("; ")
        }
    }
}

pub fn kept_on_request(loc: Locale, reason: &str) -> String {
    t!(loc, "kept-on-request", reason = reason)
}

pub fn followup_failed(loc: Locale) -> String {
    t!(loc, "followup-failed")
}

pub fn after_snapshot_scheduled(
    loc: Locale,
    service: &str,
    restore: &str,
    every: Duration,
) -> String {
    t!(
        loc,
        "after-snapshot-scheduled",
        service = service,
        restore = restore,
        every = duration(loc, every)
    )
}

pub fn timed_scheduled(
    loc: Locale,
    restore: &str,
    until: DateTime<Utc>,
    warning: Duration,
) -> String {
    t!(
        loc,
        "timed-scheduled",
        restore = restore,
        until = when(until),
        warning = duration(loc, warning)
    )
}

/// `<@&role> `, or nothing.
pub fn mention(role: Option<&str>) -> String {
    role.map(|r| format!("<@&{r}> ")).unwrap_or_default()
}

/// What the reminder says about the service and its pipes.
#[derive(Debug)]
pub struct SnapshotDone<'a> {
    pub service: &'a str,
    pub current: &'a str,
    pub restore: &'a str,
    pub scaled_for: Duration,
    /// (name, state) of the DB ClickPipes, none of them loading.
    pub pipes: &'a [(String, String)],
    /// What the scale-up costs per hour beyond the previous size, when it can be priced.
    pub extra_per_hour: Option<Money>,
}

pub fn snapshot_done(loc: Locale, role: Option<&str>, again: bool, d: &SnapshotDone<'_>) -> String {
    let pipes = if d.pipes.is_empty() {
        t!(loc, "no-db-pipes")
    } else {
        let items: Vec<String> = d
            .pipes
            .iter()
            .map(|(name, state)| {
                t!(
                    loc,
                    "pipe-finished",
                    name = name.as_str(),
                    state = state.as_str()
                )
            })
            .collect();
        crate::i18n::join(loc, &items)
    };
    let again = if again {
        t!(loc, "reminder-again")
    } else {
        String::new()
    };
    format!(
        "{}{}{}",
        mention(role),
        t!(
            loc,
            "snapshot-done",
            again = again,
            service = d.service,
            pipes = pipes,
            current = d.current,
            scaled_for = duration(loc, d.scaled_for),
            restore = d.restore
        ),
        running_cost(loc, d.extra_per_hour, d.scaled_for)
    )
}

/// ` So far +$1.20 beyond the previous size (+$0.60/h). Amounts are estimates…`, or nothing
/// when the scale-up cannot be priced.
pub fn running_cost(loc: Locale, extra_per_hour: Option<Money>, scaled_for: Duration) -> String {
    match extra_per_hour {
        Some(extra) => format!(
            " {} {}",
            t!(
                loc,
                "reminder-cost",
                so_far = crate::i18n::money(loc, extra.over(scaled_for)),
                hourly = crate::i18n::money(loc, extra)
            ),
            super::text::estimate_note(loc)
        ),
        None => String::new(),
    }
}

pub fn escalation(loc: Locale, role: Option<&str>, waited: Duration, reminder: &str) -> String {
    format!(
        "{}{}",
        mention(role),
        t!(
            loc,
            "escalation",
            waited = duration(loc, waited),
            reminder = reminder
        )
    )
}

pub fn escalation_elsewhere(loc: Locale, service: &str, thread: &str) -> String {
    t!(
        loc,
        "escalation-elsewhere",
        service = service,
        thread = thread
    )
}

pub fn timed_warning(
    loc: Locale,
    role: Option<&str>,
    service: &str,
    restore: &str,
    left: Duration,
) -> String {
    format!(
        "{}{}",
        mention(role),
        t!(
            loc,
            "timed-warning",
            service = service,
            restore = restore,
            left = duration(loc, left)
        )
    )
}

pub fn still_loading(loc: Locale, pipes: &[(String, String)]) -> String {
    t!(loc, "still-loading", pipes = pipes_in_states(loc, pipes))
}

/// "`pg_orders` is in Snapshot, `pg_events` is in Resync", for a list of (name, state).
/// Names and states come from the API (a state the bot does not know is shown as the API
/// spelled it): nothing in them may close the inline code or mention anyone.
fn pipes_in_states(loc: Locale, pipes: &[(String, String)]) -> String {
    let items: Vec<String> = pipes
        .iter()
        .map(|(name, state)| {
            t!(
                loc,
                "pipe-loading",
                name = super::text::code_safe(name, 80),
                state = super::text::code_safe(state, 40)
            )
        })
        .collect();
    crate::i18n::join(loc, &items)
}

pub fn already_back(loc: Locale, restore: &str) -> String {
    t!(loc, "already-back", restore = restore)
}

pub fn scaling_down(loc: Locale, who: &str, restore: &str, op: OperationId) -> String {
    t!(
        loc,
        "scaling-down",
        who = who,
        restore = restore,
        op = op.to_string()
    )
}

pub fn auto_scaling_down(loc: Locale, restore: &str, op: OperationId) -> String {
    t!(
        loc,
        "auto-scaling-down",
        restore = restore,
        op = op.to_string()
    )
}

pub fn reverting(loc: Locale, restore: &str, op: OperationId) -> String {
    t!(loc, "reverting", restore = restore, op = op.to_string())
}

pub fn snoozed(loc: Locale, who: &str, for_: Duration) -> String {
    t!(loc, "snoozed", who = who, duration = duration(loc, for_))
}

pub fn kept(loc: Locale, who: &str, reason: &str) -> String {
    t!(loc, "kept", who = who, reason = reason)
}

pub fn extended(loc: Locale, who: &str, until: DateTime<Utc>) -> String {
    t!(loc, "extended", who = who, until = when(until))
}

pub fn check_failed(loc: Locale, message: &str) -> String {
    t!(loc, "check-failed", message = message)
}

/// Escalation instead of an automatic scale-down: some pipes need a person's look first.
pub fn attention_no_auto(loc: Locale, role: Option<&str>, pipes: &[(String, String)]) -> String {
    format!(
        "{}{}",
        mention(role),
        t!(
            loc,
            "attention-no-auto",
            pipes = pipes_in_states(loc, pipes)
        )
    )
}

/// What a reminder post says once its buttons are gone, by why they went.
pub fn reminder_closed(loc: Locale, closing: Closing) -> String {
    match closing {
        Closing::Answered => t!(loc, "reminder-answered"),
        Closing::Replaced => t!(loc, "reminder-replaced"),
        Closing::Automatic => t!(loc, "reminder-automatic"),
    }
}

/// Why a reminder post lost its buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// Somebody answered it.
    Answered,
    /// A newer post (a repeat or an escalation) took its place.
    Replaced,
    /// The bot settled it on its own: automatic scale-down or revert, a resync, or the
    /// service was back already. Nobody answered, so it must not say so.
    Automatic,
}

/// The key's budget, not the API, spaces a watch's reads: say so, and by how much.
pub fn budget_slower(
    loc: Locale,
    watched: usize,
    budget: crate::cloud::RateLimit,
    round: Duration,
) -> String {
    t!(
        loc,
        "budget-slower",
        watched = watched,
        requests = budget.requests,
        window = duration(loc, budget.per),
        round = duration(loc, round)
    )
}
