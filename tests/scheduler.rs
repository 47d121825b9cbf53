//! The background read scheduler end to end: the real engine against the simulator over real
//! sockets. Replica changes on many services are confirmed from one list read per cycle; a
//! thread says when the key's budget, not the API, makes a confirmation slower; windows are
//! learned from the store's confirmed operations.

use std::{sync::Arc, time::Duration};

mod support;

use clickscale::{
    cloud::RateLimit,
    config::Config,
    ops::{
        Engine, OperationHandle, OutcomeKind, Phase, RevertInput, ScaleRequest, Submission,
        WindowSource,
    },
    scaling::ReplicaInput,
    sim::{self, Fixture, SimConfig, SimHandle},
    store::Store,
};
use support::recorder::{actor, Recorder};

/// The default world with `n` copies of ingest-cdc (3 replicas, a CDC pool of 2 cores).
fn fixture(n: usize) -> Fixture {
    let mut f = Fixture::default();
    let template = f.service_by_name("ingest-cdc").unwrap().clone();
    f.services = (0..n)
        .map(|i| {
            let mut s = template.clone();
            s.id = format!("5a1e0000-0000-4000-8000-{i:012}");
            s.name = format!("svc-{i:02}");
            s.cdc_cores = Some(2);
            s
        })
        .collect();
    f.pipes.clear();
    f
}

struct Harness {
    sim: SimHandle,
    engine: Engine,
    surface: Arc<Recorder>,
}

async fn harness(n: usize, sim_config: SimConfig, tweak: impl FnOnce(&mut Config)) -> Harness {
    let sim = sim::spawn(sim_config, fixture(n)).await.unwrap();
    let mut config = Config::default();
    config.timings.poll_interval = Duration::from_millis(100);
    config.timings.watch_deadline = Duration::from_secs(20);
    config.timings.cdc_expected_min = Duration::from_millis(300);
    config.timings.cdc_expected_max = Duration::from_millis(600);
    config.timings.service_expected_max = Duration::from_millis(600);
    config.risk.cost_up_confirm_factor = 1000.0;
    tweak(&mut config);
    let store = Store::connect("sqlite::memory:").await.unwrap();
    let engine = Engine::new(support::cloud::sim_client(&sim), config, store).unwrap();
    Harness {
        sim,
        engine,
        surface: Recorder::new(),
    }
}

impl Harness {
    async fn launch(&self, service: String, request: ScaleRequest) -> OperationHandle {
        let prepared = self
            .engine
            .prepare(Submission {
                service,
                request,
                actor: actor("ann", &[]),
                origin: clickscale::ops::Origin {
                    guild: None,
                    channel: "ops".into(),
                    locale: "en-US".into(),
                },
                revert: RevertInput::default(),
            })
            .await
            .unwrap();
        self.engine
            .launch(prepared, self.surface.clone())
            .await
            .unwrap()
    }

    fn gets(&self, path_ends: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.ends_with(path_ends))
            .count()
    }

    fn service_gets(&self) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.contains("/services/"))
            .filter(|r| {
                !r.path.ends_with("clickpipesCdcScaling") && !r.path.ends_with("clickpipes")
            })
            .count()
    }
}

fn four_replicas() -> ScaleRequest {
    ScaleRequest::Replicas(ReplicaInput {
        count: Some(4),
        ..ReplicaInput::default()
    })
}

async fn settle_all(handles: Vec<OperationHandle>) {
    for mut h in handles {
        tokio::time::timeout(Duration::from_secs(30), h.reached(Phase::Settled))
            .await
            .expect("settled in time");
    }
}

#[tokio::test]
async fn twenty_replica_changes_are_confirmed_from_one_list_read_per_cycle() {
    let h = harness(
        20,
        SimConfig {
            rate_limit: 100_000,
            service_converge_after: Duration::from_millis(1500),
            ..SimConfig::default()
        },
        |_| {},
    )
    .await;
    let mut handles = Vec::new();
    for i in 0..20 {
        handles.push(h.launch(format!("svc-{i:02}"), four_replicas()).await);
    }
    for h in &mut handles {
        tokio::time::timeout(Duration::from_secs(10), h.reached(Phase::Watching))
            .await
            .unwrap();
    }
    // The reads of the commands themselves (prepare reads each service) are done.
    let (lists_before, singles_before) = (h.gets("/services"), h.service_gets());
    let watched_from = tokio::time::Instant::now();
    settle_all(handles).await;
    let watched = watched_from.elapsed();
    assert_eq!(
        h.engine.outcome_counts().get(&OutcomeKind::Confirmed),
        Some(&20),
        "{}",
        h.surface.text()
    );
    let lists = h.gets("/services") - lists_before;
    let singles = h.service_gets() - singles_before;
    // One list per poll interval (100 ms) for all twenty, not twenty GETs per interval.
    let cycles = (watched.as_millis() / 100) as usize + 2;
    assert_eq!(singles, 0, "per-service GETs while watching");
    assert!(
        lists >= 1 && lists <= cycles,
        "{lists} list reads in {watched:?} (at most {cycles})"
    );
}

