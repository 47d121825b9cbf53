//! The operation engine: prepare (policy, validation, read, plan) -> launch (record, status
//! message, thread, confirmation, PATCH, watch, settle), with every step kept in the store so
//! that a restarted process (or another instance) resumes where this one stopped.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use chrono::{DateTime, Utc};
use dashmap::DashMap;
use tokio::{
    sync::{watch, Notify},
    task::AbortHandle,
    time::Instant,
};
use tokio_util::sync::CancellationToken;

use super::{
    followup::{self, FollowUp},
    operation::{Operation, Resume},
    request::{CommandKind, OperationId, Prepared, Rejection, ServiceRef, Submission},
    surface::{Actor, ChatSurface, ClickGuard, ThreadRef},
    watch::{PollSettings, Pollers, Window},
};
use crate::{
    cloud::{CloudClient, CloudError},
    config::Config,
    i18n::Locale,
    scaling::{self, Current, Limits, Money, Plan, Rates, RiskPolicy},
    store::{AuditAction, AuditEntry, NewOperation, OperationRecord, Store},
};

/// How an operation ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The API reports the target.
    Confirmed { took: Duration, seen: Current },
    /// The target was already in place; nothing was sent.
    NoOp,
    /// The API shows the target, but the service is idle: it takes effect when the service
    /// wakes (turning idling off needs a running service).
    AppliesOnWake { took: Duration, seen: Current },
    /// The deadline passed before the API reported the target.
    TimedOut {
        waited: Duration,
        last_seen: Option<Current>,
    },
    /// The API refused the change or could not be reached; the message says why.
    Failed { message: String },
    /// The PATCH went out but its answer never came, and by the deadline the API did not
    /// report the target either: it may or may not have been applied.
    Unknown {
        waited: Duration,
        last_seen: Option<Current>,
    },
    /// A newer operation on the same resource took over.
    Superseded { by: OperationId },
    /// Cancelled by someone (or expired when `by` is `None`); nothing was sent.
    Cancelled { by: Option<Actor> },
}

/// How an operation ended, without the details: what the store, the metrics and the
/// console's summary and exit status keep. The names are the stored (and metric) labels.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum OutcomeKind {
    Confirmed,
    #[strum(serialize = "noop")]
    NoOp,
    AppliesOnWake,
    Cancelled,
    Expired,
    Superseded,
    TimedOut,
    Unknown,
    Failed,
}

impl OutcomeKind {
    /// The label kept in the store and used in metrics.
    pub fn label(self) -> &'static str {
        self.into()
    }

    /// Settled the way the user wanted (or with nothing to do).
    pub fn is_success(self) -> bool {
        matches!(self, Self::Confirmed | Self::NoOp | Self::AppliesOnWake)
    }
}

impl Outcome {
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Self::Confirmed { .. } => OutcomeKind::Confirmed,
            Self::NoOp => OutcomeKind::NoOp,
            Self::AppliesOnWake { .. } => OutcomeKind::AppliesOnWake,
            Self::TimedOut { .. } => OutcomeKind::TimedOut,
            Self::Failed { .. } => OutcomeKind::Failed,
            Self::Unknown { .. } => OutcomeKind::Unknown,
            Self::Superseded { .. } => OutcomeKind::Superseded,
            Self::Cancelled { by: Some(_) } => OutcomeKind::Cancelled,
            Self::Cancelled { by: None } => OutcomeKind::Expired,
        }
    }

    /// Label for metrics and logs.
    pub fn label(&self) -> &'static str {
        self.kind().label()
    }

    /// Settled the way the user wanted (or with nothing to do).
    pub fn is_success(&self) -> bool {
        self.kind().is_success()
    }
}

/// Where a launched operation is; surfaces and tests wait on it through [`OperationHandle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Starting,
    /// The service is idle: waiting for someone to press Wake and continue.
    AwaitingWake,
    /// The wake command went out: waiting until the service runs.
    Waking,
    AwaitingConfirmation,
    Applying,
    Watching,
    Settled,
}

impl Phase {
    /// Buttons on the status message wait for a person.
    pub fn asks(self) -> bool {
        matches!(self, Self::AwaitingWake | Self::AwaitingConfirmation)
    }
}

/// What [`Engine::launch`] returns: the id, and the phase as it changes.
#[derive(Debug, Clone)]
pub struct OperationHandle {
    pub id: OperationId,
    pub phase: watch::Receiver<Phase>,
}

impl OperationHandle {
    /// Wait until the operation has reached `phase` (or gone past it).
    pub async fn reached(&mut self, phase: Phase) {
        let _ = self.phase.wait_for(|p| *p >= phase).await;
    }
}

impl Outcome {
    /// The command-independent part of what a settled operation reports, for the audit log.
    pub fn seen(&self) -> Option<&Current> {
        match self {
            Self::Confirmed { seen, .. } | Self::AppliesOnWake { seen, .. } => Some(seen),
            Self::TimedOut { last_seen, .. } | Self::Unknown { last_seen, .. } => {
                last_seen.as_ref()
            }
            _ => None,
        }
    }
}

