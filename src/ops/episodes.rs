//! Scale-up episodes from the audit log: from the confirmed scale-up until the confirmed
//! change that brings the cost back to (or below) what it was, with how long it ran and what
//! it cost beyond the previous size. Pure: the audit entries, the rates and "now" in, episodes
//! out, so `/scaling-status`, `/scaling-history`, `clickscale audit` and charts share it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::OperationId;
use crate::{
    scaling::{Current, FollowUpClock, Money, Rates},
    store::{AuditAction, AuditRecord},
};

/// What an episode scaled up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    /// DB ClickPipes compute.
    Cdc,
    /// Service compute (replicas × memory).
    Service,
}

/// A Keep answer given during an episode, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kept {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: Option<String>,
}

/// One scale-up, confirmed at `started`, over when `ended` is set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Episode {
    pub service_id: String,
    pub service_name: Option<String>,
    pub resource: Resource,
    /// The operation whose confirmed outcome started it.
    pub operation: OperationId,
    pub started: DateTime<Utc>,
    /// When the change back was confirmed; `None`: still scaled up.
    pub ended: Option<DateTime<Utc>>,
    /// The operation that ended it.
    pub ended_by: Option<OperationId>,
    /// The cost per hour before the scale-up.
    pub baseline_per_hour: Money,
    /// Beyond the baseline, per hour, now (or at the end).
    pub extra_per_hour: Money,
    /// How long it ran (until now while open), on the follow-up clock.
    #[serde(with = "humantime_serde")]
    pub duration: Duration,
    /// What it cost beyond the baseline so far.
    pub extra_cost: Money,
    pub kept: Vec<Kept>,
    /// Reminders about it that went out (posted or posted again) and escalations.
    pub reminders: u32,
    pub escalations: u32,
}

impl Episode {
    pub fn is_open(&self) -> bool {
        self.ended.is_none()
    }
}

/// The episodes in `records` (any order), oldest first. Confirmed outcomes are priced from
/// the values before (what the request saw) and after (what the API confirmed); one that
/// cannot be priced (no rate, values not reported) leaves its resource alone. Durations and
/// costs run on `clock` (the simulator's faster clock in `console --sim`).
pub fn episodes(
    records: &[AuditRecord],
    rates: &Rates,
    now: DateTime<Utc>,
    clock: &FollowUpClock,
) -> Vec<Episode> {
    let mut sorted: Vec<&AuditRecord> = records.iter().collect();
    sorted.sort_by_key(|r| (r.entry.at, r.id));
    let mut folding = Episodes::new(rates, clock);
    for r in sorted {
        folding.push(r);
    }
    folding.finish(now)
}

/// [`episodes`] one entry at a time, in time order: a long audit log is folded as it is read
/// and never held whole (10,000 priced changes held at once took tens of MiB).
#[derive(Debug)]
pub struct Episodes<'a> {
    rates: &'a Rates,
    clock: &'a FollowUpClock,
    done: Vec<Episode>,
    /// Open episodes, with the instant their extra per hour last changed.
    open: Vec<(Episode, DateTime<Utc>)>,
}

impl<'a> Episodes<'a> {
    pub fn new(rates: &'a Rates, clock: &'a FollowUpClock) -> Self {
        Self {
            rates,
            clock,
            done: Vec::new(),
            open: Vec::new(),
        }
    }

