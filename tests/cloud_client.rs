//! `CloudClient` against small scripted HTTP servers on 127.0.0.1:0.
//!
//! Each server answers requests with a fixed script of replies, in order, and records what it
//! received (method, path, headers, body, arrival time), so tests check both what the client
//! sent and how it reacted. Timings are tens of milliseconds so the file runs in seconds.

use std::collections::VecDeque;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use base64::Engine as _;
use clickscale::cloud::model::{
    AutoscalingMode, CdcScaling, PipeState, ReplicaScalingPatch, ServiceState, StateCommand,
};
use clickscale::cloud::{
    CloudClient, CloudError, CloudSettings, Operation, RateLimit, RetryPolicy,
};
use secrecy::SecretString;
use serde_json::{json, Value};
use tokio::time::Instant;

const ORG: &str = "0b5e7a3c-org";
const KEY_ID: &str = "key-id-42";
const SECRET: &str = "TopSecret-Value-9f8e7d";
const SVC: &str = "9d1c-svc";
const PIPE: &str = "3a5e-pipe";

// ---------------------------------------------------------------------------------------------
// Scripted server

#[derive(Clone)]
struct Reply {
    status: u16,
    body: String,
    headers: Vec<(&'static str, String)>,
    delay: Duration,
}

impl Reply {
    fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            body: body.to_string(),
            headers: vec![("content-type", "application/json".into())],
            delay: Duration::ZERO,
        }
    }

    /// A success envelope with a float status, as the spec's `number` allows.
    fn ok(result: Value) -> Self {
        Self::json(
            200,
            json!({"status": 200.0, "requestId": "req-ok", "result": result, "extra": {"x": 1}}),
        )
    }

    fn error(status: u16, error: &str, request_id: &str) -> Self {
        // Field order as observed in real bodies: requestId, error, status.
        Self {
            status,
            body: format!(r#"{{"requestId":"{request_id}","error":"{error}","status":{status}}}"#),
            headers: vec![("content-type", "application/json".into())],
            delay: Duration::ZERO,
        }
    }

    fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            body: body.into(),
            headers: vec![("content-type", "text/html".into())],
            delay: Duration::ZERO,
        }
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: String,
    at: Instant,
}

#[derive(Clone, Default)]
struct Script {
    replies: Arc<Mutex<VecDeque<Reply>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

struct Server {
    base_url: String,
    script: Script,
}

impl Server {
    fn seen(&self) -> Vec<Seen> {
        self.script.seen.lock().unwrap().clone()
    }

    fn remaining(&self) -> usize {
        self.script.replies.lock().unwrap().len()
    }
}

async fn handle(
    State(script): State<Script>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    script.seen.lock().unwrap().push(Seen {
        method,
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body,
        at: Instant::now(),
    });
    let reply = script.replies.lock().unwrap().pop_front();
    let Some(reply) = reply else {
        return Response::builder()
            .status(599)
            .body(Body::from("unscripted request"))
            .unwrap();
    };
    tokio::time::sleep(reply.delay).await;
    let mut resp = Response::builder().status(StatusCode::from_u16(reply.status).unwrap());
    for (name, value) in &reply.headers {
        resp = resp.header(*name, value);
    }
    resp.body(Body::from(reply.body)).unwrap()
}

async fn serve(replies: Vec<Reply>) -> Server {
    let script = Script::default();
    script.replies.lock().unwrap().extend(replies);
    let app = Router::new().fallback(handle).with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Server {
        // A trailing slash, to check that the client strips it.
        base_url: format!("http://{addr}/"),
        script,
    }
}

/// Settings with fast timings: backoff in milliseconds, a limiter that never bites.
fn settings(base_url: &str) -> CloudSettings {
    CloudSettings {
        base_url: base_url.to_owned(),
        connect_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_secs(2),
        rate_limit: RateLimit {
            requests: 1000,
            per: Duration::from_secs(1),
        },
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            min_rate_limit_wait: Duration::from_millis(80),
            rate_limit_margin: Duration::from_millis(10),
            max_rate_limit_wait: Duration::from_secs(2),
        },
        ..CloudSettings::new(ORG, KEY_ID, SecretString::from(SECRET))
    }
}

fn client(server: &Server) -> CloudClient {
    CloudClient::new(settings(&server.base_url)).unwrap()
}

fn service_json(state: &str) -> Value {
    json!({
        "id": SVC, "name": "prod", "provider": "aws", "region": "eu-west-1", "state": state,
        "autoscalingMode": "vertical", "numReplicas": 3,
        "minReplicaMemoryGb": 16, "maxReplicaMemoryGb": 64.0,
        "idleScaling": true, "idleTimeoutMinutes": 15,
        "currentScaling": {"effectiveMinReplicaMemoryGb": 16, "effectiveMaxReplicaMemoryGb": 64,
                           "effectiveIdleTimeoutMinutes": 15, "somethingNew": true},
        "endpoints": [{"protocol": "https", "host": "x.clickhouse.cloud", "port": 8443}],
        "encryptionKey": null
    })
}

fn pipe_json(id: &str, state: &str) -> Value {
    json!({
        "id": id, "serviceId": SVC, "name": "pg_orders", "state": state,
        "scaling": {"replicas": 1},
        "source": {"postgres": {"host": "db.example.com", "port": 5432,
                                "settings": {"replicationMode": "cdc"}},
                   "kafka": null, "mysql": null},
        "destination": {"database": "default"},
        "createdAt": "2026-07-01T10:00:00Z", "updatedAt": "2026-07-01T10:05:00Z"
    })
}

