//! The bot's own REST client for what it posts with the bot token: status messages, threads,
//! thread messages and edits. Faults are handled here, by Discord's rules:
//!
//! - **429**: wait `retry_after` (body, else `Retry-After`), then try again. A global limit
//!   (`X-RateLimit-Global` or `"global": true`) holds every call; a route's limit holds the calls
//!   of its bucket (`X-RateLimit-Bucket`, learnt per route). `X-RateLimit-Remaining: 0` with
//!   `X-RateLimit-Reset-After` holds the bucket before it answers 429 at all.
//! - **5xx, timeouts, lost connections**: bounded exponential backoff with full jitter
//!   ([`crate::cloud::RetryPolicy`]). A message that may have been created is sent again with
//!   the same nonce and `enforce_nonce`, so Discord shows it once.
//! - **Other 4xx** (missing permission, deleted thread): returned at once as
//!   [`RestError::Refused`]; the engine falls back to private follow-ups or the audit log.
//!
//! Why not serenity's `Http` here: behind a REST proxy serenity's rate limiter must be off
//! (its rate-limited path ignores the proxy), and with it off serenity returns a 429 as a
//! plain error without `retry_after`. One client that reads the headers itself behaves the
//! same with and without a proxy. Interaction callbacks still go through serenity: they have
//! their own 3 s deadline and are not under the bot's rate limits.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use dashmap::DashMap;
use reqwest::{header::HeaderMap, Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::cloud::RetryPolicy;

/// Discord's REST base without a proxy.
pub const DISCORD_API: &str = "https://discord.com/api/v10";

/// Why a call failed after the retries Discord's rules allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestError {
    /// Discord refused it for good (4xx other than 429): retrying cannot help.
    #[error("Discord refused the call: {status} {message} (code {code})")]
    Refused {
        status: u16,
        code: u64,
        message: String,
    },
    /// Still rate limited, 5xx or no answer after every attempt: try again later.
    #[error("Discord did not take the call: {0}")]
    Unavailable(String),
}

/// How hard to try. Every delay is here so tests can shrink them.
#[derive(Debug, Clone)]
pub struct RestPolicy {
    /// Backoff for 5xx and timeouts; `max_attempts` counts those tries (429s do not count:
    /// waiting as told is always within the rules).
    pub retry: RetryPolicy,
    /// How long one call may take.
    pub request_timeout: Duration,
    /// A 429 asking to wait longer than this is not waited out here: the caller keeps the
    /// message in the outbox and a later pass posts it.
    pub max_rate_limit_wait: Duration,
    /// 429s in a row on one call before giving up for now.
    pub max_rate_limited: u32,
}

impl Default for RestPolicy {
    fn default() -> Self {
        Self {
            retry: RetryPolicy {
                max_attempts: 4,
                base_delay: Duration::from_millis(500),
                max_delay: Duration::from_secs(8),
                ..RetryPolicy::default()
            },
            request_timeout: Duration::from_secs(15),
            max_rate_limit_wait: Duration::from_secs(60),
            max_rate_limited: 5,
        }
    }
}

pub struct DiscordRest {
    client: reqwest::Client,
    base: String,
    authorization: SecretString,
    policy: RestPolicy,
    /// Route key -> the bucket Discord said it belongs to.
    buckets: DashMap<String, String>,
    /// Bucket (or route key, before the bucket is known) -> no call before this.
    held: DashMap<String, Instant>,
    /// Global limit: no call before this.
    global: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for DiscordRest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token never appears.
        f.debug_struct("DiscordRest")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// A REST call's route: what Discord's buckets are keyed by (method and path with every id
/// but the major one, the channel, replaced).
pub fn route_key(method: &Method, path: &str) -> String {
    let mut out = method.as_str().to_owned();
    let mut major_seen = false;
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            if major_seen {
                out.push_str(":id");
            } else {
                major_seen = true;
                out.push_str(seg);
            }
        } else {
            out.push_str(seg);
        }
    }
    out
}

