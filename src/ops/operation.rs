//! One operation's run, from status message to settlement, new or resumed after a restart.
//!
//! Every step is written to the store before the next begins: the status message and thread
//! (so a resumed run posts into them), the phase, when the API accepted the change (so a
//! resumed watch keeps its deadline), and the outcome together with the notice still to post
//! (an outbox: exactly one caller takes it, so the final message is posted once).

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::{sync::watch, time::Instant};

use super::{
    delivery::{Addressee, Said},
    engine::{instant_of, Engine, Outcome, Phase, Supersession},
    followup::FollowUp,
    notices,
    request::{OperationId, Prepared, Resource},
    surface::{ChatSurface, Decision, MessageRef, ThreadRef, Undeliverable},
    text,
    watch::Observation,
};
use crate::{
    cloud::model::{ServiceState, StateCommand},
    scaling::{self, Current, Target},
    store::AuditAction,
};

/// Where a stored operation stood when its process stopped.
#[derive(Debug, Clone)]
pub struct Resume {
    pub phase: Phase,
    pub status: Option<MessageRef>,
    pub thread: Option<ThreadRef>,
    pub applied_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// A PATCH went out whose answer never came.
    pub unanswered: bool,
}

/// How the PATCH went: the API answered it, or nobody knows whether it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    Answered,
    Unanswered,
}

/// The final words of an operation, kept in the store until posted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Notice {
    /// For the thread.
    pub thread: String,
    /// The status message's new text.
    pub status: String,
}

pub(super) struct Operation {
    id: OperationId,
    engine: Engine,
    surface: Arc<dyn ChatSurface>,
    p: Prepared,
    status: Option<MessageRef>,
    thread: Option<ThreadRef>,
    phase: Arc<watch::Sender<Phase>>,
    /// The thread was told that the store does not answer (once per run).
    store_down_said: AtomicBool,
}

impl Operation {
    pub(super) fn new(
        id: OperationId,
        engine: Engine,
        surface: Arc<dyn ChatSurface>,
        p: Prepared,
        phase: Arc<watch::Sender<Phase>>,
    ) -> Self {
        Self {
            id,
            engine,
            surface,
            p,
            status: None,
            thread: None,
            phase,
            store_down_said: AtomicBool::new(false),
        }
    }

    pub(super) async fn run(mut self, resume: Option<Resume>) -> Outcome {
        let from = resume.as_ref().map_or(Phase::Starting, |r| r.phase);
        if let Some(r) = &resume {
            self.status = r.status.clone();
            self.thread = r.thread.clone();
        }
        self.open_messages().await;
        if resume.is_some() {
            self.say(&notices::resumed(self.lang(), from)).await;
        }

        let (tx, mut superseded) = watch::channel(None);
        self.engine.inner().supersession.insert(self.id, tx);
        let (from, resume) = if self.p.needs_wake() {
            let mut checks = self.store_checks();
            let shown_at = resume.as_ref().map(|r| r.created_at);
            let woke = tokio::select! {
                biased;
                by = self.superseded_while_waiting(&mut superseded, &mut checks) => Err(self.superseded(by).await),
                woke = self.wake(from, shown_at) => woke,
            };
            match woke {
                // From here on it is a change like any other, in the same messages.
                Ok(planned) => {
                    self.p = planned;
                    (Phase::Starting, None)
                }
                Err(outcome) => return self.finish(outcome).await,
            }
        } else {
            (from, resume)
        };
        let (applied_at, delivery) = match (from, resume.as_ref().and_then(|r| r.applied_at)) {
            (Phase::Watching, Some(at)) => {
                if let Err(outcome) = self.take_over(true).await {
                    return self.finish(outcome).await;
                }
                self.phase.send_replace(Phase::Watching);
                let unanswered = resume.as_ref().is_some_and(|r| r.unanswered);
                let delivery = if unanswered {
                    Delivery::Unanswered
                } else {
                    Delivery::Answered
                };
                (instant_of(at), delivery)
            }
            _ => {
                if from <= Phase::AwaitingConfirmation {
                    let shown_at = resume.as_ref().map(|r| r.created_at);
                    let mut checks = self.store_checks();
                    let asked = tokio::select! {
                        biased;
                        by = self.superseded_while_waiting(&mut superseded, &mut checks) => Err(self.superseded(by).await),
                        asked = self.confirmation(shown_at) => asked,
                    };
                    if let Err(outcome) = asked {
                        return self.finish(outcome).await;
                    }
                }
                // Take over the settings before the PATCH: from here on, older operations
                // that set any of them stop.
                if let Err(outcome) = self.take_over(from >= Phase::Applying).await {
                    return self.finish(outcome).await;
                }
                match self.apply().await {
                    Ok(applied) => applied,
                    Err(outcome) => return self.finish(outcome).await,
                }
            }
        };
        let window = self.window_text();
        let mut confirming_read = None;
        let outcome = self
            .watch(
                applied_at,
                delivery,
                &mut superseded,
                &window,
                &mut confirming_read,
            )
            .await;
        let outcome = self.finish(outcome).await;
        if let (Outcome::Confirmed { .. }, Some(sent_at)) = (&outcome, confirming_read) {
            // What the next reads inside a window leave for reporting.
            self.engine.pollers().note_reported(sent_at.elapsed());
        }
        outcome
    }

