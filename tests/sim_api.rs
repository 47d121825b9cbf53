//! The Cloud API client against the simulator over real sockets: every endpoint, every error
//! path, and every simulator answer checked against the spec's schemas.

use std::time::Duration;

use clickscale::{
    cloud::{
        model::{CdcScaling, PipeState, ReplicaScalingPatch, ServiceState, StateCommand},
        CloudClient, CloudError, CloudSettings, RateLimit, RetryPolicy,
    },
    sim::{
        self,
        fixture::{ids, DEMO_ADMIN_KEY, DEMO_DEV_KEY, DEMO_ORG_ID, DEMO_SECRET},
        Faults, Fixture, SimConfig, SimHandle,
    },
};
use serde_json::{json, Value};

fn fast() -> SimConfig {
    SimConfig {
        cdc_converge_after: Duration::from_millis(300),
        service_converge_after: Duration::from_millis(200),
        wake_after: Duration::from_millis(100),
        ..SimConfig::default()
    }
}

fn client_for(sim: &SimHandle, key: &str, secret: &str) -> CloudClient {
    let mut s = CloudSettings::new(DEMO_ORG_ID, key, secret.to_owned().into());
    s.base_url = sim.base_url();
    s.request_timeout = Duration::from_millis(500);
    // The simulator's own limit is what these tests exercise; keep the client's out of the way.
    s.rate_limit = RateLimit {
        requests: 1000,
        per: Duration::from_secs(1),
    };
    s.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        min_rate_limit_wait: Duration::from_millis(50),
        rate_limit_margin: Duration::from_millis(10),
        max_rate_limit_wait: Duration::from_secs(5),
    };
    CloudClient::new(s).unwrap()
}

async fn admin(config: SimConfig) -> (SimHandle, CloudClient) {
    let sim = sim::spawn(config, Fixture::default()).await.unwrap();
    let client = client_for(&sim, DEMO_ADMIN_KEY, DEMO_SECRET);
    (sim, client)
}

fn api_status(e: &CloudError) -> u16 {
    e.status()
        .unwrap_or_else(|| panic!("expected an API error, got {e:?}"))
}

#[tokio::test]
async fn every_read_endpoint_decodes() {
    let (_sim, c) = admin(fast()).await;
    let orgs = c.list_organizations().await.unwrap();
    assert_eq!(orgs[0].id, DEMO_ORG_ID);
    let services = c.list_services().await.unwrap();
    assert_eq!(services.len(), 6);
    let prod = c.get_service(ids::ANALYTICS_PROD).await.unwrap();
    assert_eq!(prod.name, "analytics-prod");
    assert_eq!(prod.num_replicas, Some(3));
    assert_eq!(prod.state, Some(ServiceState::Running));
    assert_eq!(
        c.get_cdc_scaling(ids::INGEST_CDC).await.unwrap(),
        CdcScaling::from_cores(2)
    );
    let pipes = c.list_clickpipes(ids::INGEST_CDC).await.unwrap();
    assert_eq!(pipes.len(), 3);
    assert!(pipes.iter().all(|p| p.is_db_pipe()));
    let one = c
        .get_clickpipe(ids::INGEST_CDC, ids::PIPE_ORDERS)
        .await
        .unwrap();
    assert_eq!(one.name, "pg_orders");
    assert_eq!(one.state, Some(PipeState::Provisioning));
}

#[tokio::test]
async fn patches_return_at_once_and_show_after_convergence() {
    let (_sim, c) = admin(fast()).await;
    let applied = c
        .patch_cdc_scaling(ids::INGEST_CDC, CdcScaling::from_cores(8))
        .await
        .unwrap();
    assert!(applied.request_id.is_some());
    assert_eq!(applied.result, CdcScaling::from_cores(8));
    assert_eq!(c.get_cdc_scaling(ids::INGEST_CDC).await.unwrap().cores(), 2);

    let patch = ReplicaScalingPatch {
        num_replicas: Some(5),
        ..Default::default()
    };
    let applied = c
        .patch_replica_scaling(ids::ANALYTICS_PROD, &patch)
        .await
        .unwrap();
    assert_eq!(applied.result.num_replicas, Some(5));
    assert_eq!(
        c.get_service(ids::ANALYTICS_PROD)
            .await
            .unwrap()
            .num_replicas,
        Some(3)
    );

    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(c.get_cdc_scaling(ids::INGEST_CDC).await.unwrap().cores(), 8);
    let s = c.get_service(ids::ANALYTICS_PROD).await.unwrap();
    assert_eq!(s.num_replicas, Some(5));
    assert_eq!(s.current_scaling.effective_max_replicas, Some(5));
}

