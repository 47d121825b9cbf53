//! Typed ClickHouse Cloud API client.
//!
//! One [`CloudClient`] per API key: its clones share one HTTP connection pool, one rate limiter
//! and one set of counters, so the whole process stays inside the key's budget
//! (10 requests per 10 s by default) however many tasks poll and patch at once.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::{Method, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::{debug, warn};

use super::error::{truncate, ApiError, CloudError, Operation};
use super::model::{
    CdcScaling, CdcScalingResponse, ClickPipe, Envelope, Organization, ReplicaScalingPatch,
    ScalingSchedule, ScalingSchedulePost, Service, StateCommand, StatePatch,
};
use super::retry::{parse_rate_limit_reset, RetryPolicy};
use super::scheduler::{BudgetUse, Priority, Scheduler};

/// Production endpoint of the ClickHouse Cloud API.
pub const DEFAULT_BASE_URL: &str = "https://api.clickhouse.cloud";

const USER_AGENT: &str = concat!("clickscale/", env!("CARGO_PKG_VERSION"));

/// Client-side budget per API key: `requests` per `per`, bursts up to `requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per: Duration,
}

impl Default for RateLimit {
    /// The documented limit: 10 requests per 10 seconds per key.
    fn default() -> Self {
        Self {
            requests: 10,
            per: Duration::from_secs(10),
        }
    }
}

/// Everything needed to build a [`CloudClient`]. `Debug` redacts the key secret.
#[derive(Debug, Clone)]
pub struct CloudSettings {
    /// Scheme and host (and optional path prefix); a trailing slash is ignored.
    pub base_url: String,
    pub org_id: String,
    pub key_id: String,
    pub key_secret: SecretString,
    pub connect_timeout: Duration,
    /// Bound on one HTTP attempt, connect, send and body included.
    pub request_timeout: Duration,
    pub rate_limit: RateLimit,
    pub retry: RetryPolicy,
}

impl CloudSettings {
    /// Settings for the production API with default timeouts, rate limit and retries.
    pub fn new(
        org_id: impl Into<String>,
        key_id: impl Into<String>,
        key_secret: SecretString,
    ) -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            org_id: org_id.into(),
            key_id: key_id.into(),
            key_secret,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            rate_limit: RateLimit::default(),
            retry: RetryPolicy::default(),
        }
    }
}

/// `result` of a PATCH together with the `requestId` to quote in status messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied<T> {
    pub request_id: Option<String>,
    pub result: T,
}

/// A list answer with the entries the bot could not understand left out.
///
/// One odd service or pipe (a field of a new type, a reshaped object) must not take every
/// command down: it is skipped with a warning in the log, and `skipped` lets the caller tell
/// the user how many were left out. Derefs to the kept entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub skipped: Vec<SkippedEntry>,
}

/// An entry of a list answer that did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedEntry {
    /// Position in the answer's `result` array.
    pub index: usize,
    /// Its `id`, when that at least was a string (untrusted text: escape before display).
    pub id: Option<String>,
    /// Why it did not decode (serde's message, truncated).
    pub reason: String,
}

impl<T> Listing<T> {
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

impl<T> std::ops::Deref for Listing<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T> IntoIterator for Listing<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Decodes each entry on its own; the ones that fail are logged and counted, not fatal.
fn tolerant_list<T: DeserializeOwned>(op: Operation, raw: Vec<serde_json::Value>) -> Listing<T> {
    let mut items = Vec::with_capacity(raw.len());
    let mut skipped = Vec::new();
    for (index, value) in raw.into_iter().enumerate() {
        let id = value.get("id").and_then(|v| v.as_str()).map(truncate);
        match serde_json::from_value::<T>(value) {
            Ok(item) => items.push(item),
            Err(e) => {
                let reason = truncate(&e.to_string());
                // `?` escapes control characters: the id comes from the API, not from us.
                warn!(operation = %op, index, id = ?id, error = %reason,
                      "skipping a list entry the bot cannot understand");
                skipped.push(SkippedEntry { index, id, reason });
            }
        }
    }
    Listing { items, skipped }
}

/// Counters since the client was built (shared by all clones).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// HTTP attempts sent, retries included.
    pub requests: u64,
    /// Attempts that got an answer, by HTTP status.
    pub by_status: BTreeMap<u16, u64>,
    /// Attempts that timed out.
    pub timeouts: u64,
    /// Attempts whose connection failed.
    pub connect_errors: u64,
    /// Attempts that were a retry of an earlier one.
    pub retries: u64,
    /// Attempts that had to wait for the rate limiter.
    pub limiter_waits: u64,
    /// The key's budget and how much of it the last window used.
    pub budget: BudgetUse,
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    by_status: Mutex<BTreeMap<u16, u64>>,
    timeouts: AtomicU64,
    connect_errors: AtomicU64,
    retries: AtomicU64,
    limiter_waits: AtomicU64,
}

