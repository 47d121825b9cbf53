//! Why a request is refused. Every message is meant to be shown to the person who typed the
//! request as is: it names the field, echoes the value received and says what is allowed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{i18n::Locale, t};

use super::{
    CDC_CORES_SPEC_MAX, IDLE_TIMEOUT_MAX_MINUTES, IDLE_TIMEOUT_MIN_MINUTES, MEMORY_MIN_GB,
};

/// One end of the per-replica memory range (`min`, `max`: also the key the Fluent messages
/// select on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Bound {
    Min,
    Max,
}

impl Bound {
    pub fn other(self) -> Self {
        match self {
            Self::Min => Self::Max,
            Self::Max => Self::Min,
        }
    }
}

/// Where a value of a memory pair came from: the request, or the service's current setting
/// (when only one bound was given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Given,
    Current,
}

/// Why a service can only have one memory size per replica (min = max).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixedMemory {
    /// Horizontal autoscaling: replicas are added or removed, each has one size.
    Horizontal,
    /// A custom hardware profile (e.g. `v1-highmem-m`) has no vertical autoscaling.
    Profile(String),
}

/// What is wrong with a user-entered duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationProblem {
    /// Not a duration at all (`"abc"`, `"30"` without a unit).
    Unreadable,
    /// A duration, but shorter than the minimum or longer than the maximum.
    OutOfRange,
}

/// A request that breaks a scaling rule; nothing was sent to the API.
///
/// Callers branch on the variant (e.g. to highlight a field); [`RuleError::user_message`] is
/// the user-facing explanation, and `Display` is its English (from the same Fluent file, so
/// the two cannot drift apart).
///
/// A `got` of `i64::MAX` or `i64::MIN` stands for any number beyond what `i64` holds (input
/// parsers saturate), and reads "… or more" / "… or less".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RuleError {
    /// CDC cores outside `1..=max`.
    Cores { got: i64, max: u32 },

    /// Replica count outside `min..=max` (`min` is 2 for the primary service of a warehouse).
    Replicas {
        got: i64,
        min: u32,
        max: u32,
        primary: bool,
    },

    /// One memory bound is not a multiple of 4 within `8..=max`.
    Memory {
        bound: Bound,
        got: i64,
        origin: Origin,
        /// The highest value allowed: the organization's cap when known, else the spec's 356.
        max: u32,
        /// `max` is the organization's cap, lower than the spec's limit.
        cap_applies: bool,
    },

    /// Min memory above max memory.
    MemoryOrder {
        min: u32,
        max: u32,
        min_origin: Origin,
        max_origin: Origin,
        /// The highest value allowed (cap or spec limit), for the message.
        limit: u32,
    },

    /// Only one bound was given and the service reports no current value for the other.
    MemoryUnknown { given: Bound, limit: u32 },

    /// A min–max range on a service that has one memory size per replica.
    MemoryNotFixed {
        reason: FixedMemory,
        min: u32,
        max: u32,
        limit: u32,
    },

    /// A fixed replica count for a horizontal-mode service.
    HorizontalCount { got: i64, max: u32 },

    /// `min-replicas` / `max-replicas` outside `min..=max` (`min` is 2 for a warehouse's
    /// primary service).
    ReplicaBound {
        bound: Bound,
        got: i64,
        min: u32,
        max: u32,
    },

    /// Min replicas above max replicas.
    ReplicaOrder { min: u32, max: u32, limit: u32 },

    /// Only one end of the replica range was given and the service reports no other.
    ReplicaRangeUnknown { given: Bound, limit: u32 },

    /// A fixed count together with a replica range (`numReplicas` excludes min/max).
    CountWithRange { max: u32 },

    /// A replica range for a service that stays in vertical mode.
    RangeInVertical { max: u32 },

    /// Basic-tier services run one replica and cannot scale at all.
    BasicTier { tier: String },

    /// A replica request with no field set.
    NothingGiven { replicas_max: u32, memory_max: u32 },

    /// Idle timeout outside `5..=10080` minutes.
    IdleTimeout { got: i64 },

    /// A timeout together with turning idling off.
    TimeoutWithIdlingOff { got: i64 },

    /// A `/scaling-schedule` change that breaks a schedule rule.
    Schedule(super::schedule::ScheduleProblem),

    /// A user-entered duration that cannot be read or is out of bounds.
    Duration {
        /// The input as typed, shortened for display.
        input: String,
        problem: DurationProblem,
    },
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn bound_key(b: Bound) -> &'static str {
    b.into()
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message(Locale::EnUs))
    }
}

impl std::error::Error for RuleError {}

/// The value received, as typed; a saturated one says it stands for a larger (smaller) one.
fn received(loc: Locale, v: i64) -> String {
    match v {
        i64::MAX => t!(loc, "rule-got-or-more", n = v.to_string()),
        i64::MIN => t!(loc, "rule-got-or-less", n = v.to_string()),
        _ => v.to_string(),
    }
}

