//! The engine (no chat library) against the simulator over real sockets, through a recording
//! surface: confirmation, no-ops, supersession, deadlines and poll coalescing.

use std::{sync::Arc, time::Duration};

mod support;

use clickscale::ops::OutcomeKind;
use clickscale::{
    config::{Config, ServiceAlias},
    ops::{Actor, Engine, Origin, Phase, Rejection, RevertInput, ScaleRequest, Submission},
    scaling::{IdleInput, ReplicaInput},
    sim::{self, fixture::ids, Fixture, SimConfig, SimHandle},
    store::Store,
};
use support::recorder::{actor, Recorder};

fn origin() -> Origin {
    Origin {
        guild: None,
        channel: "ops".into(),
        locale: "en-US".into(),
    }
}

struct Harness {
    sim: SimHandle,
    engine: Engine,
    surface: Arc<Recorder>,
}

async fn harness(sim_config: SimConfig, tweak: impl FnOnce(&mut Config)) -> Harness {
    let sim = sim::spawn(sim_config, Fixture::default()).await.unwrap();
    let mut config = Config::default();
    config.timings.poll_interval = Duration::from_millis(50);
    config.timings.watch_deadline = Duration::from_secs(5);
    config.timings.cdc_expected_min = Duration::from_millis(200);
    config.timings.cdc_expected_max = Duration::from_millis(400);
    config.timings.service_expected_max = Duration::from_millis(400);
    config.services.push(ServiceAlias {
        alias: "prod".into(),
        id: ids::ANALYTICS_PROD.into(),
        customer_facing: true,
    });
    tweak(&mut config);
    let store = Store::connect("sqlite::memory:").await.unwrap();
    let engine = Engine::new(support::cloud::sim_client(&sim), config, store).unwrap();
    Harness {
        sim,
        engine,
        surface: Recorder::new(),
    }
}

fn fast_sim() -> SimConfig {
    SimConfig {
        rate_limit: 1000,
        cdc_converge_after: Duration::from_millis(300),
        service_converge_after: Duration::from_millis(150),
        ..SimConfig::default()
    }
}

fn submission(service: &str, request: ScaleRequest, who: Actor) -> Submission {
    Submission {
        service: service.into(),
        request,
        actor: who,
        origin: origin(),
        revert: RevertInput::default(),
    }
}

impl Harness {
    async fn prepare(
        &self,
        service: &str,
        request: ScaleRequest,
        who: Actor,
    ) -> Result<clickscale::ops::Prepared, Rejection> {
        self.engine.prepare(submission(service, request, who)).await
    }

    /// Prepare (which must succeed) and launch.
    async fn start(
        &self,
        service: &str,
        request: ScaleRequest,
        who: Actor,
    ) -> clickscale::ops::OperationHandle {
        let prepared = self.prepare(service, request, who).await.unwrap();
        self.engine
            .launch(prepared, self.surface.clone())
            .await
            .unwrap()
    }
}

fn patches(sim: &SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .count()
}

#[tokio::test]
async fn cdc_scale_up_is_confirmed_once_the_api_shows_it() {
    let h = harness(fast_sim(), |_| {}).await;
    let p = h
        .prepare("ingest-cdc", ScaleRequest::cdc(3), actor("ann", &[]))
        .await
        .unwrap();
    assert!(!p.plan.needs_confirmation(), "{:?}", p.plan);
    let mut op = h.engine.launch(p, h.surface.clone()).await.unwrap();
    op.reached(Phase::Settled).await;
    assert_eq!(
        h.engine.outcome_counts().get(&OutcomeKind::Confirmed),
        Some(&1)
    );
    let text = h.surface.text();
    assert!(
        text.contains("The API accepted the change (request id `"),
        "{text}"
    );
    assert!(
        text.contains("✅ Confirmed: the API now reports 3 cores / 12 GB"),
        "{text}"
    );
    assert_eq!(patches(&h.sim), 1);
}

