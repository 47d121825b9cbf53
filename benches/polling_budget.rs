//! Polling under the API budget: 1, 10 and 100 services with one CDC change each, and 100
//! services with one replica change each, in flight against the simulator at the real budget
//! (10 requests per 10 s per key), through the real engine (the key's read scheduler, poll
//! streams planned where changes land, one list read for every watched replica change), and
//! side by side a naive poller (per operation: GET, sleep the poll interval, repeat; a client with no
//! client-side limiter, so it only learns the budget from 429s, retrying them per the
//! `X-RateLimit-Reset` header like the engine's client).
//!
//! Simulated time runs `TIME_SCALE` (default 10) times faster, and every duration the budget
//! and the bot depend on is divided by the same factor: the simulator's CDC convergence (3 min),
//! its rate-limit window (10 s), the client's limiter period, the poll interval (10 s), the
//! watch deadline (20 min) and the retry delays. Ratios between them stay as in production, so
//! the figures are printed in simulated seconds. What is not scaled is the bot's own work (a
//! store write with fsync, parsing a list of 100 services, a CPU shared with other builds):
//! at 40x, 25 ms of it shows as 1 s of lag (a run at 40x put the replica p99 at 17.8 s, the
//! same code at 10x at 9.9 s), so the default is 10x.
//!
//! The bench plays the Cloud's convergence itself, so that it knows the exact moment a change
//! shows: the simulator's own delay is set beyond the run, and once a PATCH has been accepted
//! (the engine's "accepted" thread line; the naive poller's PATCH answer) the bench draws a
//! delay uniformly from 3 to 5 minutes (the documented range) and then applies the change in the
//! simulated world directly (no HTTP, no budget). A fixed delay would be a bad model: at exactly
//! 180 s, a multiple of the 10 s poll interval, every poll lines up with the change and the lag
//! vanishes. Lag runs from that moment to the thread being told (the ✅ line on a
//! time-stamping surface; for the naive poller, the GET that saw the target). Replica changes
//! show 20-90 s after their PATCH, drawn the same way.
//!
//! In the middle of the 100-service CDC storm (once every PATCH is accepted), the engine's run
//! also sends five user-facing reads (what `/scaling-status` sends first), 20 s apart, and
//! notes how long each waited for its answer.
//!
//! One service is one draw of its change's delay, which decides most of what it costs, so the
//! 1-service row is `ONE_SERVICE_SAMPLES` (default 10) independent runs at once (each its own
//! simulator, key and engine), reported together with the mean and spread of the calls per
//! operation. Every run draws its delays from a seed (service `i` of sample `k` gets the same
//! delay for both pollers), so the engine and the naive poller are compared on the same draws.
//!
//! `cargo bench --bench polling_budget` (env `TIME_SCALE`, `SERVICES=1,10,100`,
//! `REPLICA_SERVICES=100`, `ONE_SERVICE_SAMPLES=10`, `LAGS=1` prints every lag).

mod common;

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use clickscale::{
    cloud::{
        model::{CdcScaling, ReplicaScalingPatch},
        CloudClient, CloudSettings, RateLimit, RetryPolicy,
    },
    config::Config,
    ops::{Engine, Phase, RevertInput, ScaleRequest, Submission},
    scaling::ReplicaInput,
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
/// Replica changes show in GET this many seconds after the PATCH, drawn per PATCH.
const REPLICA_CONVERGE_MIN: u64 = 20;
const REPLICA_CONVERGE_MAX: u64 = 90;
/// The fixture's services run 3 replicas; each replica change asks for 4.
const TO_REPLICAS: u32 = 4;

/// What each operation of a run changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    Cdc,
    Replicas,
}

