//! Every sentence the engine writes into chat, in one place, so wording stays consistent and
//! can be localized without touching the flow.

use std::time::Duration;

use super::{
    engine::Outcome,
    request::{CommandKind, OperationId, Prepared},
};
use crate::{cloud::model::Service, scaling::Current};

/// `4m 05s`, `42s`, `1h 03m`: short and stable for chat.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// The values a command is about, as the API reports them.
pub fn describe(kind: CommandKind, current: &Current) -> String {
    match current {
        Current::Cdc(c) => format!("{} cores / {} GB", c.cores(), c.replica_memory_gb),
        Current::Service(s) => describe_service(kind, s),
    }
}

fn describe_service(kind: CommandKind, s: &Service) -> String {
    let state = s
        .state
        .as_ref()
        .map(|st| format!(", state {st}"))
        .unwrap_or_default();
    match kind {
        CommandKind::Idle => match (s.idle_scaling, s.idle_timeout_minutes) {
            (Some(true), Some(t)) => format!("idling on, {t} min timeout{state}"),
            (Some(true), None) => format!("idling on{state}"),
            _ => format!("idling off{state}"),
        },
        _ => {
            let replicas = s
                .num_replicas
                .map(|n| format!("{n} replica{}", if n == 1 { "" } else { "s" }))
                .unwrap_or_else(|| "replicas unknown".into());
            let memory = match (s.min_replica_memory_gb, s.max_replica_memory_gb) {
                (Some(a), Some(b)) => format!(", {a}–{b} GB per replica"),
                _ => String::new(),
            };
            format!("{replicas}{memory}{state}")
        }
    }
}

pub fn thread_name(id: OperationId, p: &Prepared) -> String {
    let name = format!("{} {} {}", p.kind, p.service.name, id);
    // Discord caps thread names at 100 characters.
    name.chars().take(100).collect()
}

/// The headline of the status message; `stage` says where the operation is.
pub fn status(id: OperationId, p: &Prepared, stage: &str) -> String {
    format!(
        "**/{}** `{}` {}: {}\nRequested by {}. {}",
        p.kind,
        p.service.name,
        id,
        p.plan.summary(),
        p.actor.name,
        stage
    )
}

pub const STAGE_CONFIRM: &str = "Waiting for confirmation.";
pub const STAGE_APPLYING: &str = "Sending the change to ClickHouse Cloud…";

pub fn stage_watching(window: &str) -> String {
    format!("Accepted; waiting for the API to report the new configuration (usually {window}).")
}

pub fn stage_outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Confirmed { took, .. } => format!("✅ Confirmed after {}.", duration(*took)),
        Outcome::NoOp => "Nothing to change.".into(),
        Outcome::TimedOut { .. } => "⚠️ Not confirmed before the deadline.".into(),
        Outcome::Failed { .. } => "❌ Failed.".into(),
        Outcome::Superseded { by } => format!("Superseded by {by}."),
        Outcome::Cancelled { by: Some(a) } => format!("Cancelled by {}.", a.name),
        Outcome::Cancelled { by: None } => {
            "Expired: nobody confirmed in time. Nothing was sent.".into()
        }
    }
}

pub fn noop(p: &Prepared) -> String {
    format!(
        "`{}` already has {}. Nothing was sent.",
        p.service.name,
        describe(p.kind, &p.current)
    )
}

pub fn confirm_prompt(p: &Prepared, timeout: Duration) -> String {
    let reasons: Vec<String> = p
        .plan
        .confirmation_reasons()
        .iter()
        .map(|r| r.to_string())
        .collect();
    format!(
        "This change needs a confirmation ({}). Press **Confirm** or **Cancel** within {}.",
        reasons.join("; "),
        duration(timeout)
    )
}

pub fn confirmed_by(name: &str) -> String {
    format!("Confirmed by {name}.")
}

pub fn accepted(request_id: Option<&str>, window: &str) -> String {
    match request_id {
        Some(r) => format!("The API accepted the change (request id `{r}`). Usually takes {window}; I will post here when it shows."),
        None => format!("The API accepted the change. Usually takes {window}; I will post here when it shows."),
    }
}

pub fn supersedes(older: OperationId) -> String {
    format!("This request supersedes {older}; the API converges on the latest target.")
}

pub fn superseded(by: OperationId, actor: &str) -> String {
    format!("Superseded by {by} (requested by {actor}); the API converges on that newer target, so this thread stops here.")
}

pub fn progress(elapsed: Duration, window: &str, deadline: Duration) -> String {
    format!(
        "Still waiting after {} (usual: {window}). I keep checking until {} have passed.",
        duration(elapsed),
        duration(deadline)
    )
}

pub fn poll_trouble(message: &str) -> String {
    format!("Checking the service failed: {message} I keep trying.")
}

pub fn outcome_detail(kind: CommandKind, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Confirmed { took, seen } => format!(
            "✅ Confirmed: the API now reports {} ({} after the request).",
            describe(kind, seen),
            duration(*took)
        ),
        Outcome::TimedOut { last_seen, waited } => {
            let seen = last_seen
                .as_ref()
                .map(|c| describe(kind, c))
                .unwrap_or_else(|| "nothing (no successful read)".into());
            let check = match kind {
                CommandKind::CdcScale => "the ClickPipes page of the service in the Cloud console",
                _ => "the service's Settings > Scaling page in the Cloud console",
            };
            format!(
                "⚠️ Not confirmed after {}. Last seen: {seen}. The change may still be in progress: check {check}, or run `/scaling-status`.",
                duration(*waited)
            )
        }
        Outcome::Failed { message } => format!("❌ {message}"),
        other => stage_outcome(other),
    }
}
