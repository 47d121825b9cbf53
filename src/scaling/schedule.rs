//! `/scaling-schedule` changes, without I/O: raw input -> the whole schedule to `POST`
//! (`ScalingSchedulePostRequest` is a full replace, so adding, replacing or removing one entry
//! sends every other entry back unchanged), and the checks the spec and the bot's own rules
//! ask for (hours, weekdays, overlapping windows, memory grid, replicas per mode, entry name).
//!
//! Windows are weekly, in UTC: `start..end` hours of each weekday, `end < start` spans
//! midnight and the part after midnight belongs to the weekday it started on (the
//! simulator's reading of the spec, and the only one that makes `weekdays` mean anything for
//! an overnight window).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{
    error::RuleError,
    rules::{replica_precheck, ModeInput, ReplicaInput},
    Limits,
};
use crate::{
    cloud::model::{
        AutoscalingMode, ScalingSchedule, ScalingScheduleEntry, ScalingScheduleEntryRequest,
        ScalingSchedulePost, Service,
    },
    i18n::{self, Locale},
    t,
};

/// Longest entry name the bot accepts (the spec sets none; a chat line must stay readable).
pub const ENTRY_NAME_MAX_CHARS: usize = 64;

/// What `/scaling-schedule action:` asks for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
pub enum ScheduleAction {
    /// Read-only: the entries, the one in force, the baseline.
    #[default]
    Show,
    /// Add an entry, or replace the one with the same name.
    Set,
    /// Remove the entry with this name (the others stay).
    Remove,
    /// Remove every entry: the baseline applies at all times.
    Clear,
}

impl ScheduleAction {
    pub const NAMES: [&'static str; 4] = ["show", "set", "remove", "clear"];
}

/// One entry as typed (`action:set`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EntryInput {
    pub name: Option<String>,
    /// `mon-fri`, `sat,sun`, `daily`, `1,3,5`…
    pub days: Option<String>,
    pub start_hour: Option<i64>,
    pub end_hour: Option<i64>,
    pub mode: Option<ModeInput>,
    pub count: Option<i64>,
    pub min_replicas: Option<i64>,
    pub max_replicas: Option<i64>,
    pub min_memory_gb: Option<i64>,
    pub max_memory_gb: Option<i64>,
    pub idle: Option<bool>,
}

/// A change to a service's scaling schedule, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ScheduleInput {
    /// Boxed: the entry's options outweigh every other request.
    Set(Box<EntryInput>),
    Remove {
        name: Option<String>,
    },
    Clear,
}

/// What is wrong with a schedule change; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleProblem {
    /// `set` / `remove` without `name`.
    NameMissing,
    /// Empty after trimming, too long, or with characters that cannot be shown in chat.
    NameInvalid {
        got: String,
    },
    DaysMissing,
    /// A weekday word the bot does not know (`got` is the word).
    DaysUnreadable {
        got: String,
    },
    HoursMissing,
    StartHour {
        got: i64,
    },
    EndHour {
        got: i64,
    },
    /// `start-hour` equal to `end-hour`: an empty window.
    SameHours {
        hour: u32,
    },
    /// The entry sets nothing (no replicas, memory or idling).
    NothingSet,
    /// One memory bound without the other.
    MemoryPair,
    /// A horizontal entry needs a replica range and one memory size.
    HorizontalIncomplete,
    /// A replica range without `mode:horizontal`.
    RangeInVertical,
    /// A fixed count with `mode:horizontal`.
    CountInHorizontal {
        got: i64,
    },
    /// The window shares hours with another entry.
    Overlap {
        other: String,
        day: u32,
        hour: u32,
    },
    /// `remove` of a name the schedule does not have.
    NoSuchEntry {
        name: String,
        known: Vec<String>,
    },
    /// An entry the API reported but the bot cannot send back (a full replace would lose it).
    Unreadable {
        name: String,
    },
    /// Options that the action does not take (`clear name:…`).
    NotForAction {
        action: ScheduleAction,
        options: Vec<String>,
    },
}