    /// Whether the store says a newer operation took over (any instance may have decided it).
    async fn superseded_in_store(&self) -> Option<(OperationId, String)> {
        let store = self.engine.store();
        let by = store.superseded_by(self.id).await.ok().flatten()?;
        let actor = match store.operation(by).await {
            Ok(Some(r)) => r.actor.name,
            _ => String::new(),
        };
        Some((by, actor))
    }

    /// How often a waiting operation asks the store whether another instance superseded it.
    /// One timer for the whole wait: recreating it per event would ask on every poll answer.
    fn store_checks(&self) -> tokio::time::Interval {
        let every = self
            .engine
            .settings()
            .poll_interval
            .max(Duration::from_millis(100));
        let mut checks = tokio::time::interval_at(Instant::now() + every, every);
        checks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        checks
    }

    /// Resolves once a newer operation took over: told at once by this instance, or found in
    /// the store (another instance) at the next of `checks`.
    async fn superseded_while_waiting(
        &self,
        local: &mut watch::Receiver<Option<Supersession>>,
        checks: &mut tokio::time::Interval,
    ) -> Supersession {
        loop {
            if let Some(by) = local.borrow_and_update().clone() {
                return by;
            }
            tokio::select! {
                _ = local.changed() => {}
                _ = checks.tick() => {
                    if let Some(by) = self.superseded_in_store().await {
                        return by;
                    }
                }
            }
        }
    }

    /// Say that a newer operation took over, once, and end with that.
    async fn superseded(&self, (by, actor): Supersession) -> Outcome {
        self.say(&text::superseded(self.lang(), by, &actor)).await;
        Outcome::Superseded { by }
    }

    /// Post the status message and open its thread, unless a previous run did.
    async fn open_messages(&mut self) {
        let store = self.engine.store().clone();
        if self.status.is_none() {
            // A change that waits for a confirmation must not say it is being sent.
            let stage = if self.p.needs_wake() {
                text::stage_wake(self.lang())
            } else if self.p.confirmed_by.is_none() && self.p.plan.needs_confirmation() {
                text::stage_confirm(self.lang())
            } else {
                text::stage_applying(self.lang())
            };
            match self
                .surface
                .post_status(&self.p.origin, &text::status(self.id, &self.p, &stage))
                .await
            {
                Ok(m) => {
                    if let Err(e) = store.set_operation_refs(self.id, Some(&m), None).await {
                        tracing::warn!(
                            error = format!("{e:#}"),
                            "could not record the status message"
                        );
                    }
                    self.status = Some(m);
                }
                Err(e) => tracing::warn!(error = %e, "could not post the status message"),
            }
        }
        if let (Some(m), None) = (&self.status, &self.thread) {
            match self
                .surface
                .open_thread(m, &text::thread_name(self.id, &self.p))
                .await
            {
                Ok(t) => {
                    if let Err(e) = store.set_operation_refs(self.id, None, Some(&t)).await {
                        tracing::warn!(error = format!("{e:#}"), "could not record the thread");
                    }
                    self.thread = Some(t);
                }
                Err(e) => tracing::warn!(error = %e, "could not open a thread"),
            }
        }
    }

    fn lang(&self) -> crate::i18n::Locale {
        self.p.origin.lang()
    }

    async fn set_phase(&self, phase: Phase) {
        self.phase.send_replace(phase);
        if let Err(e) = self
            .engine
            .store()
            .update_operation_phase(self.id, phase)
            .await
        {
            tracing::warn!(
                error = format!("{e:#}"),
                ?phase,
                "could not record the phase"
            );
        }
    }