fn api_error(result: Result<impl std::fmt::Debug, CloudError>) -> CloudError {
    match result {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn org_path(rest: &str) -> String {
    format!("/v1/organizations/{ORG}{rest}")
}

// ---------------------------------------------------------------------------------------------
// Happy paths

#[tokio::test]
async fn every_endpoint_hits_its_path_and_decodes_its_envelope() {
    let server = serve(vec![
        Reply::ok(json!([{"id": ORG, "name": "Acme", "tier": "ENTERPRISE", "createdAt": "x"}])),
        Reply::ok(json!([service_json("running"), service_json("idle")])),
        Reply::ok(service_json("running")),
        Reply::json(
            200,
            json!({"requestId": "req-rs", "result": service_json("running"), "status": 200}),
        ),
        Reply::ok(json!({"replicaCpuMillicores": 2000, "replicaMemoryGb": 8.0})),
        Reply::json(
            200,
            json!({"status": 200.0, "requestId": "req-cdc",
                   "result": {"replicaCpuMillicores": 8000, "replicaMemoryGb": 32}}),
        ),
        Reply::ok(json!([
            pipe_json(PIPE, "Snapshot"),
            pipe_json("other", "Hibernating")
        ])),
        Reply::ok(pipe_json(PIPE, "Running")),
        Reply::json(
            200,
            json!({"status": 200, "requestId": "req-state", "result": service_json("awaking")}),
        ),
    ])
    .await;
    let c = client(&server);

    let orgs = c.list_organizations().await.unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].id, ORG);
    assert_eq!(orgs[0].name.as_deref(), Some("Acme"));

    let services = c.list_services().await.unwrap();
    assert_eq!(services.len(), 2);
    assert_eq!(services[1].state, Some(ServiceState::Idle));

    let svc = c.get_service(SVC).await.unwrap();
    assert_eq!(svc.id, SVC);
    assert_eq!(svc.autoscaling_mode, AutoscalingMode::Vertical);
    assert_eq!(svc.num_replicas, Some(3));
    assert_eq!(svc.max_replica_memory_gb, Some(64.0));
    assert_eq!(svc.current_scaling.effective_idle_timeout_minutes, Some(15));

    let patch = ReplicaScalingPatch {
        num_replicas: Some(3),
        min_replica_memory_gb: Some(16),
        max_replica_memory_gb: Some(64),
        ..Default::default()
    };
    let applied = c.patch_replica_scaling(SVC, &patch).await.unwrap();
    assert_eq!(applied.request_id.as_deref(), Some("req-rs"));
    assert_eq!(applied.result.num_replicas, Some(3));

    let cdc = c.get_cdc_scaling(SVC).await.unwrap();
    assert_eq!(cdc, CdcScaling::from_cores(2));

    let applied = c
        .patch_cdc_scaling(SVC, CdcScaling::from_cores(8))
        .await
        .unwrap();
    assert_eq!(applied.request_id.as_deref(), Some("req-cdc"));
    assert_eq!(applied.result.cores(), 8);

    let pipes = c.list_clickpipes(SVC).await.unwrap();
    assert_eq!(pipes.len(), 2);
    assert!(pipes[0].is_db_pipe());
    assert_eq!(pipes[0].state, Some(PipeState::Snapshot));
    assert_eq!(pipes[1].state, Some(PipeState::Other("Hibernating".into())));

    let pipe = c.get_clickpipe(SVC, PIPE).await.unwrap();
    assert_eq!(pipe.id, PIPE);
    assert_eq!(pipe.state, Some(PipeState::Running));

    let applied = c
        .patch_service_state(SVC, StateCommand::Awake)
        .await
        .unwrap();
    assert_eq!(applied.request_id.as_deref(), Some("req-state"));
    assert_eq!(applied.result.state, Some(ServiceState::Awaking));

    let seen = server.seen();
    let calls: Vec<(Method, String)> = seen
        .iter()
        .map(|s| (s.method.clone(), s.path.clone()))
        .collect();
    assert_eq!(
        calls,
        vec![
            (Method::GET, "/v1/organizations".to_owned()),
            (Method::GET, org_path("/services")),
            (Method::GET, org_path(&format!("/services/{SVC}"))),
            (
                Method::PATCH,
                org_path(&format!("/services/{SVC}/replicaScaling"))
            ),
            (
                Method::GET,
                org_path(&format!("/services/{SVC}/clickpipesCdcScaling"))
            ),
            (
                Method::PATCH,
                org_path(&format!("/services/{SVC}/clickpipesCdcScaling"))
            ),
            (
                Method::GET,
                org_path(&format!("/services/{SVC}/clickpipes"))
            ),
            (
                Method::GET,
                org_path(&format!("/services/{SVC}/clickpipes/{PIPE}"))
            ),
            (Method::PATCH, org_path(&format!("/services/{SVC}/state"))),
        ]
    );

    // PATCH bodies: only the fields that change, camelCase, JSON content type.
    let body = |i: usize| serde_json::from_str::<Value>(&seen[i].body).unwrap();
    assert_eq!(
        body(3),
        json!({"numReplicas": 3, "minReplicaMemoryGb": 16, "maxReplicaMemoryGb": 64})
    );
    assert_eq!(
        body(5),
        json!({"replicaCpuMillicores": 8000, "replicaMemoryGb": 32})
    );
    assert_eq!(body(8), json!({"command": "awake"}));
    for s in &seen {
        let ct = s.headers.get("content-type").map(|v| v.to_str().unwrap());
        if s.method == Method::PATCH {
            assert_eq!(ct, Some("application/json"), "{}", s.path);
        } else {
            assert_eq!(ct, None, "GET {} has a content type", s.path);
            assert!(s.body.is_empty());
        }
    }

    let stats = c.stats();
    assert_eq!(stats.requests, 9);
    assert_eq!(stats.by_status.get(&200), Some(&9));
    assert_eq!(stats.retries, 0);
    assert_eq!(stats.limiter_waits, 0);
}

