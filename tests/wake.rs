//! Idle services (issue 10, part 5): a ClickPipes change on an idle service offers **Wake and
//! continue**, wakes the service, waits until it runs and carries on in the same thread; a
//! change the API shows on an idle service says it applies when the service wakes. Through
//! the real console binary, the real bot against the fake Discord, and a console restarted
//! on the same database.

use std::time::Duration;

mod support;

use clickscale::{
    cloud::model::{CdcScaling, ServiceState},
    ops::{OutcomeKind, Phase},
    sim::{self, fixture::ids, Fixture, SimConfig, SimHandle},
    store::Store,
};
use support::{
    bot::World,
    console::{console, database_in, Live},
};

#[test]
fn console_wakes_an_idle_service_then_confirms_the_change() {
    // cores:1 lowers the capacity: after the wake the change still asks for a confirmation.
    let run = console(
        "/cdc-scale service:etl-idle cores:1\nWake and continue\nConfirm\n",
        &[],
    );
    let t = &run.transcript;
    assert_eq!(run.code, 0, "{t}\n{}", run.stderr);
    assert!(t.contains("(currently unknown)"), "{t}");
    assert!(
        t.contains("Requested by alice. The service is idle; waiting for someone to wake it."),
        "the first status says why it waits:\n{t}"
    );
    assert!(t.contains("[1] Wake and continue  [2] Cancel"), "{t}");
    assert!(t.contains("alice asked to wake the service."), "{t}");
    assert!(
        t.contains(
            "The service runs. Carrying on: CDC compute: 2 cores / 8 GB -> 1 core / 4 GB (capacity goes down, −$0.10/h, ≈ $2.40 a day, ≈ $73.00 a month saved)."
        ),
        "{t}"
    );
    assert!(t.contains("[1] Confirm  [2] Cancel"), "{t}");
    assert!(
        t.contains("✅ Confirmed: the API now reports 1 core / 4 GB"),
        "{t}"
    );
    // One thread, one status message, in that order.
    let wake = t.find("Wake and continue  [2]").unwrap();
    let confirm = t.find("[1] Confirm").unwrap();
    assert!(wake < confirm, "{t}");
    assert!(
        !t.contains("[msg 2]"),
        "the same status message all along:\n{t}"
    );
    assert!(t.contains("Summary: 1 confirmed."), "{t}");
}

#[test]
fn console_wake_by_number_and_cancel_sends_nothing() {
    // `2` on the wake row is Cancel; `Confirm` is not on that row.
    let run = console("/cdc-scale service:etl-idle cores:4\nConfirm\n2\n", &[]);
    let t = &run.transcript;
    assert_eq!(run.code, 1, "{t}");
    assert!(
        t.contains("[1] Wake and continue  [2] Cancel"),
        "the refusal names the row that is shown:\n{t}"
    );
    assert!(t.contains("Cancelled by alice."), "{t}");
    assert!(!t.contains("asked to wake"), "{t}");
}

#[test]
fn console_idling_off_on_an_idle_service_applies_when_it_wakes() {
    // The API shows idling off at once, but only a running service has it in force: before,
    // this waited for the deadline and ended "Not confirmed".
    let run = console("/idle service:etl-idle enabled:false\n", &[]);
    let t = &run.transcript;
    assert_eq!(run.code, 0, "{t}\n{}", run.stderr);
    assert!(
        t.contains("The service is idle, so it takes effect when the service wakes"),
        "{t}"
    );
    assert!(
        t.contains("✅ Recorded; it applies when the service wakes."),
        "{t}"
    );
    assert!(!t.contains("Not confirmed"), "{t}");
    assert!(
        t.contains("Summary: 1 applying when the service wakes."),
        "{t}"
    );
}

async fn simulator(wake_after: Duration) -> SimHandle {
    sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            cdc_converge_after: Duration::from_millis(500),
            wake_after,
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_keeps_waiting_for_the_wake_then_carries_on() {
    let sim = simulator(Duration::from_secs(3)).await;
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());

    // Killed while the buttons wait: the next start asks again, in the same thread.
    let mut first = Live::start(&sim.base_url(), &db, &[]);
    first.send("/cdc-scale service:etl-idle cores:4 revert:never reason:\"wake test\"");
    first.wait_for("[1] Wake and continue");
    first.kill();
    {
        let store = Store::connect(&db).await.unwrap();
        let unsettled = store.unsettled_operations().await.unwrap();
        assert_eq!(unsettled.len(), 1);
        assert_eq!(unsettled[0].phase, Phase::AwaitingWake);
        store.close().await;
    }

    // Killed after the wake went out: the next start waits for the service, asks nothing.
    let mut second = Live::start(&sim.base_url(), &db, &[]);
    second.wait_for("the service is idle, waiting for someone to wake it");
    second.wait_for("[1] Wake and continue");
    second.send("Wake and continue");
    second.wait_for("asked to wake the service");
    // The line is said when the click is recorded, just before the `awake` call: kill only
    // once the simulator has it, so this step is the "wake went out" case every time.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let state = sim
            .world()
            .lock()
            .await
            .get_service(ids::ETL_IDLE)
            .unwrap()
            .state;
        if state == Some(ServiceState::Awaking) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the service never started waking: {state:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    second.kill();

    let third = Live::start(&sim.base_url(), &db, &[]);
    let (code, text) = third.finish();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("waiting until the service runs"), "{text}");
    assert!(!text.contains("[1] Wake and continue"), "{text}");
    assert!(
        text.contains(
            "The service runs. Carrying on: CDC compute: 2 cores / 8 GB -> 4 cores / 16 GB"
        ),
        "{text}"
    );
    assert_eq!(
        text.matches("✅ Confirmed: the API now reports 4 cores / 16 GB")
            .count(),
        1,
        "{text}"
    );
    assert_eq!(
        sim.world().lock().await.get_cdc(ids::ETL_IDLE).unwrap(),
        CdcScaling::from_cores(4)
    );
    let store = Store::connect(&db).await.unwrap();
    let ops = store.recent_operations(None, 10).await.unwrap();
    assert_eq!(ops.len(), 1, "one operation from request to confirmation");
    assert_eq!(ops[0].outcome, Some(OutcomeKind::Confirmed));
}