#[tokio::test]
async fn rejections_send_nothing() {
    let h = harness(fast_sim(), |c| {
        c.policy.rules.push(clickscale::config::PolicyRule {
            commands: vec!["replicas".into()],
            services: vec!["prod".into()],
            roles: vec!["ops".into()],
            channels: vec!["*".into()],
        })
    })
    .await;
    let cases = [
        ("ingest-cdc", ScaleRequest::cdc(40), "from 1 to 24"),
        ("nope", ScaleRequest::cdc(4), "No service called `nope`"),
        (
            "prod",
            ScaleRequest::Replicas(ReplicaInput {
                count: Some(4),
                ..Default::default()
            }),
            "not allowed",
        ),
    ];
    for (service, request, expected) in cases {
        let err = h
            .prepare(service, request, actor("bob", &["dev"]))
            .await
            .unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
    // Allowed by role; a basic-tier service still refuses by rule, before any PATCH.
    let err = h
        .prepare(
            "prod",
            ScaleRequest::Replicas(ReplicaInput::default()),
            actor("ops-ann", &["ops"]),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Rejection::Invalid(_)), "{err}");
    assert_eq!(patches(&h.sim), 0);
}

#[tokio::test]
async fn no_op_is_detected() {
    let h = harness(fast_sim(), |_| {}).await;
    let p = h
        .prepare(
            "analytics-prod",
            ScaleRequest::Replicas(ReplicaInput {
                count: Some(3),
                ..Default::default()
            }),
            actor("ann", &[]),
        )
        .await
        .unwrap();
    assert!(p.is_noop());
    assert!(clickscale::ops::text::noop(&p).contains("Nothing was sent"));
}

#[tokio::test]
async fn capacity_down_needs_a_confirmation_and_checks_who_clicks() {
    let h = harness(fast_sim(), |c| {
        c.policy.rules.push(clickscale::config::PolicyRule {
            commands: vec!["*".into()],
            services: vec!["*".into()],
            roles: vec!["ops".into()],
            channels: vec!["*".into()],
        });
        c.policy.confirmer_roles = vec!["lead".into()];
    })
    .await;
    h.surface.clicks.lock().unwrap().extend([
        (actor("mallory", &[]), true),
        (actor("carl", &["ops"]), true),
        (actor("lea", &["ops", "lead"]), true),
    ]);
    let p = h
        .prepare(
            "prod",
            ScaleRequest::Replicas(ReplicaInput {
                count: Some(2),
                ..Default::default()
            }),
            actor("ann", &["ops"]),
        )
        .await
        .unwrap();
    assert!(p.plan.needs_confirmation());
    let mut op = h.engine.launch(p, h.surface.clone()).await.unwrap();
    op.reached(Phase::Settled).await;
    let text = h.surface.text();
    assert!(
        text.contains("refused mallory: You are not allowed"),
        "{text}"
    );
    assert!(text.contains("refused carl: Only the requester"), "{text}");
    assert!(text.contains("Confirmed by lea."), "{text}");
    assert_eq!(
        h.engine.outcome_counts().get(&OutcomeKind::Confirmed),
        Some(&1)
    );

    // Cancelled: nothing is sent.
    h.surface
        .clicks
        .lock()
        .unwrap()
        .push((actor("ann", &["ops"]), false));
    let before = patches(&h.sim);
    let p = h
        .prepare(
            "prod",
            ScaleRequest::Replicas(ReplicaInput {
                count: Some(1),
                ..Default::default()
            }),
            actor("ann", &["ops"]),
        )
        .await
        .unwrap();
    let mut op = h.engine.launch(p, h.surface.clone()).await.unwrap();
    op.reached(Phase::Settled).await;
    assert_eq!(patches(&h.sim), before);
    assert_eq!(
        h.engine.outcome_counts().get(&OutcomeKind::Cancelled),
        Some(&1)
    );
}

