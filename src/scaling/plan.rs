//! Current vs target: what changes, what it risks, and when the API reports the target.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::cost::{CostChange, Money, NoRate, Rates};
use crate::{
    cloud::model::{
        AutoscalingMode, CdcScaling, ReplicaScalingPatch, ScalingScheduleEntryRequest,
        ScalingSchedulePost, Service, ServiceState,
    },
    i18n::{self, FluentValue, Locale},
    t,
};

/// The configuration as the API reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Current {
    Cdc(CdcScaling),
    Service(Box<Service>),
}

/// The configuration asked for: exactly the PATCH (or POST) body that will be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Target {
    Cdc(CdcScaling),
    Service(ReplicaScalingPatch),
    /// The whole scaling schedule (`POST …/scalingSchedule` replaces it; no entries clears it).
    Schedule(ScalingSchedulePost),
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
    /// One scaling schedule entry (by name).
    ScheduleEntry,
}

/// A setting's value with its unit, typed until a surface renders it once in the reader's
/// locale ([`Value::render`]): `4 cores / 16 GB`, `3 replicas`, `16–64 GB per replica`,
/// `idling on, 15 min timeout`. `None` inside a value is a part the API did not report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Value {
    /// CDC compute: cores (from millicores, so a fractional core the API reports stays exact)
    /// and memory.
    Cdc {
        millicores: u32,
        memory_gb: u32,
    },
    Mode {
        mode: AutoscalingMode,
    },
    /// A fixed replica count.
    Replicas {
        count: u32,
    },
    /// A min–max replica range.
    ReplicaRange {
        min: Option<u32>,
        max: Option<u32>,
    },
    /// Memory per replica, min–max GB.
    Memory {
        min_gb: Option<f64>,
        max_gb: Option<f64>,
    },
    /// Automatic idling and its timeout. `timeout_when_off` shows the timeout of a switched-off
    /// idling, for the one change where only that timeout differs.
    Idling {
        enabled: Option<bool>,
        timeout_minutes: Option<f64>,
        timeout_when_off: bool,
    },
    /// A scaling schedule entry: its window and what it sets.
    ScheduleEntry {
        entry: ScalingScheduleEntryRequest,
    },
    /// No entry of this name in the schedule.
    NoScheduleEntry {
        name: String,
    },
}

impl Value {
    /// CDC compute as the API reports it or as a target sets it.
    pub fn cdc(c: &CdcScaling) -> Self {
        Self::Cdc {
            millicores: c.replica_cpu_millicores,
            memory_gb: c.replica_memory_gb,
        }
    }

    /// The value in `loc`, with its units.
    pub fn render(&self, loc: Locale) -> String {
        match self.clone() {
            Self::Cdc {
                millicores,
                memory_gb,
            } => t!(
                loc,
                "value-cdc",
                cores = cores_value(millicores),
                memory = memory_gb
            ),
            Self::Mode {
                mode: AutoscalingMode::Vertical,
            } => t!(loc, "value-mode-vertical"),
            Self::Mode {
                mode: AutoscalingMode::Horizontal,
            } => t!(loc, "value-mode-horizontal"),
            // A mode newer than the bot: shown as the API spelled it, escaped.
            Self::Mode {
                mode: AutoscalingMode::Other(name),
            } => t!(loc, "value-mode-other", mode = format!("{name:?}")),
            Self::Replicas { count } => t!(loc, "value-replicas", count = count),
            Self::ReplicaRange { min, max } if min.is_some() && min == max => {
                t!(loc, "value-replicas", count = min.unwrap_or_default())
            }
            Self::ReplicaRange { min, max } => t!(
                loc,
                "value-replica-range",
                min = opt_u32(min),
                max = opt_u32(max)
            ),
            Self::Memory {
                min_gb: Some(a),
                max_gb: Some(b),
            } if same(a, b) => t!(loc, "value-memory", gb = num(a)),
            Self::Memory { min_gb, max_gb } => t!(
                loc,
                "value-memory-range",
                min = opt_num(min_gb),
                max = opt_num(max_gb)
            ),
            Self::Idling {
                enabled,
                timeout_minutes,
                timeout_when_off,
            } => match (enabled, timeout_minutes) {
                (Some(true), Some(t)) => t!(loc, "value-idle-on-timeout", minutes = num(t)),
                (Some(true), None) => t!(loc, "value-idle-on"),
                (Some(false), Some(t)) if timeout_when_off => {
                    t!(loc, "value-idle-off-timeout", minutes = num(t))
                }
                (Some(false), _) => t!(loc, "value-idle-off"),
                (None, Some(t)) => t!(loc, "value-idle-unknown-timeout", minutes = num(t)),
                (None, None) => t!(loc, "value-idle-unknown"),
            },
            Self::ScheduleEntry { entry } => super::schedule::render_entry(loc, &entry),
            Self::NoScheduleEntry { name } => t!(
                loc,
                "value-no-schedule-entry",
                name = super::schedule::clean_name(&name)
            ),
        }
    }
}

