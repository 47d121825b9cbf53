//! The weekly digest: what is still scaled up, what the scale-ups cost in the week, what was
//! kept on purpose and why, and which reminders went unanswered or escalated.
//!
//! [`Digest::from_audit`] is pure (audit entries, rates, the week and the follow-up clock in),
//! built on the one episode computation of [`super::episodes`]; [`Digest::render`] says it in
//! a language. The engine posts it once a week in `[digest] channel` ([`spawn_loop`]): each
//! instance looks every `oncall.tick`, and the store's `digests` row of the week decides which
//! one posts ([`crate::store::Store::claim_digest`]). `/scaling-digest` shows the last 7 days now.

use std::{fmt::Write as _, sync::Arc};

use chrono::{DateTime, Datelike, Duration as Span, TimeZone, Utc, Weekday};

use super::{
    episodes::{self, Episode, Kept, Resource},
    notices::system_actor,
    text, Engine, OperationId, Origin,
};
use crate::{
    i18n::{money, Locale},
    scaling::{FollowUpClock, Money, Rates},
    store::{AuditAction, AuditRecord},
    t,
};

/// The period a digest covers.
pub const WEEK: Span = Span::days(7);

/// How late a scheduled digest may still be posted (an instance that was down at the hour
/// posts it when it comes back, within this; later, that week has no digest).
pub const GRACE: Span = Span::hours(24);

/// How many items a section lists (a Discord message stops at 2000 characters); the rest
/// are counted.
const ITEMS_SHOWN: usize = 6;

/// One scale-up's share of the week.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekCost {
    pub episode: Episode,
    /// What it cost beyond the previous size within the week.
    pub in_week: Money,
}

/// A Keep given in the week (a reminder's Keep, or `revert:never` with its reason), with the
/// operation it kept.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptInWeek {
    pub service: String,
    pub operation: Option<OperationId>,
    pub kept: Kept,
}

/// Reminders of one operation that nobody answered in the week, and its escalations.
#[derive(Debug, Clone, PartialEq)]
pub struct Unanswered {
    pub service: String,
    pub operation: OperationId,
    pub reminders: u32,
    pub escalations: u32,
}

/// Everything a digest says.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Scale-ups still running at `to`, with their cost so far.
    pub still_up: Vec<Episode>,
    /// Every scale-up that ran in the week, oldest first.
    pub week: Vec<WeekCost>,
    /// The sum of `week`.
    pub total: Money,
    pub kept: Vec<KeptInWeek>,
    pub unanswered: Vec<Unanswered>,
}

impl Digest {
    /// The digest of `from..to` from audit entries (any order) that reach back far enough for
    /// the scale-ups running at `from` ([`episodes::LOOKBACK`] before it).
    ///
    /// A scale-up's cost in the week is its extra cost at `to` less its extra cost at `from`
    /// (both from [`episodes::episodes`]), so it is exact however often its size changed.
    pub fn from_audit(
        records: &[AuditRecord],
        rates: &Rates,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        clock: &FollowUpClock,
    ) -> Self {
        let upto = |end: DateTime<Utc>, inclusive: bool| -> Vec<AuditRecord> {
            records
                .iter()
                .filter(|r| {
                    if inclusive {
                        r.entry.at <= end
                    } else {
                        r.entry.at < end
                    }
                })
                .cloned()
                .collect()
        };
        let at_end = episodes::episodes(&upto(to, true), rates, to, clock);
        let at_start = episodes::episodes(&upto(from, false), rates, from, clock);
        let key = |ep: &Episode| (ep.service_id.clone(), ep.resource, ep.operation);
        let week: Vec<WeekCost> = at_end
            .iter()
            .filter(|ep| ep.ended.is_none_or(|end| end > from))
            .map(|ep| {
                let before = at_start
                    .iter()
                    .find(|s| key(s) == key(ep))
                    .map_or(Money::ZERO, |s| s.extra_cost);
                WeekCost {
                    episode: ep.clone(),
                    in_week: ep.extra_cost - before,
                }
            })
            .collect();
        let total = week.iter().fold(Money::ZERO, |sum, w| sum + w.in_week);
        let mut kept: Vec<KeptInWeek> = records
            .iter()
            .filter(|r| {
                let e = &r.entry;
                e.action == AuditAction::Kept && e.at >= from && e.at <= to
            })
            .map(|r| KeptInWeek {
                service: service_of(r),
                operation: r.entry.operation,
                kept: Kept {
                    at: r.entry.at,
                    by: r.entry.actor_name.clone(),
                    reason: r.entry.detail.clone(),
                },
            })
            .collect();
        kept.sort_by_key(|k| k.kept.at);
        Digest {
            from,
            to,
            still_up: at_end.iter().filter(|ep| ep.is_open()).cloned().collect(),
            week,
            total,
            kept,
            unanswered: unanswered(records, from, to),
        }
    }

