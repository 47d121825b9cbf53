//! Raw chat input -> a validated API request body.
//!
//! Inputs are `i64` because that is what chat surfaces hand over (Discord integer options,
//! parsed console words); every value, including negatives and huge ones, gets a specific
//! message rather than a wrap-around or a panic.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{
    error::{Bound, DurationProblem, FixedMemory, Origin, RuleError},
    Limits, DURATION_MAX, DURATION_MIN, IDLE_TIMEOUT_MAX_MINUTES, IDLE_TIMEOUT_MIN_MINUTES,
    MEMORY_MIN_GB, MEMORY_STEP_GB, PRIMARY_REPLICAS_MIN,
};
use crate::cloud::model::{AutoscalingMode, CdcScaling, ReplicaScalingPatch, Service};

/// `/cdc-scale cores`: whole cores from 1 to [`Limits::cdc_max_cores`]; memory follows (4 GB/core).
pub fn cdc_target(cores: i64, limits: &Limits) -> Result<CdcScaling, RuleError> {
    let max = limits.cdc_max_cores();
    match u32::try_from(cores) {
        Ok(c) if (1..=max).contains(&c) => Ok(CdcScaling::from_cores(c)),
        _ => Err(RuleError::Cores { got: cores, max }),
    }
}

/// `/cdc-scale`: whole CPU cores, as typed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CdcInput {
    pub cores: i64,
}

/// `/replicas`: a fixed replica count (vertical mode) or a min–max replica range (horizontal
/// mode), the per-replica memory range, and a mode switch, as typed.
///
/// The fields added with horizontal autoscaling default to `None`, so operations stored by an
/// older version still load.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReplicaInput {
    pub count: Option<i64>,
    pub min_memory_gb: Option<i64>,
    pub max_memory_gb: Option<i64>,
    #[serde(default)]
    pub min_replicas: Option<i64>,
    #[serde(default)]
    pub max_replicas: Option<i64>,
    #[serde(default)]
    pub mode: Option<ModeInput>,
}

/// `/replicas mode:`: the autoscaling mode asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
pub enum ModeInput {
    /// A fixed replica count, memory between min and max.
    Vertical,
    /// Replicas between min and max at one memory size per replica (the organization must
    /// have the feature).
    Horizontal,
}

impl ModeInput {
    pub const NAMES: [&'static str; 2] = ["vertical", "horizontal"];

    pub fn wire(self) -> AutoscalingMode {
        match self {
            Self::Vertical => AutoscalingMode::Vertical,
            Self::Horizontal => AutoscalingMode::Horizontal,
        }
    }
}

impl ReplicaInput {
    fn has_range(&self) -> bool {
        self.min_replicas.is_some() || self.max_replicas.is_some()
    }
}

/// `/idle`: turn automatic idling on or off; the timeout only goes with turning it on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdleInput {
    pub enabled: bool,
    pub timeout_minutes: Option<i64>,
}

/// What a service's tier, profile, autoscaling mode and warehouse role allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceKind {
    /// The tier as reported, when it is a Basic tier (`development` or `basic`).
    pub basic_tier: Option<String>,
    /// Configured for horizontal autoscaling (replica range, one memory size).
    pub horizontal: bool,
    /// A custom hardware profile (anything but `v1-default`): no vertical autoscaling.
    pub custom_profile: Option<String>,
    /// The primary service of a warehouse (needs at least 2 replicas).
    pub primary: bool,
}

impl ServiceKind {
    pub fn of(service: &Service) -> Self {
        let basic_tier = service
            .tier
            .as_deref()
            .filter(|t| t.eq_ignore_ascii_case("development") || t.eq_ignore_ascii_case("basic"))
            .map(str::to_owned);
        let custom_profile = service
            .profile
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("v1-default"))
            .map(str::to_owned);
        Self {
            basic_tier,
            horizontal: service.autoscaling_mode == AutoscalingMode::Horizontal,
            custom_profile,
            primary: service.is_primary == Some(true) && service.data_warehouse_id.is_some(),
        }
    }

    /// The lowest fixed replica count the API accepts for this service.
    pub fn min_replicas(&self) -> u32 {
        if self.primary {
            PRIMARY_REPLICAS_MIN
        } else {
            1
        }
    }

    /// Why min memory must equal max memory, if it must.
    pub fn fixed_memory(&self) -> Option<FixedMemory> {
        if self.horizontal {
            Some(FixedMemory::Horizontal)
        } else {
            self.custom_profile.clone().map(FixedMemory::Profile)
        }
    }
}