#[tokio::test]
async fn the_thread_says_when_the_budget_not_the_api_makes_a_confirmation_slower() {
    // 12 CDC watches on a key of 16 requests per 200 ms: the client sustains one read per
    // 15 ms, so a round of 12 takes 180 ms against a poll interval of 100 ms.
    let budget = RateLimit {
        requests: 16,
        per: Duration::from_millis(200),
    };
    let h = harness(
        12,
        SimConfig {
            rate_limit: 100_000,
            cdc_converge_after: Duration::from_millis(900),
            ..SimConfig::default()
        },
        |_| {},
    )
    .await;
    let mut settings = support::cloud::settings_at(h.sim.base_url());
    settings.rate_limit = budget;
    let engine = Engine::new(
        clickscale::cloud::CloudClient::new(settings).unwrap(),
        h.engine.config().clone(),
        Store::connect("sqlite::memory:").await.unwrap(),
    )
    .unwrap();
    let h = Harness { engine, ..h };
    let mut handles = Vec::new();
    for i in 0..12 {
        handles.push(h.launch(format!("svc-{i:02}"), ScaleRequest::cdc(3)).await);
    }
    settle_all(handles).await;
    let text = h.surface.text();
    assert_eq!(
        h.engine.outcome_counts().get(&OutcomeKind::Confirmed),
        Some(&12),
        "{text}"
    );
    assert!(
        text.contains("services are being watched on this API key"),
        "{text}"
    );
    assert!(text.contains("16 requests per"), "{text}");
}

#[tokio::test]
async fn one_watch_within_the_budget_says_nothing_about_it() {
    let h = harness(
        1,
        SimConfig {
            rate_limit: 100_000,
            cdc_converge_after: Duration::from_millis(400),
            ..SimConfig::default()
        },
        |_| {},
    )
    .await;
    let op = h.launch("svc-00".into(), ScaleRequest::cdc(3)).await;
    settle_all(vec![op]).await;
    let text = h.surface.text();
    assert!(text.contains('✅'), "{text}");
    assert!(!text.contains("being watched on this API key"), "{text}");
}

#[tokio::test]
async fn windows_are_learned_from_the_stores_confirmed_operations() {
    let h = harness(
        5,
        SimConfig {
            rate_limit: 100_000,
            service_converge_after: Duration::from_millis(250),
            ..SimConfig::default()
        },
        |_| {},
    )
    .await;
    let resource = clickscale::ops::CommandKind::Replicas.resource();
    h.engine.pollers().relearn().await;
    assert_eq!(
        h.engine.pollers().window(resource).1,
        WindowSource::Documented
    );
    let mut handles = Vec::new();
    for i in 0..5 {
        handles.push(h.launch(format!("svc-{i:02}"), four_replicas()).await);
    }
    settle_all(handles).await;
    h.engine.pollers().relearn().await;
    let (window, source) = h.engine.pollers().window(resource);
    assert_eq!(source, WindowSource::Learned { samples: 5 });
    // The changes showed after 250 ms and were confirmed within a poll or two of that.
    assert!(
        window.to >= Duration::from_millis(250) && window.to < Duration::from_secs(2),
        "{window:?}"
    );
    assert!(window.from <= window.to, "{window:?}");
}

#[tokio::test]
async fn a_cdc_watch_reads_nothing_before_its_window_and_less_than_once_per_interval_in_it() {
    // Poll interval 500 ms, CDC window 1.5-4.5 s, the change showing at 4.5 s. Reads inside
    // the window are spaced by the interval plus its fifth (the lag bound's slack) less the
    // measured reporting time; the first comes one spacing after the window opens, and with
    // a window that opens within the early gap (24 intervals) there is no read before it.
    let h = harness(
        1,
        SimConfig {
            rate_limit: 100_000,
            cdc_converge_after: Duration::from_millis(4500),
            ..SimConfig::default()
        },
        |c| {
            c.timings.poll_interval = Duration::from_millis(500);
            c.timings.cdc_expected_min = Duration::from_millis(1500);
            c.timings.cdc_expected_max = Duration::from_millis(4500);
        },
    )
    .await;
    let cdc_reads = || h.gets("/clickpipesCdcScaling");
    let mut op = h.launch("svc-00".into(), ScaleRequest::cdc(3)).await;
    tokio::time::timeout(Duration::from_secs(10), op.reached(Phase::Watching))
        .await
        .unwrap();
    // The command's own read only.
    let before_patch = cdc_reads();
    assert_eq!(before_patch, 1);
    // Just before the window's first read (2 s at the earliest: 1.5 s + one interval).
    tokio::time::sleep(Duration::from_millis(1400)).await;
    assert_eq!(
        cdc_reads(),
        before_patch,
        "a read before the window (the plan used to read at half its start)"
    );
    let spacing = h.engine.pollers().spacing();
    assert!(
        spacing > Duration::from_millis(500),
        "reads inside the window {spacing:?} apart, margin {:?}",
        h.engine.pollers().margin()
    );
    settle_all(vec![op]).await;
    assert_eq!(
        h.engine.outcome_counts().get(&OutcomeKind::Confirmed),
        Some(&1),
        "{}",
        h.surface.text()
    );
    // Every interval from 2 s to 4.5 s (and one past it) would be 6 or 7 reads; spaced wider,
    // the change at 4.5 s is seen by the 5th or 6th.
    let watch_reads = cdc_reads() - before_patch;
    assert!(
        (1..=6).contains(&watch_reads),
        "{watch_reads} reads while watching, {spacing:?} apart"
    );
}
