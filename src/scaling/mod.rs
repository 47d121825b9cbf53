//! Scaling rules without I/O: raw chat input -> a validated API request, and current vs target
//! -> a [`Plan`] with its risks.
//!
//! Everything here is a pure function of its arguments, so the engine can validate before any
//! API call where possible and the rules can be tested over their whole input space.
//!
//! - [`cdc_target`]: whole CDC cores -> [`CdcScaling`](crate::cloud::model::CdcScaling).
//! - [`replica_patch`]: replica count and per-replica memory bounds, checked against the service
//!   (tier, profile, autoscaling mode, warehouse role, current values) and [`Limits`].
//! - [`idle_patch`]: automatic idling on/off and its timeout.
//! - [`schedule`]: `/scaling-schedule` changes -> the whole schedule to `POST` (add, replace
//!   or remove one entry, clear), with hours, weekdays, overlaps and replicas/memory per mode
//!   checked; [`schedule::schedule_matches`] tells the watcher when the API shows it.
//! - [`plan`]: what changes, field by field, and the [`Risk`]s a [`RiskPolicy`] may want
//!   confirmed; [`matches_target`] tells the watcher when the API reports the target.
//! - [`cost`]: the cost model, configuration + [`Rates`] -> [`Money`] per hour; plans made
//!   with [`plan_priced`] carry the hourly difference ([`CostChange`]).
//! - [`Settings`]: which API settings a change sets, so that only overlapping changes supersede.
//! - [`FollowUpClock`]: the clock follow-ups run and speak on (scaled in `console --sim`).
//! - [`parse_duration`]: `30m`, `4h`, `1h30m`, `2d` for time-boxed requests.
//!
//! The numbers below are the API's (spec 2026-07-31, see the Cloud API notes §6) unless stated.

mod clock;
pub mod cost;
mod error;
mod limits;
mod plan;
mod rules;
pub mod schedule;
mod settings;

pub use clock::FollowUpClock;
pub use cost::{CostChange, Money, NoRate, Rates, ServiceRate};
pub use error::{Bound, DurationProblem, FixedMemory, Origin, RuleError};
pub use limits::{Limits, LimitsError};
pub use plan::{
    hourly_difference, matches_target, no_rate, plan, plan_priced, shown_while_idle, Change,
    Current, Field, Plan, Risk, RiskPolicy, Target, Value,
};
pub use rules::{
    cdc_target, idle_patch, parse_duration, replica_patch, replica_precheck, CdcInput, IdleInput,
    ModeInput, ReplicaInput, ServiceKind,
};
pub use settings::{Setting, Settings};

/// The API's CDC limit: `replicaCpuMillicores` 1000..=32000 (the docs still say 24 cores).
pub const CDC_CORES_SPEC_MAX: u32 = 32;
/// What the docs promise for CDC, and our default limit.
pub const CDC_CORES_DEFAULT_MAX: u32 = 24;
/// `numReplicas` / `minReplicas` / `maxReplicas` up to 50 in the full spec
/// (clickhouse-cloud-api 0.5.0; the 2026-07-31 subset said 20), for organizations whose
/// per-warehouse replica limit support has raised.
pub const REPLICAS_SPEC_MAX: u32 = 50;
/// What the docs ("Horizontal Scaling") allow without a support ticket: our default ceiling.
pub const REPLICAS_DEFAULT_MAX: u32 = 20;
/// The first (primary) service of a warehouse needs at least this many replicas.
pub const PRIMARY_REPLICAS_MIN: u32 = 2;
/// `min/maxReplicaMemoryGb`: 8..=356, multiple of 4.
pub const MEMORY_MIN_GB: u32 = 8;
pub const MEMORY_SPEC_MAX_GB: u32 = 356;
pub const MEMORY_STEP_GB: u32 = 4;
/// The per-replica memory cap of non-paid organizations.
pub const MEMORY_CAP_NON_PAID_GB: u32 = 120;
/// `idleTimeoutMinutes` must be >= 5 (spec).
pub const IDLE_TIMEOUT_MIN_MINUTES: u32 = 5;
/// Our own upper bound (one week): the spec sets none, and a longer timeout is almost
/// certainly a typo (minutes mistaken for seconds) rather than an intent.
pub const IDLE_TIMEOUT_MAX_MINUTES: u32 = 10_080;
/// Bounds of [`parse_duration`].
pub const DURATION_MIN: std::time::Duration = std::time::Duration::from_secs(60);
pub const DURATION_MAX: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

#[cfg(test)]
mod tests;