#[tokio::test]
async fn sends_basic_auth_and_user_agent() {
    let server = serve(vec![Reply::ok(json!([]))]).await;
    let c = client(&server);
    assert!(c.list_services().await.unwrap().is_empty());

    let seen = server.seen();
    let headers = &seen[0].headers;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{KEY_ID}:{SECRET}"))
    );
    assert_eq!(headers.get("authorization").unwrap(), expected.as_str());
    assert_eq!(
        headers.get("user-agent").unwrap(),
        concat!("clickscale/", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(headers.get("accept").unwrap(), "application/json");
}

#[tokio::test]
async fn ids_are_percent_encoded_and_empty_ids_rejected_before_the_network() {
    let server = serve(vec![Reply::ok(service_json("running"))]).await;
    let c = client(&server);
    c.get_service("../../x").await.unwrap();
    assert_eq!(server.seen()[0].path, org_path("/services/..%2F..%2Fx"));

    let err = api_error(c.get_service(" ").await);
    assert!(matches!(err, CloudError::Config(_)), "{err:?}");
    assert_eq!(server.seen().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 4xx: kept, explained, never retried

#[tokio::test]
async fn bad_request_keeps_code_message_and_request_id() {
    let server = serve(vec![Reply::error(
        400,
        "BAD_REQUEST: request body.numReplicas: Number of replicas must be greater than 3 <number:0>",
        "r-400",
    )])
    .await;
    let c = client(&server);
    let patch = ReplicaScalingPatch {
        num_replicas: Some(0),
        ..Default::default()
    };
    let err = api_error(c.patch_replica_scaling(SVC, &patch).await);

    let CloudError::Api(api) = &err else {
        panic!("not an API error: {err:?}")
    };
    assert_eq!(api.status, 400);
    assert_eq!(api.code.as_deref(), Some("BAD_REQUEST"));
    assert_eq!(
        api.message,
        "request body.numReplicas: Number of replicas must be greater than 3 <number:0>"
    );
    assert_eq!(api.operation, Operation::PatchReplicaScaling);
    assert_eq!(api.attempts, 1);
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.request_id(), Some("r-400"));
    assert_eq!(err.code(), Some("BAD_REQUEST"));
    assert!(!err.is_idle());
    assert!(!err.is_transient());
    assert_eq!(
        err.user_message(),
        "The API rejected the request: request body.numReplicas: Number of replicas must be \
         greater than 3 <number:0> (request id r-400)"
    );
    assert_eq!(server.seen().len(), 1, "a 400 must not be retried");
    assert_eq!(c.stats().retries, 0);
}

#[tokio::test]
async fn unauthorized_points_at_the_key_settings() {
    let server = serve(vec![Reply::error(
        401,
        "UNAUTHORIZED: invalid key",
        "r-401",
    )])
    .await;
    let c = client(&server);
    let err = api_error(c.list_services().await);
    assert_eq!(err.status(), Some(401));
    let msg = err.user_message();
    assert!(msg.contains("rejected the API key"), "{msg}");
    assert!(
        msg.contains("CLICKHOUSE_KEY_ID / CLICKHOUSE_KEY_SECRET"),
        "{msg}"
    );
    assert!(msg.contains("(request id r-401)"), "{msg}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn forbidden_names_the_missing_permission_per_operation() {
    let server = serve(
        (0..5)
            .map(|i| Reply::error(403, "FORBIDDEN: not allowed", &format!("r-403-{i}")))
            .collect(),
    )
    .await;
    let c = client(&server);

    let cases: Vec<(CloudError, &str)> = vec![
        (
            api_error(
                c.patch_replica_scaling(SVC, &ReplicaScalingPatch::default())
                    .await,
            ),
            "control-plane:service:manage-scaling-config",
        ),
        (
            api_error(c.patch_cdc_scaling(SVC, CdcScaling::from_cores(4)).await),
            "control-plane:service:manage-clickpipes",
        ),
        (
            api_error(c.list_clickpipes(SVC).await),
            "control-plane:service:manage-clickpipes",
        ),
        (
            api_error(c.get_service(SVC).await),
            "control-plane:service:view",
        ),
        (
            api_error(c.patch_service_state(SVC, StateCommand::Awake).await),
            "control-plane:service:manage`",
        ),
    ];
    for (i, (err, permission)) in cases.iter().enumerate() {
        assert_eq!(err.status(), Some(403));
        let msg = err.user_message();
        assert!(msg.contains(permission), "{msg} lacks {permission}");
        assert!(msg.contains(&format!("(request id r-403-{i})")), "{msg}");
    }
    assert_eq!(server.seen().len(), 5, "403s must not be retried");
}

#[tokio::test]
async fn not_found_distinguishes_unknown_service_from_missing_cdc_pool() {
    let server = serve(vec![
        Reply::error(404, "NOT_FOUND: no such service", "r-a"),
        Reply::error(404, "NOT_FOUND: no CDC scaling", "r-b"),
    ])
    .await;
    let c = client(&server);

    let err = api_error(c.get_service(SVC).await);
    assert_eq!(err.status(), Some(404));
    assert!(
        err.user_message().contains("Unknown service"),
        "{}",
        err.user_message()
    );

    let err = api_error(c.get_cdc_scaling(SVC).await);
    assert_eq!(err.status(), Some(404));
    let msg = err.user_message();
    assert!(
        msg.contains("no DB ClickPipe has been provisioned"),
        "{msg}"
    );
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn failed_dependency_detects_an_idle_service() {
    let server = serve(vec![
        Reply::error(
            424,
            "FAILED_DEPENDENCY: ClickPipe creation is allowed only when the ClickHouse service is running. Current state: idle",
            "r-idle",
        ),
        Reply::error(
            424,
            "FAILED_DEPENDENCY: ClickPipe creation is allowed only when the ClickHouse service is running. Current state: stopped",
            "r-stopped",
        ),
    ])
    .await;
    let c = client(&server);

    let err = api_error(c.list_clickpipes(SVC).await);
    assert!(err.is_idle());
    assert_eq!(err.code(), Some("FAILED_DEPENDENCY"));
    let msg = err.user_message();
    assert!(msg.contains("idle") && msg.contains("woken"), "{msg}");
    assert!(msg.contains("(request id r-idle)"), "{msg}");

    let err = api_error(c.get_cdc_scaling(SVC).await);
    assert_eq!(err.status(), Some(424));
    assert!(!err.is_idle(), "a stopped service is not idle");
    assert!(err.user_message().contains("Current state: stopped"));
    assert_eq!(server.seen().len(), 2, "424 must not be retried");
}

#[tokio::test]
async fn non_json_error_bodies_still_make_api_errors() {
    let long = format!("<html><body>{}</body></html>", "upstream down ".repeat(100));
    let server = serve(vec![
        Reply::text(400, "plain words, not JSON"),
        Reply::text(502, &long),
        Reply::text(500, ""),
    ])
    .await;
    let mut s = settings(&server.base_url);
    s.retry.max_attempts = 1;
    let c = CloudClient::new(s).unwrap();

    let CloudError::Api(api) = api_error(c.get_service(SVC).await) else {
        panic!("not an API error")
    };
    assert_eq!((api.status, api.code.as_deref()), (400, None));
    assert_eq!(api.message, "plain words, not JSON");
    assert_eq!(api.request_id, None);

    let CloudError::Api(api) = api_error(c.get_service(SVC).await) else {
        panic!("not an API error")
    };
    assert_eq!(api.status, 502);
    assert!(api.message.starts_with("<html><body>upstream down"));
    assert!(api.message.ends_with('…'), "long bodies are truncated");
    assert!(api.message.chars().count() < 400);

    let CloudError::Api(api) = api_error(c.get_service(SVC).await) else {
        panic!("not an API error")
    };
    assert_eq!(api.message, "Internal Server Error");
}

#[tokio::test]
async fn unreadable_success_body_is_a_decode_error_and_not_retried() {
    let server = serve(vec![Reply::json(
        200,
        json!({"status": 200, "requestId": "r-dec", "result": {"cpu": "lots"}}),
    )])
    .await;
    let c = client(&server);
    let err = api_error(c.get_cdc_scaling(SVC).await);
    assert!(matches!(err, CloudError::Decode { .. }), "{err:?}");
    assert_eq!(err.request_id(), Some("r-dec"));
    assert!(err.user_message().contains("(request id r-dec)"));
    assert_eq!(server.seen().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 429, 5xx, timeouts, connection errors: retried

#[tokio::test]
async fn rate_limited_with_reset_header_waits_then_succeeds() {
    let server = serve(vec![
        Reply::json(429, json!({"error": "TOO_MANY_REQUESTS"})).header("X-RateLimit-Reset", "0.05"),
        Reply::ok(service_json("running")),
    ])
    .await;
    let c = client(&server);
    let svc = c.get_service(SVC).await.unwrap();
    assert_eq!(svc.id, SVC);

    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let gap = seen[1].at - seen[0].at;
    // 50 ms from the header + 10 ms margin.
    assert!(gap >= Duration::from_millis(60), "retried after {gap:?}");
    let stats = c.stats();
    assert_eq!(stats.retries, 1);
    assert_eq!(stats.by_status.get(&429), Some(&1));
    assert_eq!(stats.by_status.get(&200), Some(&1));
}

#[tokio::test]
async fn rate_limited_without_header_waits_the_minimum() {
    let server = serve(vec![
        Reply::json(429, json!({"error": "TOO_MANY_REQUESTS"})),
        Reply::ok(json!([])),
    ])
    .await;
    let c = client(&server);
    c.list_services().await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let gap = seen[1].at - seen[0].at;
    assert!(gap >= Duration::from_millis(80), "retried after {gap:?}");
}

#[tokio::test]
async fn rate_limited_until_attempts_run_out_or_reset_too_far() {
    let server = serve(vec![
        Reply::json(429, json!({"error": "TOO_MANY_REQUESTS"})).header("X-RateLimit-Reset", "0.01"),
        Reply::json(
            429,
            json!({"error": "TOO_MANY_REQUESTS", "requestId": "r-429"}),
        )
        .header("X-RateLimit-Reset", "0.01"),
        // An epoch timestamp instead of seconds: give up at once rather than sleep for years.
        Reply::json(429, json!({"error": "TOO_MANY_REQUESTS"}))
            .header("X-RateLimit-Reset", "1790000000"),
    ])
    .await;
    let mut s = settings(&server.base_url);
    s.retry.max_attempts = 2;
    let c = CloudClient::new(s).unwrap();

    let err = api_error(c.list_services().await);
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.code(), Some("TOO_MANY_REQUESTS"));
    assert_eq!(
        err.request_id(),
        Some("r-429"),
        "the last error is returned"
    );
    assert!(err.is_transient());
    let msg = err.user_message();
    assert!(
        msg.contains("rate limiting") && msg.contains("2 attempts"),
        "{msg}"
    );

    let started = Instant::now();
    let err = api_error(c.list_services().await);
    assert_eq!(err.status(), Some(429));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let server = serve(vec![
        Reply::error(503, "SERVICE_UNAVAILABLE: try later", "r-1"),
        Reply::text(502, "bad gateway"),
        Reply::ok(json!({"replicaCpuMillicores": 4000, "replicaMemoryGb": 16})),
    ])
    .await;
    let c = client(&server);
    let applied = c
        .patch_cdc_scaling(SVC, CdcScaling::from_cores(4))
        .await
        .unwrap();
    assert_eq!(applied.result.cores(), 4);

    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert!(seen
        .iter()
        .all(|s| s.method == Method::PATCH && !s.body.is_empty()));
    let stats = c.stats();
    assert_eq!(stats.requests, 3);
    assert_eq!(stats.retries, 2);
    assert_eq!(stats.by_status.get(&503), Some(&1));
    assert_eq!(stats.by_status.get(&502), Some(&1));
}

#[tokio::test]
async fn server_errors_exhaust_attempts_and_return_the_last_error() {
    let server = serve(vec![
        Reply::error(500, "INTERNAL: a", "r-a"),
        Reply::error(500, "INTERNAL: b", "r-b"),
        Reply::error(500, "INTERNAL: c", "r-c"),
        Reply::error(503, "INTERNAL: last", "r-last"),
        Reply::ok(json!([])),
    ])
    .await;
    let c = client(&server);
    let err = api_error(c.list_services().await);
    let CloudError::Api(api) = &err else {
        panic!("not an API error: {err:?}")
    };
    assert_eq!(api.status, 503);
    assert_eq!(api.message, "last");
    assert_eq!(api.attempts, 4);
    assert_eq!(err.request_id(), Some("r-last"));
    assert_eq!(
        err.user_message(),
        "The ClickHouse Cloud API failed (HTTP 503) after 4 attempts (request id r-last). \
         Try again later."
    );
    assert_eq!(server.remaining(), 1, "exactly max_attempts requests");
    assert_eq!(c.stats().retries, 3);
}

#[tokio::test]
async fn request_timeout_is_retried_then_reported() {
    let slow = Reply::ok(json!([])).delayed(Duration::from_millis(600));
    let server = serve(vec![slow.clone(), slow]).await;
    let mut s = settings(&server.base_url);
    s.request_timeout = Duration::from_millis(100);
    s.retry.max_attempts = 2;
    let c = CloudClient::new(s).unwrap();

    let started = Instant::now();
    let err = api_error(c.list_services().await);
    let elapsed = started.elapsed();
    assert!(
        matches!(err, CloudError::Timeout { attempts: 2, .. }),
        "{err:?}"
    );
    // Two attempts of 100 ms each; had the client waited for the slow server, it would
    // have got the 200 instead of a timeout.
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(err.is_transient());
    let msg = err.user_message();
    let base = server.base_url.trim_end_matches('/');
    assert!(
        msg.contains(&format!(
            "Cannot reach the ClickHouse Cloud API at {base} after 2 attempts"
        )),
        "{msg}"
    );
    let stats = c.stats();
    assert_eq!((stats.timeouts, stats.retries, stats.requests), (2, 1, 2));
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut s = settings(&format!("http://{addr}"));
    s.retry.max_attempts = 3;
    let c = CloudClient::new(s).unwrap();

    let err = api_error(c.get_service(SVC).await);
    let CloudError::Connect {
        attempts, message, ..
    } = &err
    else {
        panic!("not a connect error: {err:?}")
    };
    assert_eq!(*attempts, 3);
    assert!(
        !message.contains("/v1/"),
        "no URL in the message: {message}"
    );
    let msg = err.user_message();
    assert!(
        msg.contains(&format!(
            "Cannot reach the ClickHouse Cloud API at http://{addr} after 3 attempts"
        )),
        "{msg}"
    );
    let stats = c.stats();
    assert_eq!((stats.connect_errors, stats.retries), (3, 2));
}

// ---------------------------------------------------------------------------------------------
// Client-side rate limiter

#[tokio::test]
async fn limiter_is_shared_by_clones_never_overfills_a_window_and_counts_waits() {
    let server = serve((0..6).map(|_| Reply::ok(json!([]))).collect()).await;
    let mut s = settings(&server.base_url);
    let window = Duration::from_millis(400);
    s.rate_limit = RateLimit {
        requests: 4,
        per: window,
    };
    let c = CloudClient::new(s).unwrap();

    let started = Instant::now();
    let calls = (0..6).map(|_| {
        let c = c.clone();
        async move { c.list_services().await }
    });
    for r in futures::future::join_all(calls).await {
        r.unwrap();
    }
    let elapsed = started.elapsed();
    // Burst 1, then one permit every 133 ms: the 6th call starts at ~667 ms.
    assert!(elapsed >= Duration::from_millis(620), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");

    let seen = server.seen();
    assert_eq!(seen.len(), 6);
    // The API counts any window of `per`: none may hold more than the budget.
    for (i, a) in seen.iter().enumerate() {
        let in_window = seen[i..].iter().filter(|b| b.at - a.at < window).count();
        assert!(in_window <= 4, "{in_window} calls within one window");
    }
    let stats = c.stats();
    assert_eq!(stats.limiter_waits, 5, "all but the burst of 1 had to wait");
    assert_eq!(stats.requests, 6);
}

#[tokio::test]
async fn background_calls_give_way_to_user_facing_ones() {
    let server = serve((0..17).map(|_| Reply::ok(json!([]))).collect()).await;
    let mut s = settings(&server.base_url);
    s.rate_limit = RateLimit {
        requests: 2,
        per: Duration::from_millis(100),
    };
    let c = CloudClient::new(s).unwrap();
    let polls = c.background();
    let poll = |polls: &CloudClient| {
        let polls = polls.clone();
        tokio::spawn(async move { polls.list_services().await.map(|_| ()) })
    };
    // A poll takes the only permit and fifteen more queue for the next ones (one per 100 ms);
    // then a command arrives. Without priority it would be one of sixteen contenders for
    // each permit; with it, it takes the very next one.
    let mut tasks = vec![poll(&polls)];
    tokio::time::sleep(Duration::from_millis(5)).await;
    tasks.extend((0..15).map(|_| poll(&polls)));
    tokio::time::sleep(Duration::from_millis(5)).await;
    let command = {
        let c = c.clone();
        tokio::spawn(async move { c.list_organizations().await.map(|_| ()) })
    };
    command.await.unwrap().unwrap_or_default();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let seen = server.seen();
    let order: Vec<&str> = seen.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(order.len(), 17, "{order:?}");
    assert_eq!(
        order[1], "/v1/organizations",
        "the command went right after the first poll: {order:?}"
    );
}

#[tokio::test]
async fn retries_take_limiter_permits_too() {
    let server = serve(vec![
        Reply::error(500, "INTERNAL: boom", "r-1"),
        Reply::ok(json!([])),
    ])
    .await;
    let mut s = settings(&server.base_url);
    s.rate_limit = RateLimit {
        requests: 1,
        per: Duration::from_millis(200),
    };
    let c = CloudClient::new(s).unwrap();
    c.list_services().await.unwrap();

    let seen = server.seen();
    let gap = seen[1].at - seen[0].at;
    assert!(gap >= Duration::from_millis(180), "retry after {gap:?}");
    assert_eq!(c.stats().limiter_waits, 1);
}

// ---------------------------------------------------------------------------------------------
// Secrets

/// Collects formatted log lines.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn key_secret_never_appears_in_debug_errors_or_logs() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = serve(vec![
        Reply::ok(json!([])),
        Reply::error(401, "UNAUTHORIZED: bad key", "r-401"),
        Reply::error(403, "FORBIDDEN: no", "r-403"),
        Reply::error(500, "INTERNAL: a", "r-500"),
        Reply::error(500, "INTERNAL: b", "r-500b"),
        Reply::text(400, "nope"),
    ])
    .await;
    let mut s = settings(&server.base_url);
    s.retry.max_attempts = 2;
    let c = CloudClient::new(s.clone()).unwrap();

    c.list_services().await.unwrap();
    let errors = [
        api_error(c.get_service(SVC).await),
        api_error(c.patch_cdc_scaling(SVC, CdcScaling::from_cores(2)).await),
        api_error(c.list_clickpipes(SVC).await),
        api_error(c.get_service(SVC).await),
        api_error(c.get_service("").await),
    ];
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        drop(l);
        let mut s = settings(&format!("http://{addr}"));
        s.retry.max_attempts = 1;
        CloudClient::new(s).unwrap()
    };
    let connect = api_error(refused.list_services().await);
    assert_eq!(errors[0].status(), Some(401));

    let mut texts = vec![format!("{s:?}"), format!("{c:?}"), format!("{refused:?}")];
    for e in errors.iter().chain([&connect]) {
        texts.push(format!("{e:?}"));
        texts.push(e.to_string());
        texts.push(e.user_message());
    }
    drop(_guard);
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    // The capture works: the client's own request and retry lines are in it.
    assert!(logged.contains("Cloud API request"), "{logged}");
    assert!(logged.contains("retrying"), "{logged}");
    texts.push(logged);

    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{KEY_ID}:{SECRET}"));
    for text in &texts {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
        assert!(!text.contains(&basic), "encoded credentials leaked: {text}");
    }
    // Debug output still says which key is in use.
    assert!(texts[0].contains(KEY_ID) && texts[1].contains(KEY_ID));
    if std::env::var_os("SHOW_LOGS").is_some() {
        eprintln!("{}", texts.last().unwrap());
    }
}

// ---------------------------------------------------------------------------------------------
// Tolerant responses, strict requests

#[tokio::test]
async fn one_odd_service_or_pipe_is_skipped_logged_and_counted_never_failing_the_list() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut odd_type = service_json("running");
    odd_type["id"] = json!("odd-1\u{1b}[31m");
    odd_type["numReplicas"] = json!("three");
    let mut odd_shape = service_json("running");
    odd_shape["id"] = json!("odd-2");
    odd_shape["currentScaling"] = json!("reshaped");
    let services = json!([
        service_json("running"),
        odd_type,
        odd_shape,
        service_json("idle")
    ]);
    let mut odd_pipe = pipe_json("p-odd", "Running");
    odd_pipe["state"] = json!({"phase": "Running"});
    let pipes = json!([pipe_json("p-1", "Snapshot"), odd_pipe]);
    let server = serve(vec![
        Reply::ok(services.clone()),
        Reply::ok(services),
        Reply::ok(pipes),
    ])
    .await;
    let c = client(&server);

    let listing = c.list_services_listing(&[]).await.unwrap();
    assert_eq!(listing.len(), 2, "the two good services are kept");
    assert_eq!(listing[1].state, Some(ServiceState::Idle));
    let skipped: Vec<_> = listing
        .skipped
        .iter()
        .map(|s| (s.index, s.id.as_deref()))
        .collect();
    assert_eq!(
        skipped,
        vec![(1, Some("odd-1\u{1b}[31m")), (2, Some("odd-2"))]
    );
    assert!(
        listing.skipped[0].reason.contains("three"),
        "{:?}",
        listing.skipped[0]
    );
    // The plain list keeps working for every caller that does not report skips.
    assert_eq!(c.list_services().await.unwrap().len(), 2);
    let pipes = c.list_clickpipes_listing(SVC).await.unwrap();
    assert_eq!(pipes.len(), 1);
    assert_eq!(pipes.skipped.len(), 1);
    assert_eq!(pipes.skipped[0].id.as_deref(), Some("p-odd"));

    drop(_guard);
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        logged
            .matches("skipping a list entry the bot cannot understand")
            .count(),
        5,
        "two services per service listing, one pipe: {logged}"
    );
    // The id came from the API: its escape sequence is logged escaped, never raw.
    assert!(!logged.contains('\u{1b}'), "{logged}");
}