/// An operation in flight, as `/scaling-status` lists it.
#[derive(Debug, Clone)]
pub struct InFlight {
    pub id: OperationId,
    pub kind: CommandKind,
    pub service: ServiceRef,
    /// Typed, so `/scaling-status` renders it in the reader's locale.
    pub plan: Plan,
    pub actor: String,
    pub started: Instant,
    /// Where it is, as the store says (`/scaling-status` names a wait for a wake).
    pub phase: Phase,
}

/// The engine's knobs, taken from [`Config`].
#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub limits: Limits,
    pub poll_interval: Duration,
    pub watch_deadline: Duration,
    pub confirm_timeout: Duration,
    pub cdc_window: (Duration, Duration),
    pub service_window: Duration,
    pub cost_up_confirm_factor: f64,
    pub cost_up_confirm_per_hour: Option<Money>,
    /// What changes are priced at (`[cost]`).
    pub rates: Rates,
    pub lease_ttl: Duration,
}

impl EngineSettings {
    pub fn from_config(c: &Config) -> anyhow::Result<Self> {
        Ok(Self {
            limits: c.limits()?,
            poll_interval: c.timings.poll_interval,
            watch_deadline: c.timings.watch_deadline,
            confirm_timeout: c.timings.confirm_timeout,
            cdc_window: (c.timings.cdc_expected_min, c.timings.cdc_expected_max),
            service_window: c.timings.service_expected_max,
            cost_up_confirm_factor: c.risk.cost_up_confirm_factor,
            cost_up_confirm_per_hour: c.risk.cost_up_confirm_per_hour,
            rates: c.cost.rates(),
            lease_ttl: c.store.lease_ttl,
        })
    }
}

/// Sent to an operation when a newer one takes over settings it sets: the newer id and its
/// requester. The store decides (see [`Store::take_over_settings`]); this channel only makes
/// an operation running on this instance hear it at once instead of at its next store check.
pub(super) type Supersession = (OperationId, String);

#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

#[derive(Debug)]
pub(super) struct Inner {
    pub(super) cloud: CloudClient,
    /// The same key for periodic work (polls, reminder checks): it gives way to commands.
    pub(super) background_cloud: CloudClient,
    pub(super) config: Config,
    pub(super) settings: EngineSettings,
    pub(super) store: Store,
    /// This process's name in leases: `<instance id>/<incarnation>`. A restarted instance
    /// (same id, new incarnation) takes its predecessor's leases at once; see [`Store`].
    pub(super) instance: String,
    pollers: Pollers,
    /// Operations running here, with the channel that tells one it was superseded.
    pub(super) supersession: DashMap<OperationId, watch::Sender<Option<Supersession>>>,
    pub(super) in_flight: DashMap<OperationId, InFlight>,
    /// The tasks running this instance's operations: stopped if another instance takes one over.
    tasks: DashMap<OperationId, AbortHandle>,
    outcomes: Mutex<BTreeMap<OutcomeKind, u64>>,
    settled: Notify,
    /// Service names from the organization's list, refreshed at most once a minute.
    /// With how many entries of the list answer could not be understood (skipped).
    org_services: tokio::sync::Mutex<Option<(Instant, Vec<ServiceRef>, usize)>>,
    /// Where resumed operations and reminders post (set by [`Engine::start_background`]).
    pub(super) background: OnceLock<Arc<dyn ChatSurface>>,
    pub(super) stop: CancellationToken,
    metrics: Arc<crate::telemetry::Metrics>,
    /// Threads whose queued lines failed to post: new lines queue behind them for the
    /// background pass instead of waiting on a failing chat (see [`super::delivery`]).
    pub(super) backlog: dashmap::DashSet<String>,
    /// One flush at a time per thread, so lines go out once and in order.
    pub(super) thread_locks: DashMap<String, Arc<tokio::sync::Mutex<()>>>,
    /// Operations whose requester was already told why their lines come privately.
    pub(super) told_privately: dashmap::DashSet<OperationId>,
}

impl std::fmt::Debug for dyn ChatSurface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChatSurface")
    }
}

const ORG_LIST_TTL: Duration = Duration::from_secs(60);

/// Up to this many known service names, an unknown one is answered with all of them.
const SHORT_SERVICE_LIST: usize = 8;

/// The known names nearest to `typed` (at most three, best first): similar enough by
/// Jaro-Winkler (which favours a shared start, as typos and abbreviations keep), or
/// containing what was typed.
pub(super) fn closest_names(typed: &str, known: &[String]) -> Vec<String> {
    let typed = typed.to_lowercase();
    let mut scored: Vec<(f64, &String)> = known
        .iter()
        .map(|k| {
            let name = k.to_lowercase();
            let mut score = strsim::jaro_winkler(&typed, &name);
            if !typed.is_empty() && name.contains(&typed) {
                score = score.max(0.9);
            }
            (score, k)
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, k)| k.clone()).collect()
}