    /// Ask for (or, after a restart, keep waiting for) a confirmation when the plan needs one.
    /// `shown_at` is when a previous run first asked.
    async fn confirmation(&self, shown_at: Option<DateTime<Utc>>) -> Result<(), Outcome> {
        let settings = self.engine.inner().settings.clone();
        if let Some(actor) = &self.p.confirmed_by {
            self.say(&text::confirmed_by(self.lang(), &actor.name))
                .await;
            return Ok(());
        }
        if !self.p.plan.needs_confirmation() {
            return Ok(());
        }
        let Some(message) = self.status.clone() else {
            return Err(Outcome::Failed {
                message: text::confirm_buttons_missing(self.lang()),
            });
        };
        let timeout = match shown_at {
            Some(at) => {
                let waited = (Utc::now() - at).to_std().unwrap_or_default();
                settings.confirm_timeout.saturating_sub(waited)
            }
            None => settings.confirm_timeout,
        };
        if timeout.is_zero() {
            return Err(Outcome::Cancelled { by: None });
        }
        self.stage(&text::stage_confirm(self.lang())).await;
        self.set_phase(Phase::AwaitingConfirmation).await;
        let prompt = text::confirm_prompt(&self.p, timeout);
        if shown_at.is_none() {
            self.say(&prompt).await;
        }
        let guard = self.engine.guard_for(&self.p);
        let decision = self
            .surface
            .confirm(&message, &prompt, timeout, guard)
            .await;
        match decision {
            Ok(Decision::Confirmed(actor)) => {
                self.audit(AuditAction::Confirmed, &actor, None).await;
                self.say(&text::confirmed_by(self.lang(), &actor.name))
                    .await;
                self.stage(&text::stage_applying(self.lang())).await;
                Ok(())
            }
            Ok(Decision::Cancelled(actor)) => {
                self.audit(AuditAction::Cancelled, &actor, None).await;
                Err(Outcome::Cancelled { by: Some(actor) })
            }
            Ok(Decision::Expired) => Err(Outcome::Cancelled { by: None }),
            Err(e) => Err(Outcome::Failed {
                message: text::confirm_collect_failed(self.lang(), &e),
            }),
        }
    }

    /// The service is idle: ask for Wake and continue (unless a previous run sent the wake
    /// already), send `awake`, wait on the service's shared poll stream until it runs, then
    /// read what the change is about and plan it again. Returns the new plan, recorded in the
    /// store (so a restart from here resumes an ordinary change).
    async fn wake(
        &self,
        from: Phase,
        shown_at: Option<DateTime<Utc>>,
    ) -> Result<Prepared, Outcome> {
        let loc = self.lang();
        let settings = self.engine.inner().settings.clone();
        if from < Phase::Waking {
            let Some(message) = self.status.clone() else {
                return Err(Outcome::Failed {
                    message: text::confirm_buttons_missing(loc),
                });
            };
            let timeout = match shown_at {
                Some(at) => {
                    let waited = (Utc::now() - at).to_std().unwrap_or_default();
                    settings.confirm_timeout.saturating_sub(waited)
                }
                None => settings.confirm_timeout,
            };
            if timeout.is_zero() {
                return Err(Outcome::Cancelled { by: None });
            }
            self.stage(&text::stage_wake(loc)).await;
            self.set_phase(Phase::AwaitingWake).await;
            let prompt = text::wake_prompt(loc, &self.p.service.name, timeout);
            if shown_at.is_none() {
                self.say(&prompt).await;
            }
            let guard = self.engine.guard_for(&self.p);
            match self
                .surface
                .confirm_wake(&message, &prompt, timeout, guard)
                .await
            {
                Ok(Decision::Confirmed(actor)) => {
                    self.audit(AuditAction::Confirmed, &actor, Some("wake".into()))
                        .await;
                    self.say(&text::wake_requested(loc, &actor.name)).await;
                }
                Ok(Decision::Cancelled(actor)) => {
                    self.audit(AuditAction::Cancelled, &actor, None).await;
                    return Err(Outcome::Cancelled { by: Some(actor) });
                }
                Ok(Decision::Expired) => return Err(Outcome::Cancelled { by: None }),
                Err(e) => {
                    return Err(Outcome::Failed {
                        message: text::confirm_collect_failed(loc, &e),
                    })
                }
            }
        }
        self.set_phase(Phase::Waking).await;
        self.stage(&text::stage_waking(loc)).await;
        // Sent again after a restart in this step: `awake` on an awaking or running service
        // changes nothing.
        let system = notices::system_actor();
        let since = Instant::now();
        match self
            .engine
            .cloud()
            .patch_service_state(&self.p.service.id, StateCommand::Awake)
            .await
        {
            Ok(applied) => {
                let mut entry = self.engine.audit_entry(
                    self.id,
                    &self.p,
                    self.thread.as_ref(),
                    &system,
                    AuditAction::ApiCall,
                );
                entry.detail = Some("awake".into());
                entry.request_id = applied.request_id;
                self.engine.record(entry).await;
            }
            Err(e) => {
                self.audit(AuditAction::ApiCall, &system, Some(e.user_message()))
                    .await;
                return Err(Outcome::Failed {
                    message: e.user_message_in(loc),
                });
            }
        }
        self.until_running(since).await?;
        // Carry on: what the change is about, now that the API answers.
        let current = self
            .engine
            .read_current(&self.p.service.id, Resource::Cdc)
            .await
            .map_err(|e| Outcome::Failed {
                message: e.user_message_in(loc),
            })?;
        let followup =
            super::followup::decide(self.p.kind, &self.p.followup, &current, &self.p.target)
                .map_err(|e| Outcome::Failed {
                    message: e.user_message(loc),
                })?;
        let planned = self
            .engine
            .plan(super::engine::PlanInput {
                kind: self.p.kind,
                service: self.p.service.clone(),
                current,
                target: self.p.target.clone(),
                actor: self.p.actor.clone(),
                origin: self.p.origin.clone(),
                followup,
                confirmed_by: None,
            })
            .map_err(|e| Outcome::Failed {
                message: e.user_message(loc),
            })?;
        let stored = (
            serde_json::to_value(&planned.current),
            serde_json::to_value(&planned.followup),
        );
        let recorded = match stored {
            (Ok(before), Ok(followup)) => self
                .engine
                .store()
                .set_operation_before(self.id, &before, &followup)
                .await
                .map_err(|e| anyhow::anyhow!(e)),
            (Err(e), _) | (_, Err(e)) => Err(anyhow::anyhow!(e)),
        };
        if let Err(e) = recorded {
            tracing::error!(
                error = format!("{e:#}"),
                "could not record the woken change"
            );
            return Err(Outcome::Failed {
                message: text::store_lost_before_send(loc),
            });
        }
        if let Some(mut f) = self.engine.inner().in_flight.get_mut(&self.id) {
            f.plan = planned.plan.clone();
        }
        self.say(&text::woke(loc, &text::summary(loc, &planned.plan)))
            .await;
        if planned.plan.is_noop() {
            // Already what was asked: say so, and send nothing.
            return Err(Outcome::NoOp);
        }
        self.set_phase(Phase::Starting).await;
        if !planned.plan.needs_confirmation() {
            if let Some(m) = &self.status {
                let status = text::status(self.id, &planned, &text::stage_applying(loc));
                if let Err(e) = self.surface.edit_status(m, &status).await {
                    tracing::warn!(error = %e, "could not edit the status message");
                }
            }
        }
        Ok(planned)
    }

