//! `--http ADDR`: health, readiness and metrics over HTTP for `run` and `console`.
//!
//! - `GET /healthz`: 200 `ok` while the process serves requests (liveness).
//! - `GET /readyz`: 200 when every check passes, else 503; the plain-text body names each
//!   check and its state: `gateway` (Discord session connected, or which stage of getting it
//!   back serenity is at, or why Discord refused it; not applicable to the console), `store` (the engine's database answers `SELECT 1`) and `cloud` (the
//!   ClickHouse Cloud API answers).
//! - `GET /metrics`: [`Metrics`](crate::telemetry::Metrics) in the OpenMetrics text format.
//!
//! The cloud check must not spend the API key's budget (10 requests per 10 s, shared with
//! polling): it first looks at the client's own counters, and a call answered since the
//! previous check proves the API reachable for free. Only when there is no fresh evidence does
//! it send one cheap probe (`GET /v1/organizations`), and the verdict is kept for
//! [`CLOUD_RECHECK_AFTER`], however often orchestrators ask.
//!
//! [`healthcheck`] is the client side, `clickscale healthcheck`, so container images need no curl.

use std::{
    future::Future,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use anyhow::Context as _;
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use tokio::{sync::Mutex, task::JoinHandle, time::Instant};
use tokio_util::sync::CancellationToken;

use crate::{
    cloud::{ClientStats, CloudClient, CloudError},
    discord::GatewayStatus,
    ops::Engine,
};

/// Port of the default address (`CLICKSCALE_HTTP_ADDR=0.0.0.0:8080` in the container image).
pub const DEFAULT_PORT: u16 = 8080;

/// How long a cloud verdict from a probe (or from the client's counters) stands before the
/// next readiness check looks again.
pub const CLOUD_RECHECK_AFTER: Duration = Duration::from_secs(30);

/// Bound on one readiness check (store ping, cloud probe), so `/readyz` answers within the
/// few seconds orchestrators wait.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// What the endpoints look at. Build it with [`HttpState::new`] and the `with_*` methods.
#[derive(Debug, Clone)]
pub struct HttpState {
    engine: Engine,
    gateway: Option<GatewayStatus>,
    cloud_recheck_after: Duration,
}

impl HttpState {
    /// Everything but the gateway comes from `engine`: its
    /// [`Metrics`](crate::telemetry::Metrics), its Cloud client and its store. No gateway is
    /// checked until one is added.
    pub fn new(engine: Engine) -> Self {
        Self {
            engine,
            gateway: None,
            cloud_recheck_after: CLOUD_RECHECK_AFTER,
        }
    }

    /// Check the Discord gateway session: ready only while it is connected.
    pub fn with_gateway(mut self, gateway: GatewayStatus) -> Self {
        self.gateway = Some(gateway);
        self
    }

    /// How long a cloud verdict stands (default [`CLOUD_RECHECK_AFTER`]; tests shorten it).
    pub fn with_cloud_recheck_after(mut self, after: Duration) -> Self {
        self.cloud_recheck_after = after;
        self
    }
}

/// The state the handlers share.
#[derive(Debug)]
struct Shared {
    state: HttpState,
    cloud: Mutex<CloudSeen>,
}

/// What the cloud check saw last time: the client's counters and the verdict.
#[derive(Debug, Default)]
struct CloudSeen {
    answered: u64,
    failed: u64,
    verdict: Option<(Instant, Check)>,
}

/// One readiness check's result.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Check {
    Ok(String),
    /// Not part of this process (no gateway in the console): does not block readiness.
    Skipped(&'static str),
    Failed(String),
}

impl Check {
    fn passes(&self) -> bool {
        !matches!(self, Self::Failed(_))
    }

    fn line(&self, name: &str) -> String {
        match self {
            Self::Ok(detail) => format!("{name}: ok ({detail})"),
            Self::Skipped(why) => format!("{name}: {why}"),
            Self::Failed(why) => format!("{name}: FAIL ({why})"),
        }
    }
}

/// Bind `addr`, then serve the endpoints in the background until `shutdown` resolves.
/// Returns the bound address (port 0 picks a free one) and the server task.
pub async fn serve(
    addr: SocketAddr,
    state: HttpState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding the HTTP endpoint to {addr}"))?;
    let bound = listener.local_addr().context("reading the bound address")?;
    let app = router(state);
    tracing::info!("http listening on http://{bound}");
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "the HTTP endpoint stopped");
        }
    });
    Ok((bound, task))
}

