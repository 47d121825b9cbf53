//! Polling under the API budget: 1, 10 and 100 services with one CDC change each in flight
//! against the simulator at the real budget (10 requests per 10 s per key), through the real
//! engine (one poll stream per service, one client-side limiter per key), and side by side a
//! naive poller (per operation: GET, sleep the poll interval, repeat; a client with no
//! client-side limiter, so it only learns the budget from 429s, retrying them per the
//! `X-RateLimit-Reset` header like the engine's client).
//!
//! Simulated time runs `TIME_SCALE` (default 40) times faster, and every duration the budget
//! and the bot depend on is divided by the same factor: the simulator's CDC convergence (3 min),
//! its rate-limit window (10 s), the client's limiter period, the poll interval (10 s), the
//! watch deadline (20 min) and the retry delays. Ratios between them stay as in production, so
//! the figures are printed in simulated seconds.
//!
//! The bench plays the Cloud's convergence itself, so that it knows the exact moment a change
//! shows: the simulator's own delay is set beyond the run, and once a PATCH has been accepted
//! (the engine's "accepted" thread line; the naive poller's PATCH answer) the bench draws a
//! delay uniformly from 3 to 5 minutes (the documented range) and then applies the change in the
//! simulated world directly (no HTTP, no budget). A fixed delay would be a bad model: at exactly
//! 180 s, a multiple of the 10 s poll interval, every poll lines up with the change and the lag
//! vanishes. Lag runs from that moment to the thread being told (the ✅ line on a
//! time-stamping surface; for the naive poller, the GET that saw the target).
//!
//! `cargo bench --bench polling_budget` (env `TIME_SCALE`, `SERVICES=1,10,100`, `LAGS=1` prints
//! every lag).

mod common;

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use clickscale::{
    cloud::{model::CdcScaling, CloudClient, CloudSettings, RateLimit, RetryPolicy},
    config::Config,
    ops::{Engine, Phase, RevertInput, ScaleRequest, Submission},
    sim::{
        self,
        fixture::{DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        SimConfig, SimHandle,
    },
    store::Store,
};
use common::{
    bench_actor, bench_origin, fixture_with_services, percentile, service_id, service_name,
};

/// Production figures, in simulated time.
const BUDGET_REQUESTS: u32 = 10;
const BUDGET_WINDOW: Duration = Duration::from_secs(10);
/// CDC changes show in GET this many seconds after the PATCH, drawn per PATCH.
const CDC_CONVERGE_MIN: u64 = 180;
const CDC_CONVERGE_MAX: u64 = 300;
const POLL_INTERVAL: Duration = Duration::from_secs(10);
const WATCH_DEADLINE: Duration = Duration::from_secs(20 * 60);
const TO_CORES: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Poller {
    Engine,
    Naive,
}

impl Poller {
    fn label(self) -> &'static str {
        match self {
            Poller::Engine => "engine (shared streams + limiter)",
            Poller::Naive => "naive (per-op GET every 10 s, no limiter)",
        }
    }
}

#[derive(Debug, Default)]
struct Figures {
    confirmed: usize,
    not_confirmed: usize,
    requests: usize,
    gets: usize,
    patches: usize,
    too_many: usize,
    /// Simulated seconds from the change being applied to the thread saying so.
    lags: Vec<f64>,
    /// Simulated seconds from the first submission to the last settlement.
    total: f64,
    /// Simulated seconds from the first submission to the last PATCH accepted.
    launched: f64,
    wall: Duration,
    limiter_waits: u64,
}

struct Bench {
    scale: f64,
}

impl Bench {
    /// A production duration in real time.
    fn real(&self, simulated: Duration) -> Duration {
        simulated.div_f64(self.scale)
    }

    fn sim_secs(&self, real: Duration) -> f64 {
        real.as_secs_f64() * self.scale
    }