/// One field's values. `from` is `None` when the API did not report the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub field: Field,
    pub from: Option<Value>,
    pub to: Value,
}

impl Change {
    /// `4 cores / 16 GB -> 8 cores / 32 GB` (CDC compute named first) in `loc`.
    pub fn render(&self, loc: Locale) -> String {
        let to = self.to.render(loc);
        let values = match &self.from {
            Some(from) => {
                let from = from.render(loc);
                if from == to {
                    t!(loc, "plan-already", value = to)
                } else {
                    t!(loc, "plan-change", from = from, to = to)
                }
            }
            None => t!(loc, "plan-unknown-from", to = to),
        };
        if self.field == Field::CdcCompute {
            t!(loc, "plan-cdc", values = values)
        } else {
            values
        }
    }
}

/// English, for logs and the audit log; chat renders [`Change::render`] in the reader's locale.
impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Locale::EnUs))
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
    /// A schedule entry gives less capacity during its window than the baseline (or than the
    /// entry it replaces), or an entry that adds capacity goes away.
    WindowCapacityDown,
    /// A schedule entry costs this factor of the baseline during its window (replicas × max
    /// memory), when above 1.
    WindowCostUp { factor: f64 },
}

impl Risk {
    /// Why the change needs a second look, in `loc`.
    pub fn render(&self, loc: Locale) -> String {
        match self {
            Self::CapacityDown => t!(loc, "risk-capacity-down"),
            Self::CostUp { factor } => t!(loc, "risk-cost-up", factor = format!("{factor:.1}")),
            Self::Idling {
                customer_facing: true,
            } => t!(loc, "risk-idling-customer"),
            Self::Idling {
                customer_facing: false,
            } => t!(loc, "risk-idling"),
            Self::WindowCapacityDown => t!(loc, "risk-window-capacity-down"),
            Self::WindowCostUp { factor } => {
                t!(loc, "risk-window-cost-up", factor = format!("{factor:.1}"))
            }
        }
    }
}

/// English, for logs.
impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Locale::EnUs))
    }
}

/// Which risks need a human's confirmation before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RiskPolicy {
    /// Confirm when the cost grows by more than this factor (default 2.0).
    pub cost_up_confirm_factor: f64,
    /// Also confirm when the cost grows by more than this much money per hour (when the
    /// change can be priced); off when unset.
    #[serde(default)]
    pub cost_up_confirm_per_hour: Option<Money>,
    /// The service serves customers: idling it needs a confirmation.
    pub customer_facing: bool,
}

impl Default for RiskPolicy {
    fn default() -> Self {
        Self {
            cost_up_confirm_factor: 2.0,
            cost_up_confirm_per_hour: None,
            customer_facing: false,
        }
    }
}

