//! Current vs target: what changes, what it risks, and when the API reports the target.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::cloud::model::{
    AutoscalingMode, CdcScaling, ReplicaScalingPatch, Service, ServiceState,
};

/// The configuration as the API reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Current {
    Cdc(CdcScaling),
    Service(Box<Service>),
}

/// The configuration asked for: exactly the PATCH body that will be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Target {
    Cdc(CdcScaling),
    Service(ReplicaScalingPatch),
}

/// A setting as people think of it (memory min and max are one range, idling and its timeout
/// one setting), so a plan reads like the command that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// CDC ClickPipes compute: cores and memory.
    CdcCompute,
    AutoscalingMode,
    /// Fixed replica count (vertical mode).
    Replicas,
    /// Min–max replicas (horizontal mode).
    ReplicaRange,
    /// Per-replica memory range.
    Memory,
    /// Automatic idling and its timeout.
    Idling,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CdcCompute => "CDC compute",
            Self::AutoscalingMode => "autoscaling mode",
            Self::Replicas => "replicas",
            Self::ReplicaRange => "replica range",
            Self::Memory => "memory per replica",
            Self::Idling => "idling",
        })
    }
}

/// One field's values, with units (`4 cores / 16 GB`, `3 replicas`, `16–64 GB per replica`,
/// `idling on, 15 min timeout`). `from` is `None` when the API did not report the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: Field,
    pub from: Option<String>,
    pub to: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field == Field::CdcCompute {
            write!(f, "{}: ", self.field)?;
        }
        match &self.from {
            Some(from) if *from == self.to => write!(f, "already {}", self.to),
            Some(from) => write!(f, "{from} -> {}", self.to),
            None => write!(f, "{} (currently unknown)", self.to),
        }
    }
}

/// Why a change might deserve a second look.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "risk", rename_all = "snake_case")]
pub enum Risk {
    /// Fewer CDC cores, fewer replicas or a lower max memory per replica.
    CapacityDown,
    /// New cost / old cost, when above 1: the CDC core ratio, or replicas × max memory.
    CostUp { factor: f64 },
    /// Idling turns on: the first query after an idle period waits for the service to start.
    Idling { customer_facing: bool },
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CapacityDown => f.write_str("capacity goes down"),
            Self::CostUp { factor } => write!(f, "cost x{factor:.1}"),
            Self::Idling {
                customer_facing: true,
            } => f.write_str("turns on idling for a customer-facing service"),
            Self::Idling {
                customer_facing: false,
            } => f.write_str("turns on idling"),
        }
    }
}

/// Which risks need a human's confirmation before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RiskPolicy {
    /// Confirm when the cost grows by more than this factor (default 2.0).
    pub cost_up_confirm_factor: f64,
    /// The service serves customers: idling it needs a confirmation.
    pub customer_facing: bool,
}

impl Default for RiskPolicy {
    fn default() -> Self {
        Self {
            cost_up_confirm_factor: 2.0,
            customer_facing: false,
        }
    }
}

impl RiskPolicy {
    /// Capacity down: always. Cost up: by more than the factor. Idling: customer-facing only.
    pub fn requires_confirmation(&self, risk: &Risk) -> bool {
        match risk {
            Risk::CapacityDown => true,
            Risk::CostUp { factor } => *factor > self.cost_up_confirm_factor,
            Risk::Idling { customer_facing } => *customer_facing,
        }
    }
}

/// What a target changes, field by field, and what that risks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Fields whose value changes; empty means there is nothing to do.
    pub changes: Vec<Change>,
    /// Fields the target sets to the value they already have (`from == Some(to)`).
    pub unchanged: Vec<Change>,
    pub risks: Vec<Risk>,
    /// The policy the plan was made with; decides [`Plan::needs_confirmation`].
    pub policy: RiskPolicy,
}

impl Plan {
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn needs_confirmation(&self) -> bool {
        !self.confirmation_reasons().is_empty()
    }

    /// The risks the policy wants confirmed (a subset of `risks`), for the confirmation prompt.
    pub fn confirmation_reasons(&self) -> Vec<&Risk> {
        self.risks
            .iter()
            .filter(|r| self.policy.requires_confirmation(r))
            .collect()
    }

