//! REST faults the fake can inject, as Discord really answers them: 429 with `retry_after`
//! (per route, with `X-RateLimit-Bucket`, or global, with `X-RateLimit-Global`), 5xx, and an
//! answer that comes too late (the call was carried out, the client gave up waiting).
//!
//! While a 429's `retry_after` runs, the fake keeps the limit: a call on the same bucket (or,
//! for a global limit, any bot-token call) is answered 429 again and listed as a problem, so a
//! test sees a client that does not wait as long as Discord says.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::state::path_matches;

/// How Discord scopes a rate limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitScope {
    /// One route's bucket (`X-RateLimit-Scope: user`).
    Route,
    /// Every call with the bot token (`X-RateLimit-Global: true`).
    Global,
}

/// One injected fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 Too Many Requests; nothing is carried out.
    RateLimited {
        retry_after: Duration,
        scope: LimitScope,
    },
    /// A 5xx with Discord's error body; nothing is carried out.
    Status(u16),
    /// The call is carried out, and its answer held back for this long (longer than the
    /// client's timeout: the client cannot know whether it happened).
    LateAnswer(Duration),
    /// Refused for good, as when a permission is revoked or the thread deleted: the status
    /// and Discord's JSON error code.
    Refused { status: u16, code: u64 },
}

/// Fault `fault` for the next `times` calls of `method` on a path matching `pattern`
/// (segments, `*` matches one).
#[derive(Clone, Debug)]
pub struct FaultRule {
    pub method: String,
    pub pattern: String,
    pub fault: Fault,
    pub times: usize,
}

impl FaultRule {
    /// `{thread}` in the pattern matches the id of any thread the fake knows.
    pub fn matches(&self, method: &str, path: &str, is_thread: impl Fn(&str) -> bool) -> bool {
        if self.times == 0 || !self.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let path: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let pattern: Vec<&str> = self.pattern.split('/').filter(|s| !s.is_empty()).collect();
        path.len() == pattern.len()
            && path.iter().zip(&pattern).all(|(p, q)| match *q {
                "{thread}" => is_thread(p),
                _ => path_matches(p, q),
            })
    }
}

/// A rate limit in force.
#[derive(Clone, Debug)]
pub struct ActiveLimit {
    /// The bucket's route key (method and path with the major id kept), or `None` for global.
    pub bucket: Option<String>,
    pub until: Instant,
}

/// The bucket of a call, as Discord groups them: the method and the path with every id but
/// the major one (the first: channel, guild or webhook) replaced.
pub fn bucket_of(method: &str, path: &str) -> String {
    let mut out = method.to_ascii_uppercase();
    let mut major_seen = false;
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        if seg.chars().all(|c| c.is_ascii_digit()) {
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

/// The bucket hash Discord sends in `X-RateLimit-Bucket` (any opaque string does).
pub fn bucket_hash(bucket: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bucket.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The 429 body Discord sends.
pub fn rate_limited_body(retry_after: Duration, global: bool) -> Value {
    json!({
        "message": "You are being rate limited.",
        "retry_after": retry_after.as_secs_f64(),
        "global": global,
        "code": 0,
    })
}
