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

pub async fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let since = parse_since(&args.since, Utc::now())?;
    let store = args.database.connect().await?;
    let entries = store
        .audit_since(since, args.service.as_deref(), LIMIT)
        .await?;
    store.close().await;
    let mut out = std::io::stdout().lock();
    if args.json {
        for e in &entries {
            serde_json::to_writer(&mut out, e)?;
            writeln!(out)?;
        }
    } else {
        writeln!(out, "{}", table(&entries))?;
    }
    Ok(ExitCode::SUCCESS)
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
