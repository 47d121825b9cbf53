//! When to retry a Cloud API call and how long to wait first.
//!
//! PATCH bodies carry absolute values, so every operation is safe to repeat. Only transient
//! failures are retried: 5xx, timeouts, connection errors and 429. Every delay lives in
//! [`RetryPolicy`] so tests can shrink them to milliseconds.

use std::time::Duration;

use rand::Rng;

/// Bounded retries with exponential backoff and full jitter.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Total HTTP attempts per call, the first one included (at least 1).
    pub max_attempts: u32,
    /// Backoff cap before the first retry; doubles on every further retry.
    pub base_delay: Duration,
    /// Upper bound of one backoff delay.
    pub max_delay: Duration,
    /// Least wait after a 429 that carries no `X-RateLimit-Reset` header.
    pub min_rate_limit_wait: Duration,
    /// Added to `X-RateLimit-Reset` so the retry lands after the window really reopened.
    pub rate_limit_margin: Duration,
    /// A 429 asking to wait longer than this is returned at once instead of stalling the
    /// caller (also guards against a reset header that is an epoch timestamp).
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            min_rate_limit_wait: Duration::from_secs(10),
            rate_limit_margin: Duration::from_secs(1),
            max_rate_limit_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Full-jitter backoff before retry number `retry` (1 = first retry):
    /// uniform in `[0, min(max_delay, base_delay * 2^(retry-1))]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let cap = self
            .base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(rand::rng().random_range(0..=nanos))
    }

    /// Wait before retrying after a 429, or `None` when the server asks for more than
    /// `max_rate_limit_wait`.
    pub fn rate_limit_wait(&self, reset: Option<f64>, retry: u32) -> Option<Duration> {
        let wait = match reset {
            Some(secs) => Duration::try_from_secs_f64(secs)
                .ok()?
                .saturating_add(self.rate_limit_margin),
            None => self.backoff(retry).max(self.min_rate_limit_wait),
        };
        (wait <= self.max_rate_limit_wait).then_some(wait)
    }
}

/// Parses `X-RateLimit-Reset` as (fractional) seconds to wait; junk and negatives are ignored.
pub(crate) fn parse_rate_limit_reset(value: &str) -> Option<f64> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn backoff_stays_within_the_exponential_cap() {
        let p = policy();
        for _ in 0..200 {
            assert!(p.backoff(1) <= Duration::from_millis(100));
            assert!(p.backoff(2) <= Duration::from_millis(200));
            assert!(p.backoff(3) <= Duration::from_millis(350));
            assert!(p.backoff(40) <= Duration::from_millis(350));
        }
        // Full jitter spreads the delays: 200 draws are not all identical.
        let draws: std::collections::HashSet<_> = (0..200).map(|_| p.backoff(3)).collect();
        assert!(draws.len() > 1);
    }

    #[test]
    fn rate_limit_wait_honours_header_margin_and_ceiling() {
        let p = policy();
        assert_eq!(
            p.rate_limit_wait(Some(2.5), 1),
            Some(Duration::from_millis(3500))
        );
        assert_eq!(p.rate_limit_wait(Some(1.7e9), 1), None);
        let w = p.rate_limit_wait(None, 1).unwrap();
        assert!(w >= Duration::from_secs(10));
    }

    #[test]
    fn reset_header_parsing() {
        assert_eq!(parse_rate_limit_reset(" 0.05 "), Some(0.05));
        assert_eq!(parse_rate_limit_reset("3"), Some(3.0));
        assert_eq!(parse_rate_limit_reset("-1"), None);
        assert_eq!(parse_rate_limit_reset("NaN"), None);
        assert_eq!(parse_rate_limit_reset("soon"), None);
    }
}