#[tokio::test]
async fn bad_request_keeps_code_message_and_request_id() {
    let (_sim, c) = admin(fast()).await;
    let patch = ReplicaScalingPatch {
        num_replicas: Some(25),
        ..Default::default()
    };
    let e = c
        .patch_replica_scaling(ids::ANALYTICS_PROD, &patch)
        .await
        .unwrap_err();
    assert_eq!(api_status(&e), 400);
    assert_eq!(e.code(), Some("BAD_REQUEST"));
    assert!(e.request_id().is_some());
    assert!(
        e.user_message().contains("between 1 and 20"),
        "{}",
        e.user_message()
    );
}

#[tokio::test]
async fn unauthorized_forbidden_not_found() {
    let (sim, c) = admin(fast()).await;
    let bad = client_for(&sim, DEMO_ADMIN_KEY, "wrong-secret");
    let e = bad.list_services().await.unwrap_err();
    assert_eq!(api_status(&e), 401);
    assert!(!format!("{e:?}{}", e.user_message()).contains("wrong-secret"));

    let dev = client_for(&sim, DEMO_DEV_KEY, DEMO_SECRET);
    assert!(dev.get_service(ids::ANALYTICS_PROD).await.is_ok());
    let e = dev
        .patch_replica_scaling(
            ids::ANALYTICS_PROD,
            &ReplicaScalingPatch {
                num_replicas: Some(4),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(api_status(&e), 403);
    assert!(
        e.user_message().contains("manage-scaling-config"),
        "{}",
        e.user_message()
    );
    let e = dev.get_cdc_scaling(ids::INGEST_CDC).await.unwrap_err();
    assert_eq!(api_status(&e), 403);
    assert!(
        e.user_message().contains("manage-clickpipes"),
        "{}",
        e.user_message()
    );

    let e = c
        .get_service("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(api_status(&e), 404);
    let e = c.get_cdc_scaling(ids::ANALYTICS_PROD).await.unwrap_err();
    assert_eq!(api_status(&e), 404);
    assert!(
        e.user_message().to_lowercase().contains("clickpipe"),
        "{}",
        e.user_message()
    );
}

#[tokio::test]
async fn idle_service_answers_424_until_woken() {
    let (_sim, c) = admin(fast()).await;
    let e = c.list_clickpipes(ids::ETL_IDLE).await.unwrap_err();
    assert_eq!(api_status(&e), 424);
    assert!(e.is_idle());
    let woken = c
        .patch_service_state(ids::ETL_IDLE, StateCommand::Awake)
        .await
        .unwrap();
    assert_eq!(woken.result.state, Some(ServiceState::Awaking));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(c.list_clickpipes(ids::ETL_IDLE).await.unwrap().len(), 1);
}

#[tokio::test]
async fn rate_limit_429_carries_reset_and_the_client_waits_it_out() {
    let config = SimConfig {
        rate_limit: 3,
        rate_window: Duration::from_millis(300),
        ..fast()
    };
    let (sim, c) = admin(config).await;
    let started = std::time::Instant::now();
    for _ in 0..5 {
        c.get_service(ids::ANALYTICS_PROD).await.unwrap();
    }
    assert!(started.elapsed() >= Duration::from_millis(250));
    let limited: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.status == 429)
        .collect();
    assert!(
        !limited.is_empty(),
        "the simulator should have limited the burst"
    );
    assert!(c.stats().retries >= 1);

    // The raw answer carries the header and the documented body.
    let raw = reqwest::Client::new();
    let mut last = None;
    for _ in 0..4 {
        last = Some(
            raw.get(format!("{}/v1/organizations", sim.base_url()))
                .basic_auth(DEMO_ADMIN_KEY, Some(DEMO_SECRET))
                .send()
                .await
                .unwrap(),
        );
    }
    let last = last.unwrap();
    assert_eq!(last.status(), 429);
    let reset: f64 = last.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset > 0.0 && reset <= 0.3, "{reset}");
    let body: Value = last.json().await.unwrap();
    assert_eq!(body["error"], "TOO_MANY_REQUESTS");
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed_or_give_up() {
    let (sim, c) = admin(fast()).await;
    sim.set_faults(Faults {
        fail_next: vec![503, 500],
        ..Faults::default()
    })
    .await;
    assert!(c.get_service(ids::ANALYTICS_PROD).await.is_ok());
    assert_eq!(c.stats().retries, 2);

    sim.set_faults(Faults {
        fail_next: vec![500, 500, 500],
        ..Faults::default()
    })
    .await;
    let e = c.get_service(ids::ANALYTICS_PROD).await.unwrap_err();
    assert_eq!(api_status(&e), 500);
    assert!(
        e.user_message().contains("3 attempts"),
        "{}",
        e.user_message()
    );
}

#[tokio::test]
async fn latency_beyond_the_request_timeout_is_a_timeout() {
    let (sim, c) = admin(fast()).await;
    sim.set_faults(Faults {
        latency: Duration::from_millis(800),
        ..Faults::default()
    })
    .await;
    let e = c.get_service(ids::ANALYTICS_PROD).await.unwrap_err();
    assert!(matches!(e, CloudError::Timeout { .. }), "{e:?}");
}

#[tokio::test]
async fn dropped_connections_are_retried() {
    let (sim, c) = admin(fast()).await;
    sim.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    })
    .await;
    let e = c.list_services().await.unwrap_err();
    assert!(
        e.status().is_none(),
        "a dropped connection has no status: {e:?}"
    );
    assert!(c.stats().retries >= 2);
    sim.set_faults(Faults {
        drop_rate: 0.3,
        ..Faults::default()
    })
    .await;
    // With retries, most calls get through a lossy link.
    let mut ok = 0;
    for _ in 0..10 {
        ok += c.list_services().await.is_ok() as u32;
    }
    assert!(ok >= 7, "only {ok}/10 calls survived a 30% drop rate");
}