/// `/replicas`: validates the input against the service and the limits and returns the PATCH
/// body for `…/replicaScaling`.
///
/// - The memory bounds are always sent as a pair (absolute values, retry-safe, and the watcher
///   can confirm both). When one bound is given, the other is the service's current value, and
///   the pair must still be valid; on a service with one memory size per replica (horizontal
///   mode, custom profile) one given bound sets both, since a range is not possible there.
/// - A fixed count is refused for horizontal-mode services: their count is a range, which this
///   bot does not manage.
pub fn replica_patch(
    input: &ReplicaInput,
    service: &Service,
    limits: &Limits,
) -> Result<ReplicaScalingPatch, RuleError> {
    if *input == ReplicaInput::default() {
        return Err(RuleError::NothingGiven {
            replicas_max: limits.replicas_max(),
            memory_max: limits.memory_max_gb(),
        });
    }
    let kind = ServiceKind::of(service);
    if let Some(tier) = kind.basic_tier.clone() {
        return Err(RuleError::BasicTier { tier });
    }
    // The mode the service will be in: the one asked for, else the one it has.
    let horizontal = match input.mode {
        Some(mode) => mode == ModeInput::Horizontal,
        None => kind.horizontal,
    };
    let max = limits.replicas_max();
    let mut patch = ReplicaScalingPatch {
        autoscaling_mode: input.mode.map(ModeInput::wire),
        ..ReplicaScalingPatch::default()
    };
    if input.count.is_some() && input.has_range() {
        return Err(RuleError::CountWithRange { max });
    }
    if let Some(count) = input.count {
        if horizontal {
            return Err(RuleError::HorizontalCount { got: count, max });
        }
        let min = kind.min_replicas();
        let n = u32::try_from(count)
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or(RuleError::Replicas {
                got: count,
                min,
                max,
                primary: kind.primary,
            })?;
        patch.num_replicas = Some(n);
    }
    if input.has_range() {
        if !horizontal {
            return Err(RuleError::RangeInVertical { max });
        }
        let (min, max) = replica_range(input, service, &kind, limits)?;
        patch.min_replicas = Some(min);
        patch.max_replicas = Some(max);
    }
    let fixed = if horizontal {
        Some(FixedMemory::Horizontal)
    } else {
        kind.custom_profile.clone().map(FixedMemory::Profile)
    };
    if let Some((min, max)) = memory_pair(input, service, fixed, limits)? {
        patch.min_replica_memory_gb = Some(min);
        patch.max_replica_memory_gb = Some(max);
    }
    Ok(patch)
}

