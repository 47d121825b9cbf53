//! What the engine tells people is what the API and the store say (issue 9's defects), against
//! the simulator over real sockets, with the store as the only source of truth: lost PATCH
//! answers, supersession by settings, joining an identical change, several instances on one
//! database, and input that must cost no API call. Every wait has a timeout.

use std::{future::Future, sync::Arc, time::Duration};

mod support;

use clickscale::{
    cloud::CloudClient,
    config::{Config, ServiceAlias},
    ops::{
        Engine, OperationHandle, Origin, OutcomeKind, Phase, Prepared, Rejection, RevertInput,
        ScaleRequest, Submission,
    },
    scaling::{IdleInput, ReplicaInput},
    sim::{self, fixture::ids, Fixture, SimConfig, SimHandle},
    store::Store,
};
use support::{
    db::TestDb,
    proxy::{Loss, LossyProxy},
    recorder::{actor, Recorder},
};

/// The longest any single wait in these tests may take.
const LIMIT: Duration = Duration::from_secs(30);

async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {LIMIT:?} waiting for {what}"))
}

async fn settled(op: &mut OperationHandle) {
    within(
        &format!("operation {} to settle", op.id),
        op.reached(Phase::Settled),
    )
    .await
}

fn sim_config(service_converge: Duration) -> SimConfig {
    SimConfig {
        rate_limit: 100_000,
        cdc_converge_after: Duration::from_millis(300),
        service_converge_after: service_converge,
        ..SimConfig::default()
    }
}

/// A client for `base_url` (the simulator, or a proxy in front of it) with quick retries and
/// a short request timeout, so that lost answers are noticed fast.
fn client(base_url: String) -> CloudClient {
    let mut s = support::cloud::settings_at(base_url);
    s.request_timeout = Duration::from_secs(2);
    CloudClient::new(s).expect("a client")
}

fn config(instance: &str, poll: Duration, deadline: Duration) -> Config {
    let mut c = Config::default();
    c.timings.poll_interval = poll;
    c.timings.watch_deadline = deadline;
    c.timings.cdc_expected_min = Duration::from_millis(200);
    c.timings.cdc_expected_max = Duration::from_millis(400);
    c.timings.service_expected_max = Duration::from_millis(400);
    c.store.instance_id = instance.into();
    for (alias, id) in [
        ("prod", ids::ANALYTICS_PROD),
        ("staging", ids::ANALYTICS_STAGING),
        ("cdc", ids::INGEST_CDC),
        ("etl", ids::ETL_IDLE),
    ] {
        c.services.push(ServiceAlias {
            alias: alias.into(),
            id: id.into(),
            customer_facing: false,
        });
    }
    c
}

/// One instance: an engine on `store`, reporting to its own recorder that confirms every
/// confirmation request.
struct Instance {
    engine: Engine,
    surface: Arc<Recorder>,
}

impl Instance {
    fn new(cloud: CloudClient, config: Config, store: Store) -> Self {
        let surface = Recorder::new();
        *surface.auto_confirm.lock().unwrap() = Some(actor("ann", &[]));
        Self {
            engine: Engine::new(cloud, config, store).expect("engine"),
            surface,
        }
    }

    async fn prepare(&self, service: &str, request: ScaleRequest) -> Result<Prepared, Rejection> {
        within(
            "prepare",
            self.engine.prepare(Submission {
                service: service.into(),
                request,
                actor: actor("ann", &[]),
                origin: Origin {
                    guild: None,
                    channel: "ops".into(),
                    locale: "en-US".into(),
                },
                revert: RevertInput::default(),
            }),
        )
        .await
    }

    async fn start(&self, service: &str, request: ScaleRequest) -> OperationHandle {
        let p = self.prepare(service, request).await.expect("accepted");
        within("launch", self.engine.launch(p, self.surface.clone()))
            .await
            .expect("launched")
    }
}

/// A simulator whose service changes show after `converge`, and one instance on an in-memory
/// store talking to it directly, with polls every 50 ms and a watch `deadline`.
async fn one_instance(converge: Duration, deadline: Duration) -> (SimHandle, Store, Instance) {
    let sim = sim::spawn(sim_config(converge), Fixture::default())
        .await
        .unwrap();
    let store = Store::connect("sqlite::memory:").await.unwrap();
    let config = config("one", Duration::from_millis(50), deadline);
    let i = Instance::new(client(sim.base_url()), config, store.clone());
    (sim, store, i)
}

fn count(n: u32) -> ScaleRequest {
    ScaleRequest::Replicas(ReplicaInput {
        count: Some(n.into()),
        ..Default::default()
    })
}

fn patches(sim: &SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .count()
}