impl ScheduleProblem {
    pub fn user_message(&self, loc: Locale) -> String {
        let names = |v: &[String]| {
            let quoted: Vec<String> = v.iter().map(|n| format!("`{}`", clean_name(n))).collect();
            i18n::join_with(loc, &quoted, i18n::Conjunction::And)
        };
        match self {
            Self::NameMissing => t!(loc, "schedule-rule-name-missing"),
            Self::NameInvalid { got } => t!(
                loc,
                "schedule-rule-name-invalid",
                max = ENTRY_NAME_MAX_CHARS,
                got = format!("{:?}", got.chars().take(80).collect::<String>())
            ),
            Self::DaysMissing => t!(loc, "schedule-rule-days-missing"),
            Self::DaysUnreadable { got } => t!(
                loc,
                "schedule-rule-days-unreadable",
                got = format!("{:?}", got.chars().take(40).collect::<String>())
            ),
            Self::HoursMissing => t!(loc, "schedule-rule-hours-missing"),
            Self::StartHour { got } => t!(loc, "schedule-rule-start-hour", got = got.to_string()),
            Self::EndHour { got } => t!(loc, "schedule-rule-end-hour", got = got.to_string()),
            Self::SameHours { hour } => {
                t!(loc, "schedule-rule-same-hours", hour = hour.to_string())
            }
            Self::NothingSet => t!(loc, "schedule-rule-nothing-set"),
            Self::MemoryPair => t!(loc, "schedule-rule-memory-pair"),
            Self::HorizontalIncomplete => t!(loc, "schedule-rule-horizontal-incomplete"),
            Self::RangeInVertical => t!(loc, "schedule-rule-range-in-vertical"),
            Self::CountInHorizontal { got } => {
                t!(
                    loc,
                    "schedule-rule-count-in-horizontal",
                    got = got.to_string()
                )
            }
            Self::Overlap { other, day, hour } => t!(
                loc,
                "schedule-rule-overlap",
                other = clean_name(other),
                day = t!(loc, "weekday", day = *day),
                hour = format!("{hour:02}:00")
            ),
            Self::NoSuchEntry { name, known } if known.is_empty() => {
                t!(loc, "schedule-rule-no-entries", name = clean_name(name))
            }
            Self::NoSuchEntry { name, known } => t!(
                loc,
                "schedule-rule-no-such-entry",
                name = clean_name(name),
                known = names(known)
            ),
            Self::Unreadable { name } => {
                t!(loc, "schedule-rule-unreadable", name = clean_name(name))
            }
            Self::NotForAction { action, options } => t!(
                loc,
                "schedule-rule-not-for-action",
                action = <&str>::from(*action),
                options = names(options)
            ),
        }
    }
}

/// A name from the API or a user, safe inside inline code: no backticks, line breaks,
/// mentions, at most [`ENTRY_NAME_MAX_CHARS`] characters.
pub fn clean_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control() && *c != '`' && *c != '@')
        .take(ENTRY_NAME_MAX_CHARS)
        .collect()
}

impl EntryInput {
    /// The options given, by their command-option names.
    fn given(&self) -> Vec<&'static str> {
        [
            ("name", self.name.is_some()),
            ("days", self.days.is_some()),
            ("start-hour", self.start_hour.is_some()),
            ("end-hour", self.end_hour.is_some()),
            ("mode", self.mode.is_some()),
            ("count", self.count.is_some()),
            ("min-replicas", self.min_replicas.is_some()),
            ("max-replicas", self.max_replicas.is_some()),
            ("min-memory-gb", self.min_memory_gb.is_some()),
            ("max-memory-gb", self.max_memory_gb.is_some()),
            ("idle", self.idle.is_some()),
        ]
        .into_iter()
        .filter_map(|(n, given)| given.then_some(n))
        .collect()
    }
}

/// The command's options -> what it asks for: `None` to show the schedule, else the change.
/// Options the action does not take are refused (`action:clear name:x` is not "remove x").
pub fn request(
    action: ScheduleAction,
    e: EntryInput,
) -> Result<Option<ScheduleInput>, ScheduleProblem> {
    let takes: &[&str] = match action {
        ScheduleAction::Set => return Ok(Some(ScheduleInput::Set(Box::new(e)))),
        ScheduleAction::Remove => &["name"],
        ScheduleAction::Show | ScheduleAction::Clear => &[],
    };
    let extra: Vec<String> = e
        .given()
        .into_iter()
        .filter(|n| !takes.contains(n))
        .map(str::to_owned)
        .collect();
    if !extra.is_empty() {
        return Err(ScheduleProblem::NotForAction {
            action,
            options: extra,
        });
    }
    Ok(match action {
        ScheduleAction::Show => None,
        ScheduleAction::Remove => Some(ScheduleInput::Remove { name: e.name }),
        ScheduleAction::Clear => Some(ScheduleInput::Clear),
        ScheduleAction::Set => unreachable!("returned above"),
    })
}

