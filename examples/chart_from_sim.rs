//! Makes `docs/chart-example.png`: six simulated days of `ingest-cdc` through the real engine
//! against the simulator, drawn by the real chart code.
//!
//! The simulator and the follow-up clock run 7200 times faster than the wall clock (one wall
//! second is two simulated hours), so the engine's timed reverts and their warnings happen on
//! their own; the script below only asks for changes, at set simulated hours, and a person
//! ("ann") confirms the risky ones. The store keeps wall-clock instants, so the chart is drawn
//! on the simulator's clock: each audit entry's time goes through `FollowUpClock::time`, as the
//! durations `console --sim` shows do. About 80 s (156 simulated hours).
//!
//! `cargo run --release --example chart_from_sim -- docs/chart-example.png`

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use async_trait::async_trait;
use chrono::Utc;
use clickscale::{
    chart::{self, Timeline},
    cloud::CloudClient,
    config::Config,
    i18n::Locale,
    ops::{
        episodes, Actor, ChatSurface, ClickGuard, Decision, Engine, MessageRef, Origin, Phase,
        ReminderPost, RevertInput, ScaleRequest, Submission, ThreadRef,
    },
    scaling::{FollowUpClock, ReplicaInput},
    sim::{
        self,
        fixture::{ids, DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        Fixture, SimConfig,
    },
    store::Store,
};

/// Simulated seconds per wall-clock second.
const SPEEDUP: f64 = 7200.0;

/// A chat that shows nothing and where "ann" confirms every risky change.
#[derive(Debug, Default)]
struct Quiet {
    next: AtomicU64,
}

impl Quiet {
    fn message(&self) -> MessageRef {
        MessageRef {
            channel: "example".into(),
            message: self.next.fetch_add(1, Ordering::Relaxed).to_string(),
        }
    }
}

fn ann() -> Actor {
    Actor {
        id: "ann".into(),
        name: "ann".into(),
        roles: Vec::new(),
    }
}

#[async_trait]
impl ChatSurface for Quiet {
    async fn post_status(&self, _: &Origin, _: &str) -> anyhow::Result<MessageRef> {
        Ok(self.message())
    }
    async fn edit_status(&self, _: &MessageRef, _: &str) -> anyhow::Result<()> {
        Ok(())
    }
    async fn open_thread(&self, m: &MessageRef, _: &str) -> anyhow::Result<ThreadRef> {
        Ok(ThreadRef(m.message.clone()))
    }
    async fn post_in_thread(&self, _: &ThreadRef, _: &str) -> anyhow::Result<()> {
        Ok(())
    }
    async fn confirm(
        &self,
        _: &MessageRef,
        _: &str,
        _: Duration,
        _: ClickGuard,
    ) -> anyhow::Result<Decision> {
        Ok(Decision::Confirmed(ann()))
    }
    async fn post_reminder(&self, _: &ThreadRef, _: &ReminderPost) -> anyhow::Result<MessageRef> {
        Ok(self.message())
    }
}

fn replicas(count: i64, max_memory_gb: i64) -> ScaleRequest {
    ScaleRequest::Replicas(ReplicaInput {
        count: Some(count),
        max_memory_gb: Some(max_memory_gb),
        ..ReplicaInput::default()
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "chart-example.png".into());
    let sim = sim::spawn(
        SimConfig {
            cdc_converge_after: Duration::from_secs(4 * 60),
            service_converge_after: Duration::from_secs(90),
            time_scale: SPEEDUP,
            rate_limit: 10_000,
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await?;
    let start = Utc::now();
    let clock = FollowUpClock::scaled(SPEEDUP, start);
    let mut config = Config::default();
    config.cloud.api_url = sim.base_url();
    config.cloud.org_id = DEMO_ORG_ID.into();
    config.cloud.key_id = DEMO_ADMIN_KEY.into();
    config.cloud.key_secret = Some(DEMO_SECRET.to_owned().into());
    config.cloud.rate_limit_requests = 10_000;
    config.timings.poll_interval = Duration::from_millis(20);
    config.timings.cdc_expected_min = Duration::from_millis(10);
    config.timings.cdc_expected_max = Duration::from_millis(200);
    config.timings.service_expected_max = Duration::from_millis(200);
    config.oncall.tick = Duration::from_millis(20);
    config.oncall.timed_revert_warning = Duration::from_secs(2 * 3600);
    config.oncall.clock = clock;
    let store = Store::connect("sqlite::memory:").await?;
    let engine = Engine::new(CloudClient::new(config.cloud_settings()?)?, config, store)?;
    let chat = Arc::new(Quiet::default());
    engine.start_background(chat.clone()).await?;

    let never = |reason: &str| RevertInput {
        revert: Some("never".into()),
        reason: Some(reason.into()),
        ..RevertInput::default()
    };
    let timed = |span: &str| RevertInput {
        for_: Some(span.into()),
        ..RevertInput::default()
    };
    // (simulated hour from the start, request, when to scale back)
    let script = [
        (2.0, ScaleRequest::cdc(8), never("initial load of orders")),
        (20.0, ScaleRequest::cdc(2), RevertInput::default()),
        (40.0, replicas(5, 64), timed("30h")),
        (
            90.0,
            ScaleRequest::cdc(6),
            never("resync after schema change"),
        ),
        (104.0, ScaleRequest::cdc(3), RevertInput::default()),
        (112.0, ScaleRequest::cdc(2), RevertInput::default()),
        (124.0, ScaleRequest::cdc(4), timed("12h")),
        (
            142.0,
            ScaleRequest::cdc(10),
            never("backfill of 2025 events"),
        ),
    ];
    for (hour, request, revert) in script {
        let at = start + chrono::Duration::milliseconds((hour * 3_600_000.0 / SPEEDUP) as i64);
        if let Ok(wait) = (at - Utc::now()).to_std() {
            tokio::time::sleep(wait).await;
        }
        let prepared = engine
            .prepare(Submission {
                service: "ingest-cdc".into(),
                request,
                actor: ann(),
                origin: Origin {
                    guild: None,
                    channel: "example".into(),
                    locale: "en-US".into(),
                },
                revert,
            })
            .await
            .map_err(|r| anyhow::anyhow!("refused: {}", r.user_message(Locale::EnUs)))?;
        let mut op = engine
            .launch(prepared, chat.clone())
            .await
            .map_err(|r| anyhow::anyhow!("refused: {}", r.user_message(Locale::EnUs)))?;
        op.reached(Phase::Settled).await;
        eprintln!("hour {hour:>5}: {} settled", op.id);
    }
    // Six and a half simulated days in all; the last scale-up is still running at the end.
    let end = start + chrono::Duration::milliseconds((156.0 * 3_600_000.0 / SPEEDUP) as i64);
    if let Ok(wait) = (end - Utc::now()).to_std() {
        tokio::time::sleep(wait).await;
    }
    engine.wait_idle().await;

    let mut records = engine
        .store()
        .audit_since(
            start - chrono::Duration::hours(1),
            Some(ids::INGEST_CDC),
            100_000,
        )
        .await?;
    for r in &mut records {
        r.entry.at = clock.time(r.entry.at);
    }
    let to = clock.time(Utc::now());
    let from = to - chrono::Duration::days(7);
    let mut timeline = Timeline::from_audit("ingest-cdc", from, to, &records);
    // Times are on the simulator's clock already: price them on a plain one.
    let costed = episodes::episodes(
        &records,
        &engine.settings().rates,
        to,
        &FollowUpClock::wall(),
    );
    timeline.price_episodes(Locale::EnUs, &costed);
    let png = chart::render(&timeline, Locale::EnUs)?;
    std::fs::write(&out, png.bytes())?;
    eprintln!(
        "{} audit entries, {} scale-ups, written to {out}",
        timeline.entries,
        timeline.episodes.len()
    );
    engine.shutdown().await;
    Ok(())
}
