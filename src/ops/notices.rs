//! The sentences of follow-ups: resumed operations, scale-down reminders, timed reverts.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{engine::Phase, surface::Actor, text::duration};
use crate::scaling::Target;

/// The bot itself, as the actor of automatic steps in the audit log.
pub fn system_actor() -> Actor {
    Actor {
        id: "clickscale".into(),
        name: "clickscale".into(),
        roles: Vec::new(),
    }
}

pub fn resumed(phase: Phase) -> String {
    let doing = match phase {
        Phase::Starting | Phase::AwaitingConfirmation => "waiting for the confirmation",
        Phase::Applying => {
            "sending the change again (it sets absolute values, so repeating it is safe)"
        }
        Phase::Watching | Phase::Settled => "watching for the new configuration",
    };
    format!("↻ clickscale restarted; picking this up again: {doing}.")
}

/// A target as people read it.
pub fn describe_target(target: &Target) -> String {
    match target {
        Target::Cdc(c) => format!("{} cores / {} GB", c.cores(), c.replica_memory_gb),
        Target::Service(p) => {
            let mut parts = Vec::new();
            if let Some(n) = p.num_replicas {
                parts.push(format!("{n} replica{}", if n == 1 { "" } else { "s" }));
            }
            match (p.min_replica_memory_gb, p.max_replica_memory_gb) {
                (Some(a), Some(b)) => parts.push(format!("{a}–{b} GB per replica")),
                (Some(a), None) => parts.push(format!("at least {a} GB per replica")),
                (None, Some(b)) => parts.push(format!("at most {b} GB per replica")),
                (None, None) => {}
            }
            match (p.idle_scaling, p.idle_timeout_minutes) {
                (Some(true), Some(t)) => parts.push(format!("idling on, {t} min timeout")),
                (Some(true), None) => parts.push("idling on".into()),
                (Some(false), _) => parts.push("idling off".into()),
                (None, Some(t)) => parts.push(format!("{t} min idle timeout")),
                (None, None) => {}
            }
            parts.join(", ")
        }
    }
}

pub fn kept_on_request(reason: &str) -> String {
    format!("Kept on purpose (`revert:never`): “{reason}”. No scale-down reminder; the reason is in the audit log.")
}

pub fn followup_failed() -> String {
    "⚠️ I could not schedule the scale-down reminder (database unavailable). Please scale down by hand when done.".into()
}

pub fn after_snapshot_scheduled(service: &str, restore: &str, every: Duration) -> String {
    format!(
        "After the snapshot: I check the DB ClickPipes of `{service}` every {} and will ask on-call to scale back to {restore} once none is in Provisioning, Setup, Snapshot or Resync.",
        duration(every)
    )
}

pub fn timed_scheduled(restore: &str, until: DateTime<Utc>, warning: Duration) -> String {
    format!(
        "Timed change: I will restore {restore} at {} (warning {} before).",
        until.format("%Y-%m-%d %H:%M UTC"),
        duration(warning)
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
    pub pipes: &'a [(String, String)],
}

pub fn snapshot_done(role: Option<&str>, again: bool, d: &SnapshotDone<'_>) -> String {
    let pipes = if d.pipes.is_empty() {
        "no DB ClickPipes".to_owned()
    } else {
        d.pipes
            .iter()
            .map(|(name, state)| format!("`{name}` ({state})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{}{}The initial load on `{}` has finished: {pipes}. CDC is still scaled up to {} (for {}; it was {}). Scale down now, snooze, or keep it with a reason.",
        mention(role),
        if again { "Reminder: " } else { "" },
        d.service,
        d.current,
        duration(d.scaled_for),
        d.restore,
    )
}

pub fn escalation(role: Option<&str>, waited: Duration, reminder: &str) -> String {
    format!(
        "{}Escalation: nobody answered for {}. {reminder}",
        mention(role),
        duration(waited)
    )
}

pub fn escalation_elsewhere(service: &str, thread: &str) -> String {
    format!("Escalation: CDC on `{service}` is still scaled up after its initial load and nobody answered. See <#{thread}>.")
}

pub fn timed_warning(role: Option<&str>, service: &str, restore: &str, in_: Duration) -> String {
    format!(
        "{}The timed change on `{service}` ends in {}: then I restore {restore}. Extend it by 1h, or revert now.",
        mention(role),
        duration(in_)
    )
}

pub fn still_loading(pipes: &[(String, String)]) -> String {
    let list = pipes
        .iter()
        .map(|(n, s)| format!("`{n}` is in {s}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("Not scaling down: {list}. I will ask again once the load has finished.")
}

pub fn already_back(current: &str) -> String {
    format!("CDC is already back at {current}; nothing left to scale down. Closing this reminder.")
}

pub fn scaling_down(who: &str, restore: &str, op: super::OperationId) -> String {
    format!("{who} asked to scale back to {restore}: operation {op} has its own thread.")
}

pub fn auto_scaling_down(restore: &str, op: super::OperationId) -> String {
    format!(
        "Nobody answered: scaling back to {restore} automatically, as configured (operation {op})."
    )
}

pub fn reverting(restore: &str, op: super::OperationId) -> String {
    format!("Time is up: restoring {restore} (operation {op}).")
}

pub fn snoozed(who: &str, for_: Duration) -> String {
    format!(
        "Snoozed for {} by {who}. I will check again then.",
        duration(for_)
    )
}

pub fn kept(who: &str, reason: &str) -> String {
    format!("{who} keeps the current configuration: “{reason}”. No more reminders for this change.")
}

pub fn extended(who: &str, until: DateTime<Utc>) -> String {
    format!(
        "Extended by 1h by {who}: now restoring at {}.",
        until.format("%Y-%m-%d %H:%M UTC")
    )
}

pub fn answered(text: &str) -> String {
    format!("{text} (answered)")
}

pub fn check_failed(message: &str) -> String {
    format!("Checking the ClickPipes failed: {message} I will try again.")
}
