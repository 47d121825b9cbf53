//! `--http`: /healthz, /readyz and /metrics served in-process against the simulator, and the
//! real binary (`console --sim --http 127.0.0.1:0`, `healthcheck`) as processes.

use std::{net::SocketAddr, process::Stdio, sync::Arc, time::Duration};

use clickscale::ops::OutcomeKind;
use clickscale::{
    cloud::{CloudClient, CloudSettings, RateLimit, RetryPolicy},
    config::Config,
    discord::{GatewayState, GatewayStatus},
    http::{HttpServer, HttpState},
    ops::{Actor, Engine, Origin, Phase, RevertInput, ScaleRequest, Submission},
    sim::{
        self,
        fixture::{DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        Fixture, SimConfig, SimHandle,
    },
    store::Store,
};
use serenity::all::ConnectionStage;
use tokio::io::{AsyncBufReadExt, BufReader};

fn fast_sim() -> SimConfig {
    SimConfig {
        rate_limit: 1000,
        cdc_converge_after: Duration::from_millis(200),
        service_converge_after: Duration::from_millis(100),
        ..SimConfig::default()
    }
}

/// An engine on the API at `base_url` and an in-memory store, with short timings and retries.
async fn engine(base_url: String) -> Engine {
    let mut config = Config::default();
    config.timings.poll_interval = Duration::from_millis(50);
    config.timings.watch_deadline = Duration::from_secs(5);
    config.timings.cdc_expected_min = Duration::from_millis(100);
    config.timings.cdc_expected_max = Duration::from_millis(300);
    config.timings.service_expected_max = Duration::from_millis(300);
    let mut s = CloudSettings::new(DEMO_ORG_ID, DEMO_ADMIN_KEY, DEMO_SECRET.to_owned().into());
    s.base_url = base_url;
    s.rate_limit = RateLimit {
        requests: 1000,
        per: Duration::from_secs(1),
    };
    s.retry = RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let store = Store::connect("sqlite::memory:").await.unwrap();
    Engine::new(CloudClient::new(s).unwrap(), config, store).unwrap()
}

async fn start_sim() -> SimHandle {
    sim::spawn(fast_sim(), Fixture::default()).await.unwrap()
}

async fn serve(state: HttpState) -> HttpServer {
    HttpServer::start("127.0.0.1:0".parse().unwrap(), state)
        .await
        .unwrap()
}

/// Status, content type and body of `GET http://addr{path}`.
async fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    let resp = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, resp.text().await.unwrap())
}

/// The line of `body` that starts with `name:`.
fn check_line<'a>(body: &'a str, name: &str) -> &'a str {
    body.lines()
        .find(|l| l.starts_with(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name} line in\n{body}"))
}

/// A TCP port on 127.0.0.1 with nothing listening.
async fn closed_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

fn org_probes(sim: &SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/v1/organizations")
        .count()
}

#[tokio::test]
async fn healthz_and_readyz_with_everything_up() {
    let sim = start_sim().await;
    let gateway = GatewayStatus::fixed(GatewayState::Connected);
    let server = serve(HttpState::new(engine(sim.base_url()).await).with_gateway(gateway)).await;
    let (status, _, body) = get(server.addr(), "/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok\n"));

    let (status, content_type, body) = get(server.addr(), "/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert_eq!(body.lines().next(), Some("ready"), "{body}");
    assert_eq!(check_line(&body, "gateway"), "gateway: ok (connected)");
    assert_eq!(check_line(&body, "store"), "store: ok (SELECT 1 answered)");
    assert_eq!(check_line(&body, "cloud"), "cloud: ok (probe answered)");

    let (status, _, _) = get(server.addr(), "/nope").await;
    assert_eq!(status, 404);
    server.stop().await;
}