async fn outcome(store: &Store, op: &OperationHandle) -> Option<OutcomeKind> {
    store.operation(op.id).await.unwrap().unwrap().outcome
}

/// Defect 1: the PATCH reached the API (which applied it), but every answer was lost on the
/// way back. Not a failure: the engine keeps watching, sends the absolute change once more
/// when the API answers again, and confirms what GET shows.
#[tokio::test]
async fn a_lost_patch_answer_is_not_a_failure_the_engine_confirms_what_get_shows() {
    let sim = sim::spawn(sim_config(Duration::from_millis(150)), Fixture::default())
        .await
        .unwrap();
    // Every attempt of the first PATCH (the client tries 4 times) loses its answer.
    let proxy = LossyProxy::start(sim.addr, Loss::Answer, 4).await;
    let store = Store::connect("sqlite::memory:").await.unwrap();
    let config = config("one", Duration::from_millis(50), Duration::from_secs(10));
    let i = Instance::new(client(proxy.base_url()), config, store.clone());
    let mut op = i.start("cdc", ScaleRequest::cdc(3)).await;
    settled(&mut op).await;
    let text = i.surface.text();
    assert_eq!(proxy.lost(), 4, "{text}");
    assert!(
        text.contains("No answer from the API to the change"),
        "{text}"
    );
    assert!(
        !text.contains('❌'),
        "a change the API applied is no failure:\n{text}"
    );
    assert!(
        text.contains("✅ Confirmed: the API now reports 3 cores / 12 GB"),
        "{text}"
    );
    assert_eq!(outcome(&store, &op).await, Some(OutcomeKind::Confirmed));
}

/// Defect 1, the other way: the PATCH never reached the API and no answer came. By the
/// deadline GET still shows the old value: the outcome is *unknown*, said as such, with what
/// the API reports now; never "Failed".
#[tokio::test]
async fn a_patch_that_never_arrived_settles_as_outcome_unknown_with_what_the_api_reports() {
    let sim = sim::spawn(sim_config(Duration::from_millis(150)), Fixture::default())
        .await
        .unwrap();
    let proxy = LossyProxy::start(sim.addr, Loss::Request, usize::MAX).await;
    let store = Store::connect("sqlite::memory:").await.unwrap();
    let config = config("one", Duration::from_millis(50), Duration::from_secs(3));
    let i = Instance::new(client(proxy.base_url()), config, store.clone());
    let mut op = i.start("cdc", ScaleRequest::cdc(3)).await;
    settled(&mut op).await;
    let text = i.surface.text();
    assert_eq!(patches(&sim), 0, "the proxy swallowed every PATCH");
    assert!(
        proxy.lost() >= 5,
        "4 attempts and one more try: {}",
        proxy.lost()
    );
    assert!(
        text.contains("❔ Outcome unknown: the API never answered the change, and after"),
        "{text}"
    );
    assert!(
        text.contains("it reports 2 cores / 8 GB, not the target"),
        "{text}"
    );
    assert!(!text.contains('❌'), "{text}");
    assert_eq!(outcome(&store, &op).await, Some(OutcomeKind::Unknown));
}

/// Defect 3: changes to different settings of one service are both watched and confirmed
/// (`/idle` then `/replicas` used to tell the first requester it was superseded).
#[tokio::test]
async fn changes_to_different_settings_of_one_service_are_both_confirmed() {
    let (_sim, store, i) = one_instance(Duration::from_millis(300), Duration::from_secs(10)).await;
    let mut idle = i
        .start(
            "staging",
            ScaleRequest::Idle(IdleInput {
                enabled: false,
                timeout_minutes: None,
            }),
        )
        .await;
    within("idle watching", idle.reached(Phase::Watching)).await;
    let mut replicas = i.start("staging", count(3)).await;
    settled(&mut idle).await;
    settled(&mut replicas).await;
    let text = i.surface.text();
    assert!(!text.contains("Superseded"), "{text}");
    assert!(!text.contains("supersedes"), "{text}");
    assert_eq!(i.surface.count("✅ Confirmed:"), 2, "{text}");
    assert_eq!(outcome(&store, &idle).await, Some(OutcomeKind::Confirmed));
    assert_eq!(
        outcome(&store, &replicas).await,
        Some(OutcomeKind::Confirmed)
    );
}