/// How often handled interaction ids older than a day are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Where a wall-clock time falls on the monotonic clock (now, if it is in the future).
pub(super) fn instant_of(t: DateTime<Utc>) -> Instant {
    let ago = (Utc::now() - t).to_std().unwrap_or_default();
    Instant::now().checked_sub(ago).unwrap_or_else(Instant::now)
}

impl Engine {
    /// An engine over `store` (migrated already, see [`Store::connect`]). Nothing runs in the
    /// background until [`Engine::start_background`].
    pub fn new(cloud: CloudClient, config: Config, store: Store) -> anyhow::Result<Self> {
        let settings = EngineSettings::from_config(&config)?;
        Ok(Self {
            inner: Arc::new(Inner {
                // Polls give way to commands at the key's rate limiter.
                pollers: Pollers::new(
                    cloud.background(),
                    PollSettings {
                        interval: settings.poll_interval,
                        cdc: Window {
                            from: settings.cdc_window.0,
                            to: settings.cdc_window.1,
                        },
                        // Replica and idle changes may show at once; usually within this.
                        service: Window {
                            from: Duration::ZERO,
                            to: settings.service_window,
                        },
                    },
                    Some(store.clone()),
                ),
                background_cloud: cloud.background(),
                instance: format!(
                    "{}/{}",
                    config.store.instance(),
                    &uuid::Uuid::new_v4().simple().to_string()[..8]
                ),
                cloud,
                config,
                settings,
                store,
                supersession: DashMap::new(),
                in_flight: DashMap::new(),
                tasks: DashMap::new(),
                outcomes: Mutex::new(BTreeMap::new()),
                settled: Notify::new(),
                org_services: tokio::sync::Mutex::new(None),
                background: OnceLock::new(),
                stop: CancellationToken::new(),
                metrics: Arc::default(),
                backlog: dashmap::DashSet::new(),
                thread_locks: DashMap::new(),
                told_privately: dashmap::DashSet::new(),
            }),
        })
    }

    pub(super) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// The engine, while anything else still holds it (background loops must not keep it alive).
    pub(super) fn from_weak(weak: &std::sync::Weak<Inner>) -> Option<Engine> {
        weak.upgrade().map(|inner| Engine { inner })
    }

