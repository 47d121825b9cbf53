//! The operation engine: prepare (policy, validation, read, plan) -> launch (status message,
//! thread, confirmation, PATCH, watch, settle).

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use dashmap::DashMap;
use tokio::{
    sync::{watch, Notify},
    time::Instant,
};

use super::{
    request::{
        CommandKind, OperationId, Prepared, Rejection, Resource, ScaleRequest, ServiceRef,
        Submission,
    },
    surface::{Actor, ChatSurface, ClickGuard, Decision, MessageRef, ThreadRef},
    text,
    watch::{Observation, Pollers},
};
use crate::{
    cloud::{CloudClient, CloudError},
    config::Config,
    scaling::{self, Current, Limits, RiskPolicy, Target},
};

/// How an operation ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The API reports the target.
    Confirmed { took: Duration, seen: Current },
    /// The target was already in place; nothing was sent.
    NoOp,
    /// The deadline passed before the API reported the target.
    TimedOut {
        waited: Duration,
        last_seen: Option<Current>,
    },
    /// The API refused the change or could not be reached; the message says why.
    Failed { message: String },
    /// A newer operation on the same resource took over.
    Superseded { by: OperationId },
    /// Cancelled by someone (or expired when `by` is `None`); nothing was sent.
    Cancelled { by: Option<Actor> },
}

impl Outcome {
    /// Label for metrics, logs and the console's exit status.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Confirmed { .. } => "confirmed",
            Self::NoOp => "noop",
            Self::TimedOut { .. } => "timed_out",
            Self::Failed { .. } => "failed",
            Self::Superseded { .. } => "superseded",
            Self::Cancelled { by: Some(_) } => "cancelled",
            Self::Cancelled { by: None } => "expired",
        }
    }

    /// Settled the way the user wanted (or with nothing to do).
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Confirmed { .. } | Self::NoOp)
    }
}

/// Where a launched operation is; surfaces and tests wait on it through [`OperationHandle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Starting,
    AwaitingConfirmation,
    Applying,
    Watching,
    Settled,
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

/// An operation in flight, as `/scaling-status` lists it.
#[derive(Debug, Clone)]
pub struct InFlight {
    pub id: OperationId,
    pub kind: CommandKind,
    pub service: ServiceRef,
    pub summary: String,
    pub actor: String,
    pub started: Instant,
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
        })
    }
}

/// Sent to an operation when a newer one takes over its resource: the newer id and its requester.
type Supersession = (OperationId, String);

/// The newest operation on a resource and the channel that tells it it was superseded.
type Latest = (OperationId, watch::Sender<Option<Supersession>>);

#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    cloud: CloudClient,
    config: Config,
    settings: EngineSettings,
    pollers: Pollers,
    next_id: AtomicU64,
    /// The newest operation per (service, resource), with the channel that tells it it was superseded.
    latest: DashMap<(String, Resource), Latest>,
    in_flight: DashMap<OperationId, InFlight>,
    outcomes: Mutex<BTreeMap<&'static str, u64>>,
    settled: Notify,
    /// Service names from the organization's list, refreshed at most once a minute.
    org_services: tokio::sync::Mutex<Option<(Instant, Vec<ServiceRef>)>>,
    metrics: Arc<crate::telemetry::Metrics>,
}

const ORG_LIST_TTL: Duration = Duration::from_secs(60);

impl Engine {
    pub fn new(cloud: CloudClient, config: Config) -> anyhow::Result<Self> {
        let settings = EngineSettings::from_config(&config)?;
        Ok(Self {
            inner: Arc::new(Inner {
                pollers: Pollers::new(cloud.clone(), settings.poll_interval),
                cloud,
                config,
                settings,
                next_id: AtomicU64::new(1),
                latest: DashMap::new(),
                in_flight: DashMap::new(),
                outcomes: Mutex::new(BTreeMap::new()),
                settled: Notify::new(),
                org_services: tokio::sync::Mutex::new(None),
                metrics: Arc::default(),
            }),
        })
    }