    /// Wait, on the service's shared poll stream, until the service reports `running`.
    async fn until_running(&self, since: Instant) -> Result<(), Outcome> {
        let loc = self.lang();
        let id = &self.p.service.id;
        let deadline = since + self.engine.settings().watch_deadline;
        let mut rx = self
            .engine
            .pollers()
            .subscribe(id, Resource::Service, since);
        let mut trouble_said = false;
        let mut last_state = None;
        loop {
            tokio::select! {
                changed = rx.changed() => {
                    if changed.is_err() {
                        rx = self.engine.pollers().subscribe(id, Resource::Service, since);
                        continue;
                    }
                    let obs: Option<Observation> = rx.borrow_and_update().clone();
                    let Some(obs) = obs else { continue };
                    if obs.sent_at < since {
                        continue;
                    }
                    match obs.result {
                        Ok(Current::Service(s)) => {
                            if s.state == Some(ServiceState::Running) {
                                return Ok(());
                            }
                            last_state = s.state;
                        }
                        Ok(Current::Cdc(_)) => {}
                        Err(e) if e.permanent => {
                            return Err(Outcome::Failed { message: e.error.user_message_in(loc) })
                        }
                        Err(e) => {
                            if !trouble_said {
                                trouble_said = true;
                                self.say(&text::poll_trouble(loc, &e.error.user_message_in(loc))).await;
                            }
                        }
                    }
                }
                _ = tokio::time::sleep_until(deadline) => {
                    return Err(Outcome::Failed {
                        message: text::wake_timed_out(loc, since.elapsed(), last_state.as_ref()),
                    });
                }
            }
        }
    }

