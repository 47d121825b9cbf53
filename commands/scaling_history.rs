//! `/scaling-history [service]`: the newest audit entries (requests, confirmations, API calls,
//! outcomes, reminders and their answers), as one private message.

use std::{fmt::Write as _, time::Duration};

use chrono::{DateTime, Utc};

use crate::{
    discord::{
        errors::{locale, reply_ephemeral},
        Context, Error,
    },
    i18n::Locale,
    ops::{episodes, text, Engine},
    scaling::{self, Current, RiskPolicy, Target},
    store::{AuditAction, AuditRecord},
    t,
};

/// How many entries the history shows; Discord messages stop at 2000 characters.
const SHOWN: usize = 15;
/// How many scale-up episodes it shows under the entries.
const EPISODES_SHOWN: usize = 5;

/// Show recent scaling requests, outcomes, reminders and acknowledgements
#[poise::command(slash_command, rename = "scaling-history", guild_only)]
pub async fn scaling_history(
    ctx: Context<'_>,
    #[description = "Only this service (alias, name or id)"]
    #[autocomplete = "super::autocomplete_service"]
    service: Option<String>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let reply = match render(&ctx.data().engine, service.as_deref(), locale(ctx)).await {
        Ok(text) | Err(text) => text,
    };
    reply_ephemeral(ctx, &reply).await?;
    Ok(())
}

/// The history as text; `Err` is a refusal to show instead.
pub async fn render(engine: &Engine, service: Option<&str>, loc: Locale) -> Result<String, String> {
    // A configured alias filters by its service id, which the audit keeps.
    let filter = service.map(|s| {
        engine
            .config()
            .service_alias(s)
            .map_or_else(|| s.trim().to_owned(), |a| a.id.clone())
    });
    let entries = engine
        .store()
        .recent_audit(filter.as_deref(), SHOWN as u32)
        .await
        .map_err(|e| {
            tracing::error!(error = format!("{e:#}"), "reading the audit log failed");
            t!(loc, "history-unavailable")
        })?;
    let scope = service.map_or_else(|| t!(loc, "history-all"), |s| format!("`{s}`"));
    if entries.is_empty() {
        return Ok(t!(loc, "history-empty", scope = scope));
    }
    let mut out = t!(loc, "history-title", scope = scope);
    out.push('\n');
    for e in &entries {
        let _ = writeln!(out, "{}", line(loc, e));
    }
    // Each scale-up with how long it ran and what it cost beyond the previous size; the
    // newest few, so the reply stays under Discord's 2000 characters.
    let scale_ups = episodes::recent(engine, filter.as_deref())
        .await
        .unwrap_or_default();
    if !scale_ups.is_empty() {
        let _ = writeln!(out, "{}", t!(loc, "episodes-title"));
        for ep in scale_ups.iter().rev().take(EPISODES_SHOWN).rev() {
            let _ = writeln!(out, "• {}", episodes::describe(loc, ep));
        }
        let _ = writeln!(out, "{}", text::estimate_note(loc));
    }
    Ok(out.trim_end().to_owned())
}

/// The entry's detail in `loc`. The stored `detail` is the audit log's English (it is written
/// for operators, and rows written before now have nothing else); what the entry keeps typed
/// (the values before and after, the outcome label, a snooze length, a deadline) is rendered
/// again in the reader's language.
fn detail_in(loc: Locale, r: &AuditRecord) -> Option<String> {
    let e = &r.entry;
    let stored = e.detail.as_deref();
    let localized = match e.action {
        AuditAction::Requested => requested_change(loc, r),
        AuditAction::Outcome => stored.and_then(|label| outcome(loc, label)),
        AuditAction::Snoozed => stored
            .and_then(english_duration)
            .map(|d| text::duration(loc, d)),
        AuditAction::Extended => stored
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| {
                t.with_timezone(&Utc)
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string()
            }),
        AuditAction::Acknowledged if stored == Some(AUTO_SCALE_DOWN) => {
            Some(t!(loc, "history-auto-scale-down"))
        }
        _ => None,
    };
    localized.or_else(|| stored.map(str::to_owned))
}

/// The detail src/ops/reminders.rs writes for the automatic scale-down after an escalation.
const AUTO_SCALE_DOWN: &str = "automatic scale-down after escalation";

/// A request's change, made again from the values before and after.
fn requested_change(loc: Locale, r: &AuditRecord) -> Option<String> {
    let e = &r.entry;
    let before: Current = serde_json::from_value(e.before.clone()?).ok()?;
    let after: Target = serde_json::from_value(e.after.clone()?).ok()?;
    let plan = scaling::plan(&before, &after, &RiskPolicy::default());
    (!plan.is_noop()).then(|| plan.changes_text(loc))
}

/// An outcome label (`Outcome::label`) as a word.
fn outcome(loc: Locale, label: &str) -> Option<String> {
    let id = match label {
        "confirmed" => "history-outcome-confirmed",
        "noop" => "history-outcome-noop",
        "timed_out" => "history-outcome-timed-out",
        "failed" => "history-outcome-failed",
        "superseded" => "history-outcome-superseded",
        "cancelled" => "history-outcome-cancelled",
        "expired" => "history-outcome-expired",
        _ => return None,
    };
    Some(t!(loc, id))
}

/// `42s`, `4m 05s`, `1h 03m` as the audit log writes durations (`text::duration` in English).
fn english_duration(text: &str) -> Option<Duration> {
    let mut secs = 0u64;
    for part in text.split_whitespace() {
        let (n, unit) = part.split_at(part.find(|c: char| !c.is_ascii_digit())?);
        let n: u64 = n.parse().ok()?;
        secs += n * match unit {
            "h" => 3600,
            "m" => 60,
            "s" => 1,
            _ => return None,
        };
    }
    Some(Duration::from_secs(secs))
}

fn line(loc: Locale, r: &AuditRecord) -> String {
    let e = &r.entry;
    let when = if Utc::now().date_naive() == e.at.date_naive() {
        e.at.format("%H:%M").to_string()
    } else {
        e.at.format("%Y-%m-%d %H:%M").to_string()
    };
    let op = e.operation.map(|o| format!(" {o}")).unwrap_or_default();
    let service = e
        .service_name
        .as_deref()
        .map(|s| format!(" `{s}`"))
        .unwrap_or_default();
    let request = e
        .request_id
        .as_deref()
        .map(|r| t!(loc, "history-request", id = r))
        .unwrap_or_default();
    let detail = text::shorten(
        &detail_in(loc, r)
            .map(|d| format!(": {}", d.replace('\n', " ")))
            .unwrap_or_default(),
        160,
    );
    t!(
        loc,
        "history-line",
        when = when,
        op = op,
        service = service,
        action = t!(loc, &format!("action-{}", e.action.as_str())),
        actor = e.actor_name.as_str(),
        request = request,
        detail = detail
    )
}