    fn sim_config(&self) -> SimConfig {
        SimConfig {
            // Never by itself: the bench applies each change (see `Converger`).
            cdc_converge_after: Duration::from_secs(100 * 3600),
            time_scale: self.scale,
            rate_limit: BUDGET_REQUESTS,
            // The simulator's window is real time; scale it like everything else.
            rate_window: self.real(BUDGET_WINDOW),
            ..SimConfig::default()
        }
    }

    /// The production retry policy, scaled.
    fn retry(&self) -> RetryPolicy {
        let d = RetryPolicy::default();
        RetryPolicy {
            max_attempts: d.max_attempts,
            base_delay: self.real(d.base_delay),
            max_delay: self.real(d.max_delay),
            min_rate_limit_wait: self.real(d.min_rate_limit_wait),
            rate_limit_margin: self.real(d.rate_limit_margin),
            max_rate_limit_wait: self.real(d.max_rate_limit_wait),
        }
    }

    fn client(&self, sim: &SimHandle, rate_limit: RateLimit) -> CloudClient {
        let mut s = CloudSettings::new(DEMO_ORG_ID, DEMO_ADMIN_KEY, DEMO_SECRET.to_owned().into());
        s.base_url = sim.base_url();
        s.rate_limit = rate_limit;
        s.retry = self.retry();
        CloudClient::new(s).expect("client settings")
    }

    async fn run(&self, n: usize, poller: Poller) -> Figures {
        let sim = sim::spawn(self.sim_config(), fixture_with_services(n))
            .await
            .expect("simulator");
        let applied = Converger {
            world: sim.world(),
            scale: self.scale,
            at: Arc::default(),
        };
        let started = Instant::now();
        let mut figures = match poller {
            Poller::Engine => self.run_engine(&sim, n, started, &applied).await,
            Poller::Naive => self.run_naive(&sim, n, started, &applied).await,
        };
        figures.wall = started.elapsed();
        let requests = sim.requests();
        figures.requests = requests.len();
        figures.gets = requests.iter().filter(|r| r.method == "GET").count();
        figures.patches = requests.iter().filter(|r| r.method == "PATCH").count();
        figures.too_many = requests.iter().filter(|r| r.status == 429).count();
        figures
    }