/// A running [`serve`] with its own stop switch, for the `run` and `console` wiring.
#[derive(Debug)]
pub struct HttpServer {
    addr: SocketAddr,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl HttpServer {
    pub async fn start(addr: SocketAddr, state: HttpState) -> anyhow::Result<Self> {
        let stop = CancellationToken::new();
        let (addr, task) = serve(addr, state, stop.clone().cancelled_owned()).await?;
        Ok(Self { addr, stop, task })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stop accepting, let requests in progress finish, and wait for the server task.
    pub async fn stop(self) {
        self.stop.cancel();
        if let Err(e) = self.task.await {
            tracing::warn!(error = %e, "the HTTP endpoint task failed");
        }
    }
}

fn router(state: HttpState) -> Router {
    let shared = Arc::new(Shared {
        state,
        cloud: Mutex::new(CloudSeen::default()),
    });
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(shared)
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(shared): State<Arc<Shared>>) -> Response {
    let (gateway, store, cloud) = tokio::join!(
        gateway_check(&shared),
        store_check(&shared),
        shared.cloud_check()
    );
    let checks = [("gateway", gateway), ("store", store), ("cloud", cloud)];
    let ready = checks.iter().all(|(_, c)| c.passes());
    let mut body = String::from(if ready { "ready\n" } else { "not ready\n" });
    for (name, check) in &checks {
        body.push_str(&check.line(name));
        body.push('\n');
    }
    if !ready {
        let failed: Vec<&str> = checks
            .iter()
            .filter(|(_, c)| !c.passes())
            .map(|(n, _)| *n)
            .collect();
        tracing::debug!(failed = %failed.join(","), "readiness check failed");
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    let engine = &shared.state.engine;
    let metrics = engine.metrics();
    // Gauges that are cheap to read exactly at scrape time are refreshed here.
    metrics.set_in_flight(i64::try_from(engine.in_flight().len()).unwrap_or(i64::MAX));
    match tokio::time::timeout(CHECK_TIMEOUT, engine.store().pending_reminders()).await {
        Ok(Ok(pending)) => {
            metrics.set_reminders_pending(i64::try_from(pending.len()).unwrap_or(i64::MAX))
        }
        Ok(Err(e)) => {
            tracing::debug!(error = %format!("{e:#}"), "cannot count pending reminders")
        }
        Err(_) => tracing::debug!("counting pending reminders timed out"),
    }
    let body = metrics.render(&engine.cloud().stats());
    (
        [(header::CONTENT_TYPE, crate::telemetry::CONTENT_TYPE)],
        body,
    )
        .into_response()
}

async fn gateway_check(shared: &Shared) -> Check {
    match &shared.state.gateway {
        None => Check::Skipped("not applicable"),
        Some(status) => match tokio::time::timeout(CHECK_TIMEOUT, status.current()).await {
            Ok(state) if state.is_connected() => Check::Ok(state.describe()),
            Ok(state) => Check::Failed(state.describe()),
            // serenity's shard manager holds its lock only briefly; never hang on it.
            Err(_) => Check::Failed(format!(
                "serenity's shard manager did not answer within {}",
                humantime::format_duration(CHECK_TIMEOUT)
            )),
        },
    }
}

async fn store_check(shared: &Shared) -> Check {
    match tokio::time::timeout(CHECK_TIMEOUT, shared.state.engine.store().ping()).await {
        Ok(Ok(())) => Check::Ok("SELECT 1 answered".into()),
        Ok(Err(e)) => Check::Failed(format!("{e:#}")),
        Err(_) => Check::Failed(format!(
            "no answer to SELECT 1 within {}",
            humantime::format_duration(CHECK_TIMEOUT)
        )),
    }
}

/// Attempts that got an HTTP answer below 500, and those that got none or a 5xx.
fn answered_and_failed(stats: &ClientStats) -> (u64, u64) {
    let (mut answered, mut failed) = (0, stats.timeouts + stats.connect_errors);
    for (status, n) in &stats.by_status {
        if *status >= 500 {
            failed += n;
        } else {
            answered += n;
        }
    }
    (answered, failed)
}

impl Shared {
    /// Reachable when the API answered since the last look (and nothing failed), unreachable
    /// when it only failed; otherwise the last verdict while it is fresh, else one probe.
    /// Checks run one at a time, so concurrent probes never stack up.
    async fn cloud_check(&self) -> Check {
        let cloud = self.state.engine.cloud();
        let mut seen = self.cloud.lock().await;
        let (answered, failed) = answered_and_failed(&cloud.stats());
        let (new_answers, new_failures) = (
            answered.saturating_sub(seen.answered),
            failed.saturating_sub(seen.failed),
        );
        seen.answered = answered;
        seen.failed = failed;
        let now = Instant::now();
        let passive = match (new_answers, new_failures) {
            (1.., 0) => Some(Check::Ok(format!(
                "{new_answers} API call(s) answered since the last check"
            ))),
            (0, 1..) => Some(Check::Failed(format!(
                "{new_failures} API attempt(s) since the last check got no answer or a 5xx"
            ))),
            _ => None,
        };
        if let Some(verdict) = passive {
            seen.verdict = Some((now, verdict.clone()));
            return verdict;
        }
        if let Some((at, verdict)) = &seen.verdict {
            if now.duration_since(*at) < self.state.cloud_recheck_after {
                return verdict.clone();
            }
        }
        // A background read at the key's scheduler: a probe never delays a command, and it
        // only runs when no other call answered lately (so the queue has nothing ahead of it).
        let verdict = probe(&cloud.background()).await;
        // The probe's own attempts are not evidence for the next check.
        let (answered, failed) = answered_and_failed(&cloud.stats());
        seen.answered = answered;
        seen.failed = failed;
        seen.verdict = Some((Instant::now(), verdict.clone()));
        verdict
    }
}

/// One `GET /v1/organizations`: any answer below 500 means the API is reachable (a 401 still
/// does; `clickscale check` is the tool for the key itself).
async fn probe(cloud: &CloudClient) -> Check {
    match tokio::time::timeout(CHECK_TIMEOUT, cloud.list_organizations()).await {
        Ok(Ok(_)) => Check::Ok("probe answered".into()),
        Ok(Err(CloudError::Api(e))) if e.status < 500 => {
            Check::Ok(format!("probe answered HTTP {}", e.status))
        }
        // A 2xx body the client did not understand is still an answer.
        Ok(Err(CloudError::Decode { .. })) => Check::Ok("probe answered".into()),
        Ok(Err(e)) => Check::Failed(e.to_string()),
        Err(_) => Check::Failed(format!(
            "no answer to a probe within {}",
            humantime::format_duration(CHECK_TIMEOUT)
        )),
    }
}

/// Why `clickscale healthcheck` failed.
#[derive(Debug, thiserror::Error)]
pub enum HealthcheckError {
    #[error("invalid health check URL {url:?}: {message}")]
    InvalidUrl { url: String, message: String },
    #[error("no answer from {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("{url} answered HTTP {status}: {body}")]
    Unhealthy {
        url: String,
        status: u16,
        body: String,
    },
}

/// The URL `clickscale healthcheck` asks when given none: `/healthz` on the address the
/// server listens on (`--http` / `CLICKSCALE_HTTP_ADDR`), reached over loopback when that is
/// a wildcard address, else on `127.0.0.1:8080`.
pub fn default_healthcheck_url(listen: Option<SocketAddr>) -> String {
    let addr = match listen {
        Some(a) if a.ip().is_unspecified() => {
            let ip = match a.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            };
            SocketAddr::new(ip, a.port())
        }
        Some(a) => a,
        None => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DEFAULT_PORT),
    };
    format!("http://{addr}/healthz")
}

/// GET `url`; `Ok(body)` on a 2xx answer within `timeout`.
pub async fn healthcheck(url: &str, timeout: Duration) -> Result<String, HealthcheckError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| HealthcheckError::InvalidUrl {
        url: url.to_owned(),
        message: e.to_string(),
    })?;
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| HealthcheckError::InvalidUrl {
            url: url.to_owned(),
            message: e.to_string(),
        })?;
    let unreachable = |e: reqwest::Error| HealthcheckError::Unreachable {
        url: url.to_owned(),
        message: error_chain(&e.without_url()),
    };
    let resp = client.get(parsed).send().await.map_err(unreachable)?;
    let status = resp.status();
    let body = resp.text().await.map_err(unreachable)?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(HealthcheckError::Unhealthy {
            url: url.to_owned(),
            status: status.as_u16(),
            body: body.trim().to_owned(),
        })
    }
}

