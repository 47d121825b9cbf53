//! `clickscale check` through the real binary against the simulator.

use std::process::Output;

use clickscale::sim::{
    self,
    fixture::{ids, DEMO_ADMIN_KEY, DEMO_DEV_KEY, DEMO_ORG_ID, DEMO_SECRET},
    Fixture, SimConfig,
};

fn check(api: &str, org: &str, key: &str, secret: Option<&str>, config: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clickscale.toml");
    std::fs::write(&path, config).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_clickscale"));
    cmd.arg("check")
        .arg("--config")
        .arg(&path)
        .env_clear()
        .env("CLICKHOUSE_API_URL", api)
        .env("CLICKHOUSE_ORG_ID", org)
        .env("CLICKHOUSE_KEY_ID", key);
    if let Some(s) = secret {
        cmd.env("CLICKHOUSE_KEY_SECRET", s);
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

// Multi-threaded: the blocking child-process calls below leave a worker free to run the simulator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_reports_each_problem_precisely() {
    let sim = sim::spawn(SimConfig::default(), Fixture::default())
        .await
        .unwrap();
    let api = sim.base_url();
    let aliases = format!(
        "[[services]]\nalias = \"prod\"\nid = \"{}\"\n[[services]]\nalias = \"gone\"\nid = \"00000000-0000-0000-0000-000000000000\"\n",
        ids::ANALYTICS_PROD
    );
    let good = format!(
        "[[services]]\nalias = \"cdc\"\nid = \"{}\"\n",
        ids::INGEST_CDC
    );

    let ok = check(&api, DEMO_ORG_ID, DEMO_ADMIN_KEY, Some(DEMO_SECRET), &good);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(
        stdout(&ok).contains("ok   alias \"cdc\": ClickPipes readable (3 DB pipe(s))"),
        "{}",
        stdout(&ok)
    );

    let bad_alias = check(
        &api,
        DEMO_ORG_ID,
        DEMO_ADMIN_KEY,
        Some(DEMO_SECRET),
        &aliases,
    );
    assert_eq!(bad_alias.status.code(), Some(1));
    assert!(stdout(&bad_alias)
        .contains("FAIL alias \"gone\" points at service 00000000-0000-0000-0000-000000000000"));

    let dev = check(&api, DEMO_ORG_ID, DEMO_DEV_KEY, Some(DEMO_SECRET), &good);
    assert_eq!(dev.status.code(), Some(1));
    assert!(
        stdout(&dev).contains("manage-clickpipes"),
        "{}",
        stdout(&dev)
    );

    let wrong_secret = check(
        &api,
        DEMO_ORG_ID,
        DEMO_ADMIN_KEY,
        Some("not-the-secret"),
        &good,
    );
    assert_eq!(wrong_secret.status.code(), Some(1));
    let all = format!(
        "{}{}",
        stdout(&wrong_secret),
        String::from_utf8_lossy(&wrong_secret.stderr)
    );
    assert!(all.contains("FAIL listing organizations failed"), "{all}");
    assert!(!all.contains("not-the-secret"), "the secret leaked: {all}");

    let missing = check(&api, DEMO_ORG_ID, DEMO_ADMIN_KEY, None, &good);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stdout(&missing).contains("FAIL CLICKHOUSE_KEY_SECRET is missing"),
        "{}",
        stdout(&missing)
    );
}

/// What the API answers about the optional features: schedules from a read of the schedule,
/// horizontal autoscaling from the services that use it; neither missing is a failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_reports_whether_horizontal_autoscaling_and_schedules_are_available() {
    let good = format!(
        "[[services]]\nalias = \"cdc\"\nid = \"{}\"\n",
        ids::INGEST_CDC
    );
    let sim = sim::spawn(SimConfig::default(), Fixture::default())
        .await
        .unwrap();
    let on = check(
        &sim.base_url(),
        DEMO_ORG_ID,
        DEMO_ADMIN_KEY,
        Some(DEMO_SECRET),
        &good,
    );
    let text = stdout(&on);
    assert!(on.status.success(), "{text}");
    assert!(
        text.contains("ok   scaling schedules: available (no schedule on ingest-cdc yet)"),
        "{text}"
    );
    assert!(
        text.contains("ok   horizontal autoscaling: no visible service uses it"),
        "{text}"
    );

    let mut fixture = Fixture::default();
    fixture.organization.scheduled_scaling = false;
    fixture.organization.horizontal_autoscaling = false;
    let sim = sim::spawn(SimConfig::default(), fixture).await.unwrap();
    let off = check(
        &sim.base_url(),
        DEMO_ORG_ID,
        DEMO_ADMIN_KEY,
        Some(DEMO_SECRET),
        &good,
    );
    let text = stdout(&off);
    assert!(
        off.status.success(),
        "not having a beta feature is no failure:\n{text}"
    );
    assert!(
        text.contains("ok   scaling schedules: not enabled for this organization"),
        "{text}"
    );
}
