//! `/scaling-history [service]`: the newest audit entries (requests, confirmations, API calls,
//! outcomes, reminders and their answers), as one private message.

use std::fmt::Write as _;

use chrono::Utc;

use crate::{
    discord::{errors::reply_ephemeral, Context, Error},
    ops::Engine,
    store::AuditRecord,
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
    let reply = match render(&ctx.data().engine, service.as_deref()).await {
        Ok(text) | Err(text) => text,
    };
    reply_ephemeral(ctx, &reply).await?;
    Ok(())
}

/// The history as text; `Err` is a refusal to show instead.
pub async fn render(engine: &Engine, service: Option<&str>) -> Result<String, String> {
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
            "The history is unavailable right now (database error); try again in a minute."
                .to_owned()
        })?;
    let scope = service.map_or_else(|| "all services".to_owned(), |s| format!("`{s}`"));
    if entries.is_empty() {
        return Ok(format!("No scaling history for {scope} yet."));
    }
    let mut out = format!("**Scaling history** for {scope} (newest first, times UTC):\n");
    for e in &entries {
        let _ = writeln!(out, "{}", line(e));
    }
    Ok(out.trim_end().to_owned())
}

fn line(r: &AuditRecord) -> String {
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
        .map(|r| format!(" (request id `{r}`)"))
        .unwrap_or_default();
    let detail: String = e
        .detail
        .as_deref()
        .map(|d| format!(": {}", d.replace('\n', " ")))
        .unwrap_or_default()
        .chars()
        .take(160)
        .collect();
    format!(
        "`{when}`{op}{service} {} by {}{request}{detail}",
        e.action.as_str().replace('_', " "),
        e.actor_name
    )
}