    /// The next entry, not older than the one before it.
    pub fn push(&mut self, r: &AuditRecord) {
        let rates = self.rates;
        let span = spans(self.clock);
        let open = &mut self.open;
        let done = &mut self.done;
        let e = &r.entry;
        let Some(service_id) = e.service_id.clone() else {
            return;
        };
        let in_episode = |ep: &Episode| {
            ep.service_id == service_id
                && (e.operation == Some(ep.operation)
                    || e.operation.is_some_and(|o| o > ep.operation))
        };
        match e.action {
            AuditAction::Kept => {
                if let Some((ep, _)) = open.iter_mut().find(|(ep, _)| in_episode(ep)) {
                    ep.kept.push(Kept {
                        at: e.at,
                        by: e.actor_name.clone(),
                        reason: e.detail.clone(),
                    });
                }
                return;
            }
            AuditAction::Reminder | AuditAction::Escalated => {
                if let Some((ep, _)) = open.iter_mut().find(|(ep, _)| {
                    ep.service_id == service_id && e.operation == Some(ep.operation)
                }) {
                    if e.action == AuditAction::Reminder {
                        ep.reminders += 1;
                    } else {
                        ep.escalations += 1;
                    }
                }
                return;
            }
            AuditAction::Outcome if e.detail.as_deref() == Some("confirmed") => {}
            _ => return,
        }
        let (Some(operation), Some(before), Some(after)) = (e.operation, &e.before, &e.after)
        else {
            return;
        };
        let (Ok(before), Ok(after)) = (
            serde_json::from_value::<Current>(before.clone()),
            serde_json::from_value::<Current>(after.clone()),
        ) else {
            return;
        };
        let resource = match after {
            Current::Cdc(_) => Resource::Cdc,
            Current::Service(_) => Resource::Service,
        };
        let (Ok(Some(old)), Ok(Some(new))) = (rates.hourly(&before), rates.hourly(&after)) else {
            return;
        };
        let slot = open
            .iter()
            .position(|(ep, _)| ep.service_id == service_id && ep.resource == resource);
        match slot {
            None if new > old => open.push((
                Episode {
                    service_id,
                    service_name: e.service_name.clone(),
                    resource,
                    operation,
                    started: e.at,
                    ended: None,
                    ended_by: None,
                    baseline_per_hour: old,
                    extra_per_hour: new - old,
                    duration: Duration::ZERO,
                    extra_cost: Money::ZERO,
                    kept: Vec::new(),
                    reminders: 0,
                    escalations: 0,
                },
                e.at,
            )),
            None => {}
            Some(i) => {
                let (ep, since) = &mut open[i];
                ep.extra_cost += ep.extra_per_hour.over(span(*since, e.at));
                *since = e.at;
                let extra = new - ep.baseline_per_hour;
                if extra.is_positive() {
                    ep.extra_per_hour = extra;
                } else {
                    let (mut ep, _) = open.remove(i);
                    ep.ended = Some(e.at);
                    ep.ended_by = Some(operation);
                    ep.duration = span(ep.started, e.at);
                    done.push(ep);
                }
            }
        }
    }

    /// The episodes, oldest first; those still open are priced up to `now`.
    pub fn finish(self, now: DateTime<Utc>) -> Vec<Episode> {
        let span = spans(self.clock);
        let mut done = self.done;
        for (mut ep, since) in self.open {
            ep.extra_cost += ep.extra_per_hour.over(span(since, now));
            ep.duration = span(ep.started, now);
            done.push(ep);
        }
        done.sort_by_key(|ep| (ep.started, ep.operation));
        done
    }
}

/// The time between two instants on the follow-up clock.
fn spans(clock: &FollowUpClock) -> impl Fn(DateTime<Utc>, DateTime<Utc>) -> Duration + '_ {
    |from, to| clock.span((to - from).to_std().unwrap_or_default())
}

/// One episode as a line in `loc`: what was scaled up, since when, for how long, and what it
/// cost beyond the previous size (still running or over).
pub fn describe(loc: crate::i18n::Locale, ep: &Episode) -> String {
    use crate::{i18n::money, t};
    let when = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let resource = match ep.resource {
        Resource::Cdc => t!(loc, "episode-resource-cdc"),
        Resource::Service => t!(loc, "episode-resource-service"),
    };
    let service = ep.service_name.as_deref().unwrap_or(&ep.service_id);
    let duration = super::text::duration(loc, ep.duration);
    match ep.ended {
        None => t!(
            loc,
            "episode-open",
            service = service,
            resource = resource,
            since = when(ep.started),
            duration = duration,
            hourly = money(loc, ep.extra_per_hour),
            cost = money(loc, ep.extra_cost)
        ),
        Some(end) => t!(
            loc,
            "episode-closed",
            service = service,
            resource = resource,
            since = when(ep.started),
            until = when(end),
            duration = duration,
            cost = money(loc, ep.extra_cost)
        ),
    }
}

/// How far back the surfaces look for scale-ups still running.
pub const LOOKBACK: chrono::Duration = chrono::Duration::days(31);