    /// Take over the settings this change sets, in the store: older open operations that set
    /// any of them are superseded (and told, if they run here); a newer one that started
    /// already supersedes this one. Without the store nothing is sent: who owns the change
    /// could not be recorded.
    async fn take_over(&self, quietly: bool) -> Result<(), Outcome> {
        let decided = match self.engine.store().take_over_settings(self.id).await {
            Ok(decided) => decided,
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "could not record the take-over");
                return Err(Outcome::Failed {
                    message: text::store_lost_before_send(self.lang()),
                });
            }
        };
        if let Some(newer) = decided.newer {
            let actor = self
                .superseded_in_store()
                .await
                .map(|(_, a)| a)
                .unwrap_or_default();
            return Err(self.superseded((newer, actor)).await);
        }
        for older in decided.superseded {
            self.engine
                .tell_superseded(older, self.id, &self.p.actor.name);
            if !quietly {
                self.say(&text::supersedes(self.lang(), older)).await;
            }
        }
        Ok(())
    }

    /// Send the change. The PATCH sets absolute values, so sending it again after a restart
    /// in the middle of this step is harmless.
    async fn apply(&self) -> Result<(Instant, Delivery), Outcome> {
        // Nothing goes to the API that the store does not know is going: a restart must
        // find this operation in Applying (and send the change again), never before it.
        if let Err(e) = self
            .engine
            .store()
            .update_operation_phase(self.id, Phase::Applying)
            .await
        {
            tracing::error!(
                error = format!("{e:#}"),
                "could not record the phase before the PATCH"
            );
            return Err(Outcome::Failed {
                message: text::store_lost_before_send(self.lang()),
            });
        }
        self.phase.send_replace(Phase::Applying);
        let sent_at = Instant::now();
        let system = notices::system_actor();
        let request_id = match self.send_patch().await {
            Ok(r) => r,
            Err(e) if e.may_have_arrived() => {
                // Not a failure: the change may be in place. Watch, and let GET decide.
                tracing::warn!(error = ?e, "no answer to the PATCH; watching what the API reports");
                self.audit(AuditAction::ApiCall, &system, Some(e.user_message()))
                    .await;
                if let Err(e) = self
                    .engine
                    .store()
                    .set_unanswered(self.id, Utc::now())
                    .await
                {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "could not record the unanswered change"
                    );
                }
                let window = self.window_text();
                self.stage(&text::stage_watching(self.lang(), &window))
                    .await;
                self.say(&text::unanswered(
                    self.lang(),
                    &e.user_message_in(self.lang()),
                ))
                .await;
                self.phase.send_replace(Phase::Watching);
                return Ok((sent_at, Delivery::Unanswered));
            }
            Err(e) => {
                tracing::warn!(error = ?e, "PATCH refused");
                self.audit(AuditAction::ApiCall, &system, Some(e.user_message()))
                    .await;
                return Err(Outcome::Failed {
                    message: e.user_message_in(self.lang()),
                });
            }
        };
        let applied_at = Instant::now();
        self.record_accepted(request_id.as_deref()).await;
        tracing::info!(request_id = ?request_id, "change accepted");
        let window = self.window_text();
        self.stage(&text::stage_watching(self.lang(), &window))
            .await;
        self.say(&text::accepted(self.lang(), request_id.as_deref(), &window))
            .await;
        // A call's answer reported: what reads inside a window leave for reporting until a
        // confirmation is measured.
        self.engine.pollers().note_reported(sent_at.elapsed());
        // Only now: surfaces waiting for `Watching` rely on the acceptance having been said.
        self.phase.send_replace(Phase::Watching);
        Ok((applied_at, Delivery::Answered))
    }

    /// The API accepted the change: audit the call with its `requestId` and record it (phase
    /// Watching, no longer unanswered).
    async fn record_accepted(&self, request_id: Option<&str>) {
        let mut entry = self.engine.audit_entry(
            self.id,
            &self.p,
            self.thread.as_ref(),
            &notices::system_actor(),
            AuditAction::ApiCall,
        );
        entry.after = serde_json::to_value(&self.p.target).ok();
        entry.request_id = request_id.map(str::to_owned);
        self.engine.record(entry).await;
        if let Err(e) = self
            .engine
            .store()
            .set_applied(self.id, request_id, Utc::now())
            .await
        {
            tracing::warn!(
                error = format!("{e:#}"),
                "could not record the accepted change"
            );
        }
    }

    /// A schedule change is judged on the schedule the API reports, and the batched service
    /// list may leave `scalingSchedule` out: then the schedule's own GET says what it holds
    /// (404: no entries). A missing field read as "no entries" would confirm a clear the API
    /// never showed, and never confirm a set.
    async fn with_schedule(&self, current: Current) -> Result<Current, super::watch::PollError> {
        match current {
            Current::Service(mut s)
                if matches!(self.p.target, Target::Schedule(_)) && s.scaling_schedule.is_none() =>
            {
                let schedule = self
                    .engine
                    .inner()
                    .background_cloud
                    .get_scaling_schedule(&self.p.service.id)
                    .await
                    .map_err(super::watch::poll_error)?;
                s.scaling_schedule = Some(schedule.unwrap_or_default());
                Ok(Current::Service(s))
            }
            current => Ok(current),
        }
    }

    /// The PATCH itself, returning the API's `requestId`. Absolute values: safe to repeat.
    async fn send_patch(&self) -> Result<Option<String>, crate::cloud::CloudError> {
        let cloud = self.engine.cloud();
        match &self.p.target {
            Target::Cdc(t) => cloud
                .patch_cdc_scaling(&self.p.service.id, *t)
                .await
                .map(|a| a.request_id),
            Target::Service(patch) => cloud
                .patch_replica_scaling(&self.p.service.id, patch)
                .await
                .map(|a| a.request_id),
            Target::Schedule(post) => cloud
                .post_scaling_schedule(&self.p.service.id, post)
                .await
                .map(|a| a.request_id),
        }
    }

    /// After an unanswered PATCH, once the API answers reads again: send the change once more
    /// (it sets absolute values). Returns whether the API answered this time.
    async fn resend(&self) -> Delivery {
        match self.send_patch().await {
            Ok(request_id) => {
                self.record_accepted(request_id.as_deref()).await;
                self.say(&text::unanswered_resent(self.lang())).await;
                Delivery::Answered
            }
            Err(e) => {
                tracing::warn!(error = ?e, "the change sent again got no answer either");
                Delivery::Unanswered
            }
        }
    }

    fn window_text(&self) -> String {
        let s = &self.engine.inner().settings;
        match self.p.kind.resource() {
            Resource::Cdc => text::window_range(self.lang(), s.cdc_window.0, s.cdc_window.1),
            Resource::Service => text::window_under(self.lang(), s.service_window),
        }
    }

    /// Poll (through the shared stream) until the API reports the target, the deadline, or a
    /// newer operation; `confirming_read` gets when the read that saw the target was sent.
    async fn watch(
        &self,
        applied_at: Instant,
        mut delivery: Delivery,
        superseded: &mut watch::Receiver<Option<Supersession>>,
        window: &str,
        confirming_read: &mut Option<Instant>,
    ) -> Outcome {
        let mut resent = false;
        let mut checks = self.store_checks();
        let s = &self.engine.inner().settings;
        let mut rx =
            self.engine
                .pollers()
                .subscribe(&self.p.service.id, self.p.kind.resource(), applied_at);
        let deadline = applied_at + s.watch_deadline;
        let expected_end = applied_at
            + match self.p.kind.resource() {
                Resource::Cdc => s.cdc_window.1,
                Resource::Service => s.service_window,
            };
        let mut progress_said = Instant::now() >= expected_end;
        let mut trouble_said = false;
        let mut budget_said = false;
        let mut last_seen: Option<Current> = None;
        loop {
            tokio::select! {
                changed = rx.changed() => {
                    if changed.is_err() {
                        // The stream only ends when nobody listens; we still do, so resubscribe.
                        rx = self.engine.pollers().subscribe(&self.p.service.id, self.p.kind.resource(), applied_at);
                        continue;
                    }
                    let obs: Option<Observation> = rx.borrow_and_update().clone();
                    let Some(obs) = obs else { continue };
                    // An answer to a GET sent before the PATCH was accepted says nothing about it.
                    if obs.sent_at < applied_at {
                        continue;
                    }
                    if let (Some(round), false) = (obs.budget_round, budget_said) {
                        budget_said = true;
                        self.say(&notices::budget_slower(self.lang(), obs.watched, self.engine.cloud().rate_limit(), round)).await;
                    }
                    let result = match obs.result {
                        Ok(current) => self.with_schedule(current).await,
                        Err(e) => Err(e),
                    };
                    match result {
                        Ok(current) => {
                            // The store has the last word: a superseded operation never
                            // confirms, whichever instance superseded it.
                            if let Some(by) = self.superseded_in_store().await {
                                return self.superseded(by).await;
                            }
                            if scaling::matches_target(&self.p.target, &current) {
                                *confirming_read = Some(obs.sent_at);
                                return Outcome::Confirmed { took: applied_at.elapsed(), seen: current };
                            }
                            if scaling::shown_while_idle(&self.p.target, &current) {
                                return Outcome::AppliesOnWake { took: applied_at.elapsed(), seen: current };
                            }
                            last_seen = Some(current);
                            if delivery == Delivery::Unanswered && !resent {
                                resent = true;
                                delivery = self.resend().await;
                            }
                        }
                        Err(e) if e.permanent => return Outcome::Failed { message: e.error.user_message_in(self.lang()) },
                        Err(e) => {
                            if !trouble_said {
                                trouble_said = true;
                                self.say(&text::poll_trouble(self.lang(), &e.error.user_message_in(self.lang()))).await;
                            }
                        }
                    }
                }
                by = self.superseded_while_waiting(superseded, &mut checks) => {
                    return self.superseded(by).await;
                }
                _ = tokio::time::sleep_until(expected_end), if !progress_said => {
                    progress_said = true;
                    self.say(&text::progress(self.lang(), applied_at.elapsed(), window, s.watch_deadline)).await;
                }
                _ = tokio::time::sleep_until(deadline) => {
                    let waited = applied_at.elapsed();
                    return match delivery {
                        Delivery::Answered => Outcome::TimedOut { waited, last_seen },
                        Delivery::Unanswered => Outcome::Unknown { waited, last_seen },
                    };
                }
            }
        }
    }

    /// Schedule the follow-up, record the outcome with its notice, then post the notice.
    async fn finish(&self, outcome: Outcome) -> Outcome {
        let mut thread_text = if matches!(outcome, Outcome::Superseded { .. }) {
            String::new()
        } else {
            text::outcome_detail(self.lang(), self.p.kind, &outcome)
        };
        if let Outcome::Confirmed { seen, .. } = &outcome {
            // Untrusted entry names are quoted in code spans by the text, like service names.
            if let Some(line) = text::schedule_holds(self.lang(), seen) {
                thread_text.push('\n');
                thread_text.push_str(&line);
            }
            if let Some(line) = self.schedule_followup().await {
                thread_text.push('\n');
                thread_text.push_str(&line);
            }
        }
        let notice = Notice {
            thread: thread_text,
            status: text::status(
                self.id,
                &self.p,
                &text::stage_outcome(self.lang(), &outcome),
            ),
        };
        let mut entry = self.engine.audit_entry(
            self.id,
            &self.p,
            self.thread.as_ref(),
            &notices::system_actor(),
            AuditAction::Outcome,
        );
        entry.after = outcome.seen().and_then(|c| serde_json::to_value(c).ok());
        entry.detail = Some(outcome.label().to_owned());
        let store = self.engine.store();
        let mut audit = store.audit(&entry).await.err().map(|e| {
            tracing::warn!(
                error = format!("{e:#}"),
                "could not record the outcome in the audit log yet"
            );
            entry
        });
        let stored = serde_json::to_value(&notice).ok();
        match store
            .settle_operation(self.id, outcome.kind(), None, stored.as_ref())
            .await
        {
            Ok(true) => {
                post_notice(
                    &self.engine,
                    self.surface.as_ref(),
                    self.id,
                    self.status.as_ref(),
                    self.thread.as_ref(),
                )
                .await
            }
            Ok(false) => tracing::warn!("already settled elsewhere; not posting the outcome again"),
            Err(e) => {
                // The store does not answer: say it anyway (the user must not be left
                // waiting), then record it once the store is back. Until then the operation
                // stays in flight here, so this instance does not resume it as unsettled.
                tracing::error!(
                    error = format!("{e:#}"),
                    "could not record the outcome; recording it once the store is back"
                );
                self.store_down_after_send(text::StoreDown::AtOutcome).await;
                let left = show(
                    &self.engine,
                    self.surface.as_ref(),
                    self.id,
                    &notice,
                    self.status.as_ref(),
                    self.thread.as_ref(),
                    &format!("cs-{}-end", self.id.0),
                )
                .await;
                self.settle_when_back(&outcome, left, &mut audit).await;
            }
        }
        if let Some(entry) = audit {
            self.engine.record(entry).await;
        }
        outcome
    }

    /// Keep trying to record the outcome (and its audit entry) until the store answers or
    /// the engine stops. `left` is what of the notice could not be shown yet: it is stored
    /// for the background pass, the rest is not posted again.
    async fn settle_when_back(
        &self,
        outcome: &Outcome,
        left: Option<Notice>,
        audit: &mut Option<crate::store::AuditEntry>,
    ) {
        let store = self.engine.store();
        let stored = left.as_ref().and_then(|n| serde_json::to_value(n).ok());
        let stop = self.engine.inner().stop.clone();
        let mut wait = Duration::from_millis(250);
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(wait) => {}
            }
            wait = (wait * 2).min(Duration::from_secs(5));
            if let Some(entry) = audit.as_ref() {
                if store.audit(entry).await.is_ok() {
                    *audit = None;
                }
            }
            match store
                .settle_operation(self.id, outcome.kind(), None, stored.as_ref())
                .await
            {
                Ok(settled) => {
                    tracing::info!(settled, "the store is back; the outcome is recorded");
                    if settled && stored.is_none() {
                        self.say(&text::store_back(self.lang())).await;
                    }
                    return;
                }
                Err(e) => {
                    tracing::debug!(error = format!("{e:#}"), "the store still does not answer")
                }
            }
        }
    }

    /// After a confirmed change: schedule its reminder; returns the line that tells the thread.
    async fn schedule_followup(&self) -> Option<String> {
        let followup = self.p.followup.clone();
        if matches!(followup, FollowUp::None | FollowUp::Never { .. }) {
            return match followup {
                FollowUp::Never { reason } => Some(notices::kept_on_request(self.lang(), &reason)),
                _ => None,
            };
        }
        match super::reminders::schedule(&self.engine, self.id, &self.p, self.thread.as_ref()).await
        {
            Ok(line) => Some(line),
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "could not schedule the follow-up");
                Some(notices::followup_failed(self.lang()))
            }
        }
    }

    async fn audit(&self, action: AuditAction, actor: &super::Actor, detail: Option<String>) {
        let mut entry =
            self.engine
                .audit_entry(self.id, &self.p, self.thread.as_ref(), actor, action);
        entry.detail = detail;
        self.engine.record(entry).await;
    }

    async fn stage(&self, stage: &str) {
        if let Some(m) = &self.status {
            if let Err(e) = self
                .surface
                .edit_status(m, &text::status(self.id, &self.p, stage))
                .await
            {
                tracing::warn!(error = %e, "could not edit the status message");
            }
        }
    }

    /// Say `line` in the thread, through the outbox (see [`super::delivery`]).
    async fn say(&self, line: &str) {
        let to = Addressee {
            id: self.id,
            origin: self.p.origin.clone(),
            service: self.p.service.clone(),
        };
        let said = self
            .engine
            .say_in_thread(self.surface.as_ref(), &to, self.thread.as_ref(), line)
            .await;
        if said == Said::Unrecorded {
            self.store_down_after_send(text::StoreDown::Watching).await;
        }
    }

    /// Once the change may have reached the API, say (once) that the store does not answer
    /// and that the watch goes on. Before that, a store fault stops the operation with "nothing
    /// was sent" instead.
    async fn store_down_after_send(&self, when: text::StoreDown) {
        if *self.phase.borrow() < Phase::Applying
            || self.store_down_said.swap(true, Ordering::SeqCst)
        {
            return;
        }
        let to = Addressee {
            id: self.id,
            origin: self.p.origin.clone(),
            service: self.p.service.clone(),
        };
        let _ = self
            .engine
            .say_in_thread(
                self.surface.as_ref(),
                &to,
                self.thread.as_ref(),
                &text::store_down_after_send(self.lang(), when),
            )
            .await;
    }
}