fn problem(p: ScheduleProblem) -> RuleError {
    RuleError::Schedule(p)
}

/// `mon-fri`, `sat,sun`, `1,3,5`, `daily`, `weekdays`, `weekends` (any case; ranges may wrap,
/// `fri-mon`) -> sorted weekday numbers, 0 = Sunday.
pub fn parse_weekdays(raw: &str) -> Result<Vec<u8>, ScheduleProblem> {
    const NAMES: [[&str; 2]; 7] = [
        ["sun", "sunday"],
        ["mon", "monday"],
        ["tue", "tuesday"],
        ["wed", "wednesday"],
        ["thu", "thursday"],
        ["fri", "friday"],
        ["sat", "saturday"],
    ];
    let day = |w: &str| -> Result<u8, ScheduleProblem> {
        let w = w.trim().to_ascii_lowercase();
        if let Ok(n) = w.parse::<u8>() {
            if n <= 6 {
                return Ok(n);
            }
        }
        NAMES
            .iter()
            .position(|n| n.contains(&w.as_str()))
            .map(|i| i as u8)
            .ok_or(ScheduleProblem::DaysUnreadable { got: w })
    };
    let mut days = BTreeSet::new();
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ScheduleProblem::DaysMissing);
    }
    for part in raw.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
        match part.trim().to_ascii_lowercase().as_str() {
            "daily" | "all" | "everyday" => days.extend(0..=6),
            "weekdays" => days.extend(1..=5),
            "weekends" => days.extend([0, 6]),
            _ => match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (day(a)?, day(b)?);
                    let mut d = a;
                    loop {
                        days.insert(d);
                        if d == b {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                None => {
                    days.insert(day(part)?);
                }
            },
        }
    }
    Ok(days.into_iter().collect())
}

/// Every check of a schedule change that needs neither the API nor the store.
pub fn schedule_precheck(input: &ScheduleInput, limits: &Limits) -> Result<(), RuleError> {
    match input {
        ScheduleInput::Set(e) => entry_request(e, limits).map(|_| ()),
        ScheduleInput::Remove { name } => entry_name(name.as_deref()).map(|_| ()),
        ScheduleInput::Clear => Ok(()),
    }
}

fn entry_name(name: Option<&str>) -> Result<String, RuleError> {
    let name = name.ok_or(problem(ScheduleProblem::NameMissing))?.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= ENTRY_NAME_MAX_CHARS
        && name
            .chars()
            .all(|c| !c.is_control() && c != '`' && c != '@');
    if ok {
        Ok(name.to_owned())
    } else {
        Err(problem(ScheduleProblem::NameInvalid {
            got: name.to_owned(),
        }))
    }
}