/// The audit actions [`episodes`] reads; every other entry passes it by.
pub const ACTIONS: [AuditAction; 4] = [
    AuditAction::Outcome,
    AuditAction::Kept,
    AuditAction::Reminder,
    AuditAction::Escalated,
];

/// The episodes on `service` (or all) in the audit log of the last [`LOOKBACK`].
pub async fn recent(engine: &super::Engine, service: Option<&str>) -> anyhow::Result<Vec<Episode>> {
    let now = Utc::now();
    let mut folding = Episodes::new(&engine.settings().rates, &engine.config().oncall.clock);
    engine
        .store()
        .fold_audit_since_of(now - LOOKBACK, service, &ACTIONS, 100_000, |r| {
            folding.push(&r);
        })
        .await?;
    Ok(folding.finish(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{cloud::model::CdcScaling, store::AuditEntry};
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
    }

    fn confirmed(id: i64, op: u64, when: DateTime<Utc>, from: u32, to: u32) -> AuditRecord {
        let mut e = AuditEntry::new(when, "clickscale", "clickscale", AuditAction::Outcome);
        e.operation = Some(OperationId(op));
        e.service_id = Some("s1".into());
        e.service_name = Some("ingest".into());
        e.before = serde_json::to_value(Current::Cdc(CdcScaling::from_cores(from))).ok();
        e.after = serde_json::to_value(Current::Cdc(CdcScaling::from_cores(to))).ok();
        e.detail = Some("confirmed".into());
        AuditRecord { id, entry: e }
    }

    fn kept(id: i64, op: u64, when: DateTime<Utc>) -> AuditRecord {
        let mut e = AuditEntry::new(when, "u1", "ann", AuditAction::Kept);
        e.operation = Some(OperationId(op));
        e.service_id = Some("s1".into());
        e.detail = Some("backfill".into());
        AuditRecord { id, entry: e }
    }

    fn money(t: &str) -> Money {
        Money::parse(t).unwrap()
    }

    #[test]
    fn a_scale_up_runs_until_the_cost_is_back_and_costs_its_extra() {
        let rates = Rates::list_prices();
        let wall = FollowUpClock::wall();
        // 2 -> 8 cores at 10:00 (+$0.60/h), 8 -> 4 at 11:00 (+$0.20/h), 4 -> 2 at 12:30.
        let log = vec![
            confirmed(1, 1, at(10, 0), 2, 8),
            kept(2, 1, at(10, 30)),
            confirmed(3, 2, at(11, 0), 8, 4),
            confirmed(4, 3, at(12, 30), 4, 2),
        ];
        let eps = episodes(&log, &rates, at(18, 0), &wall);
        assert_eq!(eps.len(), 1);
        let ep = &eps[0];
        assert_eq!(ep.started, at(10, 0));
        assert_eq!(ep.ended, Some(at(12, 30)));
        assert_eq!(ep.ended_by, Some(OperationId(3)));
        assert_eq!(ep.duration, Duration::from_secs(150 * 60));
        assert_eq!(ep.extra_cost, money("0.90")); // 0.60 + 1.5 h x 0.20
        assert_eq!(ep.kept.len(), 1);
        assert_eq!(ep.kept[0].reason.as_deref(), Some("backfill"));
        // The order of the entries does not matter.
        let mut shuffled = log.clone();
        shuffled.reverse();
        assert_eq!(episodes(&shuffled, &rates, at(18, 0), &wall), eps);
    }

    #[test]
    fn an_open_episode_runs_until_now_and_a_scale_down_alone_is_none() {
        let rates = Rates::list_prices();
        let log = vec![
            confirmed(1, 5, at(10, 0), 8, 2),
            confirmed(2, 6, at(11, 0), 2, 4),
        ];
        let eps = episodes(&log, &rates, at(13, 0), &FollowUpClock::wall());
        assert_eq!(eps.len(), 1);
        assert!(eps[0].is_open());
        assert_eq!(eps[0].operation, OperationId(6));
        assert_eq!(eps[0].extra_per_hour, money("0.20"));
        assert_eq!(eps[0].extra_cost, money("0.40"));
        // Without a rate nothing can be priced, so there is no episode to tell.
        assert!(episodes(&log, &Rates::default(), at(13, 0), &FollowUpClock::wall()).is_empty());
    }
}