impl RiskPolicy {
    /// Capacity down: always. Cost up: by more than the factor. Idling: customer-facing only.
    pub fn requires_confirmation(&self, risk: &Risk) -> bool {
        match risk {
            Risk::CapacityDown | Risk::WindowCapacityDown => true,
            Risk::CostUp { factor } | Risk::WindowCostUp { factor } => {
                *factor > self.cost_up_confirm_factor
            }
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
    /// What the change does to the cost per hour, at the configured rates ([`plan_priced`]).
    #[serde(default)]
    pub cost: CostChange,
}

impl Plan {
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn needs_confirmation(&self) -> bool {
        !self.confirmation_reasons().is_empty()
    }

    /// The risks the policy wants confirmed (a subset of `risks`), for the confirmation prompt.
    /// A cost increase is confirmed when it passes the factor or the money per hour.
    pub fn confirmation_reasons(&self) -> Vec<&Risk> {
        let money_over = match (self.policy.cost_up_confirm_per_hour, self.cost.difference()) {
            (Some(limit), Some(extra)) => extra > limit,
            _ => false,
        };
        self.risks
            .iter()
            .filter(|r| {
                self.policy.requires_confirmation(r)
                    || (money_over && matches!(r, Risk::CostUp { .. }))
            })
            .collect()
    }

    /// A risk in `loc`; a cost increase with its money when the plan is priced:
    /// `cost x4.0: +$0.60/h, ≈ $438 a month if left on`.
    pub fn risk_text(&self, risk: &Risk, loc: Locale) -> String {
        let base = risk.render(loc);
        if !matches!(risk, Risk::CostUp { .. }) {
            return base;
        }
        match self.cost_text(loc) {
            Some(money) => t!(loc, "risk-cost-money", risk = base, money = money),
            None => base,
        }
    }

    /// The hourly difference and what it comes to if left on, or why it has no price; `None`
    /// when nothing billed changes (or the API did not report enough to price it).
    pub fn cost_text(&self, loc: Locale) -> Option<String> {
        match &self.cost {
            CostChange::Unknown => None,
            CostChange::PerHour { .. } => {
                let extra = self.cost.difference()?;
                (!extra.0.is_zero()).then(|| hourly_difference(loc, extra))
            }
            CostChange::NoRate(missing) => Some(no_rate(loc, missing)),
        }
    }

    /// One line for a status message in `loc`, e.g.
    /// `CDC compute: 2 cores / 8 GB -> 8 cores / 32 GB (cost x4.0)`.
    ///
    /// It names no service: callers put the service name in front (the plan is made from API
    /// values, and the CDC endpoint does not return the service name).
    pub fn summary(&self, loc: Locale) -> String {
        if self.is_noop() {
            let values: Vec<String> = self.unchanged.iter().map(|c| c.to.render(loc)).collect();
            let line = if values.is_empty() {
                t!(loc, "plan-no-change")
            } else {
                t!(
                    loc,
                    "plan-no-change-already",
                    values = i18n::join(loc, &values)
                )
            };
            return match self.unchanged.first() {
                Some(c) if c.field == Field::CdcCompute => t!(loc, "plan-cdc", values = line),
                _ => line,
            };
        }
        let changes = self.changes_text(loc);
        let mut risks: Vec<String> = self.risks.iter().map(|r| self.risk_text(r, loc)).collect();
        // Every priced plan shows its money: with the cost increase when there is one,
        // otherwise on its own (a saving, or a change below the cost-up factor).
        if !self.risks.iter().any(|r| matches!(r, Risk::CostUp { .. })) {
            risks.extend(self.cost_text(loc));
        }
        if risks.is_empty() {
            return changes;
        }
        t!(
            loc,
            "plan-with-risks",
            changes = changes,
            risks = i18n::join(loc, &risks)
        )
    }

    /// The changes alone, without the risks (which depend on the policy of the moment).
    pub fn changes_text(&self, loc: Locale) -> String {
        let changes: Vec<String> = self.changes.iter().map(|c| c.render(loc)).collect();
        i18n::join(loc, &changes)
    }
}

/// Compares the target with the current configuration.
///
/// Only fields the target sets are compared (a PATCH leaves the others alone). A target equal
/// to the current values gives a plan without changes (a no-op) and without risks.
///
/// The plan is not priced ([`CostChange::Unknown`]); [`plan_priced`] prices it.
pub fn plan(current: &Current, target: &Target, policy: &RiskPolicy) -> Plan {
    Plan {
        cost: CostChange::Unknown,
        ..plan_priced(current, target, policy, &Rates::default())
    }
}

/// [`plan`], with what the change does to the cost per hour at `rates`.
pub fn plan_priced(current: &Current, target: &Target, policy: &RiskPolicy, rates: &Rates) -> Plan {
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
        (Target::Schedule(post), Current::Service(s)) => b.schedule(s, post, policy),
        // A schedule change always plans against the service.
        (Target::Schedule(_), Current::Cdc(_)) => {}
    }
    let cost = if b.changes.is_empty() {
        CostChange::Unknown
    } else {
        rates.change(current, target)
    };
    Plan {
        changes: b.changes,
        unchanged: b.unchanged,
        risks: b.risks,
        policy: *policy,
        cost,
    }
}

/// `+$0.60/h (≈ $14.40 a day, ≈ $438 a month if left on)`, or `−$0.60/h (…)` for a saving.
pub fn hourly_difference(loc: Locale, extra: Money) -> String {
    let id = if extra.0.is_sign_negative() {
        "cost-hourly-less"
    } else {
        "cost-hourly-more"
    };
    t!(
        loc,
        id,
        hourly = i18n::money(loc, extra.abs()),
        daily = i18n::money(loc, extra.abs().per_day()),
        monthly = i18n::money(loc, extra.abs().per_month())
    )
}

/// Why there is no price: which rate is missing.
pub fn no_rate(loc: Locale, missing: &NoRate) -> String {
    match missing {
        NoRate::Cdc => t!(loc, "cost-no-rate-cdc"),
        NoRate::Service { tier: None, .. } => t!(loc, "cost-no-tier"),
        NoRate::Service {
            tier: Some(tier),
            provider,
            region,
        } => t!(
            loc,
            "cost-no-rate-service",
            tier = tier.as_str(),
            provider = provider.as_deref().unwrap_or("?"),
            region = region.as_deref().unwrap_or("?")
        ),
    }
}

struct Builder {
    changes: Vec<Change>,
    unchanged: Vec<Change>,
    risks: Vec<Risk>,
}

impl Builder {
    fn push(&mut self, field: Field, changed: bool, from: Option<Value>, to: Value) {
        let change = Change { field, from, to };
        if changed {
            self.changes.push(change);
        } else {
            self.unchanged.push(change);
        }
    }