    /// The digest as one message in `loc`.
    pub fn render(&self, loc: Locale) -> String {
        let when = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M").to_string();
        let mut out = t!(
            loc,
            "digest-title",
            from = when(self.from),
            to = when(self.to)
        );
        out.push('\n');
        let mut section = |title: String, empty: String, lines: Vec<String>| {
            let _ = writeln!(out, "{title}");
            if lines.is_empty() {
                let _ = writeln!(out, "• {empty}");
            }
            for line in lines.iter().take(ITEMS_SHOWN) {
                let _ = writeln!(out, "• {line}");
            }
            if lines.len() > ITEMS_SHOWN {
                let more = (lines.len() - ITEMS_SHOWN) as u64;
                let _ = writeln!(out, "• {}", t!(loc, "digest-more", count = more));
            }
        };
        section(
            t!(loc, "digest-still-up"),
            t!(loc, "digest-still-up-none"),
            self.still_up
                .iter()
                .map(|ep| episodes::describe(loc, ep))
                .collect(),
        );
        section(
            t!(loc, "digest-week-cost", total = money(loc, self.total)),
            t!(loc, "digest-week-cost-none"),
            self.week
                .iter()
                .map(|w| {
                    t!(
                        loc,
                        "digest-week-item",
                        service = name(&w.episode),
                        resource = resource(loc, w.episode.resource),
                        cost = money(loc, w.in_week),
                        duration = text::duration(loc, w.episode.duration)
                    )
                })
                .collect(),
        );
        section(
            t!(loc, "digest-kept"),
            t!(loc, "digest-kept-none"),
            self.kept
                .iter()
                .map(|k| {
                    let reason = k.kept.reason.as_deref().map_or_else(
                        || t!(loc, "digest-kept-no-reason"),
                        |r| text::shorten(&r.replace(['\n', '\r'], " "), 200),
                    );
                    t!(
                        loc,
                        "digest-kept-item",
                        service = k.service.as_str(),
                        op = k.operation.map(|o| o.to_string()).unwrap_or_default(),
                        who = k.kept.by.as_str(),
                        at = when(k.kept.at),
                        reason = reason
                    )
                })
                .collect(),
        );
        section(
            t!(loc, "digest-unanswered"),
            t!(loc, "digest-unanswered-none"),
            self.unanswered
                .iter()
                .map(|u| {
                    t!(
                        loc,
                        "digest-unanswered-item",
                        service = u.service.as_str(),
                        op = u.operation.to_string(),
                        reminders = u64::from(u.reminders),
                        escalations = u64::from(u.escalations)
                    )
                })
                .collect(),
        );
        if !self.week.is_empty() || !self.still_up.is_empty() {
            let _ = writeln!(out, "{}", text::estimate_note(loc));
        }
        out.trim_end().to_owned()
    }
}

fn name(ep: &Episode) -> String {
    ep.service_name
        .clone()
        .unwrap_or_else(|| ep.service_id.clone())
}

/// The service an entry is about, by the name the audit log has.
fn service_of(r: &AuditRecord) -> String {
    r.entry
        .service_name
        .clone()
        .or_else(|| r.entry.service_id.clone())
        .unwrap_or_default()
}

fn resource(loc: Locale, r: Resource) -> String {
    match r {
        Resource::Cdc => t!(loc, "episode-resource-cdc"),
        Resource::Service => t!(loc, "episode-resource-service"),
    }
}