#[tokio::test]
async fn a_newer_request_supersedes_and_both_threads_are_told() {
    let h = harness(
        SimConfig {
            cdc_converge_after: Duration::from_millis(600),
            ..fast_sim()
        },
        |_| {},
    )
    .await;
    let mut a = h
        .start("ingest-cdc", ScaleRequest::cdc(3), actor("ann", &[]))
        .await;
    a.reached(Phase::Watching).await;
    let second = h
        .prepare("ingest-cdc", ScaleRequest::cdc(4), actor("bob", &[]))
        .await
        .unwrap();
    assert_eq!(second.supersedes, Some(a.id));
    let mut b = h.engine.launch(second, h.surface.clone()).await.unwrap();
    a.reached(Phase::Settled).await;
    b.reached(Phase::Settled).await;
    let text = h.surface.text();
    assert!(
        text.contains(&format!("Superseded by {} (requested by bob)", b.id)),
        "{text}"
    );
    assert!(
        text.contains(&format!("This request supersedes {}", a.id)),
        "{text}"
    );
    let counts = h.engine.outcome_counts();
    assert_eq!(counts.get(&OutcomeKind::Superseded), Some(&1));
    assert_eq!(counts.get(&OutcomeKind::Confirmed), Some(&1));
}

#[tokio::test]
async fn the_deadline_reports_what_was_last_seen() {
    let h = harness(
        SimConfig {
            cdc_converge_after: Duration::from_secs(60),
            ..fast_sim()
        },
        |c| c.timings.watch_deadline = Duration::from_millis(700),
    )
    .await;
    let mut op = h
        .start("ingest-cdc", ScaleRequest::cdc(3), actor("ann", &[]))
        .await;
    op.reached(Phase::Settled).await;
    let text = h.surface.text();
    assert!(text.contains("Still waiting after"), "{text}");
    assert!(text.contains("⚠️ Not confirmed after"), "{text}");
    assert!(text.contains("Last seen: 2 cores / 8 GB"), "{text}");
    assert_eq!(
        h.engine.outcome_counts().get(&OutcomeKind::TimedOut),
        Some(&1)
    );
}

#[tokio::test]
async fn api_errors_at_apply_time_settle_as_failed_with_the_reason() {
    let h = harness(fast_sim(), |_| {}).await;
    let p = h
        .prepare(
            "analytics-staging",
            ScaleRequest::Idle(IdleInput {
                enabled: true,
                timeout_minutes: Some(30),
            }),
            actor("ann", &[]),
        )
        .await
        .unwrap();
    h.sim
        .set_faults(clickscale::sim::Faults {
            fail_next: vec![400],
            ..Default::default()
        })
        .await;
    let mut op = h.engine.launch(p, h.surface.clone()).await.unwrap();
    op.reached(Phase::Settled).await;
    let text = h.surface.text();
    assert!(text.contains("❌"), "{text}");
    assert_eq!(
        h.engine.outcome_counts().get(&OutcomeKind::Failed),
        Some(&1)
    );
}

#[tokio::test]
async fn many_watchers_of_one_service_share_one_poll_stream() {
    let h = harness(
        SimConfig {
            service_converge_after: Duration::from_millis(500),
            ..fast_sim()
        },
        |_| {},
    )
    .await;
    // Ten operations on the same service: the first nine are superseded, but all watch it.
    let mut handles = Vec::new();
    for n in 1..=5 {
        let p = h
            .prepare(
                "analytics-staging",
                ScaleRequest::Idle(IdleInput {
                    enabled: true,
                    timeout_minutes: Some(10 + n),
                }),
                actor("ann", &[]),
            )
            .await
            .unwrap();
        let mut op = h.engine.launch(p, h.surface.clone()).await.unwrap();
        op.reached(Phase::Watching).await;
        handles.push(op);
    }
    assert_eq!(h.engine.pollers().active_streams(), 1);
    for mut op in handles {
        op.reached(Phase::Settled).await;
    }
    let counts = h.engine.outcome_counts();
    assert_eq!(counts.get(&OutcomeKind::Superseded), Some(&4));
    assert_eq!(counts.get(&OutcomeKind::Confirmed), Some(&1));
}