fn header_f64(headers: &HeaderMap, name: &str) -> Option<f64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl DiscordRest {
    /// A client for `token` that talks to `proxy` (a REST proxy or a fake Discord) or to
    /// Discord itself.
    pub fn new(token: &str, proxy: Option<&str>, policy: RestPolicy) -> anyhow::Result<Self> {
        let base = match proxy {
            Some(url) => format!("{}/api/v10", url.trim_end_matches('/')),
            None => DISCORD_API.to_owned(),
        };
        let client = reqwest::Client::builder()
            .timeout(policy.request_timeout)
            .user_agent(concat!(
                "DiscordBot (https://github.com/clickscale, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .build()?;
        Ok(Self {
            client,
            base,
            authorization: SecretString::from(format!("Bot {}", token.trim_start_matches("Bot "))),
            policy,
            buckets: DashMap::new(),
            held: DashMap::new(),
            global: Mutex::new(None),
        })
    }

    /// When the limits in force let a call on `route` go.
    fn ready_at(&self, route: &str) -> Option<Instant> {
        let bucket = self
            .buckets
            .get(route)
            .map(|b| b.clone())
            .unwrap_or_else(|| route.to_owned());
        let held = self.held.get(&bucket).map(|t| *t);
        let global = *self.global.lock().expect("global limit lock");
        held.max(global).filter(|t| *t > Instant::now())
    }

    fn hold(&self, route: &str, until: Instant) {
        let bucket = self
            .buckets
            .get(route)
            .map(|b| b.clone())
            .unwrap_or_else(|| route.to_owned());
        let mut at = self.held.entry(bucket).or_insert(until);
        if *at < until {
            *at = until;
        }
    }

    fn hold_all(&self, until: Instant) {
        let mut global = self.global.lock().expect("global limit lock");
        if global.is_none_or(|g| g < until) {
            *global = Some(until);
        }
    }

    /// Learn the route's bucket and hold it when the answer says it is used up.
    fn learn(&self, route: &str, headers: &HeaderMap) {
        if let Some(bucket) = header_str(headers, "x-ratelimit-bucket") {
            self.buckets.insert(route.to_owned(), bucket);
        }
        let remaining = header_f64(headers, "x-ratelimit-remaining");
        let reset_after = header_f64(headers, "x-ratelimit-reset-after");
        if let (Some(r), Some(after)) = (remaining, reset_after) {
            if r < 1.0 {
                if let Ok(d) = Duration::try_from_secs_f64(after) {
                    self.hold(route, Instant::now() + d);
                }
            }
        }
    }

    /// One call, retried within Discord's rules. `path` starts with `/` and follows `/api/v10`.
    /// Returns the JSON answer (`Null` for 204).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, RestError> {
        let route = route_key(&method, path);
        let url = format!("{}{path}", self.base);
        let mut failures = 0u32;
        let mut limited = 0u32;
        loop {
            if let Some(at) = self.ready_at(&route) {
                tokio::time::sleep_until(at.into()).await;
            }
            let mut request = self
                .client
                .request(method.clone(), &url)
                .header("authorization", self.authorization.expose_secret());
            if let Some(body) = body {
                request = request.json(body);
            }
            let why = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    self.learn(&route, &headers);
                    if status.is_success() {
                        if status == StatusCode::NO_CONTENT {
                            return Ok(Value::Null);
                        }
                        return match response.json::<Value>().await {
                            Ok(v) => Ok(v),
                            Err(e) => Err(RestError::Unavailable(format!(
                                "unreadable answer to {route}: {e}"
                            ))),
                        };
                    }
                    let text = response.text().await.unwrap_or_default();
                    let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        limited += 1;
                        let secs = json["retry_after"]
                            .as_f64()
                            .or_else(|| header_f64(&headers, "retry-after"))
                            .unwrap_or(1.0);
                        let wait = Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX);
                        let global = json["global"].as_bool().unwrap_or(false)
                            || headers.contains_key("x-ratelimit-global");
                        tracing::warn!(route = %route, retry_after = secs, global, "Discord rate limit");
                        if wait > self.policy.max_rate_limit_wait
                            || limited > self.policy.max_rate_limited
                        {
                            return Err(RestError::Unavailable(format!(
                                "rate limited on {route} for {secs:.1} s"
                            )));
                        }
                        let until = Instant::now() + wait;
                        if global {
                            self.hold_all(until);
                        } else {
                            self.hold(&route, until);
                        }
                        continue;
                    }
                    if status.is_server_error() {
                        format!("{status} on {route}")
                    } else {
                        return Err(RestError::Refused {
                            status: status.as_u16(),
                            code: json["code"].as_u64().unwrap_or(0),
                            message: json["message"]
                                .as_str()
                                .unwrap_or_else(|| status.canonical_reason().unwrap_or(""))
                                .chars()
                                .take(200)
                                .collect(),
                        });
                    }
                }
                // No answer: the call may or may not have been carried out.
                Err(e) if e.is_timeout() => format!(
                    "no answer within {:?} on {route}",
                    self.policy.request_timeout
                ),
                Err(e) => format!("connection failed on {route}: {}", e.without_url()),
            };
            failures += 1;
            if failures >= self.policy.retry.max_attempts.max(1) {
                return Err(RestError::Unavailable(why));
            }
            let wait = self.policy.retry.backoff(failures);
            tracing::warn!(route = %route, error = %why, retry_in = ?wait, "Discord call failed; retrying");
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_keep_the_channel_and_drop_other_ids() {
        assert_eq!(
            route_key(&Method::POST, "/channels/123/messages"),
            "POST/channels/123/messages"
        );
        assert_eq!(
            route_key(&Method::PATCH, "/channels/123/messages/456"),
            "PATCH/channels/123/messages/:id"
        );
    }
}