#[tokio::test]
async fn counts_decode_from_whole_floats_unknown_modes_round_trip_and_required_fields_may_be_absent(
) {
    let mut svc = service_json("hibernating");
    svc["autoscalingMode"] = json!("diagonal");
    svc["numReplicas"] = json!(3.0);
    svc["minReplicas"] = json!(2.0);
    svc["maxReplicas"] = json!(50);
    svc["currentScaling"] = json!({"effectiveAutoscalingMode": "diagonal",
        "effectiveMinReplicas": 3.0, "effectiveMaxReplicas": 3.0,
        "effectiveIdleTimeoutMinutes": 15.0});
    let mut bare = json!({"id": SVC, "name": "prod"});
    bare["futureField"] = json!({"nested": [1, 2]});
    let server = serve(vec![Reply::ok(svc.clone()), Reply::ok(bare)]).await;
    let c = client(&server);

    let s = c.get_service(SVC).await.unwrap();
    assert_eq!(s.num_replicas, Some(3));
    assert_eq!((s.min_replicas, s.max_replicas), (Some(2), Some(50)));
    assert_eq!(s.current_scaling.effective_max_replicas, Some(3));
    assert_eq!(s.current_scaling.effective_idle_timeout_minutes, Some(15));
    assert_eq!(
        s.autoscaling_mode,
        AutoscalingMode::Other("diagonal".into())
    );
    assert_eq!(s.state, Some(ServiceState::Other("hibernating".into())));
    let back = serde_json::to_value(&s).unwrap();
    assert_eq!(back["autoscalingMode"], "diagonal");
    assert_eq!(
        back["currentScaling"]["effectiveAutoscalingMode"],
        "diagonal"
    );
    assert_eq!(back["state"], "hibernating");

    // `autoscalingMode` and `currentScaling` are required by the spec, and may still go missing.
    let s = c.get_service(SVC).await.unwrap();
    assert!(s.autoscaling_mode.is_unset());
    assert_eq!(s.current_scaling, Default::default());
    assert!(serde_json::to_value(&s)
        .unwrap()
        .get("autoscalingMode")
        .is_none());

    // A fraction is not a count: that single answer fails to decode, with the field named.
    let mut half = service_json("running");
    half["numReplicas"] = json!(2.5);
    let server = serve(vec![Reply::ok(half)]).await;
    let e = api_error(client(&server).get_service(SVC).await);
    assert!(matches!(e, CloudError::Decode { .. }), "{e:?}");
    assert!(e.to_string().contains("2.5"), "{e}");
}

