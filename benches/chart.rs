//! History chart: the time to build a [`Timeline`] from N audit entries of one service over
//! 7 days and render it to PNG (the work `/scaling-history service` does after its store
//! read), for 1,000, 10,000 and 100,000 entries (the most one chart reads), in each language.
//!
//! `cargo bench --bench chart`

use std::time::{Duration, Instant};

use chrono::{Duration as Span, TimeZone, Utc};
use clickscale::{
    chart::{self, Timeline},
    i18n::Locale,
    scaling::Current,
    store::{AuditAction, AuditEntry, AuditRecord},
};
use serde_json::json;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
const RUNS: usize = 15;

fn cdc(cores: u32) -> serde_json::Value {
    json!({"kind": "cdc", "value": {"replicaCpuMillicores": cores * 1000, "replicaMemoryGb": cores * 4}})
}

fn service(replicas: u32) -> serde_json::Value {
    json!({"kind": "service", "value": {"id": "s", "name": "bench", "numReplicas": replicas,
        "minReplicaMemoryGb": 16, "maxReplicaMemoryGb": 16 * replicas}})
}

/// `n` entries evenly over 7 days: CDC and replica changes going up and down (request, API
/// call, outcome), with reminders, escalations and answers in between.
fn entries(n: usize, end: chrono::DateTime<Utc>) -> Vec<AuditRecord> {
    let step = Span::days(7).num_milliseconds() / n as i64;
    let start = end - Span::days(7);
    (0..n)
        .map(|i| {
            let at = start + Span::milliseconds(step * i as i64);
            let round = (i / 8) as u32;
            let level = 2 + round % 5;
            let (action, before, after, detail) = match i % 8 {
                0 => (AuditAction::Requested, Some(cdc(level)), None, None),
                1 => (AuditAction::ApiCall, Some(cdc(level)), None, None),
                2 => (
                    AuditAction::Outcome,
                    Some(cdc(level)),
                    Some(cdc(level + 1)),
                    Some("confirmed"),
                ),
                3 => (AuditAction::Reminder, None, None, None),
                4 => (AuditAction::Requested, Some(service(level)), None, None),
                5 => (
                    AuditAction::Outcome,
                    Some(service(level)),
                    Some(service(level + 1)),
                    Some("confirmed"),
                ),
                6 => (AuditAction::Snoozed, None, None, Some("1h")),
                _ => (AuditAction::Escalated, None, None, None),
            };
            let actor = if matches!(action, AuditAction::Snoozed) {
                "alice"
            } else {
                "clickscale"
            };
            let mut e = AuditEntry::new(at, actor, actor, action);
            e.service_name = Some("bench".into());
            e.before = before;
            e.after = after;
            e.detail = detail.map(str::to_owned);
            AuditRecord {
                id: i as i64 + 1,
                entry: e,
            }
        })
        .collect()
}

fn main() {
    // Values must parse as the store's `Current`, or the bench would measure empty charts.
    assert!(serde_json::from_value::<Current>(cdc(2)).is_ok());
    assert!(serde_json::from_value::<Current>(service(2)).is_ok());
    let end = Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap();
    // The first render registers the font; keep it out of the figures.
    let warm = Timeline::from_audit("bench", end - Span::days(7), end, &entries(10, end));
    chart::render(&warm, Locale::EnUs).expect("renders");

    println!("| entries | locale | runs | build timeline p50 | render PNG p50 | total p50 | total max | PNG size |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    for n in SIZES {
        let records = entries(n, end);
        for loc in Locale::ALL {
            let mut build = Vec::new();
            let mut render = Vec::new();
            let mut total = Vec::new();
            let mut size = 0;
            for _ in 0..RUNS {
                let t0 = Instant::now();
                let timeline = Timeline::from_audit("bench", end - Span::days(7), end, &records);
                let t1 = Instant::now();
                let png = chart::render(&timeline, loc).expect("renders");
                let t2 = Instant::now();
                size = png.bytes().len();
                build.push(t1 - t0);
                render.push(t2 - t1);
                total.push(t2 - t0);
            }
            let p50 = |v: &mut Vec<Duration>| {
                v.sort();
                v[v.len() / 2]
            };
            let max = *total.iter().max().unwrap();
            println!(
                "| {n} | {loc} | {RUNS} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {} KiB |",
                ms(p50(&mut build)),
                ms(p50(&mut render)),
                ms(p50(&mut total)),
                ms(max),
                size / 1024
            );
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