/// An error and its causes on one line ("error sending request" alone says little).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_url_follows_the_listen_address() {
        assert_eq!(
            default_healthcheck_url(None),
            "http://127.0.0.1:8080/healthz"
        );
        assert_eq!(
            default_healthcheck_url(Some("0.0.0.0:9000".parse().unwrap())),
            "http://127.0.0.1:9000/healthz"
        );
        assert_eq!(
            default_healthcheck_url(Some("[::]:9000".parse().unwrap())),
            "http://[::1]:9000/healthz"
        );
        assert_eq!(
            default_healthcheck_url(Some("10.1.2.3:8081".parse().unwrap())),
            "http://10.1.2.3:8081/healthz"
        );
    }

    #[test]
    fn five_hundreds_count_as_failures() {
        let stats = ClientStats {
            by_status: [(200, 3), (404, 1), (503, 2)].into_iter().collect(),
            timeouts: 1,
            connect_errors: 2,
            ..ClientStats::default()
        };
        assert_eq!(answered_and_failed(&stats), (4, 5));
    }

    #[test]
    fn check_lines_name_the_state() {
        assert_eq!(Check::Ok("x".into()).line("cloud"), "cloud: ok (x)");
        assert_eq!(
            Check::Skipped("not applicable").line("gateway"),
            "gateway: not applicable"
        );
        assert_eq!(Check::Failed("y".into()).line("cloud"), "cloud: FAIL (y)");
        assert!(Check::Skipped("n/a").passes());
        assert!(!Check::Failed(String::new()).passes());
    }
}
