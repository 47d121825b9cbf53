//! The Cloud API client against the simulator over real sockets: every endpoint, every error
//! path, and every simulator answer checked against the spec's schemas.

use std::time::Duration;

use clickscale::{
    cloud::{
        model::{
            AutoscalingMode, CdcScaling, PipeState, ReplicaScalingPatch, ServiceState, StateCommand,
        },
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

/// A valid UUID no fixture uses.
const UNKNOWN_ID: &str = "00000000-0000-4000-8000-000000000000";

/// Business hours Monday to Friday, 09:00-17:00 UTC, 5 replicas.
fn business_hours() -> Value {
    json!({"entries": [{"name": "Business hours", "weekdays": [1, 2, 3, 4, 5],
        "startHourUtc": 9, "endHourUtc": 17, "numReplicas": 5,
        "minReplicaMemoryGb": 32, "maxReplicaMemoryGb": 64}]})
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

/// The subset the bot was written against, and the official full spec (tests/data/README.md).
fn specs() -> &'static [(&'static str, Value)] {
    static SPECS: std::sync::OnceLock<[(&str, Value); 2]> = std::sync::OnceLock::new();
    SPECS.get_or_init(|| {
        [
            (
                "subset",
                serde_json::from_str(include_str!("data/openapi-subset.json"))
                    .expect("subset parses"),
            ),
            (
                "official",
                serde_json::from_str(include_str!("data/clickhouse_cloud_openapi.json"))
                    .expect("official spec parses"),
            ),
        ]
    })
}

/// Validates one answer against every spec that has the operation; at least one must.
fn assert_matches_specs(
    specs: &[(&str, Value)],
    method: &str,
    spec_path: &str,
    status: u16,
    instance: &Value,
) {
    let mut checked = 0;
    for (name, spec) in specs {
        if !spec["paths"][spec_path][method].is_object() {
            continue;
        }
        checked += 1;
        let schema = response_schema(spec, spec_path, method, status);
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {spec_path} ({status}) breaks the {name} spec: {errors:?}\n{instance}"
        );
    }
    assert!(checked > 0, "{method} {spec_path} is in no spec");
}