    async fn run_engine(
        &self,
        sim: &SimHandle,
        n: usize,
        started: Instant,
        applied: &Converger,
    ) -> Figures {
        let mut config = Config::default();
        config.timings.poll_interval = self.real(POLL_INTERVAL);
        config.timings.watch_deadline = self.real(WATCH_DEADLINE);
        config.timings.cdc_expected_min = self.real(Duration::from_secs(180));
        config.timings.cdc_expected_max = self.real(Duration::from_secs(300));
        let client = self.client(
            sim,
            RateLimit {
                requests: BUDGET_REQUESTS,
                per: self.real(BUDGET_WINDOW),
            },
        );
        // A file, as in production (WAL, synchronous=FULL): its writes are on the path to the ✅.
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let store = Store::connect(&url).await.expect("store");
        let engine = Engine::new(client.clone(), config, store).expect("engine");
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                let engine = engine.clone();
                let converger = applied.clone();
                tokio::spawn(async move {
                    let surface = common::TimedSurface::with_hook("The API accepted", move || {
                        converger.schedule(i)
                    });
                    let prepared = engine
                        .prepare(Submission {
                            service: service_name(i),
                            request: ScaleRequest::cdc(i64::from(TO_CORES)),
                            actor: bench_actor(),
                            origin: bench_origin(),
                            revert: RevertInput::default(),
                        })
                        .await;
                    let prepared = match prepared {
                        Ok(p) => p,
                        Err(e) => {
                            eprintln!("{}: refused: {e}", service_name(i));
                            return (i, None, None);
                        }
                    };
                    let mut handle = match engine.launch(prepared, surface.clone()).await {
                        Ok(h) => h,
                        Err(e) => {
                            eprintln!("{}: not launched: {e}", service_name(i));
                            return (i, None, None);
                        }
                    };
                    handle.reached(Phase::Settled).await;
                    (
                        i,
                        surface.thread_line_at("The API accepted"),
                        surface.thread_line_at("✅"),
                    )
                })
            })
            .collect();
        let mut figures = Figures::default();
        let mut last = started;
        let mut last_launch = started;
        for task in tasks {
            let (i, accepted, told) = task.await.expect("operation task");
            last_launch = last_launch.max(accepted.unwrap_or(started));
            match told {
                Some(at) => {
                    figures.confirmed += 1;
                    last = last.max(at);
                    if let Some(applied_at) = applied.at(i) {
                        figures
                            .lags
                            .push(self.sim_secs(at.saturating_duration_since(applied_at)));
                    }
                }
                None => figures.not_confirmed += 1,
            }
        }
        let outcomes = engine.outcome_counts();
        assert_eq!(
            outcomes
                .get(&clickscale::ops::OutcomeKind::Confirmed)
                .copied()
                .unwrap_or(0) as usize,
            figures.confirmed,
            "every confirmed outcome has its ✅ line: {outcomes:?}"
        );
        figures.total = self.sim_secs(last - started);
        figures.launched = self.sim_secs(last_launch - started);
        figures.limiter_waits = client.stats().limiter_waits;
        figures
    }

    async fn run_naive(
        &self,
        sim: &SimHandle,
        n: usize,
        started: Instant,
        applied: &Converger,
    ) -> Figures {
        // No client-side limiter to speak of: a million requests per second.
        let client = self.client(
            sim,
            RateLimit {
                requests: 1_000_000,
                per: Duration::from_secs(1),
            },
        );
        let interval = self.real(POLL_INTERVAL);
        let deadline = self.real(WATCH_DEADLINE);
        let target = CdcScaling::from_cores(TO_CORES);
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                let client = client.clone();
                let converger = applied.clone();
                tokio::spawn(async move {
                    let id = service_id(i);
                    // Read before writing, as the engine does; then PATCH, then poll. The
                    // launch insists through 429s (each call already retries 4 times), so
                    // that what differs from the engine is the polling, not lost launches.
                    loop {
                        match client.get_cdc_scaling(&id).await {
                            Ok(_) => break,
                            Err(e) if e.status() == Some(429) => continue,
                            Err(_) => return (i, None, None),
                        }
                    }
                    loop {
                        match client.patch_cdc_scaling(&id, target).await {
                            Ok(_) => break,
                            Err(e) if e.status() == Some(429) => continue,
                            Err(_) => return (i, None, None),
                        }
                    }
                    let patched = Instant::now();
                    converger.schedule(i);
                    while patched.elapsed() < deadline {
                        if let Ok(seen) = client.get_cdc_scaling(&id).await {
                            if seen == target {
                                return (i, Some(patched), Some(Instant::now()));
                            }
                        }
                        tokio::time::sleep(interval).await;
                    }
                    (i, Some(patched), None)
                })
            })
            .collect();
        let mut figures = Figures::default();
        let mut last = started;
        let mut last_launch = started;
        for task in tasks {
            let (i, patched, seen) = task.await.expect("naive task");
            last_launch = last_launch.max(patched.unwrap_or(started));
            match seen {
                Some(at) => {
                    figures.confirmed += 1;
                    last = last.max(at);
                    if let Some(applied_at) = applied.at(i) {
                        figures
                            .lags
                            .push(self.sim_secs(at.saturating_duration_since(applied_at)));
                    }
                }
                None => figures.not_confirmed += 1,
            }
        }
        figures.total = self.sim_secs(last - started);
        figures.launched = self.sim_secs(last_launch - started);
        figures
    }
}

/// Plays the Cloud's convergence: [`Converger::schedule`] applies service `i`'s change in the
/// simulated world 3 to 5 simulated minutes later and notes the moment.
#[derive(Clone)]
struct Converger {
    world: Arc<tokio::sync::Mutex<sim::World>>,
    scale: f64,
    at: Arc<Mutex<HashMap<usize, Instant>>>,
}

impl Converger {
    fn at(&self, i: usize) -> Option<Instant> {
        self.at.lock().unwrap().get(&i).copied()
    }

