//! Why a request is refused. Every message is meant to be shown to the person who typed the
//! request as is: it names the field, echoes the value received and says what is allowed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{i18n::Locale, t};

use super::{
    CDC_CORES_SPEC_MAX, DURATION_MAX_TEXT, DURATION_MIN_TEXT, IDLE_TIMEOUT_MAX_MINUTES,
    IDLE_TIMEOUT_MIN_MINUTES, MEMORY_MIN_GB,
};

/// One end of the per-replica memory range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Min => "min memory",
            Self::Max => "max memory",
        })
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
/// Callers branch on the variant (e.g. to highlight a field); the `Display` text is the
/// user-facing explanation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RuleError {
    /// CDC cores outside `1..=max`.
    #[error("{}", cores_message(*got, *max))]
    Cores { got: i64, max: u32 },

    /// Replica count outside `min..=max` (`min` is 2 for the primary service of a warehouse).
    #[error(
        "replicas must be a whole number from {min} to {max}{} (got {got})",
        if *primary { " for the primary service of a warehouse" } else { "" }
    )]
    Replicas {
        got: i64,
        min: u32,
        max: u32,
        primary: bool,
    },

    /// One memory bound is not a multiple of 4 within `8..=max`.
    #[error("{}", memory_message(*bound, *got, *origin, *max, *cap_applies))]
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
    #[error("{}", order_message(*min, *max, *min_origin, *max_origin, *limit))]
    MemoryOrder {
        min: u32,
        max: u32,
        min_origin: Origin,
        max_origin: Origin,
        /// The highest value allowed (cap or spec limit), for the message.
        limit: u32,
    },

    /// Only one bound was given and the service reports no current value for the other.
    #[error(
        "{given} was given alone, but the service reports no current {}; give {} as well \
         (multiples of 4 from {MEMORY_MIN_GB} to {limit} GB per replica, min ≤ max)",
        given.other(), given.other()
    )]
    MemoryUnknown { given: Bound, limit: u32 },

    /// A min–max range on a service that has one memory size per replica.
    #[error("{}", fixed_message(reason, *min, *max, *limit))]
    MemoryNotFixed {
        reason: FixedMemory,
        min: u32,
        max: u32,
        limit: u32,
    },

    /// A fixed replica count for a horizontal-mode service.
    #[error(
        "replicas: this service uses horizontal autoscaling, which takes a min–max replica range, \
         not a fixed count (got {got}); this bot sets fixed counts from 1 to {max} on vertical-mode \
         services only, so change the range in the ClickHouse Cloud console"
    )]
    HorizontalCount { got: i64, max: u32 },

    /// Basic-tier services run one replica and cannot scale at all.
    #[error(
        "Basic-tier services run a single replica and cannot scale; upgrade to Scale or Enterprise \
         (this service's tier is {tier:?}; idling can still be changed)"
    )]
    BasicTier { tier: String },

    /// A replica request with no field set.
    #[error(
        "give at least one of replicas (from 1 to {replicas_max}) or min/max memory \
         (multiples of 4 from {MEMORY_MIN_GB} to {memory_max} GB per replica)"
    )]
    NothingGiven { replicas_max: u32, memory_max: u32 },

    /// Idle timeout outside `5..=10080` minutes.
    #[error(
        "idle timeout must be a whole number of minutes from {IDLE_TIMEOUT_MIN_MINUTES} to \
         {IDLE_TIMEOUT_MAX_MINUTES}, i.e. up to one week (got {got})"
    )]
    IdleTimeout { got: i64 },

    /// A timeout together with turning idling off.
    #[error(
        "idle timeout only applies when idling is on (got {got} with idling off); turn idling off \
         without a timeout, or turn it on with a timeout from {IDLE_TIMEOUT_MIN_MINUTES} to \
         {IDLE_TIMEOUT_MAX_MINUTES} minutes"
    )]
    TimeoutWithIdlingOff { got: i64 },

    /// A user-entered duration that cannot be read or is out of bounds.
    #[error("{}", duration_message(input, *problem))]
    Duration {
        /// The input as typed, shortened for display.
        input: String,
        problem: DurationProblem,
    },
}

