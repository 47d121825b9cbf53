//! The clock follow-ups run and speak on: the wall clock, or in `console --sim` the
//! simulator's, which runs faster by the same factor as the simulated world.
//!
//! Only what people give and read is converted: a `for:4h` or a `Snooze 1h` lasts 4 h or 1 h
//! on this clock, and the durations and times the thread shows are this clock's. The store
//! keeps wall-clock instants, so leases and due times need no conversion.

use std::time::Duration;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FollowUpClock {
    /// Clock seconds per wall-clock second (1 on the wall clock).
    scale: f64,
    /// The wall-clock instant at which this clock and the wall clock agree.
    origin: DateTime<Utc>,
}

impl Default for FollowUpClock {
    fn default() -> Self {
        Self::wall()
    }
}

impl FollowUpClock {
    pub fn wall() -> Self {
        Self {
            scale: 1.0,
            origin: DateTime::UNIX_EPOCH,
        }
    }

    /// A clock that agrees with the wall clock at `origin` and runs `scale` times faster.
    /// A scale that is not a positive number is the wall clock.
    pub fn scaled(scale: f64, origin: DateTime<Utc>) -> Self {
        if scale.is_finite() && scale > 0.0 {
            Self { scale, origin }
        } else {
            Self::wall()
        }
    }

    /// `Some(factor)` when this is not the wall clock.
    pub fn speedup(&self) -> Option<f64> {
        (self.scale != 1.0).then_some(self.scale)
    }

    /// How long a span on this clock (what a person asked for) lasts on the wall clock.
    pub fn wall_span(&self, span: Duration) -> Duration {
        span.div_f64(self.scale)
    }

    /// How long a wall-clock span is on this clock (what the thread says).
    pub fn span(&self, wall: Duration) -> Duration {
        Duration::try_from_secs_f64(wall.as_secs_f64() * self.scale).unwrap_or(Duration::MAX)
    }

    /// `wall + span` with `span` on this clock.
    pub fn after(&self, wall: DateTime<Utc>, span: Duration) -> DateTime<Utc> {
        wall + chrono::Duration::from_std(self.wall_span(span))
            .unwrap_or_else(|_| chrono::Duration::days(3650))
    }

    /// The time this clock shows at the wall-clock instant `wall`.
    pub fn time(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        if self.scale == 1.0 {
            return wall;
        }
        let since = (wall - self.origin).num_milliseconds() as f64 * self.scale;
        self.origin + chrono::Duration::milliseconds(since as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wall_clock_changes_nothing() {
        let c = FollowUpClock::wall();
        let now = Utc::now();
        assert_eq!(c.time(now), now);
        assert_eq!(
            c.wall_span(Duration::from_secs(3600)),
            Duration::from_secs(3600)
        );
        assert_eq!(c.speedup(), None);
        assert_eq!(FollowUpClock::scaled(0.0, now), c);
    }

    #[test]
    fn a_scaled_clock_shortens_what_people_ask_for_and_tells_its_own_time() {
        let origin = Utc::now();
        let c = FollowUpClock::scaled(20.0, origin);
        assert_eq!(
            c.wall_span(Duration::from_secs(4 * 3600)),
            Duration::from_secs(720)
        );
        assert_eq!(c.span(Duration::from_secs(3)), Duration::from_secs(60));
        let later = origin + chrono::Duration::seconds(720);
        assert_eq!(c.time(later), origin + chrono::Duration::hours(4));
        assert_eq!(
            c.after(origin, Duration::from_secs(3600)),
            origin + chrono::Duration::seconds(180)
        );
        assert_eq!(c.speedup(), Some(20.0));
    }
}