/// Typed client of the ClickHouse Cloud API. Cheap to clone.
#[derive(Clone)]
pub struct CloudClient {
    inner: Arc<Inner>,
    /// Background calls (polls, reminder checks, probes) give way to user-facing ones and
    /// queue by deadline at the key's scheduler.
    priority: Priority,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    org_id: String,
    key_id: String,
    key_secret: SecretString,
    rate_limit: RateLimit,
    retry: RetryPolicy,
    /// The key's permits: commands first, background reads by deadline (see `scheduler`).
    scheduler: Scheduler,
    counters: Counters,
}

impl fmt::Debug for CloudClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudClient")
            .field("base_url", &self.inner.base_url.as_str())
            .field("org_id", &self.inner.org_id)
            .field("key_id", &self.inner.key_id)
            .field("key_secret", &"[REDACTED]")
            .field("rate_limit", &self.inner.rate_limit)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Why one attempt failed, before deciding whether to retry.
enum Failure {
    Api {
        error: ApiError,
        rate_limit_reset: Option<f64>,
    },
    Timeout,
    Connect(String),
    /// Not retried.
    Final(CloudError),
}

impl CloudClient {
    /// Validates the settings and builds the HTTP client; no network call is made.
    pub fn new(s: CloudSettings) -> Result<Self, CloudError> {
        let base_url = parse_base_url(&s.base_url)?;
        if s.org_id.trim().is_empty() {
            return Err(CloudError::Config("the organization id is empty".into()));
        }
        if s.key_id.trim().is_empty() {
            return Err(CloudError::Config("the API key id is empty".into()));
        }
        if s.key_secret.expose_secret().is_empty() {
            return Err(CloudError::Config("the API key secret is empty".into()));
        }
        if s.retry.max_attempts == 0 {
            return Err(CloudError::Config(
                "retry.max_attempts must be at least 1".into(),
            ));
        }
        let scheduler = Scheduler::new(s.rate_limit)?;

        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(s.connect_timeout)
            .timeout(s.request_timeout)
            .build()
            .map_err(|e| CloudError::Config(format!("cannot build the HTTP client: {e}")))?;

        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                org_id: s.org_id,
                key_id: s.key_id,
                key_secret: s.key_secret,
                rate_limit: s.rate_limit,
                retry: s.retry,
                scheduler,
                counters: Counters::default(),
            }),
            priority: Priority::Command,
        })
    }

    pub fn org_id(&self) -> &str {
        &self.inner.org_id
    }

    /// The same client (same key, scheduler and connections) for background work such as
    /// polling: its calls queue by deadline behind every user-facing call (a command's read,
    /// a PATCH), except for the background's reserved share (see `scheduler`).
    pub fn background(&self) -> CloudClient {
        CloudClient {
            inner: self.inner.clone(),
            priority: Priority::Background,
        }
    }

    /// The key's budget this client keeps to.
    pub fn rate_limit(&self) -> RateLimit {
        self.inner.rate_limit
    }

    /// Whose calls these are at the key's scheduler.
    pub fn priority(&self) -> Priority {
        self.priority
    }

    /// How much of the key's budget the last window used, and what waits for it.
    pub fn budget_use(&self) -> BudgetUse {
        self.inner.scheduler.budget_use()
    }

    /// How long one round of `reads` background reads takes at the rate the key's budget
    /// sustains: what the budget, not the API, makes a watcher wait between two reads.
    pub fn background_round(&self, reads: usize) -> Duration {
        self.inner.scheduler.round_for(reads)
    }

    /// How long before its plan a background read is to be asked for so that it leaves by
    /// then: one steady permit while commands are waiting at the key, nothing otherwise.
    pub fn background_lead(&self) -> Duration {
        self.inner.scheduler.background_lead()
    }

    /// The most [`Self::background_lead`] can be.
    pub fn background_lead_max(&self) -> Duration {
        self.inner.scheduler.steady_period()
    }

    /// The background's guaranteed share of the budget: one permit per this long.
    pub fn background_reserve_every(&self) -> Duration {
        self.inner.scheduler.reserve_every()
    }

    /// The base URL in use, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str().trim_end_matches('/')
    }

    pub fn stats(&self) -> ClientStats {
        let c = &self.inner.counters;
        ClientStats {
            requests: c.requests.load(Ordering::Relaxed),
            by_status: c
                .by_status
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
            timeouts: c.timeouts.load(Ordering::Relaxed),
            connect_errors: c.connect_errors.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            limiter_waits: c.limiter_waits.load(Ordering::Relaxed),
            budget: self.inner.scheduler.budget_use(),
        }
    }

    /// `GET /v1/organizations`: the organizations this key belongs to (one for org keys).
    pub async fn list_organizations(&self) -> Result<Vec<Organization>, CloudError> {
        let url = self.url(&["v1", "organizations"])?;
        self.call(Operation::ListOrganizations, Method::GET, url, None)
            .await
            .map(|a| a.result)
    }

    /// `GET /v1/organizations/{id}`: the key's own organization.
    pub async fn get_organization(&self) -> Result<Organization, CloudError> {
        let url = self.org_url(&[])?;
        self.call(Operation::GetOrganization, Method::GET, url, None)
            .await
            .map(|a| a.result)
    }

    /// `GET …/services`; entries that do not decode are left out (logged). Use
    /// [`Self::list_services_listing`] to tell the user how many.
    pub async fn list_services(&self) -> Result<Vec<Service>, CloudError> {
        self.list_services_listing(&[])
            .await
            .map(Listing::into_items)
    }

    /// `GET …/services?filter=…` (tag filters such as `tag:Environment=Production`, all of
    /// which must match), with the entries that did not decode counted in `skipped`.
    pub async fn list_services_listing(
        &self,
        filters: &[&str],
    ) -> Result<Listing<Service>, CloudError> {
        let mut url = self.org_url(&["services"])?;
        if !filters.is_empty() {
            let mut q = url.query_pairs_mut();
            for f in filters {
                q.append_pair("filter", f);
            }
        }
        let raw: Vec<serde_json::Value> = self
            .call(Operation::ListServices, Method::GET, url, None)
            .await?
            .result;
        Ok(tolerant_list(Operation::ListServices, raw))
    }

    /// `GET …/services/{id}`.
    pub async fn get_service(&self, service_id: &str) -> Result<Service, CloudError> {
        let url = self.org_url(&["services", id("service", service_id)?])?;
        self.call(Operation::GetService, Method::GET, url, None)
            .await
            .map(|a| a.result)
    }

    /// `GET …/services/{id}/scalingSchedule` (beta): `None` when the service has none (the
    /// API answers 404). An organization without the feature answers 400.
    pub async fn get_scaling_schedule(
        &self,
        service_id: &str,
    ) -> Result<Option<ScalingSchedule>, CloudError> {
        let url = self.org_url(&["services", id("service", service_id)?, "scalingSchedule"])?;
        match self
            .call(Operation::GetScalingSchedule, Method::GET, url, None)
            .await
        {
            Ok(a) => Ok(Some(a.result)),
            Err(CloudError::Api(e)) if e.status == 404 => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST …/services/{id}/scalingSchedule` (beta): the whole schedule, a full replace;
    /// no entries clears it. Absolute, so sending it again is harmless.
    pub async fn post_scaling_schedule(
        &self,
        service_id: &str,
        body: &ScalingSchedulePost,
    ) -> Result<Applied<ScalingSchedule>, CloudError> {
        let url = self.org_url(&["services", id("service", service_id)?, "scalingSchedule"])?;
        // Requests are strict: a mode read from an answer but unknown to us is not sent back.
        if let Some(mode) = body
            .entries
            .iter()
            .filter_map(|e| e.autoscaling_mode.as_ref())
            .find(|m| !m.is_known())
        {
            return Err(CloudError::Config(format!(
                "autoscaling mode {:?} is not one the bot can send (vertical or horizontal)",
                mode.as_str()
            )));
        }
        let body = to_json(body)?;
        self.call(
            Operation::PostScalingSchedule,
            Method::POST,
            url,
            Some(body),
        )
        .await
    }

    /// `PATCH …/services/{id}/replicaScaling` with absolute values.
    pub async fn patch_replica_scaling(
        &self,
        service_id: &str,
        body: &ReplicaScalingPatch,
    ) -> Result<Applied<Service>, CloudError> {
        let url = self.org_url(&["services", id("service", service_id)?, "replicaScaling"])?;
        // Requests are strict: a mode read from an answer but unknown to us is not sent back.
        if let Some(mode) = body.autoscaling_mode.as_ref().filter(|m| !m.is_known()) {
            return Err(CloudError::Config(format!(
                "autoscaling mode {:?} is not one the bot can send (vertical or horizontal)",
                mode.as_str()
            )));
        }
        let body = to_json(body)?;
        self.call(
            Operation::PatchReplicaScaling,
            Method::PATCH,
            url,
            Some(body),
        )
        .await
    }

    /// `GET …/services/{id}/clickpipesCdcScaling`: the shared DB ClickPipes compute pool.
    pub async fn get_cdc_scaling(&self, service_id: &str) -> Result<CdcScaling, CloudError> {
        let url = self.org_url(&[
            "services",
            id("service", service_id)?,
            "clickpipesCdcScaling",
        ])?;
        let applied: Applied<CdcScalingResponse> = self
            .call(Operation::GetCdcScaling, Method::GET, url, None)
            .await?;
        applied
            .result
            .complete()
            .map_err(|field| CloudError::Decode {
                operation: Operation::GetCdcScaling,
                message: format!("the answer has no {field}"),
                request_id: applied.request_id,
            })
    }

    /// `PATCH …/services/{id}/clickpipesCdcScaling`; takes minutes to show up in GET.
    pub async fn patch_cdc_scaling(
        &self,
        service_id: &str,
        body: CdcScaling,
    ) -> Result<Applied<CdcScaling>, CloudError> {
        let url = self.org_url(&[
            "services",
            id("service", service_id)?,
            "clickpipesCdcScaling",
        ])?;
        let bytes = to_json(&body)?;
        let applied: Applied<CdcScalingResponse> = self
            .call(Operation::PatchCdcScaling, Method::PATCH, url, Some(bytes))
            .await?;
        // The API accepted the change (2xx); whether its result echoes the target is not
        // documented. A value it leaves out is the one requested: the watch confirms it by GET.
        let r = applied.result;
        Ok(Applied {
            request_id: applied.request_id,
            result: CdcScaling {
                replica_cpu_millicores: r
                    .replica_cpu_millicores
                    .unwrap_or(body.replica_cpu_millicores),
                replica_memory_gb: r.replica_memory_gb.unwrap_or(body.replica_memory_gb),
            },
        })
    }

    /// `GET …/services/{id}/clickpipes`; pipes that do not decode are left out (logged).
    pub async fn list_clickpipes(&self, service_id: &str) -> Result<Vec<ClickPipe>, CloudError> {
        self.list_clickpipes_listing(service_id)
            .await
            .map(Listing::into_items)
    }

    /// `GET …/services/{id}/clickpipes`, with the pipes that did not decode counted.
    pub async fn list_clickpipes_listing(
        &self,
        service_id: &str,
    ) -> Result<Listing<ClickPipe>, CloudError> {
        let url = self.org_url(&["services", id("service", service_id)?, "clickpipes"])?;
        let raw: Vec<serde_json::Value> = self
            .call(Operation::ListClickPipes, Method::GET, url, None)
            .await?
            .result;
        Ok(tolerant_list(Operation::ListClickPipes, raw))
    }

    /// `GET …/services/{id}/clickpipes/{pipeId}`.
    pub async fn get_clickpipe(
        &self,
        service_id: &str,
        pipe_id: &str,
    ) -> Result<ClickPipe, CloudError> {
        let url = self.org_url(&[
            "services",
            id("service", service_id)?,
            "clickpipes",
            id("ClickPipe", pipe_id)?,
        ])?;
        self.call(Operation::GetClickPipe, Method::GET, url, None)
            .await
            .map(|a| a.result)
    }

    /// `PATCH …/services/{id}/state` (`start`, `stop`, `awake`).
    pub async fn patch_service_state(
        &self,
        service_id: &str,
        command: StateCommand,
    ) -> Result<Applied<Service>, CloudError> {
        let url = self.org_url(&["services", id("service", service_id)?, "state"])?;
        let body = to_json(&StatePatch { command })?;
        self.call(Operation::PatchServiceState, Method::PATCH, url, Some(body))
            .await
    }

    fn org_url(&self, rest: &[&str]) -> Result<Url, CloudError> {
        let mut segments = vec!["v1", "organizations", self.inner.org_id.as_str()];
        segments.extend_from_slice(rest);
        self.url(&segments)
    }

    /// Appends percent-encoded segments, so an id can never change the path's shape.
    fn url(&self, segments: &[&str]) -> Result<Url, CloudError> {
        let mut url = self.inner.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| CloudError::Config("the base URL cannot take a path".into()))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// One API call: rate-limited attempts with retries per [`RetryPolicy`].
    async fn call<T: DeserializeOwned>(
        &self,
        op: Operation,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<Applied<T>, CloudError> {
        let policy = &self.inner.retry;
        let mut attempt = 1;
        loop {
            self.acquire_permit().await;
            let failure = match self
                .attempt(op, &method, &url, body.as_deref(), attempt)
                .await
            {
                Ok(applied) => return Ok(applied),
                Err(f) => f,
            };
            let wait = if attempt >= policy.max_attempts {
                None
            } else {
                match &failure {
                    Failure::Api {
                        error,
                        rate_limit_reset,
                    } if error.status == 429 => policy.rate_limit_wait(*rate_limit_reset, attempt),
                    Failure::Api { error, .. } if error.status >= 500 => {
                        Some(policy.backoff(attempt))
                    }
                    Failure::Timeout | Failure::Connect(_) => Some(policy.backoff(attempt)),
                    Failure::Api { .. } | Failure::Final(_) => None,
                }
            };
            let Some(wait) = wait else {
                return Err(self.final_error(op, failure, attempt));
            };
            warn!(
                operation = %op,
                method = %method,
                path = url.path(),
                attempt,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                reason = %failure_reason(&failure),
                "Cloud API call failed, retrying"
            );
            self.inner.counters.retries.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Waits for the key's scheduler to grant a permit; counts the waits.
    async fn acquire_permit(&self) {
        if self.inner.scheduler.acquire(self.priority).await {
            self.inner
                .counters
                .limiter_waits
                .fetch_add(1, Ordering::Relaxed);
        }
    }

    /// One HTTP attempt; the caller has taken a rate-limiter permit.
    async fn attempt<T: DeserializeOwned>(
        &self,
        op: Operation,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        attempt: u32,
    ) -> Result<Applied<T>, Failure> {
        let inner = &self.inner;
        let counters = &inner.counters;
        counters.requests.fetch_add(1, Ordering::Relaxed);

        // reqwest marks the Basic auth header sensitive, so it never shows in Debug output.
        let mut req = inner
            .http
            .request(method.clone(), url.clone())
            .basic_auth(&inner.key_id, Some(inner.key_secret.expose_secret()))
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(body) = body {
            req = req
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.to_vec());
        }

        let result = match req.send().await {
            Ok(resp) => {
                let status = resp.status();
                let reset = resp
                    .headers()
                    .get("x-ratelimit-reset")
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_rate_limit_reset);
                resp.text().await.map(|text| (status, reset, text))
            }
            Err(e) => Err(e),
        };
        let (status, reset, text) = match result {
            Ok(r) => r,
            Err(e) => {
                let timeout = e.is_timeout();
                let message = transport_message(e);
                debug!(operation = %op, method = %method, path = url.path(), attempt,
                       timeout, error = %message, "Cloud API request failed");
                return Err(if timeout {
                    counters.timeouts.fetch_add(1, Ordering::Relaxed);
                    Failure::Timeout
                } else {
                    counters.connect_errors.fetch_add(1, Ordering::Relaxed);
                    Failure::Connect(message)
                });
            }
        };
        *counters
            .by_status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(status.as_u16())
            .or_default() += 1;

        if status.is_success() {
            match serde_json::from_str::<Envelope<T>>(&text) {
                Ok(env) => {
                    debug!(operation = %op, method = %method, path = url.path(),
                           status = status.as_u16(), request_id = env.request_id.as_deref(),
                           attempt, "Cloud API request");
                    Ok(Applied {
                        request_id: env.request_id,
                        result: env.result,
                    })
                }
                Err(e) => {
                    let request_id = loose_request_id(&text);
                    debug!(operation = %op, method = %method, path = url.path(),
                           status = status.as_u16(), request_id = request_id.as_deref(),
                           attempt, error = %e, "Cloud API response not understood");
                    Err(Failure::Final(CloudError::Decode {
                        operation: op,
                        message: truncate(&e.to_string()),
                        request_id,
                    }))
                }
            }
        } else {
            let error = ApiError::from_body(op, status.as_u16(), &text);
            debug!(operation = %op, method = %method, path = url.path(),
                   status = status.as_u16(), request_id = error.request_id.as_deref(),
                   code = error.code.as_deref(), attempt, "Cloud API request");
            Err(Failure::Api {
                error,
                rate_limit_reset: reset,
            })
        }
    }

    fn final_error(&self, op: Operation, failure: Failure, attempts: u32) -> CloudError {
        let base_url = self.base_url().to_owned();
        match failure {
            Failure::Api { mut error, .. } => {
                error.attempts = attempts;
                CloudError::Api(error)
            }
            Failure::Timeout => CloudError::Timeout {
                operation: op,
                attempts,
                base_url,
            },
            Failure::Connect(message) => CloudError::Connect {
                operation: op,
                message,
                attempts,
                base_url,
            },
            Failure::Final(e) => e,
        }
    }
}

fn parse_base_url(raw: &str) -> Result<Url, CloudError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let url = Url::parse(trimmed)
        .map_err(|e| CloudError::Config(format!("invalid base URL {trimmed:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CloudError::Config(format!(
            "the base URL must be http or https, not {:?}",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Credentials belong in the key settings; a URL ends up in logs and errors.
        return Err(CloudError::Config(
            "the base URL must not contain credentials".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(CloudError::Config(
            "the base URL must not have a query or fragment".into(),
        ));
    }
    Ok(url)
}

/// Rejects empty ids before they turn `…/services/{id}` into `…/services/`.
fn id<'a>(what: &str, value: &'a str) -> Result<&'a str, CloudError> {
    let value = value.trim();
    if value.is_empty() {
        Err(CloudError::Config(format!("the {what} id is empty")))
    } else {
        Ok(value)
    }
}

fn to_json<T: Serialize>(body: &T) -> Result<Vec<u8>, CloudError> {
    serde_json::to_vec(body)
        .map_err(|e| CloudError::Config(format!("cannot encode the request body: {e}")))
}

/// `requestId` of a body that is JSON but not the expected envelope.
fn loose_request_id(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v.get("requestId")?.as_str().map(str::to_owned)
}

/// The transport error and its causes, without the URL (we never put credentials in URLs,
/// but the message is shown to users, who need the cause rather than the path).
fn transport_message(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    truncate(&parts.join(": "))
}

fn failure_reason(f: &Failure) -> String {
    match f {
        Failure::Api { error, .. } => match &error.code {
            Some(code) => format!("HTTP {} {code}", error.status),
            None => format!("HTTP {}", error.status),
        },
        Failure::Timeout => "timeout".into(),
        Failure::Connect(m) => format!("connection failed: {m}"),
        Failure::Final(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(base: &str) -> CloudSettings {
        CloudSettings {
            base_url: base.into(),
            ..CloudSettings::new("org-1", "key-1", SecretString::from("s3cret"))
        }
    }

    #[test]
    fn urls_are_built_from_encoded_segments() {
        let c = CloudClient::new(settings("http://127.0.0.1:9/prefix/")).unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9/prefix");
        let url = c.org_url(&["services", "a/../b", "state"]).unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/prefix/v1/organizations/org-1/services/a%2F..%2Fb/state"
        );
        let c = CloudClient::new(settings("https://api.clickhouse.cloud")).unwrap();
        assert_eq!(
            c.url(&["v1", "organizations"]).unwrap().as_str(),
            "https://api.clickhouse.cloud/v1/organizations"
        );
    }

    #[test]
    fn invalid_settings_are_rejected() {
        for base in ["not a url", "ftp://x", "https://u:p@host", "https://h/?q=1"] {
            assert!(matches!(
                CloudClient::new(settings(base)),
                Err(CloudError::Config(_))
            ));
        }
        let mut s = settings(DEFAULT_BASE_URL);
        s.rate_limit.requests = 0;
        assert!(CloudClient::new(s).is_err());
        let mut s = settings(DEFAULT_BASE_URL);
        s.org_id = " ".into();
        assert!(CloudClient::new(s).is_err());
        let mut s = settings(DEFAULT_BASE_URL);
        s.retry.max_attempts = 0;
        assert!(CloudClient::new(s).is_err());
    }
}