#[tokio::test]
async fn discord_offers_wake_and_continue_then_carries_on_in_the_thread() {
    let w = World::start_with(
        SimConfig {
            wake_after: Duration::from_millis(500),
            ..support::bot::fast_sim()
        },
        |_| {},
    )
    .await;
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "etl-idle")
        .option_int("cores", 4)
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(
        private.contains("The service is idle: press **Wake and continue**"),
        "{private}"
    );
    let status = w.status_with_buttons().await;
    let wake_id = format!("clickscale:confirm:{}", status.id);
    let button = status.component(&wake_id).expect("the wake button");
    assert_eq!(button["label"], "Wake and continue");
    assert_eq!(w.patches(), 0, "nothing sent before the click");
    w.thread_line(&status.id, "is idle, and its ClickPipes settings")
        .await;
    w.fake.click(&status.id, &wake_id).send().await;
    w.thread_line(&status.id, "asked to wake the service").await;
    w.thread_line(
        &status.id,
        "The service runs. Carrying on: CDC compute: 2 cores / 8 GB -> 4 cores / 16 GB",
    )
    .await;
    let confirmed = w
        .thread_line(
            &status.id,
            "✅ Confirmed: the API now reports 4 cores / 16 GB",
        )
        .await;
    assert_eq!(confirmed.channel_id, status.id, "in the same thread");
    let patches: Vec<String> = w
        .sim
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.path.rsplit('/').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        patches,
        ["state", "clickpipesCdcScaling"],
        "wake, then the change"
    );
    w.stop().await;
}

/// While a schedule entry is in force, `/scaling-status` shows the baseline, what is in force
/// and the schedule; a confirmed baseline change says the entry keeps its configuration until
/// the entry ends, and when.
#[tokio::test(flavor = "multi_thread")]
async fn a_schedule_in_force_is_shown_beside_the_baseline() {
    let sim = simulator(Duration::from_secs(1)).await;
    sim.world()
        .lock()
        .await
        .put_schedule(
            ids::ANALYTICS_STAGING,
            &serde_json::json!({"entries": [{
                "name": "all-week", "weekdays": [0, 1, 2, 3, 4, 5, 6],
                "startHourUtc": 0, "endHourUtc": 24, "autoscalingMode": "vertical",
                "minReplicas": 4, "maxReplicas": 4
            }]}),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut console = Live::start(&sim.base_url(), &database_in(dir.path()), &[]);
    console.send("/scaling-status service:analytics-staging");
    console.wait_for("Scaling schedule:");
    console.send("/scaling-schedule service:analytics-staging");
    console.wait_for("Outside the entries");
    console.send("/scaling-schedule service:ingest-cdc");
    console.wait_for("No scaling schedule is set");
    console.send("/replicas service:analytics-staging count:3");
    let (code, text) = console.finish();
    assert!(
        text.contains("- `all-week` Sun, Mon, Tue, Wed, Thu, Fri, Sat 00:00–24:00 UTC: vertical autoscaling, 4 replicas ← in force now"),
        "{text}"
    );
    assert!(
        text.contains(
            "Outside the entries (baseline): vertical autoscaling, 2 replicas, 8–32 GB per replica"
        ),
        "{text}"
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("In force now (schedule entry `all-week`, until 00:00 UTC): replicas 4"),
        "{text}"
    );
    assert!(
        text.contains(
            "Scaling schedule: `all-week` Sun, Mon, Tue, Wed, Thu, Fri, Sat 00:00–24:00 UTC"
        ),
        "{text}"
    );
    assert!(
        text.contains("A scaling schedule entry (`all-week`) is in force until 00:00 UTC"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn scaling_schedule_says_when_the_organization_lacks_the_feature() {
    let mut fixture = Fixture::default();
    fixture.organization.scheduled_scaling = false;
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
    console.send("/scaling-schedule service:analytics-staging");
    let (_, text) = console.finish();
    assert!(
        text.contains("Scaling schedules (beta) are not enabled for this organization"),
        "{text}"
    );
}

/// `/scaling-status` lists a change that waits for a wake, and says so (the words for a
/// service that is waking are checked in `commands/scaling_status.rs`: this console waits
/// for the wake before it reads the next line).
#[tokio::test(flavor = "multi_thread")]
async fn scaling_status_names_changes_waiting_for_a_wake() {
    let sim = simulator(Duration::from_secs(3)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut console = Live::start(&sim.base_url(), &database_in(dir.path()), &[]);
    console.send("/cdc-scale service:etl-idle cores:4 revert:never reason:\"wake test\"");
    console.wait_for("[1] Wake and continue");
    console.send("/scaling-status service:etl-idle");
    console.wait_for("waits for a wake: press Wake and continue on its status message");
    console.send("Wake and continue");
    console.wait_for("asked to wake the service");
    let (code, text) = console.finish();
    assert_eq!(code, 0, "{text}");
    let waiting = text
        .lines()
        .find(|l| l.contains("waits for a wake"))
        .unwrap();
    assert!(
        waiting.starts_with("- #1 `/cdc-scale` by ann: CDC compute: 4 cores / 16 GB"),
        "{text}"
    );
    assert!(
        text.contains("✅ Confirmed: the API now reports 4 cores / 16 GB"),
        "{text}"
    );
}