    fn cdc(&mut self, from: Option<&CdcScaling>, to: &CdcScaling) {
        let changed = from != Some(to);
        self.push(
            Field::CdcCompute,
            changed,
            from.map(Value::cdc),
            Value::cdc(to),
        );
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
                seen.mode.clone().map(|mode| Value::Mode { mode }),
                Value::Mode { mode: mode.clone() },
            );
        }
        if let Some(n) = p.num_replicas {
            let changed = seen.replicas != Some(n);
            self.push(
                Field::Replicas,
                changed,
                seen.replicas.map(|count| Value::Replicas { count }),
                Value::Replicas { count: n },
            );
        }
        if p.min_replicas.is_some() || p.max_replicas.is_some() {
            let to = (
                p.min_replicas.or(seen.replica_range.0),
                p.max_replicas.or(seen.replica_range.1),
            );
            let changed = differs(p.min_replicas, seen.replica_range.0)
                || differs(p.max_replicas, seen.replica_range.1);
            let range = |(min, max)| Value::ReplicaRange { min, max };
            let from = (seen.replica_range != (None, None)).then(|| range(seen.replica_range));
            self.push(Field::ReplicaRange, changed, from, range(to));
        }
        let (min_gb, max_gb) = (
            p.min_replica_memory_gb.map(f64::from),
            p.max_replica_memory_gb.map(f64::from),
        );
        if min_gb.is_some() || max_gb.is_some() {
            let to = (min_gb.or(seen.memory.0), max_gb.or(seen.memory.1));
            let changed = differs_f(min_gb, seen.memory.0) || differs_f(max_gb, seen.memory.1);
            let memory = |(min_gb, max_gb)| Value::Memory { min_gb, max_gb };
            let from = (seen.memory != (None, None)).then(|| memory(seen.memory));
            self.push(Field::Memory, changed, from, memory(to));
        }
        if p.idle_scaling.is_some() || p.idle_timeout_minutes.is_some() {
            let timeout = p.idle_timeout_minutes.map(f64::from);
            let to = (p.idle_scaling.or(seen.idle.0), timeout.or(seen.idle.1));
            let changed = differs(p.idle_scaling, seen.idle.0) || differs_f(timeout, seen.idle.1);
            let idle = |(enabled, timeout_minutes), timeout_when_off| Value::Idling {
                enabled,
                timeout_minutes,
                timeout_when_off,
            };
            // Only the timeout of a switched-off idling changes: show it, or the line would
            // read `idling off -> idling off`.
            let timeout_when_off = changed && seen.idle.0 == Some(false) && to.0 == Some(false);
            let from = (seen.idle != (None, None)).then(|| idle(seen.idle, timeout_when_off));
            self.push(Field::Idling, changed, from, idle(to, timeout_when_off));
            if p.idle_scaling == Some(true) && seen.idle.0 != Some(true) {
                self.risks.push(Risk::Idling {
                    customer_facing: policy.customer_facing,
                });
            }
        }
    }

    /// Entry by entry (by name): added, replaced, removed. Capacity is compared with the
    /// baseline (and with the entry replaced): less in a window asks for a confirmation, and
    /// so does taking away an entry that adds capacity (at once when it is in force now).
    fn schedule(&mut self, s: &Service, post: &ScalingSchedulePost, policy: &RiskPolicy) {
        use super::schedule::{entry_as_request, Capacity};
        let old: Vec<(ScalingScheduleEntryRequest, bool)> = s
            .scaling_schedule
            .as_ref()
            .map(|sch| {
                sch.entries
                    .iter()
                    .filter_map(|e| {
                        let active = e.is_active_now == Some(true)
                            || sch.active_entry_id.as_deref() == Some(e.id.as_str())
                            || s.current_scaling.active_entry_id.as_deref() == Some(e.id.as_str());
                        entry_as_request(e).map(|r| (r, active))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let base = Capacity::baseline(s);
        let mut window_down = false;
        let mut now_down = false;
        let mut factor: f64 = 1.0;
        for new in &post.entries {
            let before = old.iter().find(|(o, _)| o.name == new.name);
            let changed = before.is_none_or(|(o, _)| o != new);
            self.push(
                Field::ScheduleEntry,
                changed,
                Some(before.map_or_else(
                    || Value::NoScheduleEntry {
                        name: new.name.clone(),
                    },
                    |(o, _)| Value::ScheduleEntry { entry: o.clone() },
                )),
                Value::ScheduleEntry { entry: new.clone() },
            );
            if !changed {
                continue;
            }
            if let Some(base) = base {
                let cap = Capacity::of_entry(new, base);
                let was = before.map(|(o, _)| Capacity::of_entry(o, base));
                window_down |= cap.below(base) || was.is_some_and(|w| cap.below(w));
                if base.total() > 0.0 {
                    factor = factor.max(cap.total() / base.total());
                }
            }
            if new.idle_scaling == Some(true)
                && before.is_none_or(|(o, _)| o.idle_scaling != Some(true))
            {
                self.risks.push(Risk::Idling {
                    customer_facing: policy.customer_facing,
                });
            }
        }
        for (gone, active) in old
            .iter()
            .filter(|(o, _)| !post.entries.iter().any(|n| n.name == o.name))
        {
            self.push(
                Field::ScheduleEntry,
                true,
                Some(Value::ScheduleEntry {
                    entry: gone.clone(),
                }),
                Value::NoScheduleEntry {
                    name: gone.name.clone(),
                },
            );
            if let Some(base) = base {
                if base.below(Capacity::of_entry(gone, base)) {
                    if *active {
                        now_down = true;
                    } else {
                        window_down = true;
                    }
                }
            }
        }
        if now_down {
            self.risks.push(Risk::CapacityDown);
        }
        if window_down {
            self.risks.push(Risk::WindowCapacityDown);
        }
        if factor > 1.0 + 1e-9 {
            self.risks.push(Risk::WindowCostUp { factor });
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

/// A count as a Fluent number (so the plural follows it), `?` when unknown.
fn opt_u32(v: Option<u32>) -> FluentValue<'static> {
    v.map_or_else(|| FluentValue::from("?"), FluentValue::from)
}

/// Cores as a Fluent number, so the plural form follows it (`1 core`, `4 ядра`); a fractional
/// core count the API might report stays exact.
fn cores_value(millicores: u32) -> FluentValue<'static> {
    if millicores.is_multiple_of(1000) {
        FluentValue::from(millicores / 1000)
    } else {
        FluentValue::from(f64::from(millicores) / 1000.0)
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
        (Target::Schedule(post), Current::Service(s)) => {
            super::schedule::schedule_matches(post, s.scaling_schedule.as_ref())
        }
        _ => false,
    }
}

/// The API shows the target's settings, but the service is idle and the target needs it
/// running (idling turned off): the change takes effect when the service wakes, which no poll
/// can wait for.
pub fn shown_while_idle(target: &Target, observed: &Current) -> bool {
    match (target, observed) {
        (Target::Service(p), Current::Service(s)) if s.state == Some(ServiceState::Idle) => {
            let mut awake = (**s).clone();
            awake.state = Some(ServiceState::Running);
            service_matches(p, &awake)
        }
        _ => false,
    }
}

fn service_matches(p: &ReplicaScalingPatch, s: &Service) -> bool {
    // An idle service reports its configuration like a running one: what counts is whether
    // the fields show the target, not whether the service is awake to serve it. Only turning
    // idling off waits for the service to run again.
    let state_ok = match &s.state {
        None | Some(ServiceState::Running) => true,
        Some(ServiceState::Idle) => p.idle_scaling != Some(false),
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
        configured_ok && effective.is_none_or(|e| e == want)
    }
}