/// The entry as the API takes it, checked: name, weekdays, hours (start 0–23, end 1–24, not
/// equal; `end < start` is an overnight window), then replicas per mode (a fixed count in
/// vertical, a min–max range in horizontal, 1 to the replica limit) and memory (both bounds
/// or none, multiples of 4 within the limit; one size in horizontal).
pub fn entry_request(
    e: &EntryInput,
    limits: &Limits,
) -> Result<ScalingScheduleEntryRequest, RuleError> {
    let name = entry_name(e.name.as_deref())?;
    let weekdays = parse_weekdays(e.days.as_deref().unwrap_or("")).map_err(problem)?;
    let (Some(start), Some(end)) = (e.start_hour, e.end_hour) else {
        return Err(problem(ScheduleProblem::HoursMissing));
    };
    let start = u8::try_from(start)
        .ok()
        .filter(|h| *h <= 23)
        .ok_or(problem(ScheduleProblem::StartHour { got: start }))?;
    let end = u8::try_from(end)
        .ok()
        .filter(|h| (1..=24).contains(h))
        .ok_or(problem(ScheduleProblem::EndHour { got: end }))?;
    if start == end {
        return Err(problem(ScheduleProblem::SameHours {
            hour: u32::from(start),
        }));
    }
    let horizontal = e.mode == Some(ModeInput::Horizontal);
    let has_range = e.min_replicas.is_some() || e.max_replicas.is_some();
    if horizontal {
        if let Some(got) = e.count {
            return Err(problem(ScheduleProblem::CountInHorizontal { got }));
        }
    } else if has_range {
        return Err(problem(ScheduleProblem::RangeInVertical));
    }
    if e.count.is_none()
        && !has_range
        && e.min_memory_gb.is_none()
        && e.max_memory_gb.is_none()
        && e.idle.is_none()
        && e.mode.is_none()
    {
        return Err(problem(ScheduleProblem::NothingSet));
    }
    // The ranges and the memory grid are `/replicas`'s, with the same messages.
    let replicas = ReplicaInput {
        count: e.count,
        min_memory_gb: e.min_memory_gb,
        max_memory_gb: e.max_memory_gb,
        min_replicas: e.min_replicas,
        max_replicas: e.max_replicas,
        mode: e.mode,
    };
    if replicas != ReplicaInput::default() {
        replica_precheck(&replicas, limits)?;
    }
    if e.min_memory_gb.is_some() != e.max_memory_gb.is_some() {
        return Err(problem(ScheduleProblem::MemoryPair));
    }
    if horizontal
        && (e.min_replicas.is_none() || e.max_replicas.is_none() || e.min_memory_gb.is_none())
    {
        return Err(problem(ScheduleProblem::HorizontalIncomplete));
    }
    // Checked above: within 1..=limit and 8..=cap, so the conversions hold.
    let u = |v: Option<i64>| v.and_then(|v| u32::try_from(v).ok());
    Ok(ScalingScheduleEntryRequest {
        name,
        weekdays,
        start_hour_utc: start,
        end_hour_utc: end,
        autoscaling_mode: e.mode.map(ModeInput::wire),
        min_replica_memory_gb: u(e.min_memory_gb),
        max_replica_memory_gb: u(e.max_memory_gb),
        num_replicas: u(e.count),
        min_replicas: u(e.min_replicas),
        max_replicas: u(e.max_replicas),
        idle_scaling: e.idle,
        idle_timeout_minutes: None,
    })
}

/// An entry the API reported, as the request that recreates it; `None` when a required field
/// is missing or the mode is one the bot cannot send.
pub fn entry_as_request(e: &ScalingScheduleEntry) -> Option<ScalingScheduleEntryRequest> {
    let weekdays = e
        .weekdays
        .iter()
        .map(|d| u8::try_from(*d).ok().filter(|d| *d <= 6))
        .collect::<Option<Vec<u8>>>()?;
    if weekdays.is_empty() || e.name.trim().is_empty() {
        return None;
    }
    let start = u8::try_from(e.start_hour_utc?).ok().filter(|h| *h <= 23)?;
    let end = u8::try_from(e.end_hour_utc?)
        .ok()
        .filter(|h| (1..=24).contains(h))?;
    let mode = match &e.autoscaling_mode {
        None => None,
        Some(m) if m.is_known() => Some(m.clone()),
        Some(_) => return None,
    };
    let horizontal = mode == Some(AutoscalingMode::Horizontal);
    // A vertical entry reports its fixed count as an equal min/max pair.
    let (num, min, max) = match (e.min_replicas, e.max_replicas) {
        (Some(a), Some(b)) if horizontal => (None, Some(a), Some(b)),
        (Some(a), Some(b)) if a == b => (Some(a), None, None),
        (None, None) => (None, None, None),
        _ => return None,
    };
    let whole = |v: Option<f64>| -> Option<Option<u32>> {
        match v {
            None => Some(None),
            Some(x) if x.fract() == 0.0 && x >= 0.0 => Some(Some(x as u32)),
            Some(_) => None,
        }
    };
    Some(ScalingScheduleEntryRequest {
        name: e.name.clone(),
        weekdays,
        start_hour_utc: start,
        end_hour_utc: end,
        autoscaling_mode: mode,
        min_replica_memory_gb: whole(e.min_replica_memory_gb)?,
        max_replica_memory_gb: whole(e.max_replica_memory_gb)?,
        num_replicas: num,
        min_replicas: min,
        max_replicas: max,
        idle_scaling: e.idle_scaling,
        idle_timeout_minutes: e.idle_timeout_minutes,
    })
}