    /// Run `round` every `every` until the engine stops or is dropped. A stop ends a round
    /// where it is (what a round owns is leased in the store, as after a crash) rather than
    /// run it against a closing store; the loop holds the engine only during a round.
    pub(super) fn spawn_periodic<F, Fut>(&self, every: Duration, round: F)
    where
        F: Fn(Engine) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send,
    {
        let weak = Arc::downgrade(&self.inner);
        let stop = self.inner.stop.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tick.tick() => {}
                }
                let Some(engine) = Engine::from_weak(&weak) else {
                    return;
                };
                tokio::select! {
                    _ = stop.cancelled() => return,
                    () = round(engine) => {}
                }
            }
        });
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// This process's name in leases (`<instance id>/<incarnation>`).
    pub fn instance(&self) -> &str {
        &self.inner.instance
    }

    pub fn cloud(&self) -> &CloudClient {
        &self.inner.cloud
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.inner.settings
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn pollers(&self) -> &Pollers {
        &self.inner.pollers
    }

    /// Operation metrics, rendered at `/metrics`.
    pub fn metrics(&self) -> &Arc<crate::telemetry::Metrics> {
        &self.inner.metrics
    }

    /// Operations not yet settled.
    pub fn in_flight(&self) -> Vec<InFlight> {
        let mut v: Vec<_> = self
            .inner
            .in_flight
            .iter()
            .map(|e| e.value().clone())
            .collect();
        v.sort_by_key(|o| o.id);
        v
    }

    /// Operations settled by this process, by outcome.
    pub fn outcome_counts(&self) -> BTreeMap<OutcomeKind, u64> {
        self.inner.outcomes.lock().expect("outcome lock").clone()
    }

    /// Wait until no operation is in flight.
    pub async fn wait_idle(&self) {
        loop {
            let notified = self.inner.settled.notified();
            if self.inner.in_flight.is_empty() {
                return;
            }
            notified.await;
        }
    }

    /// Configured aliases first, then (when allowed) the organization's services, matching `prefix`.
    pub async fn service_choices(&self, prefix: &str) -> Vec<ServiceRef> {
        let prefix = prefix.to_lowercase();
        let mut out: Vec<ServiceRef> = self
            .inner
            .config
            .services
            .iter()
            .map(|s| ServiceRef {
                id: s.id.clone(),
                name: s.alias.clone(),
                customer_facing: s.customer_facing,
            })
            .collect();
        if self.inner.config.cloud.autocomplete_org_services {
            if let Ok((list, _)) = self.org_services().await {
                for s in list {
                    if !out.iter().any(|o| o.id == s.id) {
                        out.push(s);
                    }
                }
            }
        }
        out.retain(|s| s.name.to_lowercase().contains(&prefix) || s.id.starts_with(&prefix));
        out.truncate(25); // Discord shows at most 25 choices.
        out
    }

    /// The organization's services, and how many entries of the answer were skipped.
    async fn org_services(&self) -> Result<(Vec<ServiceRef>, usize), CloudError> {
        let mut cache = self.inner.org_services.lock().await;
        if let Some((at, list, skipped)) = cache.as_ref() {
            if at.elapsed() < ORG_LIST_TTL {
                return Ok((list.clone(), *skipped));
            }
        }
        let listing = self.inner.cloud.list_services_listing(&[]).await?;
        let skipped = listing.skipped.len();
        let list: Vec<ServiceRef> = listing
            .into_items()
            .into_iter()
            .map(|s| ServiceRef {
                customer_facing: self
                    .inner
                    .config
                    .service_alias(&s.id)
                    .is_some_and(|a| a.customer_facing),
                id: s.id,
                name: s.name,
            })
            .collect();
        *cache = Some((Instant::now(), list.clone(), skipped));
        Ok((list, skipped))
    }

    /// Resolve what a user typed (alias, service name or id) to a service.
    pub async fn resolve_service(&self, typed: &str) -> Result<ServiceRef, Rejection> {
        let typed = typed.trim();
        if let Some(a) = self.inner.config.service_alias(typed) {
            return Ok(ServiceRef {
                id: a.id.clone(),
                name: a.alias.clone(),
                customer_facing: a.customer_facing,
            });
        }
        let (list, skipped) = self.org_services().await?;
        if let Some(found) = list
            .iter()
            .find(|s| s.id == typed || s.name.eq_ignore_ascii_case(typed))
        {
            return Ok(found.clone());
        }
        let aliases: Vec<String> = self
            .inner
            .config
            .services
            .iter()
            .map(|s| s.alias.clone())
            .collect();
        let mut known: Vec<String> = aliases.clone();
        for s in &list {
            if !known.iter().any(|k| k.eq_ignore_ascii_case(&s.name)) {
                known.push(s.name.clone());
            }
        }
        Err(Rejection::UnknownService {
            typed: typed.to_owned(),
            closest: closest_names(typed, &known),
            // A short list helps more than any guess; a long one is what autocomplete is for.
            listed: if known.len() <= SHORT_SERVICE_LIST {
                known
            } else {
                Vec::new()
            },
            aliases,
            skipped,
        })
    }

    /// Whether `actor` may run `kind` on `service` in `channel`.
    pub fn authorize(
        &self,
        kind: CommandKind,
        service: &ServiceRef,
        actor: &Actor,
        channel: &str,
    ) -> Result<(), Rejection> {
        let names = [service.name.as_str(), service.id.as_str()];
        if self
            .inner
            .config
            .policy
            .allows(kind.name(), &names, &actor.roles, channel)
        {
            Ok(())
        } else {
            Err(Rejection::Denied {
                command: kind,
                service: service.name.clone(),
            })
        }
    }

    /// Policy, validation, the current configuration and the plan; nothing is sent yet.
    pub async fn prepare(&self, sub: Submission) -> Result<Prepared, Rejection> {
        let command = sub.request.command();
        let kind = command.kind();
        let limits = &self.inner.settings.limits;
        // Input checks that need no service come first: a typo costs no API call.
        let early_target = command.precheck(limits)?;
        // Revert options that are wrong whatever the service says are refused before any call.
        followup::resolve(kind, &sub.revert, true).map_err(Rejection::FollowUp)?;
        let service = self.resolve_service(&sub.service).await?;
        self.authorize(kind, &service, &sub.actor, &sub.origin.channel)?;
        let current = match self.read_current(&service.id, kind.resource()).await {
            // A schedule change sends the whole schedule back (the API's POST replaces it),
            // so the entries it keeps must be known: a service read that does not carry the
            // field is completed from the schedule's own GET rather than taken as "none".
            Ok(Current::Service(mut s))
                if kind == CommandKind::ScalingSchedule && s.scaling_schedule.is_none() =>
            {
                s.scaling_schedule = self.inner.cloud.get_scaling_schedule(&service.id).await?;
                Current::Service(s)
            }
            Ok(current) => current,
            // ClickPipes calls answer 424 while the service is idle. A change whose target the
            // input alone decides can wait for it: planned against the service as it is
            // (idle), the operation offers Wake and continue and plans again once it runs.
            Err(e) if e.is_idle() && kind.resource() == super::request::Resource::Cdc => {
                let Some(target) = early_target else {
                    return Err(e.into());
                };
                let idle = self.inner.cloud.get_service(&service.id).await?;
                let prepared = self.plan(PlanInput {
                    kind,
                    service,
                    current: Current::Service(Box::new(idle)),
                    target,
                    actor: sub.actor,
                    origin: sub.origin,
                    followup: FollowUp::Undecided { input: sub.revert },
                    confirmed_by: None,
                })?;
                return self.against_open(prepared).await;
            }
            // A 404 for CDC scaling means either no DB ClickPipe or a service that cannot
            // scale at all: say which.
            Err(e)
                if kind.resource() == super::request::Resource::Cdc && e.status() == Some(404) =>
            {
                return Err(self.why_no_cdc(&service.id, e).await);
            }
            Err(e) => return Err(e.into()),
        };
        let target = match early_target {
            Some(target) => target,
            None => command.target(&current, limits)?,
        };
        let followup = followup::resolve(
            kind,
            &sub.revert,
            followup::cdc_scales_up(&current, &target),
        )
        .map_err(Rejection::FollowUp)?;
        let prepared = self.plan(PlanInput {
            kind,
            service,
            current,
            target,
            actor: sub.actor,
            origin: sub.origin,
            followup,
            confirmed_by: None,
        })?;
        self.against_open(prepared).await
    }

    /// Why the API has no CDC scaling for a service: a Basic-tier service cannot scale at all
    /// (the tier says so); otherwise the API's own 404 (no DB ClickPipe yet).
    async fn why_no_cdc(&self, service_id: &str, not_found: CloudError) -> Rejection {
        match self.inner.cloud.get_service(service_id).await {
            Ok(service) => match crate::scaling::ServiceKind::of(&service).basic_tier {
                Some(tier) => Rejection::Invalid(crate::scaling::RuleError::BasicTier { tier }),
                None => Rejection::Api(not_found),
            },
            Err(_) => Rejection::Api(not_found),
        }
    }

    /// The configuration a command plans against: what it reads is what it changes.
    pub(super) async fn read_current(
        &self,
        service_id: &str,
        resource: super::request::Resource,
    ) -> Result<Current, CloudError> {
        let cloud = &self.inner.cloud;
        Ok(match resource {
            super::request::Resource::Cdc => Current::Cdc(cloud.get_cdc_scaling(service_id).await?),
            super::request::Resource::Service => {
                Current::Service(Box::new(cloud.get_service(service_id).await?))
            }
        })
    }

    /// Look at what is in flight on the service, on every instance (the store's view): the
    /// same change joins the operation already running it (nothing is sent again); one that
    /// overlaps the settings of an open operation will supersede it, so it is sent even when
    /// the API still reports the target as current.
    async fn against_open(&self, mut p: Prepared) -> Result<Prepared, Rejection> {
        let open = self
            .inner
            .store
            .open_operations_on(&p.service.id)
            .await
            .map_err(|e| {
                tracing::error!(error = format!("{e:#}"), "could not read open operations");
                Rejection::Unavailable
            })?;
        let settings = p.target.settings();
        for op in open.iter().rev().filter(|op| op.superseded_by.is_none()) {
            let same = serde_json::from_value::<scaling::Target>(op.target.clone())
                .is_ok_and(|t| t == p.target);
            if same {
                return Err(Rejection::AlreadyInFlight {
                    id: op.id,
                    actor: op.actor.name.clone(),
                });
            }
            if p.supersedes.is_none() && op.settings.overlaps(&settings) {
                p.supersedes = Some(op.id);
            }
        }
        Ok(p)
    }

    /// The configured confirmation thresholds, for a service that does or does not serve
    /// customers.
    fn risk_policy(&self, customer_facing: bool) -> RiskPolicy {
        let s = &self.inner.settings;
        RiskPolicy {
            cost_up_confirm_factor: s.cost_up_confirm_factor,
            cost_up_confirm_per_hour: s.cost_up_confirm_per_hour,
            customer_facing,
        }
    }

    /// The plan for a change whose target is known; [`Engine::prepare`] adds supersession.
    pub(super) fn plan(&self, i: PlanInput) -> Result<Prepared, Rejection> {
        let policy = self.risk_policy(i.service.customer_facing);
        let plan = scaling::plan_priced(&i.current, &i.target, &policy, &self.inner.settings.rates);
        Ok(Prepared {
            kind: i.kind,
            service: i.service,
            current: i.current,
            target: i.target,
            plan,
            actor: i.actor,
            origin: i.origin,
            supersedes: None,
            followup: i.followup,
            confirmed_by: i.confirmed_by,
            prepared_at: std::time::Instant::now(),
        })
    }

    /// Record a prepared operation and start it in the background; returns its id at once.
    /// Nothing is sent to the API when it cannot be recorded.
    pub async fn launch(
        &self,
        prepared: Prepared,
        surface: Arc<dyn ChatSurface>,
    ) -> Result<OperationHandle, Rejection> {
        let store = &self.inner.store;
        let record = async {
            let id = store.next_operation_id().await?;
            store
                .insert_operation(&NewOperation {
                    id,
                    kind: prepared.kind,
                    service: prepared.service.clone(),
                    actor: prepared.actor.clone(),
                    origin: prepared.origin.clone(),
                    target: serde_json::to_value(&prepared.target)?,
                    before: serde_json::to_value(&prepared.current)?,
                    followup: serde_json::to_value(&prepared.followup)?,
                    settings: prepared.target.settings(),
                })
                .await?;
            store
                .claim_operation(id, &self.inner.instance, self.inner.settings.lease_ttl)
                .await?;
            anyhow::Ok(id)
        };
        let id = record.await.map_err(|e| {
            tracing::error!(error = format!("{e:#}"), "could not record an operation");
            Rejection::Unavailable
        })?;
        let mut entry =
            self.audit_entry(id, &prepared, None, &prepared.actor, AuditAction::Requested);
        entry.after = serde_json::to_value(&prepared.target).ok();
        // The audit log is for operators: English. /scaling-history renders the change again
        // from `before` and `after` in the reader's locale.
        entry.detail = Some(prepared.plan.summary(Locale::EnUs));
        self.record(entry).await;
        if let FollowUp::Never { reason } = &prepared.followup {
            let mut e = self.audit_entry(id, &prepared, None, &prepared.actor, AuditAction::Kept);
            e.detail = Some(format!("revert:never: {reason}"));
            self.record(e).await;
        }
        Ok(self.spawn(id, prepared, surface, None))
    }

    /// Run an operation (new or resumed) on this instance.
    fn spawn(
        &self,
        id: OperationId,
        prepared: Prepared,
        surface: Arc<dyn ChatSurface>,
        resume: Option<Resume>,
    ) -> OperationHandle {
        let (phase_tx, phase) = watch::channel(Phase::Starting);
        let phase_tx = Arc::new(phase_tx);
        let started = resume
            .as_ref()
            .map_or_else(Instant::now, |r| instant_of(r.created_at));
        self.inner.in_flight.insert(
            id,
            InFlight {
                id,
                kind: prepared.kind,
                service: prepared.service.clone(),
                plan: prepared.plan.clone(),
                actor: prepared.actor.name.clone(),
                started,
                phase: Phase::Starting,
            },
        );
        self.inner
            .metrics
            .set_in_flight(self.inner.in_flight.len() as i64);
        let engine = self.clone();
        let span = tracing::info_span!("operation", operation = %id, command = %prepared.kind, service = %prepared.service.name);
        let task = tokio::spawn(tracing::Instrument::instrument(
            async move {
                let op = Operation::new(id, engine.clone(), surface, prepared, phase_tx.clone());
                let outcome = op.run(resume).await;
                engine.settled(id, &outcome);
                phase_tx.send_replace(Phase::Settled);
            },
            span,
        ));
        self.inner.tasks.insert(id, task.abort_handle());
        if task.is_finished() {
            self.inner.tasks.remove(&id);
        }
        OperationHandle { id, phase }
    }

    /// Count a no-op that was answered without launching anything.
    pub fn record_noop(&self) {
        *self
            .inner
            .outcomes
            .lock()
            .expect("outcome lock")
            .entry(OutcomeKind::NoOp)
            .or_default() += 1;
    }

    /// In-memory bookkeeping once an operation has settled (the store was updated before).
    fn settled(&self, id: OperationId, outcome: &Outcome) {
        tracing::info!(operation = %id, outcome = outcome.label(), "operation settled");
        *self
            .inner
            .outcomes
            .lock()
            .expect("outcome lock")
            .entry(outcome.kind())
            .or_default() += 1;
        let kind = self.inner.in_flight.get(&id).map(|op| op.kind);
        if let Some(kind) = kind {
            let took = match outcome {
                Outcome::Confirmed { took, .. } => Some(*took),
                _ => None,
            };
            self.inner
                .metrics
                .operation_settled(kind.name(), outcome.label(), took);
        }
        self.forget(id);
    }

    fn forget(&self, id: OperationId) {
        self.inner.supersession.remove(&id);
        self.inner.in_flight.remove(&id);
        self.inner.tasks.remove(&id);
        self.inner
            .metrics
            .set_in_flight(self.inner.in_flight.len() as i64);
        self.inner.settled.notify_waiters();
    }

    /// An audit entry about operation `id`, with where it happened; fill in the rest.
    pub(super) fn audit_entry(
        &self,
        id: OperationId,
        p: &Prepared,
        thread: Option<&ThreadRef>,
        actor: &Actor,
        action: AuditAction,
    ) -> AuditEntry {
        let mut e = AuditEntry::new(Utc::now(), &actor.id, &actor.name, action);
        e.operation = Some(id);
        e.guild = p.origin.guild.clone();
        e.channel = Some(p.origin.channel.clone());
        e.thread = thread.map(|t| t.0.clone());
        e.service_id = Some(p.service.id.clone());
        e.service_name = Some(p.service.name.clone());
        e.before = serde_json::to_value(&p.current).ok();
        e
    }

    /// Append to the audit log; a failure is logged, never shown as the operation's failure.
    pub(super) async fn record(&self, entry: AuditEntry) {
        if let Err(e) = self.inner.store.audit(&entry).await {
            tracing::error!(
                error = format!("{e:#}"),
                action = entry.action.as_str(),
                "audit entry lost"
            );
        }
    }

    /// Who may press Confirm / Cancel on an operation.
    pub(super) fn guard_for(&self, p: &Prepared) -> ClickGuard {
        let engine = self.clone();
        let (kind, service, requester, channel) = (
            p.kind,
            p.service.clone(),
            p.actor.id.clone(),
            p.origin.channel.clone(),
        );
        Arc::new(move |clicker: &Actor| {
            engine.authorize(kind, &service, clicker, &channel)?;
            if clicker.id == requester || engine.inner.config.policy.may_confirm(&clicker.roles) {
                Ok(())
            } else {
                Err(Rejection::NotDecider)
            }
        })
    }

    /// Resume unsettled work and start the background loops (lease renewal and adoption of
    /// operations whose instance died, due reminders), posting through `surface`.
    pub async fn start_background(&self, surface: Arc<dyn ChatSurface>) -> anyhow::Result<()> {
        if self.inner.background.set(surface).is_err() {
            anyhow::bail!("the engine's background work is already running");
        }
        if let Some(surface) = self.background_surface() {
            self.flush_outbox(surface.as_ref()).await;
        }
        self.post_unposted_notices().await;
        self.adopt_unsettled().await;
        let weak = Arc::downgrade(&self.inner);
        let stop = self.inner.stop.clone();
        let every = self.inner.settings.lease_ttl / 3;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut next_prune = Instant::now();
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tick.tick() => {}
                }
                let Some(inner) = weak.upgrade() else { return };
                let engine = Engine { inner };
                let round = async {
                    engine.keep_leases().await;
                    engine.adopt_unsettled().await;
                    if let Some(surface) = engine.background_surface() {
                        engine.flush_outbox(surface.as_ref()).await;
                    }
                    engine.post_unposted_notices().await;
                    // Interaction ids only matter while Discord could still deliver them again.
                    if Instant::now() >= next_prune {
                        next_prune = Instant::now() + PRUNE_EVERY;
                        let day_ago = Utc::now() - chrono::Duration::days(1);
                        let _ = engine.inner.store.prune_interactions(day_ago).await;
                    }
                };
                // A clean stop ends the round at once instead of running it against a store
                // that is being closed (which logged "closed pool" errors on every exit).
                tokio::select! {
                    _ = stop.cancelled() => return,
                    () = round => {}
                }
            }
        });
        super::reminders::spawn_loop(self);
        super::digest::spawn_loop(self);
        Ok(())
    }

    /// Whether another live instance is running the operation whose status message is
    /// `message`, so a click on its buttons is that instance's to answer.
    pub async fn held_elsewhere(&self, message: &str) -> bool {
        match self.inner.store.operation_by_status(message).await {
            Ok(Some(op)) => {
                op.settled_at.is_none()
                    && op.lease.is_some_and(|l| {
                        !crate::store::same_instance(&l.owner, &self.inner.instance)
                            && l.until > Utc::now()
                    })
            }
            _ => false,
        }
    }

    /// Stop the background loops (the operations' own tasks end with the runtime).
    pub fn stop_background(&self) {
        self.inner.stop.cancel();
    }

    /// Stop everything at once, as a crash would: background loops and operation tasks end
    /// where they are; their rows stay unsettled, and their leases lapse for another instance
    /// (or the next start) to resume them.
    pub fn halt(&self) {
        self.stop_background();
        for task in self.inner.tasks.iter() {
            task.value().abort();
        }
        self.inner.tasks.clear();
        self.inner.in_flight.clear();
        self.inner.supersession.clear();
        self.inner.settled.notify_waiters();
    }

    /// A clean stop: halt, then give the leases back so that another instance takes the
    /// unsettled operations over at once instead of waiting for the leases to lapse.
    pub async fn shutdown(&self) {
        let ids: Vec<OperationId> = self.inner.tasks.iter().map(|e| *e.key()).collect();
        self.halt();
        for id in ids {
            let _ = self
                .inner
                .store
                .release_lease(crate::store::Leased::Operation(id), &self.inner.instance)
                .await;
        }
    }

    fn background_surface(&self) -> Option<Arc<dyn ChatSurface>> {
        self.inner.background.get().cloned()
    }

    /// Renew the leases of this instance's operations; stop any whose lease was lost (another
    /// instance decided this one was dead and took over).
    async fn keep_leases(&self) {
        let ids: Vec<OperationId> = self.inner.tasks.iter().map(|e| *e.key()).collect();
        for id in ids {
            match self
                .inner
                .store
                .claim_operation(id, &self.inner.instance, self.inner.settings.lease_ttl)
                .await
            {
                Ok(true) => {}
                // Settled between listing the tasks and renewing: its task is ending by itself.
                Ok(false) if !self.inner.in_flight.contains_key(&id) => {}
                Ok(false) if self.is_settled(id).await => {}
                Ok(false) => {
                    tracing::warn!(operation = %id, "lease lost to another instance; stopping here");
                    if let Some((_, task)) = self.inner.tasks.remove(&id) {
                        task.abort();
                    }
                    self.forget(id);
                }
                Err(e) => {
                    tracing::warn!(operation = %id, error = format!("{e:#}"), "could not renew a lease")
                }
            }
        }
    }

    /// Take over every unsettled operation no live instance holds (all of them after a
    /// restart), oldest first, and carry on posting into the same messages and threads.
    async fn adopt_unsettled(&self) {
        let Some(surface) = self.background_surface() else {
            return;
        };
        let records = match self.inner.store.unsettled_operations().await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(
                    error = format!("{e:#}"),
                    "could not read unsettled operations"
                );
                return;
            }
        };
        for record in records {
            // Ours already: running here, or being launched right now (the row is written
            // and leased before the task starts).
            let ours = record
                .lease
                .as_ref()
                .is_some_and(|l| l.owner == self.inner.instance);
            if ours || self.inner.in_flight.contains_key(&record.id) {
                continue;
            }
            match self
                .inner
                .store
                .claim_operation(
                    record.id,
                    &self.inner.instance,
                    self.inner.settings.lease_ttl,
                )
                .await
            {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(operation = %record.id, error = format!("{e:#}"), "could not claim an operation");
                    continue;
                }
            }
            let id = record.id;
            match self.resumable(record) {
                Ok((prepared, resume)) => {
                    tracing::info!(operation = %id, phase = ?resume.phase, "resuming operation");
                    self.spawn(id, prepared, surface.clone(), Some(resume));
                }
                Err(e) => {
                    tracing::error!(operation = %id, error = format!("{e:#}"), "cannot resume operation; marking it failed");
                    let _ = self
                        .inner
                        .store
                        .settle_operation(id, OutcomeKind::Failed, Some(&format!("{e:#}")), None)
                        .await;
                }
            }
        }
    }

    /// Rebuild what a stored operation needs to run again.
    fn resumable(&self, r: OperationRecord) -> anyhow::Result<(Prepared, Resume)> {
        let current: Current = serde_json::from_value(r.before)?;
        let target: scaling::Target = serde_json::from_value(r.target)?;
        let followup: FollowUp = if r.followup.is_null() {
            FollowUp::None
        } else {
            serde_json::from_value(r.followup)?
        };
        let prepared = self
            .plan(PlanInput {
                kind: r.kind,
                service: r.service,
                current,
                target,
                actor: r.actor,
                origin: r.origin,
                followup,
                confirmed_by: None,
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((
            prepared,
            Resume {
                phase: r.phase,
                status: r.status,
                thread: r.thread,
                applied_at: r.applied_at,
                created_at: r.created_at,
                unanswered: r.unanswered_at.is_some(),
            },
        ))
    }

    async fn is_settled(&self, id: OperationId) -> bool {
        matches!(self.inner.store.operation(id).await, Ok(Some(r)) if r.settled_at.is_some())
    }

    /// Tell operation `id`, if it runs here, that `by` (asked by `actor`) took over from it.
    pub(super) fn tell_superseded(&self, id: OperationId, by: OperationId, actor: &str) {
        if let Some(tx) = self.inner.supersession.get(&id) {
            tx.send_replace(Some((by, actor.to_owned())));
        }
    }

    /// Operations not settled yet on `service_id`, on any instance, oldest first.
    pub async fn open_operations_on(&self, service_id: &str) -> anyhow::Result<Vec<InFlight>> {
        let records = self.inner.store.open_operations_on(service_id).await?;
        Ok(records
            .into_iter()
            .filter(|r| r.superseded_by.is_none())
            .filter_map(|r| {
                let current: Current = serde_json::from_value(r.before).ok()?;
                let target: scaling::Target = serde_json::from_value(r.target).ok()?;
                let policy = self.risk_policy(r.service.customer_facing);
                let plan =
                    scaling::plan_priced(&current, &target, &policy, &self.inner.settings.rates);
                Some(InFlight {
                    id: r.id,
                    kind: r.kind,
                    plan,
                    service: r.service,
                    actor: r.actor.name,
                    started: instant_of(r.created_at),
                    phase: r.phase,
                })
            })
            .collect())
    }

    /// Post the final notices of operations that settled just before a process stopped.
    async fn post_unposted_notices(&self) {
        let Some(surface) = self.background_surface() else {
            return;
        };
        let records = match self.inner.store.unposted_notices().await {
            Ok(records) => records,
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), "could not read unposted notices");
                return;
            }
        };
        for record in records {
            if self.inner.in_flight.contains_key(&record.id) {
                continue; // Its own task posts it.
            }
            super::operation::post_notice(
                self,
                surface.as_ref(),
                record.id,
                record.status.as_ref(),
                record.thread.as_ref(),
            )
            .await;
        }
    }
}

/// Everything [`Engine::plan`] needs.
pub(super) struct PlanInput {
    pub kind: CommandKind,
    pub service: ServiceRef,
    pub current: Current,
    pub target: scaling::Target,
    pub actor: Actor,
    pub origin: super::surface::Origin,
    pub followup: FollowUp,
    /// Set when the change was agreed already (a reminder's Scale down / Revert now click).
    pub confirmed_by: Option<Actor>,
}