/// Claim the stored notice of a settled operation, post it, and clear it (see
/// [`crate::store::Store::claim_notice`]). Lines still queued for the thread go first; if
/// they cannot, or part of the notice cannot be posted for now, the rest stays in the store
/// for the background pass.
pub(super) async fn post_notice(
    engine: &Engine,
    surface: &dyn ChatSurface,
    id: OperationId,
    status: Option<&MessageRef>,
    thread: Option<&ThreadRef>,
) {
    if let Some(t) = thread {
        if !engine.flush_thread(surface, t).await {
            return;
        }
    }
    let store = engine.store();
    let ttl = engine.settings().lease_ttl;
    let claimed = match store.claim_notice(id, engine.instance(), ttl).await {
        Ok(Some(v)) => v,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(operation = %id, error = format!("{e:#}"), "could not claim the notice");
            return;
        }
    };
    let notice = match serde_json::from_value::<Notice>(claimed) {
        Ok(notice) => notice,
        Err(e) => {
            tracing::error!(operation = %id, error = %e, "unreadable notice");
            let _ = store.clear_notice(id).await;
            return;
        }
    };
    let left = show(
        engine,
        surface,
        id,
        &notice,
        status,
        thread,
        &format!("cs-{}-end", id.0),
    )
    .await;
    let kept = match left.map(|rest| serde_json::to_value(&rest)) {
        None => store.clear_notice(id).await,
        Some(Ok(rest)) => {
            tracing::warn!(operation = %id, "the outcome could not be posted yet; the background pass tries again");
            store.set_notice(id, &rest).await
        }
        Some(Err(e)) => Err(e.into()),
    };
    if let Err(e) = kept {
        tracing::warn!(operation = %id, error = format!("{e:#}"), "could not record what of the notice was posted");
    }
}