/// The schema a spec operation declares for one status (undeclared statuses use the 400 shape).
fn response_schema(spec: &Value, path: &str, method: &str, status: u16) -> Value {
    let responses = &spec["paths"][path][method]["responses"];
    let declared = responses
        .get(status.to_string())
        .unwrap_or(&responses["400"]);
    let mut schema = declared["content"]["application/json"]["schema"].clone();
    // `#/components/...` refs resolve against the schema's own root: carry the components along.
    schema["components"] = spec["components"].clone();
    schema
}

/// (method, url, spec path, body, key id, expected status)
type Case<'a> = (&'a str, String, &'a str, Option<Value>, &'a str, u16);

#[tokio::test]
async fn every_simulator_answer_matches_the_spec_schemas() {
    let spec: Value =
        serde_json::from_str(include_str!("data/openapi-subset.json")).expect("spec parses");
    let config = SimConfig {
        rate_limit: 40,
        ..fast()
    };
    let sim = sim::spawn(config, Fixture::default()).await.unwrap();
    let base = format!("{}/v1/organizations/{DEMO_ORG_ID}", sim.base_url());
    let p = "/v1/organizations/{organizationId}/services";
    let cases: Vec<Case<'_>> = vec![
        (
            "get",
            format!("{base}/services"),
            p,
            None,
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "get",
            format!("{base}/services/{}", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}",
            None,
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "get",
            format!("{base}/services/nope"),
            "/v1/organizations/{organizationId}/services/{serviceId}",
            None,
            DEMO_ADMIN_KEY,
            404,
        ),
        ("get", format!("{base}/services"), p, None, "nobody", 401),
        (
            "patch",
            format!("{base}/services/{}/replicaScaling", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/replicaScaling",
            Some(json!({"numReplicas": 4, "minReplicaMemoryGb": 16, "maxReplicaMemoryGb": 32})),
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "patch",
            format!("{base}/services/{}/replicaScaling", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/replicaScaling",
            Some(json!({"numReplicas": 0})),
            DEMO_ADMIN_KEY,
            400,
        ),
        (
            "patch",
            format!("{base}/services/{}/replicaScaling", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/replicaScaling",
            Some(json!({"numReplicas": 4})),
            DEMO_DEV_KEY,
            403,
        ),
        (
            "patch",
            format!("{base}/services/{}/state", ids::ETL_IDLE),
            "/v1/organizations/{organizationId}/services/{serviceId}/state",
            Some(json!({"command": "awake"})),
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "get",
            format!("{base}/services/{}/clickpipesCdcScaling", ids::INGEST_CDC),
            "/v1/organizations/{organizationId}/services/{serviceId}/clickpipesCdcScaling",
            None,
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "patch",
            format!("{base}/services/{}/clickpipesCdcScaling", ids::INGEST_CDC),
            "/v1/organizations/{organizationId}/services/{serviceId}/clickpipesCdcScaling",
            Some(json!({"replicaCpuMillicores": 4000, "replicaMemoryGb": 16})),
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "patch",
            format!("{base}/services/{}/clickpipesCdcScaling", ids::INGEST_CDC),
            "/v1/organizations/{organizationId}/services/{serviceId}/clickpipesCdcScaling",
            Some(json!({"replicaCpuMillicores": 4500, "replicaMemoryGb": 18})),
            DEMO_ADMIN_KEY,
            400,
        ),
        (
            "get",
            format!("{base}/services/{}/clickpipes", ids::INGEST_CDC),
            "/v1/organizations/{organizationId}/services/{serviceId}/clickpipes",
            None,
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "get",
            format!(
                "{base}/services/{}/clickpipes/{}",
                ids::INGEST_CDC,
                ids::PIPE_ORDERS
            ),
            "/v1/organizations/{organizationId}/services/{serviceId}/clickpipes/{clickPipeId}",
            None,
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "get",
            format!("{base}/services/{}/clickpipes", ids::REPORTING_HIGHMEM),
            "/v1/organizations/{organizationId}/services/{serviceId}/clickpipes",
            None,
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "get",
            format!("{base}/services/{}/clickpipesCdcScaling", ids::ETL_IDLE),
            "/v1/organizations/{organizationId}/services/{serviceId}/clickpipesCdcScaling",
            None,
            DEMO_ADMIN_KEY,
            200,
        ),
    ];
    let http = reqwest::Client::new();
    for (method, url, spec_path, body, key, want) in cases {
        let req = match method {
            "get" => http.get(&url),
            _ => http.patch(&url).json(body.as_ref().unwrap()),
        };
        let resp = req.basic_auth(key, Some(DEMO_SECRET)).send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        // The idle service woke above; its CDC read may still be 424 while awaking.
        let want = if url.ends_with("clickpipesCdcScaling") && url.contains(ids::ETL_IDLE) {
            status.max(200)
        } else {
            want
        };
        assert_eq!(status, want, "{method} {url}: {text}");
        let instance: Value = serde_json::from_str(&text).unwrap();
        let schema = response_schema(&spec, spec_path, method, status);
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {url} ({status}) breaks the spec: {errors:?}\n{text}"
        );
        if status >= 400 {
            assert!(instance["error"].as_str().is_some_and(|e| !e.is_empty()));
        }
    }
    // A 429 also has the error shape.
    let limited = sim::spawn(
        SimConfig {
            rate_limit: 1,
            ..fast()
        },
        Fixture::default(),
    )
    .await
    .unwrap();
    let url = format!(
        "{}/v1/organizations/{DEMO_ORG_ID}/services",
        limited.base_url()
    );
    let mut last = None;
    for _ in 0..2 {
        last = Some(
            http.get(&url)
                .basic_auth(DEMO_ADMIN_KEY, Some(DEMO_SECRET))
                .send()
                .await
                .unwrap(),
        );
    }
    let last = last.unwrap();
    assert_eq!(last.status(), 429);
    let instance: Value = last.json().await.unwrap();
    let schema = response_schema(&spec, p, "get", 429);
    assert!(jsonschema::validator_for(&schema)
        .unwrap()
        .is_valid(&instance));
}

#[tokio::test]
async fn the_binary_serves_prints_its_address_and_round_trips_its_fixture() {
    use tokio::io::AsyncBufReadExt;
    let exe = env!("CARGO_BIN_EXE_clickscale");
    let printed = std::process::Command::new(exe)
        .args(["sim", "--print-fixture"])
        .output()
        .unwrap();
    assert!(printed.status.success());
    let text = String::from_utf8(printed.stdout).unwrap();
    assert_eq!(Fixture::from_toml(&text).unwrap(), Fixture::default());
    let dir = std::env::temp_dir().join(format!("clickscale-fixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fixture.toml");
    std::fs::write(&path, text.replace("analytics-prod", "analytics-main")).unwrap();

    let mut child = tokio::process::Command::new(exe)
        .args(["sim", "--listen", "127.0.0.1:0", "--fixture"])
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("the simulator printed its address")
        .unwrap()
        .unwrap();
    let url = first
        .strip_prefix("listening on ")
        .expect(&first)
        .to_owned();
    let services: Value = reqwest::Client::new()
        .get(format!("{url}/v1/organizations/{DEMO_ORG_ID}/services"))
        .basic_auth(DEMO_ADMIN_KEY, Some(DEMO_SECRET))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(services["result"][0]["name"], "analytics-main");
    child.kill().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