impl RuleError {
    /// The explanation in `loc`; in English it is the `Display` text, for logs.
    pub fn user_message(&self, loc: Locale) -> String {
        let mem_min = MEMORY_MIN_GB.to_string();
        match self {
            Self::Cores { got, max } => t!(
                loc,
                "rule-cores",
                hint = yes_no(i64::from(*max) < *got && *got <= i64::from(CDC_CORES_SPEC_MAX)),
                max = max.to_string(),
                got = received(loc, *got),
                spec_max = CDC_CORES_SPEC_MAX.to_string()
            ),
            Self::Replicas {
                got,
                min,
                max,
                primary,
            } => t!(
                loc,
                "rule-replicas",
                primary = yes_no(*primary),
                min = min.to_string(),
                max = max.to_string(),
                got = received(loc, *got)
            ),
            Self::Memory {
                bound,
                got,
                origin,
                max,
                cap_applies,
            } => {
                let allowed = t!(
                    loc,
                    "rule-memory-allowed",
                    mem_min = mem_min.as_str(),
                    max = max.to_string()
                );
                let cap = if *cap_applies {
                    t!(loc, "rule-memory-cap", max = max.to_string())
                } else {
                    String::new()
                };
                let id = match origin {
                    Origin::Given => "rule-memory-given",
                    Origin::Current => "rule-memory-current",
                };
                t!(
                    loc,
                    id,
                    bound = bound_key(*bound),
                    allowed = allowed,
                    got = received(loc, *got),
                    cap = cap
                )
            }
            Self::MemoryOrder {
                min,
                max,
                min_origin,
                max_origin,
                limit,
            } => {
                let id = match (min_origin, max_origin) {
                    (Origin::Given, Origin::Current) => "rule-order-min",
                    (Origin::Current, Origin::Given) => "rule-order-max",
                    _ => "rule-order",
                };
                t!(
                    loc,
                    id,
                    mem_min = mem_min.as_str(),
                    min = min.to_string(),
                    max = max.to_string(),
                    limit = limit.to_string()
                )
            }
            Self::MemoryUnknown { given, limit } => t!(
                loc,
                "rule-memory-unknown",
                given = bound_key(*given),
                mem_min = mem_min.as_str(),
                limit = limit.to_string()
            ),
            Self::MemoryNotFixed {
                reason,
                min,
                max,
                limit,
            } => {
                let (id, profile) = match reason {
                    FixedMemory::Horizontal => ("rule-fixed-horizontal", String::new()),
                    FixedMemory::Profile(p) => ("rule-fixed-profile", p.clone()),
                };
                t!(
                    loc,
                    id,
                    profile = profile,
                    min = min.to_string(),
                    max = max.to_string(),
                    mem_min = mem_min.as_str(),
                    limit = limit.to_string()
                )
            }
            Self::HorizontalCount { got, max } => t!(
                loc,
                "rule-horizontal-count",
                got = received(loc, *got),
                max = max.to_string()
            ),
            Self::ReplicaBound {
                bound,
                got,
                min,
                max,
            } => t!(
                loc,
                "rule-replica-bound",
                bound = bound_key(*bound),
                min = min.to_string(),
                max = max.to_string(),
                got = received(loc, *got)
            ),
            Self::ReplicaOrder { min, max, limit } => t!(
                loc,
                "rule-replica-order",
                min = min.to_string(),
                max = max.to_string(),
                limit = limit.to_string()
            ),
            Self::ReplicaRangeUnknown { given, limit } => t!(
                loc,
                "rule-replica-range-unknown",
                given = bound_key(*given),
                limit = limit.to_string()
            ),
            Self::CountWithRange { max } => {
                t!(loc, "rule-count-with-range", max = max.to_string())
            }
            Self::RangeInVertical { max } => {
                t!(loc, "rule-range-in-vertical", max = max.to_string())
            }
            Self::BasicTier { tier } => t!(loc, "rule-basic-tier", tier = format!("{tier:?}")),
            Self::NothingGiven {
                replicas_max,
                memory_max,
            } => t!(
                loc,
                "rule-nothing-given",
                replicas_max = replicas_max.to_string(),
                mem_min = mem_min.as_str(),
                memory_max = memory_max.to_string()
            ),
            Self::IdleTimeout { got } => t!(
                loc,
                "rule-idle-timeout",
                min = IDLE_TIMEOUT_MIN_MINUTES.to_string(),
                max = IDLE_TIMEOUT_MAX_MINUTES.to_string(),
                got = received(loc, *got)
            ),
            Self::TimeoutWithIdlingOff { got } => t!(
                loc,
                "rule-timeout-idling-off",
                got = received(loc, *got),
                min = IDLE_TIMEOUT_MIN_MINUTES.to_string(),
                max = IDLE_TIMEOUT_MAX_MINUTES.to_string()
            ),
            Self::Schedule(p) => p.user_message(loc),
            Self::Duration { input, problem } => {
                let id = match problem {
                    DurationProblem::Unreadable => "rule-duration-unreadable",
                    DurationProblem::OutOfRange => "rule-duration-range",
                };
                t!(loc, id, input = format!("{input:?}"))
            }
        }
    }
}
