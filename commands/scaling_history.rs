//! `/scaling-history [service] [days]`: the newest audit entries (requests, confirmations, API
//! calls, outcomes, reminders and their answers), as one private message; with `service`, a
//! PNG timeline of its last `days` (7 by default) attached ([`crate::chart`] draws it from
//! the audit entries this module reads).

use std::{fmt::Write as _, time::Duration};

use chrono::{DateTime, Utc};

use serenity::all::{CreateAllowedMentions, CreateAttachment, EditInteractionResponse};

use crate::{
    chart::{self, Png, Timeline},
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
    #[description = "Days the chart of the service covers (1-31, default 7)"]
    #[min = 1]
    #[max = 31]
    days: Option<i64>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let loc = locale(ctx);
    let period = match chart_days(loc, service.as_deref(), days) {
        Ok(period) => period,
        Err(refusal) => {
            reply_ephemeral(ctx, &refusal).await?;
            return Ok(());
        }
    };
    let text = match render(&ctx.data().engine, service.as_deref(), loc).await {
        Ok(text) | Err(text) => text,
    };
    let (Some(service), Some(days)) = (service, period) else {
        reply_ephemeral(ctx, &text).await?;
        return Ok(());
    };
    match chart(&ctx.data().engine, &service, days, loc).await {
        Ok(chart) => reply_with_chart(ctx, &text, chart).await?,
        // Said, not swallowed: the text history still comes, with the reason there is no chart.
        Err(why) => reply_ephemeral(ctx, &format!("{text}\n{why}")).await?,
    }
    Ok(())
}

/// The private answer (after the deferral) with the chart attached: Discord receives it as a
/// multipart upload (`payload_json` and `files[0]`). When Discord refuses the upload, the
/// text still comes, saying that the chart could not be sent.
async fn reply_with_chart(ctx: Context<'_>, text: &str, chart: HistoryChart) -> Result<(), Error> {
    let poise::Context::Application(actx) = ctx else {
        // Only slash commands are registered.
        reply_ephemeral(ctx, text).await?;
        return Ok(());
    };
    let size = chart.png.0.len();
    let reply = EditInteractionResponse::new()
        .content(text)
        .allowed_mentions(CreateAllowedMentions::new())
        .new_attachment(CreateAttachment::bytes(chart.png.0, chart.file_name));
    let http = &actx.serenity_context().http;
    if let Err(e) = actx.interaction.edit_response(http, reply).await {
        tracing::warn!(error = %e, bytes = size, "Discord refused the chart upload");
        let loc = locale(ctx);
        let said = format!("{text}\n{}", t!(loc, "chart-not-sent"));
        reply_ephemeral(ctx, &said).await?;
    }
    Ok(())
}

/// The chart's period when not given, and the longest one.
pub const DAYS_DEFAULT: u32 = 7;
pub const DAYS_MAX: u32 = 31;

/// The most audit entries one chart draws (the newest of the period); far above what a
/// month of scaling writes, and it renders in well under a second (`benches/chart.rs`).
pub const CHART_ENTRIES_MAX: u32 = 100_000;

/// How many days the chart covers: `None` when there is no chart (no `service`); `Err` is a
/// refusal to show instead, before anything is read.
pub fn chart_days(
    loc: Locale,
    service: Option<&str>,
    days: Option<i64>,
) -> Result<Option<u32>, String> {
    match (service, days) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(t!(loc, "chart-days-needs-service")),
        (Some(_), None) => Ok(Some(DAYS_DEFAULT)),
        (Some(_), Some(d)) => match u32::try_from(d) {
            Ok(d) if (1..=DAYS_MAX).contains(&d) => Ok(Some(d)),
            _ => Err(t!(loc, "chart-days-out-of-range", days = d, max = DAYS_MAX)),
        },
    }
}

/// A rendered chart and the file name it travels under.
#[derive(Debug, Clone)]
pub struct HistoryChart {
    pub png: Png,
    /// `scaling-history-<service>-<UTC time>.png`, safe as a file name anywhere.
    pub file_name: String,
}

/// The chart of `service` over the last `days`, from the audit log; `Err` is what to say
/// instead.
pub async fn chart(
    engine: &Engine,
    service: &str,
    days: u32,
    loc: Locale,
) -> Result<HistoryChart, String> {
    let filter = engine
        .config()
        .service_alias(service)
        .map_or_else(|| service.trim().to_owned(), |a| a.id.clone());
    let to = Utc::now();
    let from = to - chrono::Duration::days(i64::from(days));
    let entries = engine
        .store()
        .audit_newest_since(from, Some(&filter), CHART_ENTRIES_MAX)
        .await
        .map_err(|e| {
            tracing::error!(error = format!("{e:#}"), "reading the audit log failed");
            t!(loc, "history-unavailable")
        })?;
    // The name the audit log has for it (an alias or id typed in chat is not a name).
    let name = entries
        .iter()
        .rev()
        .find_map(|r| r.entry.service_name.clone())
        .unwrap_or_else(|| service.trim().to_owned());
    let mut timeline = Timeline::from_audit(&name, from, to, &entries);
    timeline.truncated = entries.len() >= CHART_ENTRIES_MAX as usize;
    // The shaded periods carry the cost model's extra cost, as the text history does.
    let costed = episodes::episodes(
        &entries,
        &engine.settings().rates,
        to,
        &engine.config().oncall.clock,
    );
    timeline.price_episodes(loc, &costed);
    let png = chart::render(&timeline, loc).map_err(|e| {
        tracing::error!(error = %e, "drawing the history chart failed");
        t!(loc, "chart-failed")
    })?;
    Ok(HistoryChart {
        png,
        file_name: format!(
            "scaling-history-{}-{}.png",
            file_safe(&name),
            to.format("%Y%m%dT%H%M%SZ")
        ),
    })
}

/// `name` with everything but ASCII letters, digits, `-` and `_` replaced by `_`, at most 60
/// characters: a service name is untrusted and becomes part of a path.
fn file_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .take(60)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "service".to_owned()
    } else {
        safe
    }
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
