//! What a chart shows, built from audit entries: the configuration as the API reported it over
//! time, the events people and the bot caused, and the periods a resource was scaled up.

use chrono::{DateTime, Utc};

use crate::{
    i18n::Locale,
    ops::notices::system_actor,
    scaling::{Current, Money},
    store::{AuditAction, AuditRecord},
};

/// A value known from `at` on (until the next point of its series).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point<V> {
    pub at: DateTime<Utc>,
    pub value: V,
}

/// A lower and an upper bound: a replica range (horizontal mode; `low == high` for a fixed
/// count) or the memory per replica that vertical autoscaling moves between.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds<V> {
    pub low: V,
    pub high: V,
}

/// The kinds of event the chart marks, one row each, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkerKind {
    /// Someone asked for a change.
    Request,
    /// The API reported the change (the ✅ in the thread).
    Confirmation,
    /// A scale-down reminder was posted (or posted again).
    Reminder,
    /// A person answered the bot: Confirm / Cancel on a plan, or a reminder's buttons.
    Answer,
    /// A reminder nobody answered went to the escalation role.
    Escalation,
    /// A change that did not land as asked: failed, timed out, cancelled, expired, superseded.
    NotApplied,
}

impl MarkerKind {
    pub const ALL: [MarkerKind; 6] = [
        Self::Request,
        Self::Confirmation,
        Self::Reminder,
        Self::Answer,
        Self::Escalation,
        Self::NotApplied,
    ];

