//! Horizontal autoscaling through `clickscale console --sim` (the real binary against the
//! simulator over 127.0.0.1): `/replicas min-replicas max-replicas mode`, validated before any
//! call, confirmed on the fields horizontal mode uses, and the organization's entitlement.

mod support;

use support::console::console;

#[test]
fn switching_to_horizontal_with_a_replica_range_is_confirmed() {
    // 2 replicas of 8–32 GB -> 2–4 replicas of 16 GB: max memory drops, so it asks first.
    let run = console(
        "/replicas service:analytics-staging mode:horizontal min-replicas:2 max-replicas:4 min-memory-gb:16 max-memory-gb:16\nconfirm\n/scaling-status service:analytics-staging\n",
        &[],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    let t = &run.transcript;
    assert!(
        t.contains("vertical autoscaling -> horizontal autoscaling") || t.contains("horizontal"),
        "{t}"
    );
    assert!(
        t.contains("2 replicas -> 2–4 replicas"),
        "the range is planned:\n{t}"
    );
    assert!(
        t.contains("✅ Confirmed: the API now reports 2–4 replicas, 16–16 GB per replica"),
        "the follow-up compares the range:\n{t}"
    );
    assert!(t.contains("Summary: 1 confirmed."), "{t}");
}

#[test]
fn a_range_change_on_a_horizontal_service_that_lowers_the_max_asks_first() {
    use clickscale::{
        cloud::model::Service,
        scaling::{plan, replica_patch, Current, Limits, ReplicaInput, Risk, RiskPolicy, Target},
    };
    let service: Service = serde_json::from_value(serde_json::json!({
        "id": "1d4c7a8e-0000-4000-8000-000000000001", "name": "h", "state": "running",
        "autoscalingMode": "horizontal", "minReplicas": 2, "maxReplicas": 6,
        "minReplicaMemoryGb": 32, "maxReplicaMemoryGb": 32, "currentScaling": {}
    }))
    .unwrap();
    let limits = Limits::default();
    let input = ReplicaInput {
        max_replicas: Some(3),
        ..ReplicaInput::default()
    };
    let patch = replica_patch(&input, &service, &limits).unwrap();
    // The range is sent as a pair: the min not given is the service's.
    assert_eq!((patch.min_replicas, patch.max_replicas), (Some(2), Some(3)));
    assert_eq!(patch.num_replicas, None);
    let p = plan(
        &Current::Service(Box::new(service)),
        &Target::Service(patch),
        &RiskPolicy::default(),
    );
    assert_eq!(p.risks, vec![Risk::CapacityDown]);
    assert!(p.needs_confirmation());
    assert_eq!(
        p.summary(clickscale::i18n::Locale::EnUs),
        "2–6 replicas -> 2–3 replicas (capacity goes down)"
    );
}

#[test]
fn invalid_horizontal_input_says_what_is_allowed_and_sends_nothing() {
    let script = "\
/replicas service:analytics-staging count:3 min-replicas:2
/replicas service:analytics-staging mode:diagonal
/replicas service:analytics-staging min-replicas:5 max-replicas:3
/replicas service:analytics-staging min-replicas:0 max-replicas:3
/replicas service:analytics-staging max-replicas:99
/replicas service:analytics-staging mode:horizontal min-memory-gb:16 max-memory-gb:32
/replicas service:analytics-staging mode:vertical min-replicas:2 max-replicas:3
/replicas service:analytics-staging mode:horizontal count:3
/replicas service:analytics-staging min-replicas:2 max-replicas:3
/replicas service:analytics-staging min-replicas:1 max-replicas:3 mode:horizontal
";
    let run = console(script, &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.transcript, run.stderr);
    let t = &run.transcript;
    assert!(!t.contains("[msg"), "nothing may be launched:\n{t}");
    for expected in [
        "cannot go with min-replicas/max-replicas",
        "`mode` must be one of `vertical` or `horizontal`, not `diagonal`",
        "min-replicas must not be above max-replicas",
        "min-replicas must be a whole number from 1 to 20 (got 0)",
        "max-replicas must be a whole number from 1 to 20 (got 99)",
        "uses horizontal autoscaling, where every replica has one fixed size",
        "apply in horizontal mode only",
        "a horizontal-mode service takes a min–max replica range",
        // The primary service of a warehouse keeps at least 2 replicas.
        "min-replicas must be a whole number from 2 to 20 (got 1)",
    ] {
        assert!(t.contains(expected), "missing {expected:?}:\n{t}");
    }
}

/// An organization without the horizontal entitlement: the API's refusal reaches the user in
/// the thread (nothing changes), through the real console against a simulator that models it.
#[tokio::test(flavor = "multi_thread")]
async fn horizontal_mode_without_the_entitlement_is_refused_by_the_api() {
    use clickscale::sim::{self, fixture::ids, Fixture, SimConfig};
    use support::console::{database_in, Live};

    let mut fixture = Fixture::default();
    fixture.organization.horizontal_autoscaling = false;
    let sim = sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            ..SimConfig::default()
        },
        fixture,
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut console = Live::start(&sim.base_url(), &database_in(dir.path()), &[]);
    console.send(
        "/replicas service:analytics-staging mode:horizontal min-replicas:2 max-replicas:4 min-memory-gb:16 max-memory-gb:16",
    );
    console.send("Confirm");
    let (code, text) = console.finish();
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("Horizontal autoscaling is not enabled for this organization"),
        "{text}"
    );
    assert!(text.contains("❌ Failed."), "{text}");
    let staging = sim
        .world()
        .lock()
        .await
        .get_service(ids::ANALYTICS_STAGING)
        .unwrap();
    assert_eq!(
        staging.autoscaling_mode,
        clickscale::cloud::model::AutoscalingMode::Vertical
    );
}