/// The hours of the week (day × 24 + hour, day 0 = Sunday) an entry is in force.
fn week_hours(weekdays: &[u8], start: u8, end: u8) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    for d in weekdays {
        let day = u32::from(*d);
        let hours: Vec<u32> = if start < end {
            (u32::from(start)..u32::from(end)).collect()
        } else {
            // Overnight: to midnight, then the next day's early hours.
            (u32::from(start)..24)
                .chain(24..24 + u32::from(end))
                .collect()
        };
        out.extend(hours.into_iter().map(|h| (day * 24 + h) % (7 * 24)));
    }
    out
}

/// The first hour `a` and `b` are both in force, as (weekday, hour).
fn first_shared_hour(
    a: &ScalingScheduleEntryRequest,
    b: &ScalingScheduleEntryRequest,
) -> Option<(u32, u32)> {
    let ha = week_hours(&a.weekdays, a.start_hour_utc, a.end_hour_utc);
    let hb = week_hours(&b.weekdays, b.start_hour_utc, b.end_hour_utc);
    ha.intersection(&hb).next().map(|h| (h / 24, h % 24))
}

/// The entries the service has now, as requests that recreate them.
fn current_entries(service: &Service) -> Result<Vec<ScalingScheduleEntryRequest>, RuleError> {
    let Some(schedule) = &service.scaling_schedule else {
        return Ok(Vec::new());
    };
    schedule
        .entries
        .iter()
        .map(|e| {
            entry_as_request(e).ok_or_else(|| {
                problem(ScheduleProblem::Unreadable {
                    name: e.name.clone(),
                })
            })
        })
        .collect()
}

/// The whole schedule to send: the service's entries with this change made. Overlaps are
/// checked against the entries that stay.
pub fn schedule_post(
    input: &ScheduleInput,
    service: &Service,
    limits: &Limits,
) -> Result<ScalingSchedulePost, RuleError> {
    match input {
        ScheduleInput::Clear => Ok(ScalingSchedulePost::default()),
        ScheduleInput::Remove { name } => {
            let name = entry_name(name.as_deref())?;
            let entries = current_entries(service)?;
            if !entries.iter().any(|e| e.name == name) {
                return Err(problem(ScheduleProblem::NoSuchEntry {
                    name,
                    known: entries.into_iter().map(|e| e.name).collect(),
                }));
            }
            Ok(ScalingSchedulePost {
                entries: entries.into_iter().filter(|e| e.name != name).collect(),
            })
        }
        ScheduleInput::Set(e) => {
            let new = entry_request(e, limits)?;
            let mut entries = current_entries(service)?;
            for other in entries.iter().filter(|o| o.name != new.name) {
                if let Some((day, hour)) = first_shared_hour(&new, other) {
                    return Err(problem(ScheduleProblem::Overlap {
                        other: other.name.clone(),
                        day,
                        hour,
                    }));
                }
            }
            match entries.iter_mut().find(|o| o.name == new.name) {
                Some(slot) => *slot = new,
                None => entries.push(new),
            }
            Ok(ScalingSchedulePost { entries })
        }
    }
}

/// Whether the schedule the API reports holds exactly the entries of `post` (by name, each
/// with the window and settings sent). An empty `post` matches no schedule at all.
pub fn schedule_matches(post: &ScalingSchedulePost, seen: Option<&ScalingSchedule>) -> bool {
    let seen: &[ScalingScheduleEntry] = seen.map_or(&[], |s| &s.entries);
    seen.len() == post.entries.len()
        && post.entries.iter().all(|want| {
            seen.iter()
                .find(|e| e.name == want.name)
                .is_some_and(|e| entry_agrees(want, e))
        })
}