    fn schedule(&self, i: usize) {
        use rand::Rng;
        let delay = Duration::from_secs_f64(
            rand::rng().random_range(CDC_CONVERGE_MIN as f64..=CDC_CONVERGE_MAX as f64)
                / self.scale,
        );
        let this = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let target = CdcScaling::from_cores(TO_CORES);
            let body = serde_json::to_value(target).expect("CDC body");
            let mut world = this.world.lock().await;
            let never = world.config().cdc_converge_after;
            world.config_mut().cdc_converge_after = Duration::ZERO;
            let patched = world.patch_cdc(&service_id(i), &body);
            world.config_mut().cdc_converge_after = never;
            // Due now: the next read of the world shows it.
            let now = Instant::now();
            drop(world);
            patched.expect("the bench's own change applies");
            this.at.lock().unwrap().insert(i, now);
        });
    }
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.1}"))
}

#[tokio::main]
async fn main() {
    let scale: f64 = std::env::var("TIME_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40.0);
    let services: Vec<usize> = std::env::var("SERVICES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 10, 100]);
    common::print_machine("polling_budget");
    println!(
        "budget {BUDGET_REQUESTS} req / {}s per key; each CDC change shows in GET {CDC_CONVERGE_MIN}-{CDC_CONVERGE_MAX}s \
         after its PATCH (uniform); poll interval {}s; simulated time x{scale} (all durations below in simulated seconds)",
        BUDGET_WINDOW.as_secs(),
        POLL_INTERVAL.as_secs()
    );
    println!();
    println!("| services | poller | confirmed | API calls (GET/PATCH) | calls per confirmed op | 429s | lag p50 / p90 / max | poll period bound: budget / limiter | last PATCH accepted | all settled | wall |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let bench = Bench { scale };
    let mut summary = BTreeMap::new();
    for &n in &services {
        // At best one GET per service per max(poll interval, n / (10 req / 10 s)).
        let per_second = f64::from(BUDGET_REQUESTS) / BUDGET_WINDOW.as_secs_f64();
        let bound = (n as f64 / per_second).max(POLL_INTERVAL.as_secs_f64());
        // The client's limiter keeps every 10 s window at 10 with a burst of a fifth of the
        // budget and the rest as its steady rate (src/cloud/client.rs `window_quota`).
        let burst = (BUDGET_REQUESTS / 5).max(1);
        let steady = f64::from(BUDGET_REQUESTS - burst) / BUDGET_WINDOW.as_secs_f64();
        let limiter_bound = (n as f64 / steady).max(POLL_INTERVAL.as_secs_f64());
        for poller in [Poller::Engine, Poller::Naive] {
            let f = bench.run(n, poller).await;
            let per_op = if f.confirmed == 0 {
                "-".to_owned()
            } else {
                format!("{:.1}", f.requests as f64 / f.confirmed as f64)
            };
            println!(
                "| {n} | {} | {}/{n} | {} ({}/{}) | {per_op} | {} | {} / {} / {} s | {bound:.0} s / {limiter_bound:.0} s | {:.0} s | {:.0} s | {:.1} s |",
                poller.label(),
                f.confirmed,
                f.requests,
                f.gets,
                f.patches,
                f.too_many,
                fmt_opt(percentile(&f.lags, 50.0)),
                fmt_opt(percentile(&f.lags, 90.0)),
                fmt_opt(percentile(&f.lags, 100.0)),
                f.launched,
                f.total,
                f.wall.as_secs_f64(),
            );
            if std::env::var_os("LAGS").is_some() {
                let mut lags = f.lags.clone();
                lags.sort_by(f64::total_cmp);
                eprintln!("{n} services, {}: lags {lags:.1?}", poller.label());
            }
            summary.insert((n, poller.label()), f);
        }
    }
    println!();
    for ((n, label), f) in &summary {
        if f.limiter_waits > 0 {
            println!(
                "{n} services, {label}: {} calls waited for the client-side limiter",
                f.limiter_waits
            );
        }
    }
}
