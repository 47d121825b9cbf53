//! Interaction latency: the fake Discord (tests/support/discord) writes N INTERACTION_CREATE
//! dispatches for `/scaling-status service:ingest-cdc` back to back on the bot's gateway
//! socket; we measure, per interaction, from the moment its frame was written to the moment
//! the bot's first callback (the private deferral, type 5) reached the fake's REST server,
//! and to the moment the final private answer (the edit of `@original`, after three reads of
//! the simulated Cloud API) arrived.
//!
//! Everything runs in this one process on 127.0.0.1: the fake Discord, the Cloud API simulator
//! and the real bot (poise + serenity, unchanged, through `discord::start`), so they share the
//! machine's cores. The API budget is lifted (the simulator and the client allow a million
//! requests per window): this measures the bot's dispatch path, not the key's budget, which
//! `polling_budget` covers. The fake's per-call self-check is off (it is test tooling cost).
//!
//! `cargo bench --bench interaction_latency`

mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use clickscale::{
    cloud::CloudClient,
    config::Config,
    discord,
    ops::Engine,
    sim::{
        self,
        fixture::{DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        Fixture, SimConfig,
    },
    store::Store,
};
use common::percentile;
use support::discord::{FakeConfig, FakeDiscord, InteractionRef};

/// (concurrent interactions, rounds): enough samples for a p99 without a long run.
const PLAN: [(usize, usize); 3] = [(1, 200), (50, 6), (200, 3)];
const WARM_UP: usize = 10;
const ANSWER_WAIT: Duration = Duration::from_secs(30);

#[derive(Default)]
struct Samples {
    /// Milliseconds from the dispatch write to the first callback.
    callback: Vec<f64>,
    /// Milliseconds from the dispatch write to the final private answer.
    answer: Vec<f64>,
    /// Interactions whose callback never arrived or came after Discord's 3 s deadline.
    missed: usize,
}

async fn round(fake: &FakeDiscord, n: usize, samples: &mut Samples) {
    let mark = fake.call_count();
    let sends = (0..n).map(|_| {
        fake.slash("scaling-status")
            .option_str("service", "ingest-cdc")
            .send()
    });
    let ixs: Vec<InteractionRef> = futures::future::join_all(sends).await;
    let deadline = Instant::now() + ANSWER_WAIT;
    let answers = loop {
        let calls = fake.calls_since(mark);
        let answers: Vec<Option<Instant>> = ixs
            .iter()
            .map(|ix| {
                calls
                    .iter()
                    .find(|c| {
                        c.is("PATCH", "/webhooks/*/*/messages/@original")
                            && c.segments().contains(&ix.token.as_str())
                    })
                    .map(|c| c.at)
            })
            .collect();
        if answers.iter().all(Option::is_some) || Instant::now() > deadline {
            break answers;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    for (ix, answer) in ixs.iter().zip(answers) {
        match fake.callback_latency(ix) {
            Some(d) => samples.callback.push(d.as_secs_f64() * 1e3),
            None => samples.missed += 1,
        }
        if let Some(at) = answer {
            samples
                .answer
                .push(at.saturating_duration_since(ix.sent_at).as_secs_f64() * 1e3);
        }
    }
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.2} ms"))
}

#[tokio::main]
async fn main() {
    common::print_machine("interaction_latency");
    let fake = FakeDiscord::start_with(FakeConfig {
        self_check: false,
        ..FakeConfig::default()
    })
    .await;
    let sim = sim::spawn(
        SimConfig {
            rate_limit: 1_000_000,
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .expect("simulator");
    let mut config = Config::default();
    config.discord.token = Some("fake-token".to_owned().into());
    config.discord.proxy_url = Some(fake.proxy_url());
    config.discord.guild_id = Some(fake.guild_id().parse().expect("guild id"));
    config.cloud.api_url = sim.base_url();
    config.cloud.org_id = DEMO_ORG_ID.into();
    config.cloud.key_id = DEMO_ADMIN_KEY.into();
    config.cloud.key_secret = Some(DEMO_SECRET.to_owned().into());
    config.cloud.rate_limit_requests = 1_000_000;
    let cloud = CloudClient::new(config.cloud_settings().expect("settings")).expect("client");
    let store = Store::connect("sqlite::memory:").await.expect("store");
    let engine = Engine::new(cloud, config.clone(), store).expect("engine");
    let mut bot = discord::start(config, engine).await.expect("bot");
    bot.ready().await.expect("bot ready");
    fake.wait_ready().await;

    let mut warm = Samples::default();
    for _ in 0..WARM_UP {
        round(&fake, 1, &mut warm).await;
    }
    println!(
        "`/scaling-status service:ingest-cdc`, bot + fake Discord + simulator in one release process; \
         {WARM_UP} warm-up interactions not counted"
    );
    println!();
    println!("| concurrent | samples | dispatch -> callback p50 | p99 | max | dispatch -> final answer p50 | p99 | missed callbacks |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (n, rounds) in PLAN {
        let mut s = Samples::default();
        for _ in 0..rounds {
            round(&fake, n, &mut s).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        println!(
            "| {n} | {} | {} | {} | {} | {} | {} | {} |",
            s.callback.len(),
            ms(percentile(&s.callback, 50.0)),
            ms(percentile(&s.callback, 99.0)),
            ms(percentile(&s.callback, 100.0)),
            ms(percentile(&s.answer, 50.0)),
            ms(percentile(&s.answer, 99.0)),
            s.missed,
        );
    }
    let failed = fake.failed_calls();
    if !failed.is_empty() {
        println!(
            "\n{} REST calls were answered with an error by the fake",
            failed.len()
        );
    }
    bot.shutdown().await;
}
