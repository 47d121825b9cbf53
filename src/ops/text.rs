//! Every sentence the engine writes into chat, in one place, so wording stays consistent. The
//! words themselves come from the Fluent files (see [`crate::i18n`]); functions that take a
//! [`Prepared`] speak the language of its origin, the others take a [`Locale`].

use std::time::Duration;

use super::{
    engine::Outcome,
    request::{CommandKind, OperationId, Prepared},
};
use crate::{
    cloud::model::Service,
    i18n::Locale,
    scaling::{Current, Plan, Risk},
    t,
};

/// `4m 05s`, `42s`, `1h 03m` (`4 мин 05 с`, `4 分 05 秒`): short and stable for chat.
pub fn duration(loc: Locale, d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => t!(loc, "duration-seconds", s = s.to_string()),
        60..=3599 => t!(
            loc,
            "duration-minutes",
            m = (s / 60).to_string(),
            ss = format!("{:02}", s % 60)
        ),
        _ => t!(
            loc,
            "duration-hours",
            h = (s / 3600).to_string(),
            mm = format!("{:02}", (s % 3600) / 60)
        ),
    }
}

/// The values a command is about, as the API reports them.
pub fn describe(loc: Locale, kind: CommandKind, current: &Current) -> String {
    match current {
        Current::Cdc(c) => crate::scaling::Value::cdc(c).render(loc),
        Current::Service(s) => describe_service(loc, kind, s),
    }
}

fn describe_service(loc: Locale, kind: CommandKind, s: &Service) -> String {
    let state = s
        .state
        .as_ref()
        .map(|st| t!(loc, "describe-state", state = st.to_string()))
        .unwrap_or_default();
    match kind {
        // What a schedule change is about is the schedule, as the service reports it.
        CommandKind::ScalingSchedule => match s.scaling_schedule.as_ref() {
            Some(sch) if !sch.entries.is_empty() => {
                let entries: Vec<String> = sch
                    .entries
                    .iter()
                    .map(|e| crate::scaling::schedule::render_reported(loc, e))
                    .collect();
                entries.join("; ")
            }
            _ => t!(loc, "schedule-none-short"),
        },
        CommandKind::Idle => match (s.idle_scaling, s.idle_timeout_minutes) {
            (Some(true), Some(m)) => t!(
                loc,
                "describe-idle-on-timeout",
                minutes = m.to_string(),
                state = state
            ),
            (Some(true), None) => t!(loc, "describe-idle-on", state = state),
            _ => t!(loc, "describe-idle-off", state = state),
        },
        _ => {
            // A horizontal-mode service has a replica range, not a count: report what that
            // mode uses, so a confirmed range reads as the range.
            let horizontal = s.autoscaling_mode == crate::cloud::model::AutoscalingMode::Horizontal;
            let replicas = match (horizontal, s.min_replicas, s.max_replicas) {
                (true, Some(min), Some(max)) => crate::scaling::Value::ReplicaRange {
                    min: Some(min),
                    max: Some(max),
                }
                .render(loc),
                _ => s
                    .num_replicas
                    .map(|n| t!(loc, "describe-replicas", count = n))
                    .unwrap_or_else(|| t!(loc, "describe-replicas-unknown")),
            };
            let memory = match (s.min_replica_memory_gb, s.max_replica_memory_gb) {
                (Some(a), Some(b)) => t!(
                    loc,
                    "describe-memory",
                    min = a.to_string(),
                    max = b.to_string()
                ),
                _ => String::new(),
            };
            format!("{replicas}{memory}{state}")
        }
    }
}

/// Text from the API (names, ids, unknown states) as it may appear in chat: without control
/// characters, backticks (which would end an inline code span) or `@` (mentions), at most
/// `max` characters.
pub fn code_safe(text: &str, max: usize) -> String {
    text.chars()
        .filter(|c| !c.is_control() && *c != '`' && *c != '@')
        .take(max)
        .collect()
}

/// Why a change needs a second look, for the summary and the confirmation prompt.
pub fn risk(loc: Locale, risk: &Risk) -> String {
    risk.render(loc)
}

/// [`Plan::summary`] in `loc`.
pub fn summary(loc: Locale, plan: &Plan) -> String {
    plan.summary(loc)
}

/// `text` in at most `max` characters: cut at the last word boundary that fits, marked with
/// an ellipsis, so no word is shown half (a single word longer than half the room is cut
/// inside, rather than leaving almost nothing).
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let room: String = text.chars().take(max.saturating_sub(1)).collect();
    let next_is_space = text
        .chars()
        .nth(room.chars().count())
        .is_some_and(char::is_whitespace);
    let cut = if next_is_space {
        room.as_str()
    } else {
        match room.rfind(char::is_whitespace) {
            Some(at) if room[..at].chars().count() * 2 >= max => &room[..at],
            _ => room.as_str(),
        }
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';')
    )
}

