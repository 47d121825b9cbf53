//! HTTP surface of the simulator: auth, rate limit, faults, routing, envelopes.

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex as SyncMutex},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    Json, Router,
};
use base64::Engine as _;
use rand::Rng;
use serde::Serialize;
use serde_json::{json, Value};
use tokio::{net::TcpListener, sync::Mutex, time::Instant};

use super::{
    fixture::{KeyFixture, Role},
    world::{SimError, World},
};
use crate::cloud::model::{Organization, StatePatch};

/// One answered request, for tests that count what reached the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub key_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SimState {
    pub world: Arc<Mutex<World>>,
    requests: Arc<SyncMutex<Vec<RequestRecord>>>,
    /// Request times per key within the current window.
    windows: Arc<SyncMutex<HashMap<String, VecDeque<Instant>>>>,
}

impl SimState {
    pub fn new(world: World) -> Self {
        Self {
            world: Arc::new(Mutex::new(world)),
            requests: Arc::default(),
            windows: Arc::default(),
        }
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.requests.lock().expect("request log").clone()
    }
}

pub fn app(state: SimState) -> Router {
    Router::new().fallback(handle).with_state(state)
}

fn envelope<T: Serialize>(status: u16, result: T) -> Response {
    let body = json!({
        "status": status,
        "requestId": uuid::Uuid::new_v4().to_string(),
        "result": result,
    });
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        Json(body),
    )
        .into_response()
}

fn error(e: &SimError) -> Response {
    let body = json!({
        "status": e.status,
        "error": e.error,
        "requestId": uuid::Uuid::new_v4().to_string(),
    });
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(body)).into_response()
}

fn authenticate<'a>(headers: &HeaderMap, keys: &'a [KeyFixture]) -> Option<&'a KeyFixture> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    keys.iter().find(|k| k.id == id && k.secret == secret)
}

