//! Restarts through the real binary: `clickscale console` against a simulator that outlives
//! it, killed with SIGKILL in the middle of a watch and in the middle of a reminder, then
//! started again on the same SQLite database. The confirmation arrives exactly once; the
//! reminder is still there to answer.

use std::time::Duration;

mod support;

use clickscale::{
    cloud::model::CdcScaling,
    ops::OutcomeKind,
    sim::{self, fixture::ids, Fixture, SimConfig, SimHandle},
    store::{ReminderState, Store},
};
use support::console::{database_in as database, Live};

/// `clickscale console` on the simulator at `sim` and the database `db` (see [`Live`]).
fn console(sim: &SimHandle, db: &str) -> Live {
    Live::start(&sim.base_url(), db, &[])
}

async fn simulator(time_scale: f64, cdc_converge_after: Duration) -> SimHandle {
    sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            time_scale,
            cdc_converge_after,
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap()
}

async fn cdc(sim: &SimHandle) -> CdcScaling {
    sim.world().lock().await.get_cdc(ids::INGEST_CDC).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_mid_watch_then_restart_confirms_exactly_once() {
    // CDC takes 4 s of real time to converge: long enough to kill the console while it watches.
    let sim = simulator(1.0, Duration::from_secs(4)).await;
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());

    let mut first = console(&sim, &db);
    first.send("/cdc-scale service:ingest-cdc cores:4 revert:never reason:\"restart test\"");
    first.wait_for("The API accepted the change");
    let before_kill = first.kill();
    assert!(!before_kill.contains("✅"), "{before_kill}");
    assert_eq!(
        cdc(&sim).await,
        CdcScaling::from_cores(2),
        "killed while the API still converges"
    );
    {
        let store = Store::connect(&db).await.unwrap();
        let unsettled = store.unsettled_operations().await.unwrap();
        assert_eq!(unsettled.len(), 1, "the watch is in the database");
        assert!(unsettled[0].request_id.is_some());
        store.close().await;
    }

    let second = console(&sim, &db);
    let (code, text) = second.finish();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("↻ clickscale restarted"), "{text}");
    assert_eq!(
        text.matches("✅ Confirmed: the API now reports 4 cores / 16 GB")
            .count(),
        1,
        "{text}"
    );
    assert_eq!(cdc(&sim).await, CdcScaling::from_cores(4));

    // A third start has nothing left to say about it.
    let third = console(&sim, &db);
    let (code, text) = third.finish();
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("Confirmed"), "{text}");
    let store = Store::connect(&db).await.unwrap();
    let ops = store.recent_operations(None, 10).await.unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].outcome, Some(OutcomeKind::Confirmed));
    assert!(ops[0].notice.is_none(), "the notice was posted and taken");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_with_a_reminder_posted_then_restart_answers_it() {
    // 100x: the snapshots end within 3 s, CDC converges in 0.2 s.
    let sim = simulator(100.0, Duration::from_secs(20)).await;
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());

    let mut first = console(&sim, &db);
    first.send("/cdc-scale service:ingest-cdc cores:8");
    first.send("Confirm");
    first.wait_for("[Scale down now]");
    let text = first.kill();
    assert!(
        text.contains("@oncall"),
        "the on-call role is mentioned:\n{text}"
    );
    assert_eq!(cdc(&sim).await, CdcScaling::from_cores(8));

    let mut second = console(&sim, &db);
    second.send("Scale down now");
    second.wait_for("asked to scale back to 2 cores / 8 GB");
    let (code, text) = second.finish();
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        text.matches("✅ Confirmed: the API now reports 2 cores / 8 GB")
            .count(),
        1,
        "{text}"
    );
    assert_eq!(cdc(&sim).await, CdcScaling::from_cores(2));
    let store = Store::connect(&db).await.unwrap();
    let reminders = store.all_reminders().await.unwrap();
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].state, ReminderState::Done);
}