/// Post the notice; `key` makes the thread post idempotent where the surface can (Discord's
/// message nonce), so a notice posted again after a crash shows once. A part refused for good
/// goes to the requester privately (or the audit log); returns what is left to post later.
async fn show(
    engine: &Engine,
    surface: &dyn ChatSurface,
    id: OperationId,
    notice: &Notice,
    status: Option<&MessageRef>,
    thread: Option<&ThreadRef>,
    key: &str,
) -> Option<Notice> {
    let mut left = notice.clone();
    if !notice.thread.is_empty() {
        let refused = match thread {
            Some(t) => match surface.post_in_thread_once(t, &notice.thread, key).await {
                Ok(()) => {
                    left.thread.clear();
                    None
                }
                Err(e) => {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "could not post the outcome in the thread"
                    );
                    Undeliverable::of(&e).map(Some)
                }
            },
            None => Some(None),
        };
        if let Some(why) = refused {
            if let Some(to) = engine.addressee(id).await {
                engine
                    .undelivered(surface, &to, thread, &notice.thread, why)
                    .await;
            }
            left.thread.clear();
        }
    }
    match status {
        Some(m) if !notice.status.is_empty() => {
            match surface.edit_status(m, &notice.status).await {
                Ok(()) => left.status.clear(),
                Err(e) => {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "could not edit the status message"
                    );
                    // A status message that is gone or may not be edited stays as it is: the
                    // outcome went to the thread or to the requester.
                    if Undeliverable::of(&e).is_some() {
                        left.status.clear();
                    }
                }
            }
        }
        _ => left.status.clear(),
    }
    (!left.thread.is_empty() || !left.status.is_empty()).then_some(left)
}
