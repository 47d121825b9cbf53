//! `clickscale audit --since 7d [--service NAME] [--json]`: export the audit log.

use std::{io::Write as _, process::ExitCode};

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use crate::{
    console::output::terminal_safe,
    store::{AuditRecord, DatabaseArgs},
};

/// Most entries one export returns.
const LIMIT: u32 = 100_000;

#[derive(Debug, Clone, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Entries from this long ago (`24h`, `7d`) or since this time (RFC 3339, e.g.
    /// `2026-11-01T00:00:00Z`).
    #[arg(long, value_name = "WHEN", default_value = "7d")]
    pub since: String,
    /// Only entries about this service (id or name).
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `--since` as a time: a duration back from `now`, or an RFC 3339 time.
pub fn parse_since(text: &str, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let span = humantime::parse_duration(text).map_err(|_| {
        anyhow::anyhow!(
            "--since takes a duration back from now (`24h`, `7d`) or an RFC 3339 time (`2026-11-01T00:00:00Z`); got `{text}`"
        )
    })?;
    let span = chrono::Duration::from_std(span).context("--since is too far back")?;
    now.checked_sub_signed(span)
        .context("--since is too far back")
}

/// The SQLite file `url` names, unless it is in memory.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    use std::str::FromStr as _;
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    Some(options.get_filename().to_path_buf())
}

/// `rates` and `clock` price the scale-up episodes listed after the entries.
pub async fn run(
    args: AuditArgs,
    rates: &crate::scaling::Rates,
    clock: &crate::scaling::FollowUpClock,
) -> anyhow::Result<ExitCode> {
    let since = parse_since(&args.since, Utc::now())?;
    // Reading must not create an empty database (and then report that it is empty).
    if let Some(path) = sqlite_file(&args.database.url) {
        anyhow::ensure!(
            path.exists(),
            "there is no SQLite database at {}: check --database-url (or CLICKSCALE_DATABASE_URL); `clickscale run` and `clickscale console` create it",
            path.display()
        );
    }
    // Reads only: the busy timeout does not matter here.
    let store = args.database.connect(&Default::default()).await?;
    let entries = store
        .audit_since(since, args.service.as_deref(), LIMIT)
        .await?;
    if let (Some(service), true) = (&args.service, entries.is_empty()) {
        // Nothing in the period: say so only if the service is known at all.
        let ever = store
            .audit_since(DateTime::<Utc>::UNIX_EPOCH, None, LIMIT)
            .await?;
        store.close().await;
        let known = known_services(&ever);
        // The same match as the store's filter: exact id or name.
        let mentioned = ever.iter().any(|r| {
            r.entry.service_name.as_deref() == Some(service.as_str())
                || r.entry.service_id.as_deref() == Some(service.as_str())
        });
        if !mentioned {
            let list = if known.is_empty() {
                "it has no entries about any service yet".to_owned()
            } else {
                format!("services in it: {}", known.join(", "))
            };
            // Without API access this cannot tell a typo from a service never changed here.
            anyhow::bail!(
                "no audit entry, in any period, is about a service `{}` (by id or name): no such service, or it was never changed through clickscale; {}",
                terminal_safe(service),
                terminal_safe(&list)
            );
        }
    } else {
        store.close().await;
    }
    // Episodes of the period: scale-ups confirmed in it (and how they ended, if they did).
    let episodes = crate::ops::episodes::episodes(&entries, rates, Utc::now(), clock);
    let mut out = std::io::stdout().lock();
    if args.json {
        for e in &entries {
            serde_json::to_writer(&mut out, e)?;
            writeln!(out)?;
        }
        // One `{"episode": …}` line per scale-up after the entries.
        for ep in &episodes {
            serde_json::to_writer(&mut out, &serde_json::json!({ "episode": ep }))?;
            writeln!(out)?;
        }
    } else {
        writeln!(out, "{}", table(&entries))?;
        if !episodes.is_empty() {
            let en = crate::i18n::Locale::EnUs;
            writeln!(out, "\n{}", crate::t!(en, "episodes-title"))?;
            for ep in &episodes {
                writeln!(
                    out,
                    "  {}",
                    terminal_safe(&crate::ops::episodes::describe(en, ep))
                )?;
            }
            writeln!(out, "{}", crate::ops::text::estimate_note(en))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Service names the log mentions, sorted.
fn known_services(entries: &[AuditRecord]) -> Vec<String> {
    let names: std::collections::BTreeSet<String> = entries
        .iter()
        .filter_map(|r| r.entry.service_name.clone())
        .collect();
    names.into_iter().collect()
}

fn table(entries: &[AuditRecord]) -> String {
    if entries.is_empty() {
        return "No audit entries in that period.".into();
    }
    let mut out = String::from("time (UTC)           action        operation  service              actor                request id / detail");
    for r in entries {
        let e = &r.entry;
        let detail = e
            .request_id
            .clone()
            .or_else(|| e.detail.clone())
            .unwrap_or_default()
            .replace('\n', " ");
        // Reasons, names and API details are untrusted: never raw to whoever reads the table.
        let safe = |s: &str| terminal_safe(s).into_owned();
        out.push_str(&format!(
            "\n{}  {:<12}  {:<9}  {:<19}  {:<19}  {}",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.action.as_str(),
            e.operation.map(|o| o.to_string()).unwrap_or_default(),
            safe(e.service_name.as_deref().unwrap_or_default()),
            safe(&e.actor_name),
            safe(&detail)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn since_takes_durations_and_times() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        assert_eq!(
            parse_since("7d", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 16, 12, 0, 0).unwrap()
        );
        assert_eq!(
            parse_since("2026-11-01T00:00:00Z", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
        );
        let err = parse_since("last week", now).unwrap_err().to_string();
        assert!(err.contains("7d") && err.contains("last week"), "{err}");
    }
}