#[tokio::test]
async fn every_simulator_answer_matches_the_spec_schemas() {
    let specs = specs();
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
            400,
        ),
        (
            "get",
            format!("{base}/services/{UNKNOWN_ID}"),
            "/v1/organizations/{organizationId}/services/{serviceId}",
            None,
            DEMO_ADMIN_KEY,
            404,
        ),
        (
            "get",
            base.clone(),
            "/v1/organizations/{organizationId}",
            None,
            DEMO_DEV_KEY,
            200,
        ),
        (
            "get",
            format!("{base}/services?filter=tag:Environment%3DProduction"),
            p,
            None,
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "get",
            format!("{base}/services?filter=Environment"),
            p,
            None,
            DEMO_ADMIN_KEY,
            400,
        ),
        (
            "patch",
            format!("{base}/services/{}/replicaScaling", ids::ANALYTICS_STAGING),
            "/v1/organizations/{organizationId}/services/{serviceId}/replicaScaling",
            Some(
                json!({"autoscalingMode": "horizontal", "minReplicas": 2, "maxReplicas": 4,
                        "minReplicaMemoryGb": 16, "maxReplicaMemoryGb": 16}),
            ),
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "patch",
            format!("{base}/services/{}/scaling", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/scaling",
            Some(json!({"minTotalMemoryGb": 48, "maxTotalMemoryGb": 192, "numReplicas": 3})),
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "patch",
            format!("{base}/services/{}/scaling", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/scaling",
            Some(json!({"minTotalMemoryGb": 32})),
            DEMO_ADMIN_KEY,
            400,
        ),
        (
            "get",
            format!("{base}/services/{}/scalingSchedule", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/scalingSchedule",
            None,
            DEMO_ADMIN_KEY,
            404,
        ),
        (
            "post",
            format!("{base}/services/{}/scalingSchedule", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/scalingSchedule",
            Some(business_hours()),
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "get",
            format!("{base}/services/{}/scalingSchedule", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/scalingSchedule",
            None,
            DEMO_DEV_KEY,
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
            "delete",
            format!("{base}/services/{}/scalingSchedule", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/scalingSchedule",
            None,
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "post",
            format!("{base}/services/{}/scalingSchedule", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/scalingSchedule",
            Some(json!({"entries": []})),
            DEMO_ADMIN_KEY,
            200,
        ),
        (
            "post",
            format!("{base}/services/{}/scalingSchedule", ids::ANALYTICS_PROD),
            "/v1/organizations/{organizationId}/services/{serviceId}/scalingSchedule",
            Some(
                json!({"entries": [{"name": "x", "weekdays": [7], "startHourUtc": 9, "endHourUtc": 17}]}),
            ),
            DEMO_ADMIN_KEY,
            400,
        ),
        (
            "patch",
            format!("{base}/services/{}/clickpipesCdcScaling", ids::INGEST_CDC),
            "/v1/organizations/{organizationId}/services/{serviceId}/clickpipesCdcScaling",
            Some(json!({"replicaCpuMillicores": 6000})),
            DEMO_ADMIN_KEY,
            200,
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
            "delete" => http.delete(&url),
            "post" => http.post(&url).json(body.as_ref().unwrap()),
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
        assert_matches_specs(specs, method, spec_path, status, &instance);
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
    assert_matches_specs(specs, "get", p, 429, &instance);
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

// ---------------------------------------------------------------------------------------------
// The simulator as faithful as the official CLI can tell (issue 10, part 2)

/// One raw call: status and JSON body, the answer validated against both specs.
async fn raw(
    sim: &SimHandle,
    method: &str,
    rest: &str,
    spec_path: &str,
    body: Option<Value>,
    key: &str,
) -> (u16, Value) {
    raw_in(specs(), sim, method, rest, spec_path, body, key).await
}

/// [`raw`], validated against the given specs only.
async fn raw_in(
    specs: &[(&str, Value)],
    sim: &SimHandle,
    method: &str,
    rest: &str,
    spec_path: &str,
    body: Option<Value>,
    key: &str,
) -> (u16, Value) {
    let url = format!("{}/v1/organizations/{DEMO_ORG_ID}{rest}", sim.base_url());
    let http = reqwest::Client::new();
    let req = match method {
        "get" => http.get(&url),
        "delete" => http.delete(&url),
        "post" => http.post(&url),
        _ => http.patch(&url),
    };
    let req = match body {
        Some(b) => req.json(&b),
        None => req,
    };
    let resp = tokio::time::timeout(
        Duration::from_secs(5),
        req.basic_auth(key, Some(DEMO_SECRET)).send(),
    )
    .await
    .expect("the simulator answers")
    .unwrap();
    let status = resp.status().as_u16();
    let value: Value = resp.json().await.unwrap();
    let full = format!("/v1/organizations/{{organizationId}}{spec_path}");
    assert_matches_specs(specs, method, &full, status, &value);
    (status, value)
}

async fn with_fixture(f: impl FnOnce(&mut Fixture), config: SimConfig) -> (SimHandle, CloudClient) {
    let mut fixture = Fixture::default();
    f(&mut fixture);
    let sim = sim::spawn(config, fixture).await.unwrap();
    let client = client_for(&sim, DEMO_ADMIN_KEY, DEMO_SECRET);
    (sim, client)
}

const SERVICE: &str = "/services/{serviceId}";

#[tokio::test]
async fn get_organization_by_id_answers_the_key_s_organization() {
    let (sim, c) = admin(fast()).await;
    let org = c.get_organization().await.unwrap();
    assert_eq!(org.id, DEMO_ORG_ID);
    assert_eq!(org.name.as_deref(), Some("Demo organization"));
    // A developer key may read it too; another (well-formed) organization id is unknown.
    let (status, body) = raw(&sim, "get", "", "", None, DEMO_DEV_KEY).await;
    assert_eq!(
        (status, body["result"]["id"].as_str()),
        (200, Some(DEMO_ORG_ID))
    );
    let mut s = CloudSettings::new(UNKNOWN_ID, DEMO_ADMIN_KEY, DEMO_SECRET.to_owned().into());
    s.base_url = sim.base_url();
    let e = CloudClient::new(s)
        .unwrap()
        .get_organization()
        .await
        .unwrap_err();
    assert_eq!(api_status(&e), 404);
}

#[tokio::test]
async fn replica_scaling_honours_autoscaling_mode_both_ways() {
    let (sim, c) = admin(fast()).await;
    // analytics-staging is its warehouse's primary: bands start at 2 replicas.
    let staging = ids::ANALYTICS_STAGING;
    let horizontal = ReplicaScalingPatch {
        autoscaling_mode: Some(AutoscalingMode::Horizontal),
        min_replicas: Some(2),
        max_replicas: Some(6),
        min_replica_memory_gb: Some(16),
        max_replica_memory_gb: Some(16),
        ..Default::default()
    };
    let applied = c.patch_replica_scaling(staging, &horizontal).await.unwrap();
    let s = applied.result;
    assert_eq!(s.autoscaling_mode, AutoscalingMode::Horizontal);
    assert_eq!(
        (s.min_replicas, s.max_replicas, s.num_replicas),
        (Some(2), Some(6), None)
    );
    assert_eq!(s.replica_memory_gb, Some(16.0));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let s = c.get_service(staging).await.unwrap();
    assert_eq!(s.autoscaling_mode, AutoscalingMode::Horizontal);
    let cs = &s.current_scaling;
    assert_eq!(
        cs.effective_autoscaling_mode,
        Some(AutoscalingMode::Horizontal)
    );
    assert_eq!(
        (cs.effective_min_replicas, cs.effective_max_replicas),
        (Some(2), Some(6))
    );

    // Horizontal rules: no numReplicas, memory fixed per replica.
    let (status, body) = raw(
        &sim,
        "patch",
        &format!("/services/{staging}/replicaScaling"),
        &format!("{SERVICE}/replicaScaling"),
        Some(json!({"numReplicas": 3})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("vertical autoscaling only"),
        "{body}"
    );
    let (status, body) = raw(
        &sim,
        "patch",
        &format!("/services/{staging}/replicaScaling"),
        &format!("{SERVICE}/replicaScaling"),
        Some(json!({"minReplicaMemoryGb": 8, "maxReplicaMemoryGb": 32})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("fixed memory per replica"),
        "{body}"
    );

    // Back to vertical with a fixed count.
    let vertical = ReplicaScalingPatch {
        autoscaling_mode: Some(AutoscalingMode::Vertical),
        num_replicas: Some(2),
        ..Default::default()
    };
    let s = c
        .patch_replica_scaling(staging, &vertical)
        .await
        .unwrap()
        .result;
    assert_eq!(s.autoscaling_mode, AutoscalingMode::Vertical);
    assert_eq!(
        (s.num_replicas, s.min_replicas, s.max_replicas),
        (Some(2), None, None)
    );
    // A band in vertical mode needs horizontal; an equal pair is a fixed count.
    let (status, body) = raw(
        &sim,
        "patch",
        &format!("/services/{staging}/replicaScaling"),
        &format!("{SERVICE}/replicaScaling"),
        Some(json!({"minReplicas": 2, "maxReplicas": 5})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("needs autoscalingMode horizontal"),
        "{body}"
    );
    let (status, body) = raw(
        &sim,
        "patch",
        &format!("/services/{staging}/replicaScaling"),
        &format!("{SERVICE}/replicaScaling"),
        Some(json!({"minReplicas": 4, "maxReplicas": 4})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(
        (status, body["result"]["numReplicas"].as_u64()),
        (200, Some(4))
    );
    let (status, body) = raw(
        &sim,
        "patch",
        &format!("/services/{staging}/replicaScaling"),
        &format!("{SERVICE}/replicaScaling"),
        Some(json!({"autoscalingMode": "diagonal"})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("request body.autoscalingMode"),
        "{body}"
    );
}

#[tokio::test]
async fn horizontal_autoscaling_not_enabled_for_the_organization_is_refused() {
    let (sim, _c) = with_fixture(|f| f.organization.horizontal_autoscaling = false, fast()).await;
    let path = format!("/services/{}/replicaScaling", ids::ANALYTICS_STAGING);
    let spec = format!("{SERVICE}/replicaScaling");
    for body in [
        json!({"autoscalingMode": "horizontal", "minReplicas": 2, "maxReplicas": 4,
               "minReplicaMemoryGb": 16, "maxReplicaMemoryGb": 16}),
        json!({"minReplicas": 2, "maxReplicas": 4}),
    ] {
        let (status, answer) = raw(&sim, "patch", &path, &spec, Some(body), DEMO_ADMIN_KEY).await;
        assert_eq!(status, 400);
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .contains("not enabled for this organization"),
            "{answer}"
        );
    }
    // An equal pair is a vertical fixed count: no entitlement needed.
    let (status, _) = raw(
        &sim,
        "patch",
        &path,
        &spec,
        Some(json!({"minReplicas": 3, "maxReplicas": 3})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_replica_maximum_is_the_organization_s_20_by_default_and_50_where_raised() {
    let (sim, _c) = admin(fast()).await;
    let path = format!("/services/{}/replicaScaling", ids::ANALYTICS_STAGING);
    let spec = format!("{SERVICE}/replicaScaling");
    let (status, _) = raw(
        &sim,
        "patch",
        &path,
        &spec,
        Some(json!({"numReplicas": 21})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 400);
    let (sim, _c) = with_fixture(|f| f.organization.replicas_max = 50, fast()).await;
    // Only the full spec knows 50 (the 2026-07-31 subset says 20).
    let official = &specs()[1..];
    assert_eq!(official[0].0, "official");
    let (status, body) = raw_in(
        official,
        &sim,
        "patch",
        &path,
        &spec,
        Some(json!({"numReplicas": 50})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(
        (status, body["result"]["numReplicas"].as_u64()),
        (200, Some(50))
    );
    let (status, _) = raw(
        &sim,
        "patch",
        &path,
        &spec,
        Some(json!({"numReplicas": 51})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_service_list_honours_tag_filters() {
    let (sim, c) = admin(fast()).await;
    let names = |l: &[clickscale::cloud::model::Service]| -> Vec<String> {
        l.iter().map(|s| s.name.clone()).collect()
    };
    let prod = c
        .list_services_listing(&["tag:Environment=Production"])
        .await
        .unwrap();
    assert_eq!(names(&prod), ["analytics-prod", "ingest-cdc"]);
    let both = c
        .list_services_listing(&["tag:Environment=Production", "tag:Team=analytics"])
        .await
        .unwrap();
    assert_eq!(names(&both), ["analytics-prod"], "every filter must match");
    let key_only = c.list_services_listing(&["tag:cdc"]).await.unwrap();
    assert_eq!(names(&key_only), ["ingest-cdc"]);
    assert!(c
        .list_services_listing(&["tag:Environment=Nowhere"])
        .await
        .unwrap()
        .is_empty());
    assert_eq!(c.list_services().await.unwrap().len(), 6);
    let e = c
        .list_services_listing(&["Environment=Production"])
        .await
        .unwrap_err();
    assert_eq!(api_status(&e), 400);
    assert!(
        e.user_message().contains("only tag filters"),
        "{}",
        e.user_message()
    );
    // The tags themselves are in each service.
    let (_, body) = raw(
        &sim,
        "get",
        &format!("/services/{}", ids::INGEST_CDC),
        SERVICE,
        None,
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(
        body["result"]["tags"],
        json!([{"key": "Environment", "value": "Production"}, {"key": "cdc"}])
    );
}

#[tokio::test]
async fn the_deprecated_scaling_patch_takes_totals_of_three_replicas() {
    let (sim, c) = admin(fast()).await;
    let prod = ids::ANALYTICS_PROD;
    let path = format!("/services/{prod}/scaling");
    let spec = format!("{SERVICE}/scaling");
    let (status, body) = raw(&sim, "patch", &path, &spec,
        Some(json!({"minTotalMemoryGb": 48, "maxTotalMemoryGb": 192, "numReplicas": 4, "idleTimeoutMinutes": 10})),
        DEMO_ADMIN_KEY).await;
    assert_eq!(status, 200, "{body}");
    let r = &body["result"];
    assert_eq!(
        (
            r["minReplicaMemoryGb"].as_f64(),
            r["maxReplicaMemoryGb"].as_f64()
        ),
        (Some(16.0), Some(64.0))
    );
    assert_eq!(r["numReplicas"], 4);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(c.get_service(prod).await.unwrap().num_replicas, Some(4));
    // The errors the API was seen to give (terraform-provider-clickhouse #25).
    let (status, body) = raw(
        &sim,
        "patch",
        &path,
        &spec,
        Some(json!({"minTotalMemoryGb": 32})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        "BAD_REQUEST: request body.minTotalMemoryGb: The value must be a multiple of 12 <number:32>"
    );
    let (status, _) = raw(
        &sim,
        "patch",
        &path,
        &spec,
        Some(json!({"maxTotalMemoryGb": 1080})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 400);
    let (status, body) = raw(
        &sim,
        "patch",
        &path,
        &spec,
        Some(json!({"numReplicas": 4})),
        DEMO_DEV_KEY,
    )
    .await;
    assert_eq!(status, 403, "{body}");
}

/// Monday 2026-11-30, 10:00 UTC: inside Monday-to-Friday business hours.
fn monday_10_utc() -> SimConfig {
    SimConfig {
        clock_start: Some("2026-11-30T10:00:00Z".parse().unwrap()),
        ..fast()
    }
}

#[tokio::test]
async fn scaling_schedule_get_post_delete_as_in_the_contract() {
    let (sim, c) = admin(monday_10_utc()).await;
    let prod = ids::ANALYTICS_PROD;
    let path = format!("/services/{prod}/scalingSchedule");
    let spec = format!("{SERVICE}/scalingSchedule");
    let (status, _) = raw(&sim, "get", &path, &spec, None, DEMO_ADMIN_KEY).await;
    assert_eq!(status, 404, "none configured yet");
    let (status, _) = raw(&sim, "delete", &path, &spec, None, DEMO_ADMIN_KEY).await;
    assert_eq!(status, 404, "nothing to delete");

    let mut body = business_hours();
    body["entries"].as_array_mut().unwrap().push(json!({
        "name": "Overnight batch", "weekdays": [0], "startHourUtc": 22, "endHourUtc": 2,
        "autoscalingMode": "horizontal", "minReplicas": 2, "maxReplicas": 8,
        "minReplicaMemoryGb": 32, "maxReplicaMemoryGb": 32}));
    let (status, answer) = raw(&sim, "post", &path, &spec, Some(body), DEMO_ADMIN_KEY).await;
    assert_eq!(status, 200, "{answer}");
    let schedule: clickscale::cloud::model::ScalingSchedule =
        serde_json::from_value(answer["result"].clone()).unwrap();
    assert_eq!(schedule.entries.len(), 2);
    let day = &schedule.entries[0];
    assert_eq!(
        (day.is_active_now, day.min_replicas, day.max_replicas),
        (Some(true), Some(5), Some(5))
    );
    assert_eq!(schedule.entries[1].is_active_now, Some(false));
    assert_eq!(schedule.active_entry_id.as_deref(), Some(day.id.as_str()));
    assert_eq!(schedule.base_config.min_replicas, Some(3));

    // The service keeps its baseline; what is in force is the entry's.
    let s = c.get_service(prod).await.unwrap();
    assert_eq!(s.num_replicas, Some(3));
    assert_eq!(s.current_scaling.effective_min_replicas, Some(5));
    assert_eq!(
        s.current_scaling.effective_max_replica_memory_gb,
        Some(64.0)
    );
    assert_eq!(
        s.current_scaling.active_entry_id.as_deref(),
        Some(day.id.as_str())
    );
    assert_eq!(
        s.scaling_schedule.as_ref().map(|s| s.entries.len()),
        Some(2)
    );
    let (status, again) = raw(&sim, "get", &path, &spec, None, DEMO_DEV_KEY).await;
    assert_eq!(
        (status, &again["result"]["activeEntryId"]),
        (200, &json!(day.id))
    );

    // A developer key reads but cannot change it.
    let (status, _) = raw(&sim, "delete", &path, &spec, None, DEMO_DEV_KEY).await;
    assert_eq!(status, 403);
    // DELETE: 200 without result, the base configuration back in force.
    let (status, deleted) = raw(&sim, "delete", &path, &spec, None, DEMO_ADMIN_KEY).await;
    assert_eq!(status, 200);
    assert!(deleted.get("result").is_none(), "{deleted}");
    let s = c.get_service(prod).await.unwrap();
    assert_eq!(s.current_scaling.effective_min_replicas, Some(3));
    assert!(s.current_scaling.active_entry_id.is_none() && s.scaling_schedule.is_none());

    // POST with no entries clears: an empty baseConfig, and GET is 404 again.
    raw(
        &sim,
        "post",
        &path,
        &spec,
        Some(business_hours()),
        DEMO_ADMIN_KEY,
    )
    .await;
    let (status, cleared) = raw(
        &sim,
        "post",
        &path,
        &spec,
        Some(json!({"entries": []})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(
        (status, &cleared["result"]),
        (200, &json!({"entries": [], "baseConfig": {}}))
    );
    let (status, _) = raw(&sim, "get", &path, &spec, None, DEMO_ADMIN_KEY).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn scaling_schedule_entries_are_validated_and_need_the_feature() {
    let (sim, _c) = admin(monday_10_utc()).await;
    let path = format!("/services/{}/scalingSchedule", ids::ANALYTICS_PROD);
    let spec = format!("{SERVICE}/scalingSchedule");
    let entry = |extra: Value| {
        let mut e = json!({"name": "e", "weekdays": [1], "startHourUtc": 9, "endHourUtc": 17});
        e.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"entries": [e]})
    };
    for (body, needle) in [
        (json!({}), "body.entries: is required"),
        (
            entry(json!({"endHourUtc": 9})),
            "Must differ from startHourUtc",
        ),
        (
            entry(json!({"startHourUtc": 24})),
            "entries[0].startHourUtc",
        ),
        (entry(json!({"weekdays": []})), "entries[0].weekdays"),
        (
            entry(json!({"autoscalingMode": "horizontal", "minReplicas": 1, "maxReplicas": 3})),
            "a horizontal entry needs minReplicaMemoryGb",
        ),
        (
            entry(json!({"numReplicas": 2, "minReplicas": 2, "maxReplicas": 2})),
            "cannot be combined",
        ),
        (
            entry(json!({"minReplicaMemoryGb": 16})),
            "both memory bounds",
        ),
        (entry(json!({"minReplicas": 2})), "provided together"),
    ] {
        let (status, answer) = raw(
            &sim,
            "post",
            &path,
            &spec,
            Some(body.clone()),
            DEMO_ADMIN_KEY,
        )
        .await;
        assert_eq!(status, 400, "{body} -> {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(needle),
            "{body} -> {answer}"
        );
    }
    // Counts above the replica maximum are accepted now and capped when the entry applies.
    let (status, answer) = raw(
        &sim,
        "post",
        &path,
        &spec,
        Some(entry(json!({"numReplicas": 40}))),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(
        (status, &answer["result"]["entries"][0]["minReplicas"]),
        (200, &json!(40))
    );
    let (_, s) = raw(
        &sim,
        "get",
        &format!("/services/{}", ids::ANALYTICS_PROD),
        SERVICE,
        None,
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(s["result"]["currentScaling"]["effectiveMinReplicas"], 20);

    let (sim, _c) = with_fixture(
        |f| f.organization.scheduled_scaling = false,
        monday_10_utc(),
    )
    .await;
    for method in ["get", "post", "delete"] {
        let body = (method == "post").then(business_hours);
        let (status, answer) = raw(&sim, method, &path, &spec, body, DEMO_ADMIN_KEY).await;
        assert_eq!(status, 400, "{method}");
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .contains("Scheduled autoscaling is not enabled"),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn warehouses_are_distinct_with_one_primary_each() {
    let (sim, c) = admin(fast()).await;
    let services = c.list_services().await.unwrap();
    let mut by_warehouse = std::collections::BTreeMap::<String, Vec<bool>>::new();
    for s in &services {
        by_warehouse
            .entry(
                s.data_warehouse_id
                    .clone()
                    .expect("every service names its warehouse"),
            )
            .or_default()
            .push(s.is_primary == Some(true));
    }
    assert_eq!(by_warehouse.len(), 4, "{by_warehouse:?}");
    for (w, primaries) in &by_warehouse {
        assert_eq!(
            primaries.iter().filter(|p| **p).count(),
            1,
            "{w}: {primaries:?}"
        );
    }
    // The primary needs 2 replicas; a secondary may go down to 1.
    for (id, want) in [(ids::ANALYTICS_STAGING, 400), (ids::ANALYTICS_PROD, 200)] {
        let (status, body) = raw(
            &sim,
            "patch",
            &format!("/services/{id}/replicaScaling"),
            &format!("{SERVICE}/replicaScaling"),
            Some(json!({"numReplicas": 1})),
            DEMO_ADMIN_KEY,
        )
        .await;
        assert_eq!(status, want, "{id}: {body}");
    }
    // Compute-compute separation: analytics-prod reads the data ingest-cdc writes.
    let named = |n: &str| services.iter().find(|s| s.name == n).unwrap();
    let (ingest, prod) = (named("ingest-cdc"), named("analytics-prod"));
    assert_eq!(ingest.data_warehouse_id, prod.data_warehouse_id);
    assert_eq!(
        (ingest.is_primary, prod.is_primary),
        (Some(true), Some(false))
    );
}

/// Poll until the service reports `state`, for at most 10 s (a loaded machine is slow, a
/// fixed sleep is a race).
async fn state_becomes(c: &CloudClient, id: &str, state: ServiceState) {
    let wait = async {
        while c.get_service(id).await.unwrap().state != Some(state.clone()) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("{id} never became {state:?}"));
}

#[tokio::test]
async fn start_wakes_an_idle_service_and_is_refused_while_stopping() {
    // Polled, not slept: a budget the polls cannot exhaust, and transitions slow enough that
    // "while stopping" is still true when the next request lands on a loaded machine.
    let (sim, c) = admin(SimConfig {
        rate_limit: 10_000,
        wake_after: Duration::from_secs(1),
        ..fast()
    })
    .await;
    let woken = c
        .patch_service_state(ids::ETL_IDLE, StateCommand::Start)
        .await
        .unwrap();
    assert_eq!(woken.result.state, Some(ServiceState::Awaking));
    state_becomes(&c, ids::ETL_IDLE, ServiceState::Running).await;

    let stopping = c
        .patch_service_state(ids::ANALYTICS_STAGING, StateCommand::Stop)
        .await
        .unwrap();
    assert_eq!(stopping.result.state, Some(ServiceState::Stopping));
    let (status, body) = raw(
        &sim,
        "patch",
        &format!("/services/{}/state", ids::ANALYTICS_STAGING),
        &format!("{SERVICE}/state"),
        Some(json!({"command": "start"})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("state stopping"),
        "{body}"
    );
    state_becomes(&c, ids::ANALYTICS_STAGING, ServiceState::Stopped).await;
    let started = c
        .patch_service_state(ids::ANALYTICS_STAGING, StateCommand::Start)
        .await
        .unwrap();
    assert_eq!(started.result.state, Some(ServiceState::Starting));
}

#[tokio::test]
async fn a_cdc_patch_takes_either_field_alone() {
    let (sim, c) = admin(fast()).await;
    let path = format!("/services/{}/clickpipesCdcScaling", ids::INGEST_CDC);
    let spec = format!("{SERVICE}/clickpipesCdcScaling");
    let (status, body) = raw(
        &sim,
        "patch",
        &path,
        &spec,
        Some(json!({"replicaCpuMillicores": 6000})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(
        (status, &body["result"]),
        (
            200,
            &json!({"replicaCpuMillicores": 6000, "replicaMemoryGb": 24})
        )
    );
    let (status, body) = raw(
        &sim,
        "patch",
        &path,
        &spec,
        Some(json!({"replicaMemoryGb": 16})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(
        (status, &body["result"]),
        (
            200,
            &json!({"replicaCpuMillicores": 4000, "replicaMemoryGb": 16})
        )
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        c.get_cdc_scaling(ids::INGEST_CDC).await.unwrap(),
        CdcScaling::from_cores(4)
    );
    let (status, _) = raw(
        &sim,
        "patch",
        &path,
        &spec,
        Some(json!({"replicaMemoryGb": 18})),
        DEMO_ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_non_uuid_path_id_answers_400_and_an_unknown_uuid_404() {
    let (sim, c) = admin(fast()).await;
    for (rest, spec_path, param) in [
        (
            "/services/analytics-prod".to_owned(),
            SERVICE.to_owned(),
            "serviceId",
        ),
        (
            format!("/services/{}/clickpipes/pg_orders", ids::INGEST_CDC),
            format!("{SERVICE}/clickpipes/{{clickPipeId}}"),
            "clickPipeId",
        ),
        (
            "/services/not-a-uuid/clickpipesCdcScaling".to_owned(),
            format!("{SERVICE}/clickpipesCdcScaling"),
            "serviceId",
        ),
    ] {
        let (status, body) = raw(&sim, "get", &rest, &spec_path, None, DEMO_ADMIN_KEY).await;
        assert_eq!(status, 400, "{rest}: {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains(&format!("request params.{param}")),
            "{body}"
        );
    }
    let e = c.get_service(UNKNOWN_ID).await.unwrap_err();
    assert_eq!(api_status(&e), 404);
    let e = c
        .get_clickpipe(ids::INGEST_CDC, UNKNOWN_ID)
        .await
        .unwrap_err();
    assert_eq!(api_status(&e), 404);
    // The organization id too, before it is looked up.
    let status = reqwest::Client::new()
        .get(format!("{}/v1/organizations/demo/services", sim.base_url()))
        .basic_auth(DEMO_ADMIN_KEY, Some(DEMO_SECRET))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 400);
}