#[tokio::test]
async fn readyz_names_the_gateway_while_it_is_disconnected() {
    let sim = start_sim().await;
    let gateway = GatewayStatus::fixed(GatewayState::Connecting(Some(ConnectionStage::Resuming)));
    let server =
        serve(HttpState::new(engine(sim.base_url()).await).with_gateway(gateway.clone())).await;
    let (status, _, body) = get(server.addr(), "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body.lines().next(), Some("not ready"), "{body}");
    assert_eq!(
        check_line(&body, "gateway"),
        "gateway: FAIL (not connected: serenity's shard is resuming)"
    );
    // The other checks still pass and say so.
    assert!(
        check_line(&body, "cloud").starts_with("cloud: ok"),
        "{body}"
    );
    assert_eq!(check_line(&body, "store"), "store: ok (SELECT 1 answered)");

    gateway.set(GatewayState::Connected);
    let (status, _, body) = get(server.addr(), "/readyz").await;
    assert_eq!(status, 200, "{body}");
    server.stop().await;
}

#[tokio::test]
async fn readyz_names_the_store_once_it_is_closed() {
    let sim = start_sim().await;
    let engine = engine(sim.base_url()).await;
    let store = engine.store().clone();
    let server = serve(HttpState::new(engine)).await;
    let (status, _, body) = get(server.addr(), "/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(check_line(&body, "gateway"), "gateway: not applicable");

    store.close().await;
    let (status, _, body) = get(server.addr(), "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert!(
        check_line(&body, "store").starts_with("store: FAIL (the database did not answer"),
        "{body}"
    );
    assert!(
        check_line(&body, "cloud").starts_with("cloud: ok"),
        "{body}"
    );
    server.stop().await;
}

#[tokio::test]
async fn readyz_names_the_cloud_api_when_nothing_answers() {
    let port = closed_port().await;
    let server = serve(HttpState::new(
        engine(format!("http://127.0.0.1:{port}")).await,
    ))
    .await;
    let (status, _, body) = get(server.addr(), "/readyz").await;
    assert_eq!(status, 503, "{body}");
    let cloud = check_line(&body, "cloud");
    assert!(
        cloud.starts_with("cloud: FAIL (list organizations: cannot connect to http://127.0.0.1:"),
        "{body}"
    );
    // Only the cloud fails.
    assert_eq!(body.lines().filter(|l| l.contains("FAIL")).count(), 1);
    server.stop().await;
}

#[tokio::test]
async fn readyz_notices_when_the_api_goes_away() {
    let sim = start_sim().await;
    let server = serve(
        HttpState::new(engine(sim.base_url()).await).with_cloud_recheck_after(Duration::ZERO),
    )
    .await;
    let (status, _, body) = get(server.addr(), "/readyz").await;
    assert_eq!(status, 200, "{body}");
    sim.shutdown();
    // Graceful shutdown lets open connections finish; the next probe finds nothing listening.
    let mut last = String::new();
    for _ in 0..50 {
        let (status, _, body) = get(server.addr(), "/readyz").await;
        if status == 503 {
            assert!(
                check_line(&body, "cloud").starts_with("cloud: FAIL"),
                "{body}"
            );
            server.stop().await;
            return;
        }
        last = body;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("/readyz stayed ready after the API went away:\n{last}");
}

#[tokio::test]
async fn readyz_spends_at_most_one_api_call_per_interval() {
    let sim = start_sim().await;
    let engine = engine(sim.base_url()).await;
    let server = serve(HttpState::new(engine.clone())).await;
    for _ in 0..5 {
        let (status, _, body) = get(server.addr(), "/readyz").await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(org_probes(&sim), 1, "one probe, then the cached verdict");

    // An answer to the engine's own traffic is evidence enough: no probe.
    engine.cloud().list_services().await.unwrap();
    let requests = sim.requests().len();
    let (status, _, body) = get(server.addr(), "/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        check_line(&body, "cloud"),
        "cloud: ok (1 API call(s) answered since the last check)"
    );
    assert_eq!(sim.requests().len(), requests, "the check sent nothing");
    server.stop().await;
}

#[tokio::test]
async fn metrics_count_a_confirmed_operation_and_the_api_calls() {
    let sim = start_sim().await;
    let engine = engine(sim.base_url()).await;
    let server = serve(HttpState::new(engine.clone())).await;

    let prepared = engine
        .prepare(Submission {
            service: "ingest-cdc".into(),
            request: ScaleRequest::cdc(3),
            actor: Actor {
                id: "ann".into(),
                name: "ann".into(),
                roles: vec![],
            },
            origin: Origin {
                guild: None,
                channel: "ops".into(),
                locale: "en-US".into(),
            },
            revert: RevertInput::default(),
        })
        .await
        .unwrap();
    assert!(!prepared.plan.needs_confirmation());
    let mut op = engine
        .launch(prepared, support::recorder::Recorder::new())
        .await
        .unwrap();
    op.reached(Phase::Settled).await;
    assert_eq!(
        engine.outcome_counts().get(&OutcomeKind::Confirmed),
        Some(&1)
    );

    let (status, content_type, body) = get(server.addr(), "/metrics").await;
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    assert!(body.ends_with("# EOF\n"), "{body}");
    let value = |name: &str| -> f64 {
        body.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no sample {name} in\n{body}"))
            .parse()
            .unwrap()
    };
    assert_eq!(
        value(r#"clickscale_operations_total{command="cdc-scale",outcome="confirmed"}"#),
        1.0
    );
    assert_eq!(
        value(r#"clickscale_time_to_confirm_seconds_count{command="cdc-scale"}"#),
        1.0
    );
    let took = value(r#"clickscale_time_to_confirm_seconds_sum{command="cdc-scale"}"#);
    assert!(took > 0.0 && took < 5.0, "{took}");
    assert_eq!(value("clickscale_operations_in_flight"), 0.0);
    // Every call of this test was answered 200: prepare's reads, the PATCH and the polls.
    let stats = engine.cloud().stats();
    let ok = stats.by_status.get(&200).copied().unwrap_or(0);
    assert!(ok >= 3, "{stats:?}");
    assert_eq!(
        value(r#"clickscale_cloud_api_requests_total{status="200"}"#),
        ok as f64
    );
    assert_eq!(
        value(r#"clickscale_cloud_api_requests_total{status="connect_error"}"#),
        0.0
    );
    assert_eq!(value("clickscale_rate_limiter_waits_total"), 0.0);
    // The budget in use: the key's 1,000 per second, this test's reads and PATCH inside the window.
    assert_eq!(value("clickscale_cloud_budget_requests"), 1000.0);
    assert_eq!(value("clickscale_cloud_budget_window_seconds"), 1.0);
    let background = value("clickscale_cloud_background_reads_total");
    assert!(background >= 1.0, "the polls are background reads: {body}");
    assert_eq!(value("clickscale_cloud_background_queue"), 0.0);
    let used = value(r#"clickscale_cloud_budget_used{priority="command"}"#)
        + value(r#"clickscale_cloud_budget_used{priority="background"}"#);
    assert!(used >= 1.0, "{body}");
    server.stop().await;
}

/// Reads the child's stderr (all of it, in the background, so the child never blocks or
/// writes into a closed pipe) and returns the address of its `http listening on http://ADDR`
/// line, and the log collected so far.
async fn listening_addr(
    stderr: tokio::process::ChildStderr,
) -> (SocketAddr, Arc<std::sync::Mutex<String>>) {
    let log = Arc::new(std::sync::Mutex::new(String::new()));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let collected = log.clone();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        let mut tx = Some(tx);
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some((_, rest)) = line.split_once("http listening on http://") {
                let addr: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ':'))
                    .collect();
                if let Some(tx) = tx.take() {
                    let _ = tx.send(addr.parse::<SocketAddr>().unwrap());
                }
            }
            let mut log = collected.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
    match tokio::time::timeout(Duration::from_secs(30), rx).await {
        Ok(Ok(addr)) => (addr, log),
        _ => panic!(
            "no `http listening on` line; stderr:\n{}",
            log.lock().unwrap()
        ),
    }
}

async fn healthcheck(args: &[&str]) -> (i32, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .arg("healthcheck")
        .args(args)
        .env_remove("CLICKSCALE_HTTP_ADDR")
        .env_remove("CLICKSCALE_CONFIG")
        .output()
        .await
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_console_binary_serves_health_and_healthcheck_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("clickscale.db").display());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .env("CLICKSCALE_DATABASE_URL", &database)
        .args([
            "console",
            "--sim",
            "--user",
            "alice",
            "--http",
            "127.0.0.1:0",
        ])
        .env("CLICKSCALE_LOG", "info")
        .env_remove("CLICKSCALE_CONFIG")
        .env_remove("CLICKSCALE_HTTP_ADDR")
        // stdin stays open (no script yet), so the console keeps running while we ask.
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let (addr, _log) = listening_addr(child.stderr.take().unwrap()).await;
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");

    let (status, _, body) = get(addr, "/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    let (status, _, body) = get(addr, "/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(check_line(&body, "gateway"), "gateway: not applicable");
    assert_eq!(check_line(&body, "store"), "store: ok (SELECT 1 answered)");

    // The --http address leads the healthcheck to /healthz.
    let (code, out, err) = healthcheck(&["--http", &addr.to_string()]).await;
    assert_eq!((code, out.as_str()), (0, "ok\n"), "{err}");
    let (code, out, _) = healthcheck(&["--url", &format!("http://{addr}/readyz")]).await;
    assert_eq!(code, 0);
    assert!(out.starts_with("ready\n"), "{out}");
    let (code, _, err) = healthcheck(&["--url", &format!("http://{addr}/nope")]).await;
    assert_eq!(code, 1);
    assert!(err.contains("answered HTTP 404"), "{err}");

    // End of input: the console exits 0 (nothing was run) and the server goes with it.
    drop(child.stdin.take());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("the console exits at the end of its input")
        .unwrap();
    assert!(status.success(), "{status}");
    assert!(reqwest::get(format!("http://{addr}/healthz"))
        .await
        .is_err());
}

#[tokio::test]
async fn healthcheck_fails_when_nothing_listens() {
    let port = closed_port().await;
    let (code, out, err) = healthcheck(&["--http", &format!("0.0.0.0:{port}")]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        err.contains(&format!("no answer from http://127.0.0.1:{port}/healthz")),
        "{err}"
    );
}

mod support;

/// Polls `status` until it says connected.
async fn wait_until_connected(status: &GatewayStatus) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let state = status.current().await;
        if state.is_connected() {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the gateway never connected: {state:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn readyz_follows_the_discord_gateway_session() {
    use clickscale::discord;
    use support::discord::FakeDiscord;

    let fake = FakeDiscord::start().await;
    let sim = start_sim().await;
    let mut config = Config::default();
    config.discord.token = Some("fake-token".to_owned().into());
    config.discord.proxy_url = Some(fake.proxy_url());
    config.discord.guild_id = Some(fake.guild_id().parse().unwrap());
    let engine = engine(sim.base_url()).await;
    let mut bot = discord::start(config, engine.clone()).await.unwrap();
    let flag = bot.gateway();
    let server = serve(HttpState::new(engine).with_gateway(flag.clone())).await;
    bot.ready().await.unwrap();
    fake.wait_ready().await;
    // READY sets it (just after the command registration that `ready()` waits for).
    wait_until_connected(&flag).await;
    let (status, _, body) = get(server.addr(), "/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(check_line(&body, "gateway"), "gateway: ok (connected)");

    // Discord asks for a reconnect: serenity resumes and the session counts as connected again.
    let resumes = fake.gateway_stats().resumes;
    assert!(fake.close_gateway(4000));
    fake.wait_for_gateway(|s| s.resumes > resumes && s.live, Duration::from_secs(10))
        .await;
    wait_until_connected(&flag).await;

    // A stopped bot is not connected.
    bot.shutdown().await;
    assert_eq!(flag.current().await, GatewayState::Stopped);
    let (status, _, body) = get(server.addr(), "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        check_line(&body, "gateway"),
        "gateway: FAIL (the bot stopped)"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_run_binary_serves_readiness_and_stops_on_sigterm() {
    use support::discord::FakeDiscord;

    let fake = FakeDiscord::start().await;
    let sim = start_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("clickscale.toml");
    std::fs::write(
        &config,
        format!(
            "[discord]\nproxy_url = \"{}\"\nguild_id = {}\n",
            fake.proxy_url(),
            fake.guild_id()
        ),
    )
    .unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env("CLICKSCALE_HTTP_ADDR", "127.0.0.1:0")
        .env(
            "CLICKSCALE_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("clickscale.db").display()),
        )
        .env("CLICKSCALE_LOG", "info")
        .env("DISCORD_TOKEN", "fake-bot-token")
        .env("CLICKHOUSE_API_URL", sim.base_url())
        .env("CLICKHOUSE_ORG_ID", DEMO_ORG_ID)
        .env("CLICKHOUSE_KEY_ID", DEMO_ADMIN_KEY)
        .env("CLICKHOUSE_KEY_SECRET", DEMO_SECRET)
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // The address comes from the environment variable, as in the container image.
    let (addr, log) = listening_addr(child.stderr.take().unwrap()).await;
    fake.wait_ready().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let body = loop {
        let (status, _, body) = get(addr, "/readyz").await;
        if status == 200 {
            break body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never ready:\n{body}\nlog:\n{}",
            log.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(check_line(&body, "gateway"), "gateway: ok (connected)");
    assert!(
        check_line(&body, "cloud").starts_with("cloud: ok"),
        "{body}"
    );
    assert_eq!(check_line(&body, "store"), "store: ok (SELECT 1 answered)");
    let (status, _, metrics) = get(addr, "/metrics").await;
    assert_eq!(status, 200);
    // At least the readiness probe was answered 200.
    let ok: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("clickscale_cloud_api_requests_total{status=\"200\"} "))
        .unwrap_or_else(|| panic!("no 200 sample in\n{metrics}"))
        .parse()
        .unwrap();
    assert!(ok >= 1, "{metrics}");

    let pid = child.id().unwrap().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .expect("the bot stops after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert!(reqwest::get(format!("http://{addr}/healthz"))
        .await
        .is_err());
}