/// The part of [`replica_patch`]'s checks that needs no service: nothing given, a count
/// outside 1..=max, a memory bound off the grid, or min above max when both are given. The
/// engine runs it before its first API call, so such input costs none.
pub fn replica_precheck(input: &ReplicaInput, limits: &Limits) -> Result<(), RuleError> {
    if *input == ReplicaInput::default() {
        return Err(RuleError::NothingGiven {
            replicas_max: limits.replicas_max(),
            memory_max: limits.memory_max_gb(),
        });
    }
    if let Some(count) = input.count {
        let max = limits.replicas_max();
        if !u32::try_from(count).is_ok_and(|n| (1..=max).contains(&n)) {
            return Err(RuleError::Replicas {
                got: count,
                min: 1,
                max,
                primary: false,
            });
        }
    }
    let max_replicas = limits.replicas_max();
    if input.count.is_some() && input.has_range() {
        return Err(RuleError::CountWithRange { max: max_replicas });
    }
    match input.mode {
        Some(ModeInput::Vertical) if input.has_range() => {
            return Err(RuleError::RangeInVertical { max: max_replicas })
        }
        Some(ModeInput::Horizontal) => {
            if let Some(got) = input.count {
                return Err(RuleError::HorizontalCount {
                    got,
                    max: max_replicas,
                });
            }
        }
        _ => {}
    }
    let min_r = input
        .min_replicas
        .map(|v| check_replica_bound(Bound::Min, v, 1, max_replicas))
        .transpose()?;
    let max_r = input
        .max_replicas
        .map(|v| check_replica_bound(Bound::Max, v, 1, max_replicas))
        .transpose()?;
    if let (Some(min), Some(max)) = (min_r, max_r) {
        if min > max {
            return Err(RuleError::ReplicaOrder {
                min,
                max,
                limit: max_replicas,
            });
        }
    }
    let check_given = |bound, v| check_memory(bound, v, Origin::Given, limits);
    let min = input
        .min_memory_gb
        .map(|v| check_given(Bound::Min, v))
        .transpose()?;
    let max = input
        .max_memory_gb
        .map(|v| check_given(Bound::Max, v))
        .transpose()?;
    if let (Some(min), Some(max)) = (min, max) {
        if input.mode == Some(ModeInput::Horizontal) && min != max {
            return Err(RuleError::MemoryNotFixed {
                reason: FixedMemory::Horizontal,
                min,
                max,
                limit: limits.memory_max_gb(),
            });
        }
        if min > max {
            return Err(RuleError::MemoryOrder {
                min,
                max,
                min_origin: Origin::Given,
                max_origin: Origin::Given,
                limit: limits.memory_max_gb(),
            });
        }
    }
    Ok(())
}

/// The validated memory pair, or `None` when no bound was given.
fn memory_pair(
    input: &ReplicaInput,
    service: &Service,
    fixed: Option<FixedMemory>,
    limits: &Limits,
) -> Result<Option<(u32, u32)>, RuleError> {
    let check_given = |bound, v| check_memory(bound, v, Origin::Given, limits);
    let given_min = input
        .min_memory_gb
        .map(|v| check_given(Bound::Min, v))
        .transpose()?;
    let given_max = input
        .max_memory_gb
        .map(|v| check_given(Bound::Max, v))
        .transpose()?;
    let limit = limits.memory_max_gb();
    // The other bound from the service, when only one was given on a range-capable service.
    let from_current = |given: Bound| -> Result<u32, RuleError> {
        let other = given.other();
        let current =
            current_memory_gb(service, other).ok_or(RuleError::MemoryUnknown { given, limit })?;
        check_memory(other, current, Origin::Current, limits)
    };
    let (min, max, min_origin, max_origin) = match (given_min, given_max, fixed.is_some()) {
        (None, None, _) => return Ok(None),
        (Some(a), Some(b), _) => (a, b, Origin::Given, Origin::Given),
        (Some(a), None, true) | (None, Some(a), true) => (a, a, Origin::Given, Origin::Given),
        (Some(a), None, false) => (a, from_current(Bound::Min)?, Origin::Given, Origin::Current),
        (None, Some(b), false) => (from_current(Bound::Max)?, b, Origin::Current, Origin::Given),
    };
    if let Some(reason) = fixed {
        if min != max {
            return Err(RuleError::MemoryNotFixed {
                reason,
                min,
                max,
                limit,
            });
        }
    }
    if min > max {
        return Err(RuleError::MemoryOrder {
            min,
            max,
            min_origin,
            max_origin,
            limit,
        });
    }
    Ok(Some((min, max)))
}

/// The validated replica range of a horizontal target, always sent as a pair (absolute values,
/// retry-safe, and the watcher can confirm both). A bound not given is the service's current
/// one; on a service switching from vertical mode, its fixed count.
fn replica_range(
    input: &ReplicaInput,
    service: &Service,
    kind: &ServiceKind,
    limits: &Limits,
) -> Result<(u32, u32), RuleError> {
    let limit = limits.replicas_max();
    let floor = kind.min_replicas();
    let cs = &service.current_scaling;
    let current = |bound: Bound| -> Option<u32> {
        let (configured, effective) = match bound {
            Bound::Min => (service.min_replicas, cs.effective_min_replicas),
            Bound::Max => (service.max_replicas, cs.effective_max_replicas),
        };
        if kind.horizontal {
            configured.or(effective)
        } else {
            service.num_replicas
        }
    };
    let pick = |bound: Bound, given: Option<i64>| -> Result<u32, RuleError> {
        match given {
            Some(v) => check_replica_bound(bound, v, floor, limit),
            None => current(bound)
                .ok_or(RuleError::ReplicaRangeUnknown {
                    given: bound.other(),
                    limit,
                })
                .and_then(|v| check_replica_bound(bound, i64::from(v), 1, limit)),
        }
    };
    let min = pick(Bound::Min, input.min_replicas)?;
    let max = pick(Bound::Max, input.max_replicas)?;
    if min > max {
        return Err(RuleError::ReplicaOrder { min, max, limit });
    }
    Ok((min, max))
}