/// The fields the request sets agree with the reported entry (the API reports a vertical
/// entry's fixed count as an equal min/max pair, and a mode left out as vertical).
fn entry_agrees(want: &ScalingScheduleEntryRequest, e: &ScalingScheduleEntry) -> bool {
    let days: BTreeSet<u32> = want.weekdays.iter().map(|d| u32::from(*d)).collect();
    let seen_days: BTreeSet<u32> = e.weekdays.iter().copied().collect();
    let mode = want
        .autoscaling_mode
        .clone()
        .unwrap_or(AutoscalingMode::Vertical);
    let seen_mode = e
        .autoscaling_mode
        .clone()
        .unwrap_or(AutoscalingMode::Vertical);
    let replicas = match (want.num_replicas, want.min_replicas, want.max_replicas) {
        (Some(n), _, _) => e.min_replicas == Some(n) && e.max_replicas == Some(n),
        (None, Some(a), Some(b)) => e.min_replicas == Some(a) && e.max_replicas == Some(b),
        _ => true,
    };
    let gb = |want: Option<u32>, seen: Option<f64>| {
        want.is_none_or(|w| seen.is_some_and(|s| (s - f64::from(w)).abs() < 1e-9))
    };
    days == seen_days
        && e.start_hour_utc == Some(u32::from(want.start_hour_utc))
        && e.end_hour_utc == Some(u32::from(want.end_hour_utc))
        && mode == seen_mode
        && replicas
        && gb(want.min_replica_memory_gb, e.min_replica_memory_gb)
        && gb(want.max_replica_memory_gb, e.max_replica_memory_gb)
        && want.idle_scaling.is_none_or(|w| e.idle_scaling == Some(w))
}

/// Replicas × max memory per replica.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capacity {
    pub replicas: f64,
    pub memory_gb: f64,
}

impl Capacity {
    /// The service's baseline (configured, not what an entry makes it run with now).
    pub fn baseline(s: &Service) -> Option<Self> {
        let replicas = s.num_replicas.or(s.max_replicas)?;
        let memory = s.max_replica_memory_gb.or(s.replica_memory_gb)?;
        Some(Self {
            replicas: f64::from(replicas),
            memory_gb: memory,
        })
    }

    /// What an entry runs with; what it leaves out comes from `base`.
    pub fn of_entry(e: &ScalingScheduleEntryRequest, base: Self) -> Self {
        Self {
            replicas: e
                .num_replicas
                .or(e.max_replicas)
                .map_or(base.replicas, f64::from),
            memory_gb: e.max_replica_memory_gb.map_or(base.memory_gb, f64::from),
        }
    }

    /// Fewer replicas or less memory per replica than `other`.
    pub fn below(self, other: Self) -> bool {
        self.replicas < other.replicas || self.memory_gb < other.memory_gb
    }

    pub fn total(self) -> f64 {
        self.replicas * self.memory_gb
    }
}

/// `` `peak` Mon, Tue 08:00–18:00 UTC: 3 replicas, 16–64 GB per replica `` in `loc`.
pub fn render_entry(loc: Locale, e: &ScalingScheduleEntryRequest) -> String {
    let days: Vec<String> = e
        .weekdays
        .iter()
        .map(|d| t!(loc, "weekday", day = u32::from(*d)))
        .collect();
    let window = t!(
        loc,
        "scaling-schedule-entry",
        name = clean_name(&e.name),
        days = i18n::join(loc, &days),
        start = format!("{:02}:00", e.start_hour_utc),
        end = format!("{:02}:00", e.end_hour_utc)
    );
    let settings = entry_settings(
        loc,
        e.autoscaling_mode.as_ref(),
        match e.num_replicas {
            Some(n) => (Some(n), Some(n)),
            None => (e.min_replicas, e.max_replicas),
        },
        (
            e.min_replica_memory_gb.map(f64::from),
            e.max_replica_memory_gb.map(f64::from),
        ),
        e.idle_scaling,
    );
    t!(
        loc,
        "schedule-entry-line",
        window = window,
        settings = settings
    )
}

/// `` `weekday-peak` Mon, Tue 08:00–18:00 UTC `` in `loc`: an entry's window as the API
/// reports it (`?` for an hour it left out).
pub fn reported_window(loc: Locale, e: &ScalingScheduleEntry) -> String {
    let days: Vec<String> = e
        .weekdays
        .iter()
        .map(|d| t!(loc, "weekday", day = *d))
        .collect();
    let hour = |h: Option<u32>| h.map_or_else(|| "?".to_owned(), |h| format!("{h:02}:00"));
    t!(
        loc,
        "scaling-schedule-entry",
        name = clean_name(&e.name),
        days = i18n::join(loc, &days),
        start = hour(e.start_hour_utc),
        end = hour(e.end_hour_utc)
    )
}

/// An entry as the API reports it: its window and what it sets.
pub fn render_reported(loc: Locale, e: &ScalingScheduleEntry) -> String {
    let settings = entry_settings(
        loc,
        e.autoscaling_mode.as_ref(),
        (e.min_replicas, e.max_replicas),
        (e.min_replica_memory_gb, e.max_replica_memory_gb),
        e.idle_scaling,
    );
    t!(
        loc,
        "schedule-entry-line",
        window = reported_window(loc, e),
        settings = settings
    )
}