#[tokio::test]
async fn requests_stay_strict_an_unknown_mode_is_never_sent() {
    let server = serve(vec![]).await;
    let c = client(&server);
    let patch = ReplicaScalingPatch {
        autoscaling_mode: Some(AutoscalingMode::Other("diagonal".into())),
        ..Default::default()
    };
    let e = api_error(c.patch_replica_scaling(SVC, &patch).await);
    assert!(matches!(e, CloudError::Config(_)), "{e:?}");
    assert!(e.to_string().contains("diagonal"), "{e}");
    assert!(server.seen().is_empty(), "no API call for a bad request");
    // Known modes go out as the spec spells them.
    let body = serde_json::to_value(ReplicaScalingPatch {
        autoscaling_mode: Some(AutoscalingMode::Horizontal),
        min_replicas: Some(2),
        max_replicas: Some(6),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        body,
        json!({"autoscalingMode": "horizontal", "minReplicas": 2, "maxReplicas": 6})
    );
}

#[tokio::test]
async fn organization_filters_and_partial_cdc_answers() {
    let server = serve(vec![
        Reply::ok(json!({"id": ORG, "name": "Acme", "capabilities": {"snapshots": true}})),
        Reply::ok(json!([service_json("running")])),
        Reply::ok(json!({"replicaMemoryGb": 8})),
        Reply::ok(json!({"replicaCpuMillicores": 8000.0})),
    ])
    .await;
    let c = client(&server);
    let org = c.get_organization().await.unwrap();
    assert_eq!((org.id.as_str(), org.name.as_deref()), (ORG, Some("Acme")));
    let listing = c
        .list_services_listing(&["tag:Environment=Production", "tag:isActive"])
        .await
        .unwrap();
    assert_eq!(listing.len(), 1);
    // A GET without the CPU value cannot be acted on: a decode error that names it.
    let e = api_error(c.get_cdc_scaling(SVC).await);
    assert!(
        matches!(&e, CloudError::Decode { message, .. } if message.contains("replicaCpuMillicores")),
        "{e:?}"
    );
    // An accepted PATCH whose answer leaves a value out reports the one requested.
    let applied = c
        .patch_cdc_scaling(SVC, CdcScaling::from_cores(8))
        .await
        .unwrap();
    assert_eq!(applied.result, CdcScaling::from_cores(8));

    let seen = server.seen();
    assert_eq!(seen[0].path, org_path(""));
    assert_eq!(seen[1].path, org_path("/services"));
    assert_eq!(
        seen[1].query.as_deref(),
        Some("filter=tag%3AEnvironment%3DProduction&filter=tag%3AisActive")
    );
}

// ---------------------------------------------------------------------------------------------
// Decoders against the official full spec (tests/data/clickhouse_cloud_openapi.json, see
// tests/data/README.md): responses generated from its schemas, then decoded by our types.

fn official_spec() -> Value {
    serde_json::from_str(include_str!("data/clickhouse_cloud_openapi.json")).expect("spec parses")
}

/// How a generated value departs from the plain schema.
#[derive(Clone, Copy, PartialEq)]
enum Variant {
    /// Valid per the schema: examples, minimums, first enum values.
    Plain,
    /// Every integer as a whole float (`3.0`), which `type: number` fields may carry.
    Floats,
    /// Every enum string replaced by a value the spec does not list (the API grew).
    UnknownEnums,
}

const UNKNOWN: &str = "zz_added_later";

/// A value for `schema`, with every property filled (optional ones too), arrays of one item.
fn generate(spec: &Value, schema: &Value, variant: Variant, depth: usize) -> Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        return generate(spec, &spec["components"]["schemas"][name], variant, depth);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            if key == "allOf" {
                let mut merged = serde_json::Map::new();
                for part in list {
                    if let Value::Object(m) = generate(spec, part, variant, depth) {
                        merged.extend(m);
                    }
                }
                return Value::Object(merged);
            }
            let first = list
                .iter()
                .find(|s| s.get("type") != Some(&json!("null")))
                .unwrap_or(&list[0]);
            return generate(spec, first, variant, depth);
        }
    }
    let ty = match schema.get("type") {
        Some(Value::Array(types)) => types
            .iter()
            .find(|t| *t != "null")
            .cloned()
            .unwrap_or(json!("null")),
        Some(t) => t.clone(),
        None if schema.get("properties").is_some() => json!("object"),
        None => json!("string"),
    };
    let number = |integer: bool| {
        let n = schema
            .get("example")
            .and_then(Value::as_f64)
            .or_else(|| schema.get("minimum").and_then(Value::as_f64))
            .unwrap_or(if integer { 1.0 } else { 1.5 });
        if integer && variant == Variant::Floats {
            json!(n.trunc())
        } else if integer {
            json!(n as i64)
        } else {
            json!(n)
        }
    };
    match ty.as_str().unwrap_or("string") {
        "object" => {
            let mut out = serde_json::Map::new();
            if depth < 16 {
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for (name, sub) in props {
                        out.insert(name.clone(), generate(spec, sub, variant, depth + 1));
                    }
                }
            }
            Value::Object(out)
        }
        "array" if depth < 16 => json!([generate(spec, &schema["items"], variant, depth + 1)]),
        "array" => json!([]),
        "integer" => number(true),
        "number" => number(false),
        "boolean" => json!(true),
        "null" => Value::Null,
        _ => {
            if let Some(values) = schema.get("enum").and_then(Value::as_array) {
                if variant == Variant::UnknownEnums {
                    return json!(UNKNOWN);
                }
                return values[0].clone();
            }
            if let Some(e) = schema.get("example").filter(|e| e.is_string()) {
                return e.clone();
            }
            match schema.get("format").and_then(Value::as_str) {
                Some("uuid") => json!("2f1c6a0e-1b2d-4e5f-8a9b-0c1d2e3f4a5b"),
                Some("date-time") => json!("2026-07-31T10:00:00Z"),
                Some("date") => json!("2026-07-31"),
                Some("email") => json!("ops@example.com"),
                Some("uri") => json!("https://example.com"),
                Some("ipv4") => json!("10.0.0.1"),
                _ => json!("sample"),
            }
        }
    }
}