/// Defect 4: the same change asked again while it is in flight joins it: the requester is told
/// where, and nothing is sent again.
#[tokio::test]
async fn the_same_change_asked_again_while_in_flight_joins_it_and_sends_nothing() {
    let (sim, _store, i) = one_instance(Duration::from_millis(150), Duration::from_secs(10)).await;
    let mut first = i.start("cdc", ScaleRequest::cdc(4)).await;
    for _ in 0..3 {
        match i.prepare("cdc", ScaleRequest::cdc(4)).await {
            Err(e @ Rejection::AlreadyInFlight { id, .. }) => {
                assert_eq!(id, first.id);
                let said = e.user_message(clickscale::i18n::Locale::EnUs);
                assert!(
                    said.contains(&format!("already in flight as {}", first.id)),
                    "{said}"
                );
            }
            other => panic!("expected to join {}, got {other:?}", first.id),
        }
    }
    settled(&mut first).await;
    assert_eq!(patches(&sim), 1);
}

/// Defect 7: every input the rules refuse costs no API call, for every command (counted at
/// the simulator).
#[tokio::test]
async fn every_rejected_input_costs_zero_api_calls() {
    let (sim, _store, i) = one_instance(Duration::from_millis(150), Duration::from_secs(10)).await;
    let replicas = |count: Option<i64>, min: Option<i64>, max: Option<i64>| {
        ScaleRequest::Replicas(ReplicaInput {
            count,
            min_memory_gb: min,
            max_memory_gb: max,
            ..ReplicaInput::default()
        })
    };
    let idle = |enabled, timeout_minutes| {
        ScaleRequest::Idle(IdleInput {
            enabled,
            timeout_minutes,
        })
    };
    let cases = [
        ("cdc", ScaleRequest::cdc(0)),
        ("cdc", ScaleRequest::cdc(25)),
        ("cdc", ScaleRequest::cdc(i64::MAX)),
        ("staging", replicas(None, None, None)),
        ("staging", replicas(Some(0), None, None)),
        ("staging", replicas(Some(21), None, None)),
        ("staging", replicas(None, Some(7), None)),
        ("staging", replicas(None, None, Some(1000))),
        ("staging", replicas(None, Some(64), Some(32))),
        ("staging", idle(false, Some(30))),
        ("staging", idle(true, Some(1))),
        ("staging", idle(true, Some(99_999))),
    ];
    for (service, request) in cases {
        let before = sim.requests().len();
        let shown = format!("{request:?}");
        let err = i
            .prepare(service, request)
            .await
            .expect_err("refused by the rules");
        assert!(matches!(err, Rejection::Invalid(_)), "{shown}: {err}");
        assert_eq!(
            sim.requests().len(),
            before,
            "{shown} was refused ({err}) but cost an API call"
        );
    }
}

/// Defect 11: a change that waits for a confirmation never says it is being sent.
#[tokio::test]
async fn a_change_awaiting_confirmation_does_not_say_it_is_being_sent() {
    let (sim, _store, i) = one_instance(Duration::from_millis(150), Duration::from_secs(10)).await;
    *i.surface.auto_confirm.lock().unwrap() = None;
    *i.surface.clicks.lock().unwrap() = vec![(actor("ann", &[]), false)];
    // 3 -> 1 replicas: capacity down, so it asks first.
    let mut op = i.start("prod", count(1)).await;
    settled(&mut op).await;
    let text = i.surface.text();
    let first = text.lines().next().unwrap_or_default();
    assert!(first.starts_with("status:"), "{text}");
    assert!(!first.contains("Sending"), "{first}");
    assert!(text.contains("Cancelled by ann"), "{text}");
    assert_eq!(patches(&sim), 0);
}

/// Defect 11: `/replicas` on an idle service is confirmed once the API shows the target (the
/// state is idle, the configuration is what counts).
#[tokio::test]
async fn a_replica_change_on_an_idle_service_is_confirmed() {
    let (_sim, store, i) = one_instance(Duration::from_millis(150), Duration::from_secs(5)).await;
    let mut op = i.start("etl", count(3)).await;
    settled(&mut op).await;
    let text = i.surface.text();
    assert_eq!(
        outcome(&store, &op).await,
        Some(OutcomeKind::Confirmed),
        "{text}"
    );
}