fn check_replica_bound(bound: Bound, v: i64, floor: u32, max: u32) -> Result<u32, RuleError> {
    u32::try_from(v)
        .ok()
        .filter(|n| (floor..=max).contains(n))
        .ok_or(RuleError::ReplicaBound {
            bound,
            got: v,
            min: floor,
            max,
        })
}

fn check_memory(bound: Bound, v: i64, origin: Origin, limits: &Limits) -> Result<u32, RuleError> {
    let max = limits.memory_max_gb();
    u32::try_from(v)
        .ok()
        .filter(|gb| (MEMORY_MIN_GB..=max).contains(gb) && gb % MEMORY_STEP_GB == 0)
        .ok_or(RuleError::Memory {
            bound,
            got: v,
            origin,
            max,
            cap_applies: limits.memory_cap_applies(),
        })
}

/// The service's configured value of one bound, falling back to what is in force now.
/// `None` when the API reports nothing usable (absent, or not a whole number of GB).
fn current_memory_gb(service: &Service, bound: Bound) -> Option<i64> {
    let cs = &service.current_scaling;
    let (baseline, effective) = match bound {
        Bound::Min => (
            service.min_replica_memory_gb,
            cs.effective_min_replica_memory_gb,
        ),
        Bound::Max => (
            service.max_replica_memory_gb,
            cs.effective_max_replica_memory_gb,
        ),
    };
    baseline
        .or(service.replica_memory_gb)
        .or(effective)
        .filter(|v| v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15)
        .map(|v| v as i64)
}

/// `/idle`: the PATCH body for `…/replicaScaling`.
///
/// - Turning idling on without a timeout leaves the current timeout alone (it is not sent).
/// - A timeout with idling off is refused rather than sent or dropped: the timeout only has
///   an effect while idling is on, so accepting it would tell the user something changed when
///   nothing visible did, and dropping it silently would hide a likely mistake.
///
/// Unlike the design draft this takes no `Service`: no idling rule depends on the service, and
/// without it the engine can reject bad input before its first API call.
pub fn idle_patch(input: &IdleInput) -> Result<ReplicaScalingPatch, RuleError> {
    let timeout = match (input.enabled, input.timeout_minutes) {
        (false, Some(got)) => return Err(RuleError::TimeoutWithIdlingOff { got }),
        (_, None) => None,
        (true, Some(got)) => Some(
            u32::try_from(got)
                .ok()
                .filter(|m| (IDLE_TIMEOUT_MIN_MINUTES..=IDLE_TIMEOUT_MAX_MINUTES).contains(m))
                .ok_or(RuleError::IdleTimeout { got })?,
        ),
    };
    Ok(ReplicaScalingPatch {
        idle_scaling: Some(input.enabled),
        idle_timeout_minutes: timeout,
        ..ReplicaScalingPatch::default()
    })
}

/// A user-entered duration such as `30m`, `4h`, `1h30m` or `2d`, from 1 minute to 30 days.
pub fn parse_duration(s: &str) -> Result<Duration, RuleError> {
    let text = s.trim();
    let problem = match humantime::parse_duration(text) {
        Ok(d) if (DURATION_MIN..=DURATION_MAX).contains(&d) => return Ok(d),
        Ok(_) => DurationProblem::OutOfRange,
        // `99999999999999999999m` is a duration, just far too long: say the range.
        Err(humantime::DurationError::NumberOverflow) => DurationProblem::OutOfRange,
        Err(_) => DurationProblem::Unreadable,
    };
    Err(RuleError::Duration {
        input: shorten(text, 40),
        problem,
    })
}

/// Echo at most `max` characters of user input back.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}