/// The 200 response of `method path` in the official spec, generated, and its schema.
fn generated_answer(spec: &Value, path: &str, method: &str, variant: Variant) -> (Value, Value) {
    let op = &spec["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is in the official spec");
    let mut schema = op["responses"]["200"]["content"]["application/json"]["schema"].clone();
    let answer = generate(spec, &schema, variant, 0);
    schema["components"] = spec["components"].clone();
    (answer, schema)
}

fn schema_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

const OFFICIAL_READS: [(&str, &str); 7] = [
    ("/v1/organizations/{organizationId}", "get"),
    ("/v1/organizations/{organizationId}/services", "get"),
    (
        "/v1/organizations/{organizationId}/services/{serviceId}",
        "get",
    ),
    (
        "/v1/organizations/{organizationId}/services/{serviceId}/replicaScaling",
        "patch",
    ),
    (
        "/v1/organizations/{organizationId}/services/{serviceId}/clickpipesCdcScaling",
        "get",
    ),
    (
        "/v1/organizations/{organizationId}/services/{serviceId}/clickpipes",
        "get",
    ),
    (
        "/v1/organizations/{organizationId}/services/{serviceId}/clickpipes/{clickPipeId}",
        "get",
    ),
];

#[test]
fn generated_answers_are_valid_per_the_official_spec() {
    // Checks the generator itself: a Plain answer must satisfy the schema it came from, so
    // the decoding tests below feed the client what the spec allows.
    let spec = official_spec();
    for (path, method) in OFFICIAL_READS {
        let (answer, schema) = generated_answer(&spec, path, method, Variant::Plain);
        let errors = schema_errors(&schema, &answer);
        assert!(errors.is_empty(), "{method} {path}: {errors:?}");
    }
}