fn gb(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// What a mode, replica bounds, memory bounds and idling add up to, in `loc` (what an entry
/// or the baseline sets).
pub fn entry_settings(
    loc: Locale,
    mode: Option<&AutoscalingMode>,
    replicas: (Option<u32>, Option<u32>),
    memory: (Option<f64>, Option<f64>),
    idle: Option<bool>,
) -> String {
    let mut parts = Vec::new();
    if let Some(m) = mode {
        parts.push(super::Value::Mode { mode: m.clone() }.render(loc));
    }
    match replicas {
        (Some(a), Some(b)) if a == b => parts.push(t!(loc, "value-replicas", count = a)),
        (Some(a), Some(b)) => parts.push(t!(
            loc,
            "scaling-replicas-horizontal",
            min = a.to_string(),
            max = b.to_string()
        )),
        _ => {}
    }
    match memory {
        (Some(a), Some(b)) if a == b => parts.push(t!(loc, "scaling-memory", gb = gb(a))),
        (Some(a), Some(b)) => parts.push(t!(loc, "scaling-memory-range", min = gb(a), max = gb(b))),
        _ => {}
    }
    match idle {
        Some(true) => parts.push(t!(loc, "target-idle-on")),
        Some(false) => parts.push(t!(loc, "target-idle-off")),
        None => {}
    }
    if parts.is_empty() {
        return t!(loc, "scaling-unknown");
    }
    i18n::join(loc, &parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, days: &str, start: i64, end: i64) -> EntryInput {
        EntryInput {
            name: Some(name.into()),
            days: Some(days.into()),
            start_hour: Some(start),
            end_hour: Some(end),
            count: Some(3),
            ..EntryInput::default()
        }
    }

    fn service_with(entries: Vec<ScalingScheduleEntryRequest>) -> Service {
        let mut s: Service = serde_json::from_value(serde_json::json!({
            "id": "s", "name": "svc", "numReplicas": 2, "maxReplicaMemoryGb": 32
        }))
        .unwrap();
        s.scaling_schedule = Some(ScalingSchedule {
            entries: entries
                .into_iter()
                .map(|r| ScalingScheduleEntry {
                    id: format!("id-{}", r.name),
                    name: r.name.clone(),
                    weekdays: r.weekdays.iter().map(|d| u32::from(*d)).collect(),
                    start_hour_utc: Some(u32::from(r.start_hour_utc)),
                    end_hour_utc: Some(u32::from(r.end_hour_utc)),
                    min_replicas: r.num_replicas,
                    max_replicas: r.num_replicas,
                    ..ScalingScheduleEntry::default()
                })
                .collect(),
            ..ScalingSchedule::default()
        });
        s
    }

    #[test]
    fn weekdays_read_names_numbers_ranges_and_words() {
        assert_eq!(parse_weekdays("mon-fri").unwrap(), [1, 2, 3, 4, 5]);
        assert_eq!(parse_weekdays("Sat,SUN").unwrap(), [0, 6]);
        assert_eq!(parse_weekdays("fri-mon").unwrap(), [0, 1, 5, 6]);
        assert_eq!(parse_weekdays("1,3 5").unwrap(), [1, 3, 5]);
        assert_eq!(parse_weekdays("daily").unwrap().len(), 7);
        assert_eq!(
            parse_weekdays("mon,funday"),
            Err(ScheduleProblem::DaysUnreadable {
                got: "funday".into()
            })
        );
        assert_eq!(parse_weekdays(" "), Err(ScheduleProblem::DaysMissing));
        assert!(parse_weekdays("7").is_err());
    }

    #[test]
    fn hours_and_modes_are_checked_before_any_call() {
        let limits = Limits::default();
        let bad = |e: EntryInput| entry_request(&e, &limits).unwrap_err();
        assert_eq!(
            bad(entry("p", "mon", 24, 5)),
            problem(ScheduleProblem::StartHour { got: 24 })
        );
        assert_eq!(
            bad(entry("p", "mon", 5, 0)),
            problem(ScheduleProblem::EndHour { got: 0 })
        );
        assert_eq!(
            bad(entry("p", "mon", 5, 5)),
            problem(ScheduleProblem::SameHours { hour: 5 })
        );
        let overnight = entry_request(&entry("night", "fri", 22, 6), &limits).unwrap();
        assert_eq!((overnight.start_hour_utc, overnight.end_hour_utc), (22, 6));
        let mut range = entry("p", "mon", 8, 18);
        range.count = None;
        range.min_replicas = Some(2);
        range.max_replicas = Some(4);
        assert_eq!(
            bad(range.clone()),
            problem(ScheduleProblem::RangeInVertical)
        );
        range.mode = Some(ModeInput::Horizontal);
        assert_eq!(
            bad(range.clone()),
            problem(ScheduleProblem::HorizontalIncomplete)
        );
        range.min_memory_gb = Some(16);
        range.max_memory_gb = Some(16);
        assert!(entry_request(&range, &limits).is_ok());
        let mut too_many = entry("p", "mon", 8, 18);
        too_many.count = Some(21);
        assert!(matches!(bad(too_many), RuleError::Replicas { got: 21, .. }));
        let mut memory = entry("p", "mon", 8, 18);
        memory.min_memory_gb = Some(16);
        assert_eq!(bad(memory), problem(ScheduleProblem::MemoryPair));
        let mut name = entry("a`b", "mon", 8, 18);
        assert!(matches!(
            bad(name.clone()),
            RuleError::Schedule(ScheduleProblem::NameInvalid { .. })
        ));
        name.name = None;
        assert_eq!(bad(name), problem(ScheduleProblem::NameMissing));
    }

    #[test]
    fn overlaps_count_overnight_hours_on_the_next_day() {
        let limits = Limits::default();
        let night = entry_request(&entry("night", "fri", 22, 6), &limits).unwrap();
        let service = service_with(vec![night]);
        let sat_morning = ScheduleInput::Set(Box::new(entry("sat", "sat", 5, 9)));
        assert_eq!(
            schedule_post(&sat_morning, &service, &limits).unwrap_err(),
            problem(ScheduleProblem::Overlap {
                other: "night".into(),
                day: 6,
                hour: 5
            })
        );
        let later = ScheduleInput::Set(Box::new(entry("sat", "sat", 6, 9)));
        let post = schedule_post(&later, &service, &limits).unwrap();
        assert_eq!(post.entries.len(), 2, "the other entry is sent back");
        // Replacing an entry by name does not overlap with itself.
        let again = ScheduleInput::Set(Box::new(entry("night", "fri", 21, 6)));
        let post = schedule_post(&again, &service, &limits).unwrap();
        assert_eq!(post.entries.len(), 1);
        assert_eq!(post.entries[0].start_hour_utc, 21);
    }

    #[test]
    fn remove_keeps_the_others_and_names_the_known_ones() {
        let limits = Limits::default();
        let a = entry_request(&entry("a", "mon", 8, 10), &limits).unwrap();
        let b = entry_request(&entry("b", "tue", 8, 10), &limits).unwrap();
        let service = service_with(vec![a, b.clone()]);
        let post = schedule_post(
            &ScheduleInput::Remove {
                name: Some("a".into()),
            },
            &service,
            &limits,
        )
        .unwrap();
        assert_eq!(post.entries, [b]);
        let missing = schedule_post(
            &ScheduleInput::Remove {
                name: Some("c".into()),
            },
            &service,
            &limits,
        )
        .unwrap_err();
        assert_eq!(
            missing,
            problem(ScheduleProblem::NoSuchEntry {
                name: "c".into(),
                known: vec!["a".into(), "b".into()]
            })
        );
    }

    #[test]
    fn the_reported_schedule_confirms_only_the_entries_sent() {
        let limits = Limits::default();
        let a = entry_request(&entry("a", "mon", 8, 10), &limits).unwrap();
        let service = service_with(vec![a.clone()]);
        let post = ScalingSchedulePost { entries: vec![a] };
        assert!(schedule_matches(&post, service.scaling_schedule.as_ref()));
        assert!(!schedule_matches(
            &ScalingSchedulePost::default(),
            service.scaling_schedule.as_ref()
        ));
        assert!(schedule_matches(&ScalingSchedulePost::default(), None));
        let mut other = post.clone();
        other.entries[0].num_replicas = Some(4);
        assert!(!schedule_matches(&other, service.scaling_schedule.as_ref()));
    }
}