/// Per operation: reminders posted in the week that no person answered before the next
/// reminder about it (or the end of the week), and its escalations in the week.
fn unanswered(records: &[AuditRecord], from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Unanswered> {
    let bot = system_actor().id;
    let mut sorted: Vec<&AuditRecord> = records
        .iter()
        .filter(|r| r.entry.at >= from && r.entry.at <= to && r.entry.operation.is_some())
        .collect();
    sorted.sort_by_key(|r| (r.entry.at, r.id));
    // Per operation: its row, and whether its latest reminder is still waiting for an answer.
    let mut rows: Vec<(Unanswered, bool)> = Vec::new();
    for r in sorted {
        let e = &r.entry;
        let Some(op) = e.operation else { continue };
        let slot = match rows.iter().position(|(u, _)| u.operation == op) {
            Some(i) => i,
            None => {
                rows.push((
                    Unanswered {
                        service: service_of(r),
                        operation: op,
                        reminders: 0,
                        escalations: 0,
                    },
                    false,
                ));
                rows.len() - 1
            }
        };
        let (row, waiting) = &mut rows[slot];
        match e.action {
            AuditAction::Reminder => {
                if *waiting {
                    row.reminders += 1;
                }
                *waiting = true;
            }
            AuditAction::Escalated => {
                row.escalations += 1;
                // The escalation repeats the reminder: it is counted once, as the escalation.
                *waiting = false;
            }
            AuditAction::Acknowledged
            | AuditAction::Kept
            | AuditAction::Snoozed
            | AuditAction::Extended
            | AuditAction::Reverted
                if e.actor_id != bot =>
            {
                *waiting = false;
            }
            _ => {}
        }
    }
    rows.into_iter()
        .filter_map(|(mut row, waiting)| {
            if waiting {
                row.reminders += 1;
            }
            (row.reminders > 0 || row.escalations > 0).then_some(row)
        })
        .collect()
}

/// The latest instant at or before `now` that falls on `weekday` at `hour`:00 UTC.
pub fn scheduled_slot(now: DateTime<Utc>, weekday: Weekday, hour: u32) -> DateTime<Utc> {
    let back = (7 + now.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    let day = now.date_naive() - Span::days(i64::from(back));
    let slot = Utc.from_utc_datetime(
        &day.and_hms_opt(hour.min(23), 0, 0)
            .expect("hours 0-23 are valid"),
    );
    if slot > now {
        slot - WEEK
    } else {
        slot
    }
}

impl Engine {
    /// The digest of the last 7 days, now, from the store.
    pub async fn digest_now(&self) -> anyhow::Result<Digest> {
        self.digest_until(Utc::now()).await
    }

    async fn digest_until(&self, to: DateTime<Utc>) -> anyhow::Result<Digest> {
        let from = to - WEEK;
        let records = self
            .store()
            .audit_since_of(from - episodes::LOOKBACK, None, &ACTIONS, 100_000)
            .await?;
        Ok(Digest::from_audit(
            &records,
            &self.settings().rates,
            from,
            to,
            &self.config().oncall.clock,
        ))
    }

    /// Post this week's digest if it is due and no instance has yet; `true` when this
    /// instance posted it.
    pub async fn post_digest_if_due(&self) -> bool {
        let config = &self.config().digest;
        let (Some(channel), Some(surface)) =
            (config.channel.clone(), self.inner().background.get())
        else {
            return false;
        };
        let now = Utc::now();
        let slot = scheduled_slot(now, config.weekday, config.hour);
        if now - slot >= GRACE {
            return false;
        }
        let week = slot.format("%Y-%m-%d").to_string();
        match self.store().claim_digest(&week, self.instance()).await {
            Ok(true) => {}
            Ok(false) => return false,
            Err(e) => {
                tracing::warn!(
                    error = format!("{e:#}"),
                    "could not claim the weekly digest"
                );
                return false;
            }
        }
        let surface: Arc<dyn super::ChatSurface> = surface.clone();
        let posted = async {
            let digest = self.digest_until(now).await?;
            let origin = Origin {
                guild: None,
                channel,
                locale: config.locale.tag().to_owned(),
            };
            surface
                .post_status(&origin, &digest.render(config.locale))
                .await
        }
        .await;
        match posted {
            Ok(_) => {
                tracing::info!(week, "posted the weekly digest");
                true
            }
            Err(e) => {
                // Said in the log (there is no thread to say it in) and tried again later.
                tracing::warn!(
                    week,
                    error = format!("{e:#}"),
                    "could not post the weekly digest"
                );
                let _ = self.store().release_digest(&week, self.instance()).await;
                false
            }
        }
    }
}

/// The audit actions the digest reads: the episodes' and every answer to a reminder.
const ACTIONS: [AuditAction; 8] = [
    AuditAction::Outcome,
    AuditAction::Kept,
    AuditAction::Reminder,
    AuditAction::Escalated,
    AuditAction::Acknowledged,
    AuditAction::Snoozed,
    AuditAction::Extended,
    AuditAction::Reverted,
];

/// Start the loop that posts the weekly digest when it is due; it stops with the engine, and
/// does nothing when `[digest] channel` is unset.
pub(super) fn spawn_loop(engine: &Engine) {
    if engine.config().digest.channel.is_none() {
        return;
    }
    engine.spawn_periodic(engine.config().oncall.tick, |engine| async move {
        engine.post_digest_if_due().await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{cloud::model::CdcScaling, scaling::Current, store::AuditEntry};

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
    }

    fn entry(id: i64, op: u64, when: DateTime<Utc>, action: AuditAction) -> AuditRecord {
        let actor = if matches!(action, AuditAction::Kept | AuditAction::Snoozed) {
            "ann"
        } else {
            "clickscale"
        };
        let mut e = AuditEntry::new(when, actor, actor, action);
        e.operation = Some(OperationId(op));
        e.service_id = Some("s1".into());
        e.service_name = Some("ingest".into());
        AuditRecord { id, entry: e }
    }

    fn confirmed(id: i64, op: u64, when: DateTime<Utc>, from: u32, to: u32) -> AuditRecord {
        let mut r = entry(id, op, when, AuditAction::Outcome);
        r.entry.before = serde_json::to_value(Current::Cdc(CdcScaling::from_cores(from))).ok();
        r.entry.after = serde_json::to_value(Current::Cdc(CdcScaling::from_cores(to))).ok();
        r.entry.detail = Some("confirmed".into());
        r
    }

    #[test]
    fn the_week_counts_only_its_share_of_a_scale_up_and_what_went_unanswered() {
        // 2 -> 8 cores (+$0.60/h at list prices) on Nov 20 12:00, still up on Nov 30.
        let mut log = vec![confirmed(1, 1, at(20, 12), 2, 8)];
        let mut kept = entry(2, 1, at(25, 10), AuditAction::Kept);
        kept.entry.detail = Some("backfill".into());
        log.push(kept);
        // Op 2 on another day: two reminders, the first snoozed, the second not answered,
        // then an escalation.
        log.push(entry(3, 2, at(26, 8), AuditAction::Reminder));
        log.push(entry(4, 2, at(26, 9), AuditAction::Snoozed));
        log.push(entry(5, 2, at(26, 10), AuditAction::Reminder));
        log.push(entry(6, 2, at(26, 11), AuditAction::Reminder));
        log.push(entry(7, 2, at(26, 12), AuditAction::Escalated));
        let (from, to) = (at(23, 12), at(30, 12));
        let d = Digest::from_audit(
            &log,
            &Rates::list_prices(),
            from,
            to,
            &FollowUpClock::wall(),
        );
        assert_eq!(d.still_up.len(), 1);
        // 7 days x 24 h x $0.60, not the 10 days the scale-up has run.
        assert_eq!(d.total, Money::parse("100.80").unwrap());
        assert_eq!(d.still_up[0].extra_cost, Money::parse("144.00").unwrap());
        assert_eq!(d.kept.len(), 1);
        assert_eq!(d.kept[0].kept.reason.as_deref(), Some("backfill"));
        assert_eq!(
            d.unanswered,
            vec![Unanswered {
                service: "ingest".into(),
                operation: OperationId(2),
                reminders: 1,
                escalations: 1
            }]
        );
        let text = d.render(Locale::EnUs);
        assert!(text.contains("$100.80"), "{text}");
        assert!(text.contains("“backfill”"), "{text}");
        assert!(text.contains("#2"), "{text}");
    }

    #[test]
    fn a_scale_up_over_before_the_week_is_not_in_it() {
        let log = vec![
            confirmed(1, 1, at(10, 12), 2, 8),
            confirmed(2, 2, at(11, 12), 8, 2),
        ];
        let d = Digest::from_audit(
            &log,
            &Rates::list_prices(),
            at(23, 12),
            at(30, 12),
            &FollowUpClock::wall(),
        );
        assert!(d.week.is_empty() && d.still_up.is_empty() && d.unanswered.is_empty());
        assert_eq!(d.total, Money::ZERO);
        for loc in Locale::ALL {
            assert!(!d.render(loc).is_empty());
        }
    }

    #[test]
    fn the_slot_is_the_latest_scheduled_hour_not_after_now() {
        // 2026-11-30 is a Monday.
        let mon_9 = at(30, 9);
        assert_eq!(scheduled_slot(mon_9, Weekday::Mon, 9), mon_9);
        assert_eq!(scheduled_slot(at(30, 8), Weekday::Mon, 9), at(23, 9));
        assert_eq!(scheduled_slot(at(30, 8), Weekday::Sun, 9), at(29, 9));
        assert_eq!(
            scheduled_slot(at(30, 23), Weekday::Tue, 0),
            Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap()
        );
    }
}