pub fn thread_name(id: OperationId, p: &Prepared) -> String {
    let name = format!("{} {} {}", p.kind, p.service.name, id);
    // Discord caps thread names at 100 characters.
    name.chars().take(100).collect()
}

/// The headline of the status message; `stage` says where the operation is.
pub fn status(id: OperationId, p: &Prepared, stage: &str) -> String {
    let loc = p.origin.lang();
    t!(
        loc,
        "status",
        command = p.kind.name(),
        service = p.service.name.as_str(),
        id = id.to_string(),
        summary = summary(loc, &p.plan),
        actor = p.actor.name.as_str(),
        stage = stage
    )
}

pub fn stage_confirm(loc: Locale) -> String {
    t!(loc, "stage-confirm")
}

pub fn stage_applying(loc: Locale) -> String {
    t!(loc, "stage-applying")
}

pub fn stage_watching(loc: Locale, window: &str) -> String {
    t!(loc, "stage-watching", window = window)
}

/// How long a change usually takes: a range (`2m 00s–6m 00s`) or an upper bound.
pub fn window_range(loc: Locale, min: Duration, max: Duration) -> String {
    format!("{}–{}", duration(loc, min), duration(loc, max))
}

pub fn window_under(loc: Locale, max: Duration) -> String {
    t!(loc, "window-under", duration = duration(loc, max))
}

pub fn stage_outcome(loc: Locale, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Confirmed { took, .. } => {
            t!(loc, "outcome-confirmed", took = duration(loc, *took))
        }
        Outcome::NoOp => t!(loc, "outcome-noop"),
        Outcome::AppliesOnWake { .. } => t!(loc, "outcome-applies-on-wake"),
        Outcome::TimedOut { .. } => t!(loc, "outcome-timed-out"),
        Outcome::Failed { .. } => t!(loc, "outcome-failed"),
        Outcome::Unknown { .. } => t!(loc, "outcome-unknown"),
        Outcome::Superseded { by } => t!(loc, "outcome-superseded", by = by.to_string()),
        Outcome::Cancelled { by: Some(a) } => {
            t!(loc, "outcome-cancelled", actor = a.name.as_str())
        }
        Outcome::Cancelled { by: None } => t!(loc, "outcome-expired"),
    }
}

pub fn noop(p: &Prepared) -> String {
    let loc = p.origin.lang();
    t!(
        loc,
        "noop",
        service = p.service.name.as_str(),
        current = describe(loc, p.kind, &p.current)
    )
}

pub fn confirm_prompt(p: &Prepared, timeout: Duration) -> String {
    let loc = p.origin.lang();
    let reasons: Vec<String> = p
        .plan
        .confirmation_reasons()
        .iter()
        .map(|r| p.plan.risk_text(r, loc))
        .collect();
    let prompt = t!(
        loc,
        "confirm-prompt",
        reasons = reasons.join("; "),
        timeout = duration(loc, timeout)
    );
    match p.plan.cost.difference() {
        Some(_) => format!("{prompt}\n{}", estimate_note(loc)),
        None => prompt,
    }
}

/// Said once per message that shows money: the amounts are estimates.
pub fn estimate_note(loc: Locale) -> String {
    t!(loc, "cost-estimate-note")
}

pub fn confirmed_by(loc: Locale, name: &str) -> String {
    t!(loc, "confirmed-by", name = name)
}

pub fn accepted(loc: Locale, request_id: Option<&str>, window: &str) -> String {
    match request_id {
        Some(r) => t!(loc, "accepted-with-id", request_id = r, window = window),
        None => t!(loc, "accepted", window = window),
    }
}

pub fn supersedes(loc: Locale, older: OperationId) -> String {
    t!(loc, "supersedes", older = older.to_string())
}

pub fn superseded(loc: Locale, by: OperationId, actor: &str) -> String {
    t!(loc, "superseded", by = by.to_string(), actor = actor)
}

pub fn progress(loc: Locale, elapsed: Duration, window: &str, deadline: Duration) -> String {
    t!(
        loc,
        "progress",
        elapsed = duration(loc, elapsed),
        window = window,
        deadline = duration(loc, deadline)
    )
}

pub fn poll_trouble(loc: Locale, message: &str) -> String {
    t!(loc, "poll-trouble", message = message)
}

pub fn confirm_buttons_missing(loc: Locale) -> String {
    t!(loc, "confirm-buttons-missing")
}

pub fn confirm_collect_failed(loc: Locale, error: &dyn std::fmt::Display) -> String {
    t!(loc, "confirm-collect-failed", error = error.to_string())
}