    pub fn cloud(&self) -> &CloudClient {
        &self.inner.cloud
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

    /// Settled operations by outcome label.
    pub fn outcome_counts(&self) -> BTreeMap<&'static str, u64> {
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
            if let Ok(list) = self.org_services().await {
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

    async fn org_services(&self) -> Result<Vec<ServiceRef>, CloudError> {
        let mut cache = self.inner.org_services.lock().await;
        if let Some((at, list)) = cache.as_ref() {
            if at.elapsed() < ORG_LIST_TTL {
                return Ok(list.clone());
            }
        }
        let list: Vec<ServiceRef> = self
            .inner
            .cloud
            .list_services()
            .await?
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
        *cache = Some((Instant::now(), list.clone()));
        Ok(list)
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
        let list = self.org_services().await?;
        list.into_iter()
            .find(|s| s.id == typed || s.name.eq_ignore_ascii_case(typed))
            .ok_or_else(|| {
                let known: Vec<&str> = self
                    .inner
                    .config
                    .services
                    .iter()
                    .map(|s| s.alias.as_str())
                    .collect();
                Rejection::UnknownService(if known.is_empty() {
                    format!("No service called `{typed}` in this organization. Use a service name or id (autocomplete lists them).")
                } else {
                    format!(
                        "No service called `{typed}`. Configured aliases: {}; a service name or id from the organization works too.",
                        known.join(", ")
                    )
                })
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
            Err(Rejection::Denied(format!(
                "You are not allowed to run /{kind} on `{}` in this channel. Ask an admin to add a policy rule for one of your roles.",
                service.name
            )))
        }
    }

    /// Policy, validation, the current configuration and the plan; nothing is sent yet.
    pub async fn prepare(&self, sub: Submission) -> Result<Prepared, Rejection> {
        let kind = sub.request.kind();
        let limits = &self.inner.settings.limits;
        // Input checks that need no service come first: a typo costs no API call.
        let early_cdc = match &sub.request {
            ScaleRequest::Cdc { cores } => Some(scaling::cdc_target(*cores, limits)?),
            _ => None,
        };
        let service = self.resolve_service(&sub.service).await?;
        self.authorize(kind, &service, &sub.actor, &sub.origin.channel)?;
        let cloud = &self.inner.cloud;
        let (current, target) = match (&sub.request, early_cdc) {
            (ScaleRequest::Cdc { .. }, Some(cdc)) => (
                Current::Cdc(cloud.get_cdc_scaling(&service.id).await?),
                Target::Cdc(cdc),
            ),
            (ScaleRequest::Replicas(input), _) => {
                let svc = cloud.get_service(&service.id).await?;
                let patch = scaling::replica_patch(input, &svc, limits)?;
                (Current::Service(Box::new(svc)), Target::Service(patch))
            }
            (ScaleRequest::Idle(input), _) => {
                let svc = cloud.get_service(&service.id).await?;
                let patch = scaling::idle_patch(input)?;
                (Current::Service(Box::new(svc)), Target::Service(patch))
            }
            (ScaleRequest::Cdc { .. }, None) => unreachable!("CDC input is checked above"),
        };
        let policy = RiskPolicy {
            cost_up_confirm_factor: self.inner.settings.cost_up_confirm_factor,
            customer_facing: service.customer_facing,
        };
        let plan = scaling::plan(&current, &target, &policy);
        let supersedes = self
            .inner
            .latest
            .get(&(service.id.clone(), kind.resource()))
            .map(|e| e.0)
            .filter(|id| self.inner.in_flight.contains_key(id));
        Ok(Prepared {
            kind,
            service,
            current,
            target,
            plan,
            actor: sub.actor,
            origin: sub.origin,
            supersedes,
            prepared_at: std::time::Instant::now(),
        })
    }

    /// Start a prepared operation in the background and return its id at once.
    pub fn launch(&self, prepared: Prepared, surface: Arc<dyn ChatSurface>) -> OperationHandle {
        let id = OperationId(self.inner.next_id.fetch_add(1, Ordering::Relaxed));
        let (phase_tx, phase) = watch::channel(Phase::Starting);
        let phase_tx = Arc::new(phase_tx);
        self.inner.in_flight.insert(
            id,
            InFlight {
                id,
                kind: prepared.kind,
                service: prepared.service.clone(),
                summary: prepared.plan.summary(),
                actor: prepared.actor.name.clone(),
                started: Instant::now(),
            },
        );
        self.inner
            .metrics
            .set_in_flight(self.inner.in_flight.len() as i64);
        let engine = self.clone();
        tokio::spawn(async move {
            let op = Operation {
                id,
                engine: engine.clone(),
                surface,
                p: prepared,
                status: None,
                thread: None,
                phase: phase_tx.clone(),
            };
            let outcome = op.run().await;
            engine.settle(id, &outcome);
            phase_tx.send_replace(Phase::Settled);
        });
        OperationHandle { id, phase }
    }

    /// Count a no-op that was answered without launching anything.
    pub fn record_noop(&self) {
        *self
            .inner
            .outcomes
            .lock()
            .expect("outcome lock")
            .entry(Outcome::NoOp.label())
            .or_default() += 1;
    }

    fn settle(&self, id: OperationId, outcome: &Outcome) {
        tracing::info!(operation = %id, outcome = outcome.label(), "operation settled");
        *self
            .inner
            .outcomes
            .lock()
            .expect("outcome lock")
            .entry(outcome.label())
            .or_default() += 1;
        self.inner.latest.retain(|_, (latest, _)| *latest != id);
        if let Some((_, op)) = self.inner.in_flight.remove(&id) {
            let took = match outcome {
                Outcome::Confirmed { took, .. } => Some(*took),
                _ => None,
            };
            let metrics = &self.inner.metrics;
            metrics.operation_settled(op.kind.name(), outcome.label(), took);
            metrics.set_in_flight(self.inner.in_flight.len() as i64);
        }
        self.inner.settled.notify_waiters();
    }

    fn guard_for(&self, p: &Prepared) -> ClickGuard {
        let engine = self.clone();
        let (kind, service, requester, channel) = (
            p.kind,
            p.service.clone(),
            p.actor.id.clone(),
            p.origin.channel.clone(),
        );
        Arc::new(move |clicker: &Actor| {
            engine
                .authorize(kind, &service, clicker, &channel)
                .map_err(|e| e.to_string())?;
            if clicker.id == requester || engine.inner.config.policy.may_confirm(&clicker.roles) {
                Ok(())
            } else {
                Err(
                    "Only the requester or a member of a confirmer role may decide on this change."
                        .into(),
                )
            }
        })
    }
}

/// One operation's run, from status message to settlement.
struct Operation {
    id: OperationId,
    engine: Engine,
    surface: Arc<dyn ChatSurface>,
    p: Prepared,
    status: Option<MessageRef>,
    thread: Option<ThreadRef>,
    phase: Arc<watch::Sender<Phase>>,
}

impl Operation {
    async fn run(mut self) -> Outcome {
        let id = self.id;
        let settings = self.engine.inner.settings.clone();
        match self
            .surface
            .post_status(
                &self.p.origin,
                &text::status(id, &self.p, text::STAGE_APPLYING),
            )
            .await
        {
            Ok(m) => self.status = Some(m),
            Err(e) => {
                tracing::warn!(operation = %id, error = %e, "could not post the status message")
            }
        }
        if let Some(m) = &self.status {
            match self
                .surface
                .open_thread(m, &text::thread_name(id, &self.p))
                .await
            {
                Ok(t) => self.thread = Some(t),
                Err(e) => tracing::warn!(operation = %id, error = %e, "could not open a thread"),
            }
        }

        if self.p.plan.needs_confirmation() {
            let Some(message) = self.status.clone() else {
                return self
                    .finish(Outcome::Failed {
                        message: "Could not post the confirmation buttons, so nothing was sent."
                            .into(),
                    })
                    .await;
            };
            self.stage(text::STAGE_CONFIRM).await;
            self.phase.send_replace(Phase::AwaitingConfirmation);
            let prompt = text::confirm_prompt(&self.p, settings.confirm_timeout);
            self.say(&prompt).await;
            let guard = self.engine.guard_for(&self.p);
            let decision = self
                .surface
                .confirm(&message, &prompt, settings.confirm_timeout, guard)
                .await;
            match decision {
                Ok(Decision::Confirmed(actor)) => {
                    self.say(&text::confirmed_by(&actor.name)).await;
                    self.stage(text::STAGE_APPLYING).await;
                }
                Ok(Decision::Cancelled(actor)) => {
                    return self.finish(Outcome::Cancelled { by: Some(actor) }).await
                }
                Ok(Decision::Expired) => return self.finish(Outcome::Cancelled { by: None }).await,
                Err(e) => {
                    return self
                        .finish(Outcome::Failed {
                            message: format!(
                                "The confirmation could not be collected ({e}); nothing was sent."
                            ),
                        })
                        .await
                }
            }
        }

        self.phase.send_replace(Phase::Applying);
        // Take over the resource before the PATCH: from here on, older operations stop.
        let (tx, mut superseded_rx) = watch::channel(None);
        let key = (self.p.service.id.clone(), self.p.kind.resource());
        if let Some((_, (older, older_tx))) = self.engine.inner.latest.remove(&key) {
            let _ = older_tx.send(Some((id, self.p.actor.name.clone())));
            if self.engine.inner.in_flight.contains_key(&older) {
                self.say(&text::supersedes(older)).await;
            }
        }
        self.engine.inner.latest.insert(key, (id, tx));

        let cloud = self.engine.cloud().clone();
        let applied = match &self.p.target {
            Target::Cdc(t) => cloud
                .patch_cdc_scaling(&self.p.service.id, *t)
                .await
                .map(|a| a.request_id),
            Target::Service(patch) => cloud
                .patch_replica_scaling(&self.p.service.id, patch)
                .await
                .map(|a| a.request_id),
        };
        let request_id = match applied {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(operation = %id, error = ?e, "PATCH failed");
                return self
                    .finish(Outcome::Failed {
                        message: e.user_message(),
                    })
                    .await;
            }
        };
        let applied_at = Instant::now();
        tracing::info!(operation = %id, request_id = ?request_id, "change accepted");
        let window = self.window_text();
        self.stage(&text::stage_watching(&window)).await;
        self.say(&text::accepted(request_id.as_deref(), &window))
            .await;
        // Only now: surfaces waiting for `Watching` rely on the acceptance having been said.
        self.phase.send_replace(Phase::Watching);

        let outcome = self.watch(applied_at, &mut superseded_rx, &window).await;
        self.finish(outcome).await
    }

    fn window_text(&self) -> String {
        let s = &self.engine.inner.settings;
        match self.p.kind.resource() {
            Resource::Cdc => format!(
                "{}–{}",
                text::duration(s.cdc_window.0),
                text::duration(s.cdc_window.1)
            ),
            Resource::Service => format!("under {}", text::duration(s.service_window)),
        }
    }

    /// Poll (through the shared stream) until the API reports the target, the deadline, or a newer operation.
    async fn watch(
        &self,
        applied_at: Instant,
        superseded: &mut watch::Receiver<Option<Supersession>>,
        window: &str,
    ) -> Outcome {
        let s = &self.engine.inner.settings;
        let mut rx = self
            .engine
            .pollers()
            .subscribe(&self.p.service.id, self.p.kind.resource());
        let deadline = applied_at + s.watch_deadline;
        let expected_end = applied_at
            + match self.p.kind.resource() {
                Resource::Cdc => s.cdc_window.1,
                Resource::Service => s.service_window,
            };
        let mut progress_said = false;
        let mut trouble_said = false;
        let mut last_seen: Option<Current> = None;
        loop {
            let progress_at = if progress_said {
                deadline
            } else {
                expected_end
            };
            tokio::select! {
                changed = rx.changed() => {
                    if changed.is_err() {
                        // The stream only ends when nobody listens; we still do, so resubscribe.
                        rx = self.engine.pollers().subscribe(&self.p.service.id, self.p.kind.resource());
                        continue;
                    }
                    let obs: Option<Observation> = rx.borrow_and_update().clone();
                    let Some(obs) = obs else { continue };
                    // An answer to a GET sent before the PATCH was accepted says nothing about it.
                    if obs.sent_at < applied_at {
                        continue;
                    }
                    match obs.result {
                        Ok(current) => {
                            if scaling::matches_target(&self.p.target, &current) {
                                return Outcome::Confirmed { took: applied_at.elapsed(), seen: current };
                            }
                            last_seen = Some(current);
                        }
                        Err(e) if e.permanent => return Outcome::Failed { message: e.message },
                        Err(e) => {
                            if !trouble_said {
                                trouble_said = true;
                                self.say(&text::poll_trouble(&e.message)).await;
                            }
                        }
                    }
                }
                _ = superseded.changed() => {
                    let by = superseded.borrow().clone();
                    if let Some((by, actor)) = by {
                        self.say(&text::superseded(by, &actor)).await;
                        return Outcome::Superseded { by };
                    }
                }
                _ = tokio::time::sleep_until(progress_at), if !progress_said => {
                    progress_said = true;
                    self.say(&text::progress(applied_at.elapsed(), window, s.watch_deadline)).await;
                }
                _ = tokio::time::sleep_until(deadline) => {
                    return Outcome::TimedOut { waited: applied_at.elapsed(), last_seen };
                }
            }
        }
    }

    async fn finish(&self, outcome: Outcome) -> Outcome {
        if !matches!(outcome, Outcome::Superseded { .. }) {
            self.say(&text::outcome_detail(self.p.kind, &outcome)).await;
        }
        self.stage(&text::stage_outcome(&outcome)).await;
        outcome
    }

    async fn stage(&self, stage: &str) {
        if let Some(m) = &self.status {
            if let Err(e) = self
                .surface
                .edit_status(m, &text::status(self.id, &self.p, stage))
                .await
            {
                tracing::warn!(operation = %self.id, error = %e, "could not edit the status message");
            }
        }
    }

    async fn say(&self, line: &str) {
        if let Some(t) = &self.thread {
            if let Err(e) = self.surface.post_in_thread(t, line).await {
                tracing::warn!(operation = %self.id, error = %e, "could not post in the thread");
            }
        }
    }
}