#[tokio::test]
async fn the_client_decodes_every_answer_the_official_spec_allows_floats_and_unknown_enums() {
    let spec = official_spec();
    for variant in [Variant::Plain, Variant::Floats, Variant::UnknownEnums] {
        let answers: Vec<Value> = OFFICIAL_READS
            .iter()
            .map(|(path, method)| generated_answer(&spec, path, method, variant).0)
            .collect();
        let server = serve(
            answers
                .iter()
                .map(|a| Reply::json(200, a.clone()))
                .collect(),
        )
        .await;
        let c = client(&server);

        let org = c.get_organization().await.unwrap();
        assert!(!org.id.is_empty());
        let services = c.list_services_listing(&[]).await.unwrap();
        assert_eq!(
            (services.len(), services.skipped.len()),
            (1, 0),
            "{:?}",
            services.skipped
        );
        let svc = c.get_service(SVC).await.unwrap();
        // The spec's examples: numReplicas 3, replica bounds from the schema.
        assert_eq!(svc.num_replicas, Some(3));
        assert!(svc.min_replicas.is_some() && svc.max_replicas.is_some());
        assert!(svc.current_scaling.effective_min_replicas.is_some());
        assert!(svc.current_scaling.effective_idle_timeout_minutes.is_some());
        let patched = c
            .patch_replica_scaling(SVC, &ReplicaScalingPatch::default())
            .await
            .unwrap();
        assert_eq!(patched.result.num_replicas, Some(3));
        let cdc = c.get_cdc_scaling(SVC).await.unwrap();
        assert_eq!(
            cdc,
            CdcScaling::from_cores(2),
            "the spec's example CDC pool"
        );
        let pipes = c.list_clickpipes_listing(SVC).await.unwrap();
        assert_eq!((pipes.len(), pipes.skipped.len()), (1, 0));
        assert!(pipes[0].is_db_pipe());
        let pipe = c.get_clickpipe(SVC, PIPE).await.unwrap();

        match variant {
            Variant::UnknownEnums => {
                let unknown = || Some(AutoscalingMode::Other(UNKNOWN.into()));
                assert_eq!(Some(svc.autoscaling_mode.clone()), unknown());
                assert_eq!(svc.current_scaling.effective_autoscaling_mode, unknown());
                assert_eq!(svc.state, Some(ServiceState::Other(UNKNOWN.into())));
                assert_eq!(pipe.state, Some(PipeState::Other(UNKNOWN.into())));
                // Unknown values round-trip: serialized back exactly as received.
                let back = serde_json::to_value(&svc).unwrap();
                assert_eq!(back["autoscalingMode"], UNKNOWN);
                assert_eq!(back["state"], UNKNOWN);
                assert_eq!(serde_json::to_value(&pipe).unwrap()["state"], UNKNOWN);
            }
            _ => {
                assert_eq!(svc.autoscaling_mode, AutoscalingMode::Vertical);
                assert!(svc.state.is_some());
                assert!(matches!(pipe.state, Some(ref s) if !matches!(s, PipeState::Other(_))));
            }
        }
        assert_eq!(server.remaining(), 0);
    }
}
