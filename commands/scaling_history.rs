//! `/scaling-history [service]`: the newest audit entries (requests, confirmations, API calls,
//! outcomes, reminders and their answers), as one private message.

use std::fmt::Write as _;

use chrono::Utc;

use crate::{
    discord::{
        errors::{locale, reply_ephemeral},
        Context, Error,
    },
    i18n::Locale,
    ops::Engine,
    store::AuditRecord,
    t,
};

/// How many entries the history shows; Discord messages stop at 2000 characters.
const SHOWN: usize = 15;

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
    Ok(out.trim_end().to_owned())
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
    let detail: String = e
        .detail
        .as_deref()
        .map(|d| format!(": {}", d.replace('\n', " ")))
        .unwrap_or_default()
        .chars()
        .take(160)
        .collect();
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