impl Change {
    fn label(self) -> &'static str {
        match self {
            Change::Cdc => "CDC",
            Change::Replicas => "replicas",
        }
    }

    fn request(self) -> ScaleRequest {
        match self {
            Change::Cdc => ScaleRequest::cdc(i64::from(TO_CORES)),
            Change::Replicas => ScaleRequest::Replicas(ReplicaInput {
                count: Some(i64::from(TO_REPLICAS)),
                ..ReplicaInput::default()
            }),
        }
    }

    /// When the change shows in GET after its PATCH: drawn from this range, in simulated s.
    fn converges(self) -> (u64, u64) {
        match self {
            Change::Cdc => (CDC_CONVERGE_MIN, CDC_CONVERGE_MAX),
            Change::Replicas => (REPLICA_CONVERGE_MIN, REPLICA_CONVERGE_MAX),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Poller {
    Engine,
    Naive,
}

impl Poller {
    fn label(self) -> &'static str {
        match self {
            Poller::Engine => "engine (read scheduler)",
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
    /// The most watch reads (polls) in any poll interval after the last PATCH was accepted.
    max_reads_per_interval: Option<u64>,
    /// Simulated seconds user-facing reads sent mid-storm waited for their answers.
    command_waits: Vec<f64>,
}

#[derive(Debug, Clone, Copy)]
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
            service_converge_after: Duration::from_secs(100 * 3600),
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

    /// `samples` independent runs of `n` services at once (the same draws for both pollers).
    async fn run_samples(
        &self,
        n: usize,
        change: Change,
        poller: Poller,
        samples: usize,
    ) -> Vec<Figures> {
        let mut set = tokio::task::JoinSet::new();
        for k in 0..samples {
            let bench = *self;
            set.spawn(async move { (k, bench.run(n, change, poller, k as u64).await) });
        }
        let mut runs = set.join_all().await;
        runs.sort_by_key(|(k, _)| *k);
        runs.into_iter().map(|(_, f)| f).collect()
    }

    async fn run(&self, n: usize, change: Change, poller: Poller, seed: u64) -> Figures {
        let sim = sim::spawn(self.sim_config(), fixture_with_services(n))
            .await
            .expect("simulator");
        let applied = Converger {
            world: sim.world(),
            scale: self.scale,
            change,
            seed,
            at: Arc::default(),
        };
        let started = Instant::now();
        let mut figures = match poller {
            Poller::Engine => self.run_engine(&sim, n, change, started, &applied).await,
            Poller::Naive => self.run_naive(&sim, n, change, started, &applied).await,
        };
        figures.wall = started.elapsed();
        let requests = sim.requests();
        figures.requests = requests.len();
        figures.gets = requests.iter().filter(|r| r.method == "GET").count();
        figures.patches = requests.iter().filter(|r| r.method == "PATCH").count();
        figures.too_many = requests.iter().filter(|r| r.status == 429).count();
        if std::env::var_os("PATHS").is_some() {
            // Which endpoints the calls went to (ids left out), for a reader checking the counts.
            let mut by_path = BTreeMap::<String, usize>::new();
            for r in &requests {
                let shape: Vec<&str> = r
                    .path
                    .split('/')
                    .map(|seg| if seg.len() >= 32 { "{id}" } else { seg })
                    .collect();
                *by_path
                    .entry(format!("{} {}", r.method, shape.join("/")))
                    .or_default() += 1;
            }
            eprintln!(
                "{} {n} services, {}: {by_path:#?}",
                change.label(),
                poller.label()
            );
        }
        figures
    }

    async fn run_engine(
        &self,
        sim: &SimHandle,
        n: usize,
        change: Change,
        started: Instant,
        applied: &Converger,
    ) -> Figures {
        let mut config = Config::default();
        // The bench's changes never wait for a confirmation.
        config.risk.cost_up_confirm_factor = 1000.0;
        config.timings.poll_interval = self.real(POLL_INTERVAL);
        config.timings.watch_deadline = self.real(WATCH_DEADLINE);
        config.timings.cdc_expected_min = self.real(Duration::from_secs(180));
        config.timings.cdc_expected_max = self.real(Duration::from_secs(300));
        config.timings.service_expected_max = self.real(Duration::from_secs(120));
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
        let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                let engine = engine.clone();
                let converger = applied.clone();
                let accepted = accepted.clone();
                tokio::spawn(async move {
                    let surface = common::TimedSurface::with_hook("The API accepted", move || {
                        accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        converger.schedule(i)
                    });
                    let prepared = engine
                        .prepare(Submission {
                            service: service_name(i),
                            request: change.request(),
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
        // Watch reads per poll interval, sampled every tenth of one once every PATCH is in:
        // background permits granted by the key's scheduler (polls are its only background
        // reads here), so a read counts when it is sent, not while it waits for the budget.
        let sampler = {
            let (engine, accepted, client) = (engine.clone(), accepted.clone(), client.clone());
            let tick = self.real(POLL_INTERVAL) / 10;
            tokio::spawn(async move {
                while accepted.load(std::sync::atomic::Ordering::Relaxed) < n {
                    tokio::time::sleep(tick).await;
                }
                let mut samples = Vec::new();
                loop {
                    samples.push(client.budget_use().background_total);
                    if engine.in_flight().is_empty() {
                        return samples;
                    }
                    tokio::time::sleep(tick).await;
                }
            })
        };
        // User-facing reads in the middle of a storm: once every PATCH is in, five reads
        // 20 s apart, each timed to its answer.
        let probes = {
            let (client, accepted) = (client.clone(), accepted.clone());
            let (gap, settle) = (
                self.real(Duration::from_secs(20)),
                self.real(Duration::from_secs(30)),
            );
            tokio::spawn(async move {
                if n < 100 {
                    return Vec::new();
                }
                while accepted.load(std::sync::atomic::Ordering::Relaxed) < n {
                    tokio::time::sleep(gap / 20).await;
                }
                tokio::time::sleep(settle).await;
                let mut waits = Vec::new();
                for k in 0..5 {
                    let asked = Instant::now();
                    let _ = client.get_service(&service_id(k * 7)).await;
                    waits.push(asked.elapsed());
                    tokio::time::sleep(gap).await;
                }
                waits
            })
        };
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
        if std::env::var_os("LAGS").is_some() {
            // The reporting margin the engine measured (the longest recent time from a call
            // sent to its thread told), in simulated seconds.
            eprintln!(
                "{} {n} services: reporting margin {:.2} s, in-window spacing {:.2} s",
                change.label(),
                self.sim_secs(engine.pollers().margin()),
                self.sim_secs(engine.pollers().spacing())
            );
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
        let samples = sampler.await.expect("sampler");
        figures.max_reads_per_interval = samples.windows(11).map(|w| w[10] - w[0]).max();
        figures.command_waits = probes
            .await
            .expect("probes")
            .into_iter()
            .map(|d| self.sim_secs(d))
            .collect();
        figures
    }

    async fn run_naive(
        &self,
        sim: &SimHandle,
        n: usize,
        change: Change,
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
                        match naive_read(&client, &id, change).await {
                            Ok(_) => break,
                            Err(Some(429)) => continue,
                            Err(_) => return (i, None, None),
                        }
                    }
                    loop {
                        match naive_patch(&client, &id, change).await {
                            Ok(()) => break,
                            Err(Some(429)) => continue,
                            Err(_) => return (i, None, None),
                        }
                    }
                    let patched = Instant::now();
                    converger.schedule(i);
                    while patched.elapsed() < deadline {
                        if let Ok(true) = naive_read(&client, &id, change).await {
                            return (i, Some(patched), Some(Instant::now()));
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
    change: Change,
    /// The run's draws: service `i` gets the same delay whichever poller runs.
    seed: u64,
    at: Arc<Mutex<HashMap<usize, Instant>>>,
}

impl Converger {
    fn at(&self, i: usize) -> Option<Instant> {
        self.at.lock().unwrap().get(&i).copied()
    }

    fn schedule(&self, i: usize) {
        use rand::{Rng, SeedableRng};
        let (min, max) = self.change.converges();
        let mut rng =
            rand::rngs::StdRng::seed_from_u64(self.seed.wrapping_mul(1_000_003) + i as u64);
        let delay = Duration::from_secs_f64(rng.random_range(min as f64..=max as f64) / self.scale);
        let this = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let mut world = this.world.lock().await;
            let (cdc_never, service_never) = (
                world.config().cdc_converge_after,
                world.config().service_converge_after,
            );
            world.config_mut().cdc_converge_after = Duration::ZERO;
            world.config_mut().service_converge_after = Duration::ZERO;
            let patched = match this.change {
                Change::Cdc => {
                    let body = serde_json::to_value(CdcScaling::from_cores(TO_CORES)).unwrap();
                    world.patch_cdc(&service_id(i), &body).map(|_| ())
                }
                Change::Replicas => {
                    let body = serde_json::json!({ "numReplicas": TO_REPLICAS });
                    world
                        .patch_replica_scaling(&service_id(i), &body)
                        .map(|_| ())
                }
            };
            world.config_mut().cdc_converge_after = cdc_never;
            world.config_mut().service_converge_after = service_never;
            // Due now: the next read of the world shows it.
            let now = Instant::now();
            drop(world);
            patched.expect("the bench's own change applies");
            this.at.lock().unwrap().insert(i, now);
        });
    }
}

/// The naive poller's read: whether the service shows the target (`Err` holds the status).
async fn naive_read(client: &CloudClient, id: &str, change: Change) -> Result<bool, Option<u16>> {
    match change {
        Change::Cdc => client
            .get_cdc_scaling(id)
            .await
            .map(|seen| seen == CdcScaling::from_cores(TO_CORES))
            .map_err(|e| e.status()),
        Change::Replicas => client
            .get_service(id)
            .await
            .map(|s| s.num_replicas == Some(TO_REPLICAS))
            .map_err(|e| e.status()),
    }
}

async fn naive_patch(client: &CloudClient, id: &str, change: Change) -> Result<(), Option<u16>> {
    match change {
        Change::Cdc => client
            .patch_cdc_scaling(id, CdcScaling::from_cores(TO_CORES))
            .await
            .map(|_| ())
            .map_err(|e| e.status()),
        Change::Replicas => client
            .patch_replica_scaling(
                id,
                &ReplicaScalingPatch {
                    num_replicas: Some(TO_REPLICAS),
                    ..ReplicaScalingPatch::default()
                },
            )
            .await
            .map(|_| ())
            .map_err(|e| e.status()),
    }
}

/// Several runs as one row: counts summed, lags pooled, the slowest run's times.
fn merged(runs: &[Figures]) -> Figures {
    let mut all = Figures::default();
    for f in runs {
        all.confirmed += f.confirmed;
        all.not_confirmed += f.not_confirmed;
        all.requests += f.requests;
        all.gets += f.gets;
        all.patches += f.patches;
        all.too_many += f.too_many;
        all.lags.extend(&f.lags);
        all.total = all.total.max(f.total);
        all.launched = all.launched.max(f.launched);
        all.wall = all.wall.max(f.wall);
        all.limiter_waits += f.limiter_waits;
        all.max_reads_per_interval = all.max_reads_per_interval.max(f.max_reads_per_interval);
        all.command_waits.extend(&f.command_waits);
    }
    all
}

/// Calls per confirmed operation of each run.
fn per_op(runs: &[Figures]) -> Vec<f64> {
    runs.iter()
        .filter(|f| f.confirmed > 0)
        .map(|f| f.requests as f64 / f.confirmed as f64)
        .collect()
}

/// Mean, standard deviation, min and max.
fn spread(v: &[f64]) -> String {
    if v.is_empty() {
        return "-".into();
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("mean {mean:.2}, sd {sd:.2}, min {min:.1}, max {max:.1}")
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.1}"))
}

#[tokio::main]
async fn main() {
    let scale: f64 = std::env::var("TIME_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10.0);
    let list = |name: &str, default: Vec<usize>| -> Vec<usize> {
        std::env::var(name)
            .ok()
            .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
            .unwrap_or(default)
    };
    let runs: Vec<(Change, usize)> = list("SERVICES", vec![1, 10, 100])
        .into_iter()
        .map(|n| (Change::Cdc, n))
        .chain(
            list("REPLICA_SERVICES", vec![100])
                .into_iter()
                .map(|n| (Change::Replicas, n)),
        )
        .collect();
    common::print_machine("polling_budget");
    println!(
        "budget {BUDGET_REQUESTS} req / {}s per key; each CDC change shows in GET {CDC_CONVERGE_MIN}-{CDC_CONVERGE_MAX}s \
         after its PATCH, each replica change {REPLICA_CONVERGE_MIN}-{REPLICA_CONVERGE_MAX}s (uniform); poll interval {}s; \
         simulated time x{scale} (all durations below in simulated seconds)",
        BUDGET_WINDOW.as_secs(),
        POLL_INTERVAL.as_secs()
    );
    println!();
    println!("| change | services | poller | confirmed | API calls (GET/PATCH) | calls per confirmed op | 429s | lag p50 / p90 / p99 / max | lag bound | watch reads per 10 s (max) | last PATCH accepted | all settled | wall |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let bench = Bench { scale };
    let one_service_samples = std::env::var("ONE_SERVICE_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10usize)
        .max(1);
    let mut summary = BTreeMap::new();
    let mut sampled = Vec::new();
    for &(change, n) in &runs {
        // The best polling period the budget allows for n per-service reads: the client's
        // limiter sustains 8 of the 10 requests per 10 s (`window_quota`). Replica changes
        // take one list read per cycle, whatever n is.
        let burst = (BUDGET_REQUESTS / 5).max(1);
        let steady = f64::from(BUDGET_REQUESTS - burst) / BUDGET_WINDOW.as_secs_f64();
        let reads = match change {
            Change::Cdc => n as f64,
            Change::Replicas => 1.0,
        };
        let bound = (reads / steady).max(POLL_INTERVAL.as_secs_f64()) + 2.0;
        let samples = if n == 1 { one_service_samples } else { 1 };
        let mut per_poller = Vec::new();
        for poller in [Poller::Engine, Poller::Naive] {
            let runs = bench.run_samples(n, change, poller, samples).await;
            per_poller.push(per_op(&runs));
            let f = merged(&runs);
            let services = if samples > 1 {
                format!("{n} (x{samples} runs)")
            } else {
                n.to_string()
            };
            let all = n * samples;
            let per_op = if f.confirmed == 0 {
                "-".to_owned()
            } else {
                format!("{:.1}", f.requests as f64 / f.confirmed as f64)
            };
            let reads = f
                .max_reads_per_interval
                .map_or_else(|| "-".to_owned(), |r| r.to_string());
            println!(
                "| {} | {services} | {} | {}/{all} | {} ({}/{}) | {per_op} | {} | {} / {} / {} / {} s | {bound:.1} s | {reads} | {:.0} s | {:.0} s | {:.1} s |",
                change.label(),
                poller.label(),
                f.confirmed,
                f.requests,
                f.gets,
                f.patches,
                f.too_many,
                fmt_opt(percentile(&f.lags, 50.0)),
                fmt_opt(percentile(&f.lags, 90.0)),
                fmt_opt(percentile(&f.lags, 99.0)),
                fmt_opt(percentile(&f.lags, 100.0)),
                f.launched,
                f.total,
                f.wall.as_secs_f64(),
            );
            if std::env::var_os("LAGS").is_some() {
                let mut lags = f.lags.clone();
                lags.sort_by(f64::total_cmp);
                eprintln!(
                    "{} {n} services, {}: lags {lags:.1?}",
                    change.label(),
                    poller.label()
                );
            }
            summary.insert((change, n, poller.label()), f);
        }
        if samples > 1 {
            sampled.push((change, n, samples, per_poller));
        }
    }
    println!();
    for (change, n, samples, per_poller) in &sampled {
        let (engine, naive) = (&per_poller[0], &per_poller[1]);
        // Same draws run by run, so the ratio is taken run by run too.
        let ratios: Vec<f64> = engine.iter().zip(naive).map(|(e, v)| e / v).collect();
        println!(
            "{} {n} service, {samples} runs: calls per confirmed op, engine {}; naive {}; engine / naive per run {}",
            change.label(),
            spread(engine),
            spread(naive),
            spread(&ratios),
        );
    }
    for ((change, n, label), f) in &summary {
        if !f.command_waits.is_empty() {
            println!(
                "{} {n} services, {label}: user-facing reads mid-storm answered after {} s",
                change.label(),
                f.command_waits
                    .iter()
                    .map(|w| format!("{w:.2}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if f.limiter_waits > 0 {
            println!(
                "{} {n} services, {label}: {} calls waited for the client-side limiter",
                change.label(),
                f.limiter_waits
            );
        }
    }
}