fn cores_message(got: i64, max: u32) -> String {
    let hint = if i64::from(max) < got && got <= i64::from(CDC_CORES_SPEC_MAX) {
        format!("; the limit is configurable up to {CDC_CORES_SPEC_MAX}")
    } else {
        String::new()
    };
    format!("cores must be a whole number from 1 to {max} (got {got}){hint}")
}

fn memory_message(bound: Bound, got: i64, origin: Origin, max: u32, cap_applies: bool) -> String {
    let allowed = format!("a multiple of 4 from {MEMORY_MIN_GB} to {max} GB per replica");
    let cap = if cap_applies {
        format!("; {max} GB is this organization's per-replica cap")
    } else {
        String::new()
    };
    match origin {
        Origin::Given => format!("{bound} must be {allowed} (got {got}){cap}"),
        Origin::Current => format!(
            "the service's current {bound} is {got} GB, outside what is allowed ({allowed}){cap}; \
             give {bound} as well"
        ),
    }
}

fn order_message(min: u32, max: u32, min_origin: Origin, max_origin: Origin, limit: u32) -> String {
    match (min_origin, max_origin) {
        (Origin::Given, Origin::Current) => format!(
            "min memory must be from {MEMORY_MIN_GB} to {max} GB per replica, the service's current \
             max memory (got {min}); give max memory as well to go higher"
        ),
        (Origin::Current, Origin::Given) => format!(
            "max memory must be from {min} GB, the service's current min memory, to {limit} GB per \
             replica (got {max}); give min memory as well to go lower"
        ),
        _ => format!(
            "min memory must not be above max memory: both must be multiples of 4 from \
             {MEMORY_MIN_GB} to {limit} GB per replica with min ≤ max (got min {min}, max {max})"
        ),
    }
}

fn fixed_message(reason: &FixedMemory, min: u32, max: u32, limit: u32) -> String {
    let why = match reason {
        FixedMemory::Horizontal => {
            "this service uses horizontal autoscaling, where every replica has one fixed size"
                .to_owned()
        }
        FixedMemory::Profile(p) => format!("profile {p} has no vertical autoscaling"),
    };
    format!(
        "memory: {why}, so min memory must equal max memory (got {min}–{max} GB); give one size, \
         a multiple of 4 from {MEMORY_MIN_GB} to {limit} GB"
    )
}

fn duration_message(input: &str, problem: DurationProblem) -> String {
    match problem {
        DurationProblem::Unreadable => format!(
            "duration must be a length like 30m, 4h, 1h30m or 2d, from {DURATION_MIN_TEXT} to \
             {DURATION_MAX_TEXT} (got {input:?})"
        ),
        DurationProblem::OutOfRange => format!(
            "duration must be from {DURATION_MIN_TEXT} to {DURATION_MAX_TEXT} (got {input:?})"
        ),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn bound_key(b: Bound) -> &'static str {
    match b {
        Bound::Min => "min",
        Bound::Max => "max",
    }
}

impl RuleError {
    /// The explanation in `loc`. In English it is exactly the `Display` text (tests/i18n.rs
    /// checks every variant), which stays as is for logs.
    pub fn user_message(&self, loc: Locale) -> String {
        let mem_min = MEMORY_MIN_GB.to_string();
        match self {
            Self::Cores { got, max } => t!(
                loc,
                "rule-cores",
                hint = yes_no(i64::from(*max) < *got && *got <= i64::from(CDC_CORES_SPEC_MAX)),
                max = max.to_string(),
                got = got.to_string(),
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
                got = got.to_string()
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
                    got = got.to_string(),
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
                got = got.to_string(),
                max = max.to_string()
            ),
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
                got = got.to_string()
            ),
            Self::TimeoutWithIdlingOff { got } => t!(
                loc,
                "rule-timeout-idling-off",
                got = got.to_string(),
                min = IDLE_TIMEOUT_MIN_MINUTES.to_string(),
                max = IDLE_TIMEOUT_MAX_MINUTES.to_string()
            ),
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