    /// One line for a status message, e.g.
    /// `CDC compute: 2 cores / 8 GB -> 8 cores / 32 GB (cost x4.0)`.
    ///
    /// It names no service: callers put the service name in front (the plan is made from API
    /// values, and the CDC endpoint does not return the service name).
    pub fn summary(&self) -> String {
        if self.is_noop() {
            let prefix = match self.unchanged.first() {
                Some(c) if c.field == Field::CdcCompute => "CDC compute: ",
                _ => "",
            };
            let values: Vec<&str> = self.unchanged.iter().map(|c| c.to.as_str()).collect();
            return if values.is_empty() {
                format!("{prefix}no change")
            } else {
                format!("{prefix}no change, already {}", values.join(", "))
            };
        }
        let changes: Vec<String> = self.changes.iter().map(Change::to_string).collect();
        let mut line = changes.join(", ");
        if !self.risks.is_empty() {
            let risks: Vec<String> = self.risks.iter().map(Risk::to_string).collect();
            line.push_str(&format!(" ({})", risks.join(", ")));
        }
        line
    }
}

/// Compares the target with the current configuration.
///
/// Only fields the target sets are compared (a PATCH leaves the others alone). A target equal
/// to the current values gives a plan without changes (a no-op) and without risks.
pub fn plan(current: &Current, target: &Target, policy: &RiskPolicy) -> Plan {
    let mut b = Builder {
        changes: Vec::new(),
        unchanged: Vec::new(),
        risks: Vec::new(),
    };
    match (target, current) {
        (Target::Cdc(to), Current::Cdc(from)) => b.cdc(Some(from), to),
        (Target::Cdc(to), Current::Service(_)) => b.cdc(None, to),
        (Target::Service(p), Current::Service(s)) => b.service(&Seen::of(s), p, policy),
        (Target::Service(p), Current::Cdc(_)) => b.service(&Seen::default(), p, policy),
    }
    Plan {
        changes: b.changes,
        unchanged: b.unchanged,
        risks: b.risks,
        policy: *policy,
    }
}

struct Builder {
    changes: Vec<Change>,
    unchanged: Vec<Change>,
    risks: Vec<Risk>,
}

impl Builder {
    fn push(&mut self, field: Field, changed: bool, from: Option<String>, to: String) {
        let change = Change { field, from, to };
        if changed {
            self.changes.push(change);
        } else {
            self.unchanged.push(change);
        }
    }

    fn cdc(&mut self, from: Option<&CdcScaling>, to: &CdcScaling) {
        let changed = from != Some(to);
        self.push(Field::CdcCompute, changed, from.map(cdc_text), cdc_text(to));
        let Some(from) = from else { return };
        let (old, new) = (from.replica_cpu_millicores, to.replica_cpu_millicores);
        if new < old {
            self.risks.push(Risk::CapacityDown);
        } else if new > old && old > 0 {
            self.risks.push(Risk::CostUp {
                factor: f64::from(new) / f64::from(old),
            });
        }
    }

    fn service(&mut self, seen: &Seen, p: &ReplicaScalingPatch, policy: &RiskPolicy) {
        self.service_capacity(seen, p);
        if let Some(mode) = &p.autoscaling_mode {
            let changed = seen.mode.as_ref() != Some(mode);
            self.push(
                Field::AutoscalingMode,
                changed,
                seen.mode.as_ref().map(mode_text),
                mode_text(mode),
            );
        }
        if let Some(n) = p.num_replicas {
            let changed = seen.replicas != Some(n);
            self.push(
                Field::Replicas,
                changed,
                seen.replicas.map(replicas_text),
                replicas_text(n),
            );
        }
        if p.min_replicas.is_some() || p.max_replicas.is_some() {
            let to = (
                p.min_replicas.or(seen.replica_range.0),
                p.max_replicas.or(seen.replica_range.1),
            );
            let changed = differs(p.min_replicas, seen.replica_range.0)
                || differs(p.max_replicas, seen.replica_range.1);
            let from = (seen.replica_range != (None, None))
                .then(|| range_text(seen.replica_range, " replicas"));
            self.push(
                Field::ReplicaRange,
                changed,
                from,
                range_text(to, " replicas"),
            );
        }
        let (min_gb, max_gb) = (
            p.min_replica_memory_gb.map(f64::from),
            p.max_replica_memory_gb.map(f64::from),
        );
        if min_gb.is_some() || max_gb.is_some() {
            let to = (min_gb.or(seen.memory.0), max_gb.or(seen.memory.1));
            let changed = differs_f(min_gb, seen.memory.0) || differs_f(max_gb, seen.memory.1);
            let from = (seen.memory != (None, None)).then(|| memory_text(seen.memory));
            self.push(Field::Memory, changed, from, memory_text(to));
        }
        if p.idle_scaling.is_some() || p.idle_timeout_minutes.is_some() {
            let timeout = p.idle_timeout_minutes.map(f64::from);
            let to = (p.idle_scaling.or(seen.idle.0), timeout.or(seen.idle.1));
            let changed = differs(p.idle_scaling, seen.idle.0) || differs_f(timeout, seen.idle.1);
            let (mut from_text, mut to_text) = (idle_text(seen.idle, false), idle_text(to, false));
            if changed && from_text == to_text {
                // Only the timeout of a switched-off idling changes: show it.
                (from_text, to_text) = (idle_text(seen.idle, true), idle_text(to, true));
            }
            let from = (seen.idle != (None, None)).then_some(from_text);
            self.push(Field::Idling, changed, from, to_text);
            if p.idle_scaling == Some(true) && seen.idle.0 != Some(true) {
                self.risks.push(Risk::Idling {
                    customer_facing: policy.customer_facing,
                });
            }
        }
    }