/// Defects 3 and 5 across instances: two engines on one database. An overlapping change
/// launched on instance B supersedes instance A's; A learns it from the store, says so once,
/// and never prints a confirmation, even when its next poll shows its own (stale) target.
/// `/scaling-status`'s list (the store's open operations) shows B's operation on A.
async fn overlapping_change_on_another_instance_supersedes(db: TestDb) {
    // Slow convergence, sparse polls on A: A's next poll lands while the API still shows A's
    // own target (4), after B (2) has taken over.
    let sim = sim::spawn(sim_config(Duration::from_secs(2)), Fixture::default())
        .await
        .unwrap();
    let a = Instance::new(
        client(sim.base_url()),
        config("a", Duration::from_secs(3), Duration::from_secs(20)),
        db.open().await,
    );
    let b = Instance::new(
        client(sim.base_url()),
        config("b", Duration::from_millis(100), Duration::from_secs(20)),
        db.open().await,
    );
    let mut first = a.start("staging", count(4)).await;
    within("A watching", first.reached(Phase::Watching)).await;
    // Wait until the API shows A's target, so A's next poll would see it.
    let probe = client(sim.base_url());
    within("the API to show 4 replicas", async {
        while probe
            .get_service(ids::ANALYTICS_STAGING)
            .await
            .unwrap()
            .num_replicas
            != Some(4)
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let p = b.prepare("staging", count(2)).await.unwrap();
    assert_eq!(
        p.supersedes,
        Some(first.id),
        "B sees A's operation in the store"
    );
    let mut second = within("launch", b.engine.launch(p, b.surface.clone()))
        .await
        .unwrap();
    within("B watching", second.reached(Phase::Watching)).await;
    let open = a
        .engine
        .open_operations_on(ids::ANALYTICS_STAGING)
        .await
        .unwrap();
    assert_eq!(
        open.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![second.id],
        "A lists B's operation, and not its own superseded one"
    );
    settled(&mut first).await;
    settled(&mut second).await;
    let (ta, tb) = (a.surface.text(), b.surface.text());
    assert!(
        !ta.contains("✅ Confirmed"),
        "superseded, so never confirmed:\n{ta}"
    );
    assert_eq!(
        a.surface
            .count(&format!("Superseded by {} (requested by ann)", second.id)),
        1,
        "{ta}"
    );
    assert!(tb.contains(&format!("supersedes {}", first.id)), "{tb}");
    assert!(tb.contains("✅ Confirmed"), "{tb}");
    let store = db.open().await;
    assert_eq!(outcome(&store, &first).await, Some(OutcomeKind::Superseded));
    assert_eq!(outcome(&store, &second).await, Some(OutcomeKind::Confirmed));
    db.finish().await;
}

#[tokio::test]
async fn overlapping_change_on_another_instance_supersedes_sqlite() {
    overlapping_change_on_another_instance_supersedes(TestDb::sqlite()).await;
}

#[tokio::test]
async fn overlapping_change_on_another_instance_supersedes_postgres() {
    if let Some(db) = TestDb::postgres().await {
        overlapping_change_on_another_instance_supersedes(db).await;
    }
}

/// Defect 11: a clean exit of the real binary logs no store errors (the background rounds
/// used to run against the closed pool: "could not read unposted notices … closed pool"), and
/// a single instance never claims to have lost a lease to another.
#[test]
fn a_clean_exit_logs_no_store_errors_and_no_lost_lease() {
    let dir = tempfile::tempdir().unwrap();
    let db = support::console::database_in(dir.path());
    let script =
        "/cdc-scale service:ingest-cdc cores:3\n/idle service:analytics-staging enabled:false\n";
    let run = support::console::console_on(&db, script, &[], "info");
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    for bad in ["closed pool", "could not", "lease lost", "ERROR"] {
        assert!(
            !run.stderr.contains(bad),
            "`{bad}` in the log:\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("operation settled"), "{}", run.stderr);
}

/// Defect 6: two processes on one host and one database, neither with a configured instance
/// id (`run` and a `console` side by side, say). The second must not take over the first's
/// live operation (it used to, at once, because both were named after the host); the first
/// confirms its own change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_on_the_same_host_does_not_take_over_live_work() {
    let sim = sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            cdc_converge_after: Duration::from_secs(3),
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = support::console::database_in(dir.path());
    let base = sim.base_url();
    let unnamed = [("CLICKSCALE_STORE__INSTANCE_ID", "")];
    let (first, second) = tokio::task::spawn_blocking(move || {
        let mut first = support::console::Live::start_with(&base, &db, &[], &unnamed);
        first.send("/cdc-scale service:ingest-cdc cores:3");
        first.wait_for("The API accepted the change");
        let second = support::console::Live::start_with(&base, &db, &[], &unnamed);
        // Long enough for the second to adopt anything it would, shorter than the lease.
        std::thread::sleep(Duration::from_millis(1500));
        first.wait_for("✅ Confirmed: the API now reports 3 cores / 12 GB");
        (first.finish().1, second.finish().1)
    })
    .await
    .unwrap();
    assert!(!second.contains("picking this up again"), "{second}");
    assert!(!second.contains("cdc-scale ingest-cdc #1"), "{second}");
    assert_eq!(
        first
            .matches("✅ Confirmed: the API now reports 3 cores / 12 GB")
            .count(),
        1,
        "{first}"
    );
}