pub fn outcome_detail(loc: Locale, kind: CommandKind, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Confirmed { took, seen } => t!(
            loc,
            "detail-confirmed",
            seen = describe(loc, kind, seen),
            took = duration(loc, *took)
        ),
        Outcome::TimedOut { last_seen, waited } => {
            let seen = last_seen
                .as_ref()
                .map(|c| describe(loc, kind, c))
                .unwrap_or_else(|| t!(loc, "detail-nothing-seen"));
            let check = match kind {
                CommandKind::CdcScale => t!(loc, "detail-check-cdc"),
                _ => t!(loc, "detail-check-service"),
            };
            t!(
                loc,
                "detail-timed-out",
                waited = duration(loc, *waited),
                seen = seen,
                place = check
            )
        }
        Outcome::AppliesOnWake { took, seen } => t!(
            loc,
            "detail-applies-on-wake",
            seen = describe(loc, kind, seen),
            took = duration(loc, *took)
        ),
        Outcome::Failed { message } => t!(loc, "detail-failed", message = message.as_str()),
        Outcome::Unknown { waited, last_seen } => t!(
            loc,
            "detail-unknown",
            waited = duration(loc, *waited),
            seen = last_seen
                .as_ref()
                .map(|c| describe(loc, kind, c))
                .unwrap_or_else(|| t!(loc, "detail-nothing-seen")),
            place = check_place(loc, kind)
        ),
        other => stage_outcome(loc, other),
    }
}

/// Where in the Cloud console a person can see the setting themselves.
fn check_place(loc: Locale, kind: CommandKind) -> String {
    match kind {
        CommandKind::CdcScale => t!(loc, "detail-check-cdc"),
        _ => t!(loc, "detail-check-service"),
    }
}

/// The PATCH went out and no answer came back: say so, without calling it a failure.
pub fn unanswered(loc: Locale, error: &str) -> String {
    t!(loc, "unanswered", error = error)
}

pub fn unanswered_resent(loc: Locale) -> String {
    t!(loc, "unanswered-resent")
}

pub fn store_lost_before_send(loc: Locale) -> String {
    t!(loc, "store-lost-before-send")
}

/// The store stopped answering after the change may have reached the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreDown {
    /// While the watch goes on: it keeps going and posts as usual.
    Watching,
    /// At the outcome, which is posted now and recorded later.
    AtOutcome,
}

pub fn store_down_after_send(loc: Locale, when: StoreDown) -> String {
    match when {
        StoreDown::Watching => t!(loc, "store-down-after-send"),
        StoreDown::AtOutcome => t!(loc, "store-down-at-outcome"),
    }
}

pub fn store_back(loc: Locale) -> String {
    t!(loc, "store-back")
}

/// The status stage of a change waiting for its idle service.
pub fn stage_wake(loc: Locale) -> String {
    t!(loc, "stage-wake")
}

pub fn stage_waking(loc: Locale) -> String {
    t!(loc, "stage-waking")
}

/// Why the change waits, and what the button does.
pub fn wake_prompt(loc: Locale, service: &str, timeout: Duration) -> String {
    t!(
        loc,
        "wake-prompt",
        service = service,
        timeout = duration(loc, timeout)
    )
}

pub fn wake_requested(loc: Locale, name: &str) -> String {
    t!(loc, "wake-requested", name = name)
}

/// The service runs: the change goes on, planned against what the API reports now.
pub fn woke(loc: Locale, summary: &str) -> String {
    t!(loc, "woke", summary = summary)
}

/// The service did not report `running` in time; `state` is the last one seen.
pub fn wake_timed_out(
    loc: Locale,
    waited: Duration,
    state: Option<&crate::cloud::model::ServiceState>,
) -> String {
    t!(
        loc,
        "wake-timed-out",
        waited = duration(loc, waited),
        state = state.map_or_else(|| "?".to_owned(), ToString::to_string)
    )
}

/// After a baseline change is confirmed while a schedule entry is in force: the service keeps
/// running with the entry's configuration until the entry ends (`endHourUtc`).
pub fn schedule_holds(loc: Locale, seen: &Current) -> Option<String> {
    let Current::Service(s) = seen else {
        return None;
    };
    let active = s.current_scaling.active_entry_id.as_ref()?;
    let entry = s
        .scaling_schedule
        .as_ref()
        .and_then(|sch| sch.entries.iter().find(|e| &e.id == active));
    Some(t!(
        loc,
        "schedule-holds",
        entry = entry.map_or(active.as_str(), |e| e.name.as_str()),
        until = entry
            .and_then(|e| e.end_hour_utc)
            .map_or_else(|| "?".to_owned(), |h| format!("{:02}:00", h % 24))
    ))
}

#[cfg(test)]
mod shorten_tests {
    use super::shorten;

    #[test]
    fn cuts_at_a_word_boundary_with_an_ellipsis() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("backfill runs all week long", 16), "backfill runs…");
        assert_eq!(shorten("one two", 4), "one…");
        // No boundary in reach: cut inside the word rather than show nothing.
        assert_eq!(shorten("abcdefghijkl", 6), "abcde…");
        let long = "слово ".repeat(40);
        let cut = shorten(&long, 160);
        assert!(cut.chars().count() <= 160);
        assert!(cut.ends_with("слово…"), "{cut}");
    }
}
