//! Several instances on one database (SQLite here, and PostgreSQL when
//! `CLICKSCALE_TEST_POSTGRES_URL` is set, as `.ci/run` does): each operation and reminder is
//! acted on by exactly one of them, and an instance that dies has its work taken over.

mod support;

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use clickscale::ops::OutcomeKind;
use clickscale::{
    cloud::model::CdcScaling,
    config::Config,
    ops::{Engine, Origin, Phase, RevertInput, ScaleRequest, Submission},
    sim::{self, fixture::ids, Fixture, SimConfig, SimHandle},
    store::{ReminderKind, Store},
};
use support::{
    db::TestDb,
    recorder::{actor, Recorder},
};

const WAIT: Duration = Duration::from_secs(20);

async fn simulator(cdc_converge_after: Duration) -> SimHandle {
    sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            cdc_converge_after,
            service_converge_after: Duration::from_millis(300),
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap()
}

/// One instance: its own engine, store pool and chat surface, all on the shared database.
async fn instance(sim: &SimHandle, store: Store, name: &str) -> (Engine, Arc<Recorder>) {
    let mut config = Config::default();
    config.timings.poll_interval = Duration::from_millis(50);
    config.timings.watch_deadline = Duration::from_secs(15);
    config.timings.cdc_expected_min = Duration::from_millis(100);
    config.timings.cdc_expected_max = Duration::from_secs(5);
    config.timings.service_expected_max = Duration::from_secs(5);
    config.store.instance_id = name.into();
    config.store.lease_ttl = Duration::from_millis(900);
    config.oncall.tick = Duration::from_millis(30);
    config.oncall.snapshot_check_interval = Duration::from_millis(100);
    let engine = Engine::new(support::cloud::sim_client(sim), config, store).unwrap();
    let surface = Recorder::new();
    *surface.auto_confirm.lock().unwrap() = Some(actor("lead", &[]));
    engine.start_background(surface.clone()).await.unwrap();
    (engine, surface)
}

fn submission(service: &str, request: ScaleRequest) -> Submission {
    Submission {
        service: service.into(),
        request,
        actor: actor("ann", &[]),
        origin: Origin {
            guild: None,
            channel: "c".into(),
            locale: "en-US".into(),
        },
        revert: RevertInput {
            revert: Some("never".into()),
            reason: Some("instances test".into()),
            ..RevertInput::default()
        },
    }
}

/// Runs a scenario against SQLite, then PostgreSQL when a server is configured.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $name() {
                    super::$name(&super::TestDb::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $name() {
                    let Some(db) = super::TestDb::postgres().await else { return };
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}

on_every_backend!(
    a_dead_instances_watch_is_taken_over_and_confirmed_once,
    two_live_instances_never_run_the_same_operation,
    a_due_reminder_is_posted_by_exactly_one_instance,
);

async fn a_dead_instances_watch_is_taken_over_and_confirmed_once(db: &TestDb) {
    let sim = simulator(Duration::from_secs(3)).await;
    let (a, a_chat) = instance(&sim, db.open().await, "instance-a").await;
    let (b, b_chat) = instance(&sim, db.open().await, "instance-b").await;
    let prepared = a
        .prepare(submission("ingest-cdc", ScaleRequest::cdc(4)))
        .await
        .unwrap();
    let mut handle = a.launch(prepared, a_chat.clone()).await.unwrap();
    tokio::time::timeout(WAIT, handle.reached(Phase::Watching))
        .await
        .unwrap();
    a.halt(); // dies: no more renewals, its lease lapses
    b_chat
        .wait_for("instance b to confirm", WAIT, |r| {
            r.text()
                .contains("✅ Confirmed: the API now reports 4 cores / 16 GB")
        })
        .await;
    assert!(
        b_chat.text().contains("↻ clickscale restarted"),
        "{}",
        b_chat.text()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(b_chat.count("✅ Confirmed: the API"), 1);
    assert_eq!(
        a_chat.count("✅ Confirmed: the API"),
        0,
        "{}",
        a_chat.text()
    );
    let op = b.store().operation(handle.id).await.unwrap().unwrap();
    assert_eq!(op.outcome, Some(OutcomeKind::Confirmed));
    assert_eq!(
        sim.world().lock().await.get_cdc(ids::INGEST_CDC).unwrap(),
        CdcScaling::from_cores(4)
    );
    b.shutdown().await;
}

async fn two_live_instances_never_run_the_same_operation(db: &TestDb) {
    let sim = simulator(Duration::from_millis(400)).await;
    let (a, a_chat) = instance(&sim, db.open().await, "instance-a").await;
    let (b, b_chat) = instance(&sim, db.open().await, "instance-b").await;
    let services = ["analytics-prod", "analytics-staging", "reporting-highmem"];
    let mut ids = Vec::new();
    for (i, service) in services.iter().enumerate() {
        let (engine, chat) = if i % 2 == 0 {
            (&a, &a_chat)
        } else {
            (&b, &b_chat)
        };
        let request = ScaleRequest::Replicas(clickscale::scaling::ReplicaInput {
            count: Some(4),
            ..Default::default()
        });
        let mut sub = submission(service, request);
        sub.revert = RevertInput::default();
        let p = engine.prepare(sub).await.unwrap();
        ids.push(engine.launch(p, chat.clone()).await.unwrap().id);
    }
    for id in &ids {
        let store = a.store().clone();
        let id = *id;
        tokio::time::timeout(WAIT, async move {
            loop {
                let op = store.operation(id).await.unwrap().unwrap();
                if op.settled_at.is_some() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("every operation settles");
    }
    // Give a duplicate every chance to show up, then count: one confirmation per operation.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let confirmations =
        a_chat.count("✅ Confirmed: the API") + b_chat.count("✅ Confirmed: the API");
    assert_eq!(
        confirmations,
        services.len(),
        "A:\n{}\nB:\n{}",
        a_chat.text(),
        b_chat.text()
    );
    assert_eq!(
        a_chat.count("↻"),
        0,
        "nobody resumed a live instance's work"
    );
    assert_eq!(b_chat.count("↻"), 0);
    a.shutdown().await;
    b.shutdown().await;
}

async fn a_due_reminder_is_posted_by_exactly_one_instance(db: &TestDb) {
    let sim = simulator(Duration::from_millis(100)).await;
    let (a, a_chat) = instance(&sim, db.open().await, "instance-a").await;
    let (b, b_chat) = instance(&sim, db.open().await, "instance-b").await;
    // A confirmed scale-up whose reminder both instances see due at once.
    let mut sub = submission("ingest-cdc", ScaleRequest::cdc(6));
    sub.revert = RevertInput {
        for_: Some("1h".into()),
        ..RevertInput::default()
    };
    let p = a.prepare(sub).await.unwrap();
    let mut handle = a.launch(p, a_chat.clone()).await.unwrap();
    tokio::time::timeout(WAIT, handle.reached(Phase::Settled))
        .await
        .unwrap();
    let mut r = a.store().reminders_of(handle.id).await.unwrap().remove(0);
    assert_eq!(r.kind, ReminderKind::TimedRevert);
    r.due_at = Utc::now();
    a.store().update_reminder(&r).await.unwrap();
    let (ra, rb) = tokio::join!(a.run_due_reminders(), b.run_due_reminders());
    let _ = (ra, rb);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        a_chat.reminders().len() + b_chat.reminders().len(),
        1,
        "A:\n{}\nB:\n{}",
        a_chat.text(),
        b_chat.text()
    );
    a.shutdown().await;
    b.shutdown().await;
}