async fn handle(
    State(state): State<SimState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let faults = state.world.lock().await.config().faults.clone();
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let (mut response, key_id) = answer(&state, &method, &uri, &headers, &body).await;
    if faults.drop_rate > 0.0 {
        // Force a new connection per request, so the listener's drops hit requests, not idle sockets.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    tracing::debug!(%method, path = uri.path(), status = response.status().as_u16(), "sim request");
    state
        .requests
        .lock()
        .expect("request log")
        .push(RequestRecord {
            method: method.to_string(),
            path: uri.path().to_owned(),
            status: response.status().as_u16(),
            key_id,
        });
    response
}

async fn answer(
    state: &SimState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> (Response, Option<String>) {
    let (key, role, rate_limit, rate_window) = {
        let world = state.world.lock().await;
        let cfg = world.config();
        match authenticate(headers, &world.fixture.keys) {
            Some(k) => (k.id.clone(), k.role, cfg.rate_limit, cfg.rate_window),
            None => {
                return (
                    error(&SimError::new(
                        401,
                        "UNAUTHORIZED: Invalid API key id or secret",
                    )),
                    None,
                )
            }
        }
    };
    // A sliding window per key, like the real limit of 10 requests per 10 s.
    let reset = {
        let mut windows = state.windows.lock().expect("rate windows");
        let w = windows.entry(key.clone()).or_default();
        let now = Instant::now();
        while w
            .front()
            .is_some_and(|t| now.duration_since(*t) >= rate_window)
        {
            w.pop_front();
        }
        if w.len() >= rate_limit as usize {
            Some(rate_window - now.duration_since(*w.front().expect("non-empty window")))
        } else {
            w.push_back(now);
            None
        }
    };
    if let Some(reset) = reset {
        let mut r = error(&SimError::new(429, "TOO_MANY_REQUESTS"));
        r.headers_mut().insert(
            "x-ratelimit-reset",
            HeaderValue::from_str(&format!("{:.3}", reset.as_secs_f64())).expect("ascii"),
        );
        return (r, Some(key));
    }
    let injected = {
        let mut world = state.world.lock().await;
        let faults = &mut world.config_mut().faults;
        if !faults.fail_next.is_empty() {
            Some(faults.fail_next.remove(0))
        } else if faults.error_rate > 0.0 && rand::rng().random_bool(faults.error_rate) {
            Some(if rand::rng().random_bool(0.5) {
                500
            } else {
                503
            })
        } else {
            None
        }
    };
    if let Some(status) = injected {
        let e = SimError::new(
            status,
            "INTERNAL_ERROR: An internal server error has occurred",
        );
        return (error(&e), Some(key));
    }
    let filters = query_values(uri.query(), "filter");
    let response = match route(state, method, uri.path(), &filters, role, body).await {
        Ok(r) => r,
        Err(e) => error(&e),
    };
    (response, Some(key))
}

fn forbidden(permission: &str) -> SimError {
    SimError::new(
        403,
        format!("FORBIDDEN: The API key is missing the permission {permission} for this resource"),
    )
}

/// Every value of a repeated query parameter (`filter=a&filter=b`), percent-decoded.
fn query_values(query: Option<&str>, name: &str) -> Vec<String> {
    let Some(q) = query else { return Vec::new() };
    let Ok(url) = reqwest::Url::parse(&format!("http://sim/?{q}")) else {
        return Vec::new();
    };
    url.query_pairs()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .collect()
}

/// Path ids are `format: uuid` in the spec: anything else is a bad parameter (400), not an
/// unknown resource. The wording follows the API's `request body.<field>` style (UNCONFIRMED).
fn uuid_param(name: &str, value: &str) -> Result<(), SimError> {
    if uuid::Uuid::parse_str(value).is_ok() {
        Ok(())
    } else {
        Err(SimError::new(
            400,
            format!("BAD_REQUEST: request params.{name}: must be a valid UUID <string:{value}>"),
        ))
    }
}

/// `{status, requestId}` without `result` (DELETE scalingSchedule).
fn empty_envelope(status: u16) -> Response {
    let body = json!({"status": status, "requestId": uuid::Uuid::new_v4().to_string()});
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        Json(body),
    )
        .into_response()
}

fn json_body(body: &Bytes) -> Result<Value, SimError> {
    serde_json::from_slice(body)
        .map_err(|e| SimError::new(400, format!("BAD_REQUEST: Invalid JSON body: {e}")))
}

async fn route(
    state: &SimState,
    method: &Method,
    path: &str,
    filters: &[String],
    role: Role,
    body: &Bytes,
) -> Result<Response, SimError> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let not_found = || SimError::new(404, format!("NOT_FOUND: No route for {method} {path}"));
    let mut world = state.world.lock().await;
    let org = world.fixture.organization.clone();
    let admin = role == Role::Admin;
    let organization = || Organization {
        id: org.id.clone(),
        name: Some(org.name.clone()),
        created_at: Some("2026-01-15T09:00:00Z".into()),
    };
    let manage_scaling = || {
        if admin {
            Ok(())
        } else {
            Err(forbidden("control-plane:service:manage-scaling-config"))
        }
    };
    match segments.as_slice() {
        ["v1", "organizations"] if method == Method::GET => Ok(envelope(200, vec![organization()])),
        ["v1", "organizations", org_id, rest @ ..] => {
            uuid_param("organizationId", org_id)?;
            if *org_id != org.id {
                return Err(SimError::new(
                    404,
                    format!("NOT_FOUND: Organization {org_id} not found"),
                ));
            }
            if let ["services", id, tail @ ..] = rest {
                uuid_param("serviceId", id)?;
                if let ["clickpipes", pipe, ..] = tail {
                    uuid_param("clickPipeId", pipe)?;
                }
            }
            match (method.clone(), rest) {
                (Method::GET, []) => Ok(envelope(200, organization())),
                (Method::GET, ["services"]) => {
                    let mut services = world.list_services(filters)?;
                    if world.config().faults.schedule_left_out_of_service_reads {
                        services.iter_mut().for_each(|s| s.scaling_schedule = None);
                    }
                    Ok(envelope(200, services))
                }
                (Method::GET, ["services", id]) => {
                    let mut service = world.get_service(id)?;
                    if world.config().faults.schedule_left_out_of_service_reads {
                        service.scaling_schedule = None;
                    }
                    Ok(envelope(200, service))
                }
                (Method::PATCH, ["services", id, "replicaScaling"]) => {
                    manage_scaling()?;
                    let body = json_body(body)?;
                    Ok(envelope(200, world.patch_replica_scaling(id, &body)?))
                }
                (Method::PATCH, ["services", id, "scaling"]) => {
                    manage_scaling()?;
                    let body = json_body(body)?;
                    Ok(envelope(200, world.patch_scaling(id, &body)?))
                }
                (m, ["services", id, "scalingSchedule"]) => match m {
                    Method::GET => Ok(envelope(200, world.get_schedule(id)?)),
                    Method::POST => {
                        manage_scaling()?;
                        let body = json_body(body)?;
                        Ok(envelope(200, world.put_schedule(id, &body)?))
                    }
                    Method::DELETE => {
                        manage_scaling()?;
                        world.delete_schedule(id)?;
                        Ok(empty_envelope(200))
                    }
                    _ => Err(not_found()),
                },
                (Method::PATCH, ["services", id, "state"]) => {
                    if !admin {
                        return Err(forbidden("control-plane:service:manage"));
                    }
                    let patch: StatePatch =
                        serde_json::from_value(json_body(body)?).map_err(|_| {
                            SimError::new(
                            400,
                            "BAD_REQUEST: request body.command: must be one of start, stop, awake",
                        )
                        })?;
                    Ok(envelope(200, world.patch_state(id, patch.command)?))
                }
                (m, ["services", id, "clickpipesCdcScaling"]) => {
                    if !admin {
                        return Err(forbidden("control-plane:service:manage-clickpipes"));
                    }
                    match m {
                        Method::GET => Ok(envelope(200, world.get_cdc(id)?)),
                        Method::PATCH => {
                            let body = json_body(body)?;
                            Ok(envelope(200, world.patch_cdc(id, &body)?))
                        }
                        _ => Err(not_found()),
                    }
                }
                (Method::GET, ["services", id, "clickpipes", tail @ ..]) => {
                    if !admin {
                        return Err(forbidden("control-plane:service:manage-clickpipes"));
                    }
                    match tail {
                        [] => Ok(envelope(200, world.list_pipes_served(id)?)),
                        [pipe] => Ok(envelope(200, world.get_pipe(id, pipe)?)),
                        _ => Err(not_found()),
                    }
                }
                _ => Err(not_found()),
            }
        }
        _ => Err(not_found()),
    }
}

/// A TCP listener that drops a share of connections unanswered (fault injection) and sets
/// TCP_NODELAY on the rest.
#[derive(Debug)]
pub(super) struct FaultyListener {
    inner: TcpListener,
    state: SimState,
}

impl FaultyListener {
    pub(super) async fn bind(addr: SocketAddr, state: SimState) -> std::io::Result<Self> {
        Ok(Self {
            inner: TcpListener::bind(addr).await?,
            state,
        })
    }
}

impl axum::serve::Listener for FaultyListener {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, addr) = match self.inner.accept().await {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "sim accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            let drop_rate = self.state.world.lock().await.config().faults.drop_rate;
            if drop_rate > 0.0 && rand::rng().random_bool(drop_rate) {
                drop(stream);
                continue;
            }
            let _ = stream.set_nodelay(true);
            return (stream, addr);
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}