    /// Capacity and cost follow replicas × max memory per replica.
    fn service_capacity(&mut self, seen: &Seen, p: &ReplicaScalingPatch) {
        let old_replicas = seen.replicas.or(seen.replica_range.1).map(f64::from);
        let new_replicas = p.num_replicas.or(p.max_replicas).map(f64::from);
        let old_mem = seen.memory.1;
        let new_mem = p.max_replica_memory_gb.map(f64::from);
        let fewer =
            |new: Option<f64>, old: Option<f64>| matches!((new, old), (Some(n), Some(o)) if n < o);
        if fewer(new_replicas, old_replicas) || fewer(new_mem, old_mem) {
            self.risks.push(Risk::CapacityDown);
        }
        if new_replicas.is_none() && new_mem.is_none() {
            return;
        }
        if let (Some(or), Some(om)) = (old_replicas, old_mem) {
            let (nr, nm) = (new_replicas.unwrap_or(or), new_mem.unwrap_or(om));
            let old = or * om;
            if old > 0.0 {
                let factor = nr * nm / old;
                if factor > 1.0 + 1e-9 {
                    self.risks.push(Risk::CostUp { factor });
                }
            }
        }
    }
}

/// What a service reports, configured values first, what is in force as a fallback.
#[derive(Debug, Default)]
struct Seen {
    mode: Option<AutoscalingMode>,
    replicas: Option<u32>,
    replica_range: (Option<u32>, Option<u32>),
    memory: (Option<f64>, Option<f64>),
    idle: (Option<bool>, Option<f64>),
}

impl Seen {
    fn of(s: &Service) -> Self {
        let cs = &s.current_scaling;
        let effective_fixed = match (cs.effective_min_replicas, cs.effective_max_replicas) {
            (Some(a), Some(b)) if a == b && s.autoscaling_mode == AutoscalingMode::Vertical => {
                Some(a)
            }
            _ => None,
        };
        Self {
            mode: Some(s.autoscaling_mode.clone()),
            replicas: s.num_replicas.or(effective_fixed),
            replica_range: (
                s.min_replicas.or(cs.effective_min_replicas),
                s.max_replicas.or(cs.effective_max_replicas),
            ),
            memory: (
                s.min_replica_memory_gb
                    .or(s.replica_memory_gb)
                    .or(cs.effective_min_replica_memory_gb),
                s.max_replica_memory_gb
                    .or(s.replica_memory_gb)
                    .or(cs.effective_max_replica_memory_gb),
            ),
            idle: (
                s.idle_scaling.or(cs.effective_idle_scaling),
                s.idle_timeout_minutes
                    .or(cs.effective_idle_timeout_minutes.map(f64::from)),
            ),
        }
    }
}

/// The target sets a value and it is not the one seen.
fn differs<T: PartialEq>(target: Option<T>, seen: Option<T>) -> bool {
    target.is_some() && target != seen
}

fn differs_f(target: Option<f64>, seen: Option<f64>) -> bool {
    match (target, seen) {
        (None, _) => false,
        (Some(t), Some(s)) => !same(t, s),
        (Some(_), None) => true,
    }
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// `8`, `16.5`: whole numbers without a decimal point.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn opt_num(v: Option<f64>) -> String {
    v.map(num).unwrap_or_else(|| "?".into())
}

fn cdc_text(c: &CdcScaling) -> String {
    let millis = c.replica_cpu_millicores;
    let cores = num(f64::from(millis) / 1000.0);
    let unit = if millis == 1000 { "core" } else { "cores" };
    format!("{cores} {unit} / {} GB", c.replica_memory_gb)
}

fn replicas_text(n: u32) -> String {
    if n == 1 {
        "1 replica".into()
    } else {
        format!("{n} replicas")
    }
}

fn mode_text(m: &AutoscalingMode) -> String {
    match m {
        AutoscalingMode::Vertical => "vertical autoscaling".into(),
        AutoscalingMode::Horizontal => "horizontal autoscaling".into(),
        // A mode newer than the bot: shown escaped, as the API spelled it.
        AutoscalingMode::Other(s) if s.is_empty() => "unknown autoscaling mode".into(),
        AutoscalingMode::Other(s) => format!("autoscaling mode {s:?}"),
    }
}