    /// The Fluent id of its row label.
    pub fn label_id(self) -> &'static str {
        match self {
            Self::Request => "chart-marker-request",
            Self::Confirmation => "chart-marker-confirmation",
            Self::Reminder => "chart-marker-reminder",
            Self::Answer => "chart-marker-answer",
            Self::Escalation => "chart-marker-escalation",
            Self::NotApplied => "chart-marker-not-applied",
        }
    }

    /// The marker an audit entry gets, if any. API calls are implied by their request and
    /// outcome; what the bot does by itself (a timed revert, the scale-down after an
    /// escalation) shows as the request it makes, not as an answer.
    fn of(r: &AuditRecord) -> Option<Self> {
        let e = &r.entry;
        let by_bot = e.actor_id == system_actor().id;
        Some(match e.action {
            AuditAction::Requested => Self::Request,
            AuditAction::Outcome => match e.detail.as_deref() {
                Some("confirmed") => Self::Confirmation,
                Some("noop") => return None,
                _ => Self::NotApplied,
            },
            AuditAction::Reminder => Self::Reminder,
            AuditAction::Escalated => Self::Escalation,
            // A line that could not be delivered is not a scaling event.
            AuditAction::ApiCall | AuditAction::Undelivered => return None,
            AuditAction::Confirmed
            | AuditAction::Cancelled
            | AuditAction::Acknowledged
            | AuditAction::Kept
            | AuditAction::Snoozed
            | AuditAction::Extended
            | AuditAction::Reverted => {
                if by_bot {
                    return None;
                }
                Self::Answer
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker {
    pub at: DateTime<Utc>,
    pub kind: MarkerKind,
}

/// What an episode scaled up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// DB ClickPipes (CDC) cores.
    CdcCores,
    /// The replica count (the top of the range in horizontal mode).
    Replicas,
}

/// A period during which a resource stayed above the level it had before it went up.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    pub resource: Resource,
    pub start: DateTime<Utc>,
    /// `None`: still scaled up at the end of the chart.
    pub end: Option<DateTime<Utc>>,
    /// The level before the scale-up, and the highest level during it.
    pub before: u32,
    pub peak: u32,
    /// What the episode cost beyond `before`, already rendered in the reader's language (the
    /// cost model's estimate); `None` draws the duration only.
    pub extra_cost: Option<String>,
}

/// Everything a chart draws, in UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The service's name as the audit log has it (untrusted: the renderer cleans it).
    pub service: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub cdc_cores: Vec<Point<u32>>,
    pub replicas: Vec<Point<Bounds<u32>>>,
    pub memory_gb: Vec<Point<Bounds<f64>>>,
    pub markers: Vec<Marker>,
    pub episodes: Vec<Episode>,
    /// How many audit entries it was built from.
    pub entries: usize,
    /// The store held more entries for the period than were read (the oldest were left out).
    pub truncated: bool,
}

impl Timeline {
    /// The timeline of `service` between `from` and `to` from its audit entries (any order).
    ///
    /// Values come only from what the API reported: a request's `before` (the configuration
    /// read when the request was made) and an outcome's `after` (what GET showed when the
    /// operation settled). Entries outside `from..=to` are ignored.
    pub fn from_audit(
        service: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        records: &[AuditRecord],
    ) -> Self {
        let mut sorted: Vec<&AuditRecord> = records
            .iter()
            .filter(|r| r.entry.at >= from && r.entry.at <= to)
            .collect();
        sorted.sort_by_key(|r| (r.entry.at, r.id));
        let mut t = Timeline {
            service: service.to_owned(),
            from,
            to,
            cdc_cores: Vec::new(),
            replicas: Vec::new(),
            memory_gb: Vec::new(),
            markers: Vec::new(),
            episodes: Vec::new(),
            entries: sorted.len(),
            truncated: false,
        };
        for r in sorted {
            let e = &r.entry;
            if let Some(kind) = MarkerKind::of(r) {
                t.markers.push(Marker { at: e.at, kind });
            }
            let reported = match e.action {
                AuditAction::Requested => e.before.as_ref(),
                AuditAction::Outcome => e.after.as_ref(),
                _ => None,
            };
            let current = reported.and_then(|v| serde_json::from_value::<Current>(v.clone()).ok());
            if let Some(current) = current {
                t.add(e.at, &current);
            }
        }
        t.episodes = episodes(Resource::CdcCores, &t.cdc_cores, |v| *v)
            .chain(episodes(Resource::Replicas, &t.replicas, |b| b.high))
            .collect();
        t
    }

    /// Label each shaded period with what the cost model says it cost beyond the level
    /// before ([`crate::ops::episodes::episodes`], the one computation every surface prices
    /// scale-ups with), in `loc`: the sum over the cost model's scale-ups of the same resource
    /// that started within the period. A period the cost model could not price (no rate)
    /// keeps its duration only.
    pub fn price_episodes(&mut self, loc: Locale, costed: &[crate::ops::episodes::Episode]) {
        use crate::ops::episodes::Resource as Priced;
        for ep in &mut self.episodes {
            let kind = match ep.resource {
                Resource::CdcCores => Priced::Cdc,
                Resource::Replicas => Priced::Service,
            };
            let mut matched = costed
                .iter()
                .filter(|c| {
                    c.resource == kind
                        && c.started >= ep.start
                        && ep.end.is_none_or(|end| c.started < end)
                })
                .peekable();
            if matched.peek().is_none() {
                continue;
            }
            let cost = matched.fold(Money::ZERO, |sum, c| sum + c.extra_cost);
            ep.extra_cost = Some(crate::i18n::money(loc, cost));
        }
    }

    fn add(&mut self, at: DateTime<Utc>, current: &Current) {
        match current {
            Current::Cdc(cdc) => push_changed(&mut self.cdc_cores, at, cdc.cores()),
            Current::Service(s) => {
                let replicas = match (s.num_replicas, s.min_replicas, s.max_replicas) {
                    (_, Some(low), Some(high)) if low != high => Some(Bounds { low, high }),
                    (Some(n), _, _) => Some(Bounds { low: n, high: n }),
                    (None, Some(low), Some(high)) => Some(Bounds { low, high }),
                    _ => None,
                };
                if let Some(b) = replicas {
                    push_changed(&mut self.replicas, at, b);
                }
                if let (Some(low), Some(high)) = (s.min_replica_memory_gb, s.max_replica_memory_gb)
                {
                    push_changed(&mut self.memory_gb, at, Bounds { low, high });
                }
            }
        }
    }
}

/// Appends a point unless the series already holds that value (a request's `before` usually
/// repeats the last outcome).
fn push_changed<V: PartialEq + Copy>(series: &mut Vec<Point<V>>, at: DateTime<Utc>, value: V) {
    if series.last().is_none_or(|p| p.value != value) {
        series.push(Point { at, value });
    }
}

/// The scale-up episodes of one series: from a point above its predecessor until the first
/// point back at or below the level before.
fn episodes<V>(
    resource: Resource,
    series: &[Point<V>],
    level: impl Fn(&V) -> u32,
) -> impl Iterator<Item = Episode> {
    let mut found = Vec::new();
    let mut open: Option<Episode> = None;
    let mut previous: Option<u32> = None;
    for p in series {
        let v = level(&p.value);
        match open.as_mut() {
            Some(ep) if v <= ep.before => {
                let mut ep = open.take().expect("matched Some");
                ep.end = Some(p.at);
                found.push(ep);
            }
            Some(ep) => ep.peak = ep.peak.max(v),
            None => {
                if let Some(before) = previous.filter(|b| v > *b) {
                    open = Some(Episode {
                        resource,
                        start: p.at,
                        end: None,
                        before,
                        peak: v,
                        extra_cost: None,
                    });
                }
            }
        }
        previous = Some(v);
    }
    found.extend(open);
    found.into_iter()
}