fn range_text((a, b): (Option<u32>, Option<u32>), unit: &str) -> String {
    let show = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_else(|| "?".into());
    if a.is_some() && a == b {
        format!("{}{unit}", show(a))
    } else {
        format!("{}–{}{unit}", show(a), show(b))
    }
}

fn memory_text((a, b): (Option<f64>, Option<f64>)) -> String {
    match (a, b) {
        (Some(a), Some(b)) if same(a, b) => format!("{} GB per replica", num(a)),
        _ => format!("{}–{} GB per replica", opt_num(a), opt_num(b)),
    }
}

fn idle_text((enabled, timeout): (Option<bool>, Option<f64>), timeout_when_off: bool) -> String {
    match (enabled, timeout) {
        (Some(true), Some(t)) => format!("idling on, {} min timeout", num(t)),
        (Some(true), None) => "idling on".into(),
        (Some(false), Some(t)) if timeout_when_off => {
            format!("idling off, {} min timeout when on", num(t))
        }
        (Some(false), _) => "idling off".into(),
        (None, Some(t)) => format!("idling unknown, {} min timeout", num(t)),
        (None, None) => "idling unknown".into(),
    }
}

/// Whether the API now reports the target (the watcher's stop condition).
///
/// - CDC: both values equal.
/// - Service: every field the patch sets equals the service's configured value, and, when the
///   API reports it and no scheduled-scaling entry is active, the value in force
///   (`currentScaling.effective*`); while a schedule entry is active the values in force are
///   the schedule's, so they cannot confirm a change of the base configuration.
/// - Service state must be `running`, or `idle` when the target turns idling on (an idling
///   service has then done what was asked). A service that reports no state is not held back.
pub fn matches_target(target: &Target, observed: &Current) -> bool {
    match (target, observed) {
        (Target::Cdc(t), Current::Cdc(o)) => t == o,
        (Target::Service(p), Current::Service(s)) => service_matches(p, s),
        _ => false,
    }
}

fn service_matches(p: &ReplicaScalingPatch, s: &Service) -> bool {
    let state_ok = match &s.state {
        None | Some(ServiceState::Running) => true,
        Some(ServiceState::Idle) => p.idle_scaling == Some(true),
        Some(_) => false,
    };
    if !state_ok {
        return false;
    }
    let cs = &s.current_scaling;
    let a = Agreement {
        in_force: cs.active_entry_id.is_none(),
    };
    let f = |v: Option<u32>| v.map(f64::from);
    a.agrees(
        p.autoscaling_mode.clone(),
        Some(s.autoscaling_mode.clone()),
        cs.effective_autoscaling_mode.clone(),
    ) && a.agrees(p.num_replicas, s.num_replicas, cs.effective_min_replicas)
        && a.agrees(p.num_replicas, s.num_replicas, cs.effective_max_replicas)
        && a.agrees(p.min_replicas, s.min_replicas, cs.effective_min_replicas)
        && a.agrees(p.max_replicas, s.max_replicas, cs.effective_max_replicas)
        && a.agrees(
            f(p.min_replica_memory_gb),
            s.min_replica_memory_gb.or(s.replica_memory_gb),
            cs.effective_min_replica_memory_gb,
        )
        && a.agrees(
            f(p.max_replica_memory_gb),
            s.max_replica_memory_gb.or(s.replica_memory_gb),
            cs.effective_max_replica_memory_gb,
        )
        && a.agrees(p.idle_scaling, s.idle_scaling, cs.effective_idle_scaling)
        && a.agrees(
            f(p.idle_timeout_minutes),
            s.idle_timeout_minutes,
            f(cs.effective_idle_timeout_minutes),
        )
}

/// Compares one patched field with what the service reports.
struct Agreement {
    /// No schedule entry is active, so `currentScaling.effective*` shows the base configuration.
    in_force: bool,
}

impl Agreement {
    /// The configured value (or, when absent, the one in force) equals the target, and so does
    /// the one in force when reported, unless a schedule entry overrides it. Values are whole
    /// numbers, exact in `f64`, so `==` is exact here.
    fn agrees<T: PartialEq>(
        &self,
        want: Option<T>,
        configured: Option<T>,
        effective: Option<T>,
    ) -> bool {
        let Some(want) = want else { return true };
        let effective = effective.filter(|_| self.in_force);
        let configured_ok = match &configured {
            Some(c) => *c == want,
            None => effective.as_ref() == Some(&want),
        };
        configured_ok && effective.map_or(true, |e| e == want)
    }
}
