//! Reminders: scale CDC back down once the DB ClickPipes have finished their initial load,
//! and restore the previous configuration when a timed change ends.
//!
//! A reminder lives in the store and moves by levels: 0 watching (pipes loading, or a timed
//! change not yet near its end), 1 posted with buttons, 2 posted again, 3+ escalated. Every
//! step is taken under a lease, so with several instances exactly one acts, and a restarted
//! process picks up where the last one stopped. Button ids carry the reminder id, so a click
//! is answered from the store, whichever instance receives it.

use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    delivery::Addressee,
    engine::{Engine, PlanInput},
    followup::{self, FollowUp},
    notices,
    notices::Closing,
    request::{CommandKind, OperationId, Prepared, Rejection},
    surface::{
        Actor, ButtonStyle, MessageRef, NoticeButton, ReminderPost, ThreadRef, Undeliverable,
    },
    text,
};
use crate::{
    cloud::CloudClient,
    i18n::Locale,
    scaling::{Current, Money, Target},
    store::{
        AuditAction, Leased, NewReminder, OperationRecord, Reminder, ReminderId, ReminderKind,
        ReminderState,
    },
    t,
};

/// Every custom id of a reminder button starts with this.
pub const BUTTON_PREFIX: &str = "clickscale:r:";

/// What someone answered to a reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Scale down now (after a snapshot) or revert now (timed change).
    Restore,
    Snooze(Duration),
    /// Keep the configuration; the reason is required and goes to the audit log.
    Keep(Option<String>),
    /// Push a timed change's end back by an hour.
    Extend,
}

const HOUR: Duration = Duration::from_secs(3600);

impl Answer {
    fn code(&self) -> &'static str {
        match self {
            Self::Restore => "restore",
            Self::Snooze(d) if *d >= 4 * HOUR => "snooze4h",
            Self::Snooze(_) => "snooze1h",
            Self::Keep(_) => "keep",
            Self::Extend => "extend",
        }
    }

    /// The custom id of this answer's button on reminder `id`.
    pub fn button_id(&self, id: ReminderId) -> String {
        format!("{BUTTON_PREFIX}{}:{}", id.0, self.code())
    }

    /// The reminder and answer of a button id (Keep without its reason).
    pub fn parse_button_id(custom_id: &str) -> Option<(ReminderId, Answer)> {
        let rest = custom_id.strip_prefix(BUTTON_PREFIX)?;
        let (id, code) = rest.split_once(':')?;
        let id = ReminderId(id.parse().ok()?);
        let answer = match code {
            "restore" => Answer::Restore,
            "snooze1h" => Answer::Snooze(HOUR),
            "snooze4h" => Answer::Snooze(4 * HOUR),
            "keep" => Answer::Keep(None),
            "extend" => Answer::Extend,
            _ => return None,
        };
        Some((id, answer))
    }
}

/// What a reminder carries in the store.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Payload {
    /// The change that undoes the scale-up.
    restore: Target,
    /// When the scaled-up configuration was confirmed.
    since: DateTime<Utc>,
    /// Timed changes: when the previous configuration comes back.
    #[serde(default)]
    until: Option<DateTime<Utc>>,
    /// The post with live buttons, to close when answered or replaced, and its text.
    #[serde(default)]
    post: Option<MessageRef>,
    #[serde(default)]
    post_text: Option<String>,
    /// When the first post went out (for "nobody answered for …").
    #[serde(default)]
    posted_at: Option<DateTime<Utc>>,
    /// A failed check was said in the thread already (said once, not every interval).
    #[serde(default)]
    trouble_said: bool,
    /// Pipes needing attention stopped an automatic scale-down, and the thread was told.
    #[serde(default)]
    attention_said: bool,
    /// Posts that went out so far: with the reminder id, the nonce of the next one, so a post
    /// tried again (after a failure, or a crash before this count was recorded) shows once.
    #[serde(default)]
    posts: u32,
}

fn payload(r: &Reminder) -> anyhow::Result<Payload> {
    serde_json::from_value(r.payload.clone()).with_context(|| format!("{}: bad payload", r.id))
}

fn to_std(d: chrono::Duration) -> Duration {
    d.to_std().unwrap_or_default()
}

fn after(d: Duration) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::days(3650))
}

/// Schedule the follow-up of a confirmed operation; returns the line for its thread. Runs again
/// harmlessly when a resumed operation settles a second time.
pub(super) async fn schedule(
    engine: &Engine,
    id: OperationId,
    p: &Prepared,
    thread: Option<&ThreadRef>,
) -> anyhow::Result<String> {
    let restore = followup::restore_target(&p.target, &p.current)
        .context("the previous configuration is unknown, so there is nothing to restore")?;
    let loc = p.origin.lang();
    let restore_text = notices::describe_target(loc, &restore);
    let oncall = &engine.config().oncall;
    let (kind, due, until, line) = match &p.followup {
        FollowUp::AfterSnapshot => (
            ReminderKind::AfterSnapshot,
            after(oncall.snapshot_check_interval),
            None,
            notices::after_snapshot_scheduled(
                loc,
                &p.service.name,
                &restore_text,
                oncall.clock.span(oncall.snapshot_check_interval),
            ),
        ),
        FollowUp::Timed { after: span } => {
            let until = oncall.clock.after(Utc::now(), *span);
            let warn_at =
                until - chrono::Duration::from_std(oncall.timed_revert_warning).unwrap_or_default();
            (
                ReminderKind::TimedRevert,
                warn_at.max(Utc::now()),
                Some(until),
                notices::timed_scheduled(
                    loc,
                    &restore_text,
                    oncall.clock.time(until),
                    oncall.clock.span(oncall.timed_revert_warning),
                ),
            )
        }
        FollowUp::None | FollowUp::Never { .. } | FollowUp::Undecided { .. } => {
            anyhow::bail!("no follow-up to schedule")
        }
    };
    let store = engine.store();
    if store.reminders_of(id).await?.iter().any(|r| r.kind == kind) {
        return Ok(line);
    }
    let payload = Payload {
        restore,
        since: Utc::now(),
        until,
        post: None,
        post_text: None,
        posted_at: None,
        trouble_said: false,
        attention_said: false,
        posts: 0,
    };
    store
        .insert_reminder(&NewReminder {
            operation: id,
            service_id: p.service.id.clone(),
            kind,
            due_at: due,
            thread: thread.cloned(),
            payload: serde_json::to_value(&payload)?,
        })
        .await?;
    Ok(line)
}

/// Start the loop that acts on due reminders; it stops with the engine.
pub(super) fn spawn_loop(engine: &Engine) {
    engine.spawn_periodic(engine.config().oncall.tick, |engine| async move {
        engine.run_due_reminders().await;
    });
}

/// The bits of a reminder's operation the steps need.
struct Context {
    op: OperationRecord,
    thread: Option<ThreadRef>,
}

impl Engine {
    /// Act on every reminder that is due, one at a time, each under a lease.
    pub async fn run_due_reminders(&self) {
        let ttl = self.inner().settings.lease_ttl;
        loop {
            let claimed = self
                .store()
                .claim_due_reminder(self.instance(), Utc::now(), ttl)
                .await;
            let r = match claimed {
                Ok(Some(r)) => r,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(error = format!("{e:#}"), "could not claim due reminders");
                    return;
                }
            };
            let id = r.id;
            if let Err(e) = self.step(r).await {
                tracing::error!(reminder = %id, error = format!("{e:#}"), "reminder step failed");
                // Try again later rather than at once, so a broken reminder cannot spin.
                if let Ok(Some(mut r)) = self.store().reminder(id).await {
                    r.due_at = after(self.config().oncall.snapshot_check_interval);
                    let _ = self.store().update_reminder(&r).await;
                }
            }
            let _ = self
                .store()
                .release_lease(Leased::Reminder(id), self.instance())
                .await;
        }
    }

    /// Open reminders, soonest due first (for `/scaling-status`, metrics and the console).
    pub async fn open_reminders(&self) -> anyhow::Result<Vec<Reminder>> {
        self.store().pending_reminders().await
    }

    /// The most recently posted open reminder that `answer` applies to (the console answers
    /// "the newest reminder", as a chat user clicks the newest buttons).
    pub async fn newest_reminder_for(&self, answer: &Answer) -> anyhow::Result<Option<ReminderId>> {
        let fits = |kind: ReminderKind| match answer {
            Answer::Restore | Answer::Keep(_) => true,
            Answer::Snooze(_) => kind == ReminderKind::AfterSnapshot,
            Answer::Extend => kind == ReminderKind::TimedRevert,
        };
        Ok(self
            .open_reminders()
            .await?
            .into_iter()
            // A timed change can be reverted, kept or extended before its warning is posted
            // (the person knows it is there: they asked for it); a snapshot reminder is
            // answered once it has been posted.
            .filter(|r| {
                (r.level >= 1 || r.kind == ReminderKind::TimedRevert)
                    && r.state != ReminderState::Acknowledged
                    && fits(r.kind)
            })
            .max_by_key(|r| (r.updated_at, r.id))
            .map(|r| r.id))
    }

    async fn context(&self, r: &Reminder) -> anyhow::Result<Context> {
        let op = self
            .store()
            .operation(r.operation)
            .await?
            .with_context(|| format!("{}: operation {} is gone", r.id, r.operation))?;
        let thread = r.thread.clone().or_else(|| op.thread.clone());
        Ok(Context { op, thread })
    }

    /// Say `line` in the operation's thread through the outbox, like the operation's own
    /// lines: after what is queued there, once, later if the chat fails now.
    async fn say_in(&self, ctx: &Context, line: &str) {
        let Some(surface) = self.inner().background.get().cloned() else {
            return;
        };
        let to = Addressee {
            id: ctx.op.id,
            origin: ctx.op.origin.clone(),
            service: ctx.op.service.clone(),
        };
        // Unrecorded or not, a reminder line is said once: nothing to add.
        let _ = self
            .say_in_thread(surface.as_ref(), &to, ctx.thread.as_ref(), line)
            .await;
    }

    /// One step of a due reminder (see the module doc for the levels).
    async fn step(&self, mut r: Reminder) -> anyhow::Result<()> {
        let ctx = self.context(&r).await?;
        let loc = ctx.op.origin.lang();
        let mut p = payload(&r)?;
        let oncall = self.config().oncall.clone();
        match (r.kind, r.level) {
            (ReminderKind::AfterSnapshot, 0) => match self
                .loading_pipes(&self.inner().background_cloud, &ctx.op)
                .await
                .map(|c| (c.loading, c.finished))
            {
                Err(e) => {
                    if !p.trouble_said {
                        p.trouble_said = true;
                        let message = e.user_message_in(loc);
                        self.say_in(&ctx, &notices::check_failed(loc, &message))
                            .await;
                    }
                    r.due_at = after(oncall.snapshot_check_interval);
                }
                Ok((loading, _)) if !loading.is_empty() => {
                    r.due_at = after(oncall.snapshot_check_interval);
                }
                Ok((_, finished)) => {
                    if let Some(current) = self.still_scaled_up(&ctx.op, &p).await? {
                        let restore = notices::describe_target(loc, &p.restore);
                        let scaled_for = oncall.clock.span(to_std(Utc::now() - p.since));
                        self.post(&mut r, &mut p, &ctx, |role| {
                            notices::snapshot_done(
                                loc,
                                role,
                                false,
                                &notices::SnapshotDone {
                                    service: &ctx.op.service.name,
                                    current: &current,
                                    restore: &restore,
                                    scaled_for,
                                    pipes: &finished,
                                    extra_per_hour: self.extra_per_hour(&ctx.op),
                                },
                            )
                        })
                        .await?;
                        r.level = 1;
                        r.due_at = after(oncall.answer_within);
                    } else {
                        self.close(&mut r, &p, ReminderState::Done, loc, Closing::Automatic)
                            .await;
                        self.say_in(
                            &ctx,
                            &notices::already_back(loc, &notices::describe_target(loc, &p.restore)),
                        )
                        .await;
                    }
                }
            },
            (ReminderKind::AfterSnapshot, 1) => {
                let text = self.snapshot_text(&ctx, &p, true).await;
                self.post(&mut r, &mut p, &ctx, |role| {
                    format!("{}{text}", notices::mention(role))
                })
                .await?;
                r.level = 2;
                r.due_at = after(oncall.answer_within);
            }
            (ReminderKind::AfterSnapshot, level) => {
                let auto = oncall.auto_scale_down_after.filter(|_| level >= 3);
                if auto.is_some() {
                    match self
                        .loading_pipes(&self.inner().background_cloud, &ctx.op)
                        .await
                    {
                        // A failed or degraded pipe is a person's call: no automatic
                        // scale-down; say why and escalate instead.
                        Ok(check)
                            if check.loading.is_empty()
                                && !check.attention.is_empty()
                                && p.attention_said =>
                        {
                            // Said and escalated already: wait for a person, quietly.
                            r.due_at = after(oncall.answer_within);
                        }
                        Ok(check) if check.loading.is_empty() && !check.attention.is_empty() => {
                            p.attention_said = true;
                            self.post_escalation(&mut r, &mut p, &ctx, |role| {
                                notices::attention_no_auto(loc, role, &check.attention)
                            })
                            .await?;
                            self.audit_reminder(
                                &ctx,
                                &notices::system_actor(),
                                AuditAction::Escalated,
                                Some("no automatic scale-down: a pipe needs attention".into()),
                            )
                            .await;
                            r.state = ReminderState::Escalated;
                            r.level = level.saturating_add(1);
                            r.due_at = after(oncall.answer_within);
                        }
                        Ok(PipeCheck { loading, .. }) if loading.is_empty() => {
                            let system = notices::system_actor();
                            match self.restore(&ctx, &p, &system).await {
                                Ok(Some(op)) => {
                                    self.say_in(
                                        &ctx,
                                        &notices::auto_scaling_down(
                                            loc,
                                            &notices::describe_target(loc, &p.restore),
                                            op,
                                        ),
                                    )
                                    .await;
                                }
                                Ok(None) => {}
                                Err(e) => {
                                    self.say_in(&ctx, &format!("❌ {}", e.user_message(loc)))
                                        .await
                                }
                            }
                            self.audit_reminder(
                                &ctx,
                                &system,
                                AuditAction::Acknowledged,
                                Some("automatic scale-down after escalation".into()),
                            )
                            .await;
                            self.close(&mut r, &p, ReminderState::Done, loc, Closing::Automatic)
                                .await;
                            return Ok(());
                        }
                        Ok(PipeCheck { loading, .. }) => {
                            // A resync started: back to watching the pipes.
                            self.say_in(&ctx, &notices::still_loading(loc, &loading))
                                .await;
                            self.close_post(&mut p, loc, Closing::Automatic).await;
                            r.level = 0;
                            r.state = ReminderState::Pending;
                            r.due_at = after(oncall.snapshot_check_interval);
                        }
                        Err(e) => {
                            let message = e.user_message_in(loc);
                            self.say_in(&ctx, &notices::check_failed(loc, &message))
                                .await;
                            r.due_at = after(oncall.snapshot_check_interval);
                        }
                    }
                } else {
                    let reminder = self.snapshot_text(&ctx, &p, true).await;
                    let waited = p.posted_at.map_or(Duration::ZERO, |at| {
                        oncall.clock.span(to_std(Utc::now() - at))
                    });
                    self.post_escalation(&mut r, &mut p, &ctx, |role| {
                        notices::escalation(loc, role, waited, &reminder)
                    })
                    .await?;
                    if level == 2 {
                        if let (Some(channel), Some(thread)) =
                            (&oncall.escalation_channel, &ctx.thread)
                        {
                            self.escalate_elsewhere(channel, &ctx, thread).await;
                        }
                    }
                    self.audit_reminder(
                        &ctx,
                        &notices::system_actor(),
                        AuditAction::Escalated,
                        None,
                    )
                    .await;
                    r.state = ReminderState::Escalated;
                    r.level = level.saturating_add(1);
                    r.due_at = after(oncall.auto_scale_down_after.unwrap_or(oncall.answer_within));
                }
            }
            (ReminderKind::TimedRevert, 0) => {
                let until = p.until.unwrap_or_else(Utc::now);
                let text = notices::timed_warning(
                    loc,
                    oncall.role.as_deref(),
                    &ctx.op.service.name,
                    &notices::describe_target(loc, &p.restore),
                    oncall.clock.span(to_std(until - Utc::now())),
                );
                self.post_with_roles(
                    &mut r,
                    &mut p,
                    &ctx,
                    text,
                    oncall.role.iter().cloned().collect(),
                )
                .await?;
                r.level = 1;
                r.due_at = until;
            }
            (ReminderKind::TimedRevert, _) => {
                let system = notices::system_actor();
                match self.restore(&ctx, &p, &system).await {
                    Ok(Some(op)) => {
                        self.say_in(
                            &ctx,
                            &notices::reverting(
                                loc,
                                &notices::describe_target(loc, &p.restore),
                                op,
                            ),
                        )
                        .await
                    }
                    Ok(None) => {
                        self.say_in(
                            &ctx,
                            &notices::already_back(loc, &notices::describe_target(loc, &p.restore)),
                        )
                        .await
                    }
                    Err(e) => {
                        self.say_in(&ctx, &format!("❌ {}", e.user_message(loc)))
                            .await
                    }
                }
                self.audit_reminder(&ctx, &system, AuditAction::Reverted, None)
                    .await;
                self.close(&mut r, &p, ReminderState::Done, loc, Closing::Automatic)
                    .await;
                return Ok(());
            }
        }
        r.payload = serde_json::to_value(&p)?;
        self.store().update_reminder(&r).await
    }

    async fn snapshot_text(&self, ctx: &Context, p: &Payload, again: bool) -> String {
        let loc = ctx.op.origin.lang();
        let cloud = &self.inner().background_cloud;
        let finished = self
            .loading_pipes(cloud, &ctx.op)
            .await
            .map(|c| c.finished)
            .unwrap_or_default();
        let current = cloud
            .get_cdc_scaling(&ctx.op.service.id)
            .await
            .map(|c| text::describe(loc, CommandKind::CdcScale, &Current::Cdc(c)))
            .unwrap_or_else(|_| "(unknown)".into());
        notices::snapshot_done(
            loc,
            None,
            again,
            &notices::SnapshotDone {
                service: &ctx.op.service.name,
                current: &current,
                restore: &notices::describe_target(loc, &p.restore),
                scaled_for: self
                    .config()
                    .oncall
                    .clock
                    .span(to_std(Utc::now() - p.since)),
                pipes: &finished,
                extra_per_hour: self.extra_per_hour(&ctx.op),
            },
        )
    }

    /// What the scale-up of `op` costs per hour beyond the size before it, when both sizes
    /// can be priced at the configured rates.
    fn extra_per_hour(&self, op: &OperationRecord) -> Option<Money> {
        let before: Current = serde_json::from_value(op.before.clone()).ok()?;
        let target: Target = serde_json::from_value(op.target.clone()).ok()?;
        self.settings()
            .rates
            .change(&before, &target)
            .difference()
            .filter(|m| m.is_positive())
    }

    /// Post (or re-post) the reminder with its buttons, pinging the on-call role.
    async fn post(
        &self,
        r: &mut Reminder,
        p: &mut Payload,
        ctx: &Context,
        text: impl FnOnce(Option<&str>) -> String,
    ) -> anyhow::Result<()> {
        let role = self.config().oncall.role.clone();
        let text = text(role.as_deref());
        self.post_with_roles(r, p, ctx, text, role.into_iter().collect())
            .await
    }

    /// Post `text` (given the role it pings) to the escalation role, or on-call without one.
    async fn post_escalation(
        &self,
        r: &mut Reminder,
        p: &mut Payload,
        ctx: &Context,
        text: impl FnOnce(Option<&str>) -> String,
    ) -> anyhow::Result<()> {
        let oncall = &self.config().oncall;
        let role = oncall.escalation_role.clone().or(oncall.role.clone());
        let text = text(role.as_deref());
        self.post_with_roles(r, p, ctx, text, role.into_iter().collect())
            .await
    }

    async fn post_with_roles(
        &self,
        r: &mut Reminder,
        p: &mut Payload,
        ctx: &Context,
        text: String,
        roles: Vec<String>,
    ) -> anyhow::Result<()> {
        let surface = self
            .inner()
            .background
            .get()
            .context("no chat surface for reminders")?
            .clone();
        let loc = ctx.op.origin.lang();
        let to = Addressee {
            id: ctx.op.id,
            origin: ctx.op.origin.clone(),
            service: ctx.op.service.clone(),
        };
        let Some(thread) = ctx.thread.as_ref() else {
            // No thread to remind in: the requester hears it privately (or the audit log).
            self.undelivered(surface.as_ref(), &to, None, &text, None)
                .await;
            p.posts = p.posts.saturating_add(1);
            p.posted_at.get_or_insert_with(Utc::now);
            return Ok(());
        };
        // After the lines said before it in this thread: if they cannot go yet, neither does
        // the reminder; the step runs again later (nothing was recorded as posted).
        anyhow::ensure!(
            self.flush_thread(surface.as_ref(), thread).await,
            "earlier lines of the thread are still waiting to be posted"
        );
        self.close_post(p, loc, Closing::Replaced).await;
        let b = |answer, id: &str, style| button(r.id, answer, &t!(loc, id), style);
        let buttons = match r.kind {
            ReminderKind::AfterSnapshot => vec![
                b(Answer::Restore, "button-scale-down", ButtonStyle::Primary),
                b(
                    Answer::Snooze(HOUR),
                    "button-snooze-1h",
                    ButtonStyle::Secondary,
                ),
                b(
                    Answer::Snooze(4 * HOUR),
                    "button-snooze-4h",
                    ButtonStyle::Secondary,
                ),
                b(Answer::Keep(None), "button-keep", ButtonStyle::Danger),
            ],
            ReminderKind::TimedRevert => vec![
                b(Answer::Extend, "button-extend", ButtonStyle::Secondary),
                b(Answer::Restore, "button-revert-now", ButtonStyle::Primary),
            ],
        };
        let post = ReminderPost {
            text,
            mention_roles: roles,
            buttons,
            nonce: format!("cs-r{}-{}", r.id.0, p.posts),
        };
        match surface.post_reminder(thread, &post).await {
            Ok(message) => {
                p.post = Some(message);
                p.post_text = Some(post.text.clone());
            }
            Err(e) => match Undeliverable::of(&e) {
                // The thread refuses posts for good: the requester hears it another way (no
                // buttons there; the reminder escalates on schedule, and can be answered with
                // the console or a later post).
                Some(why) => {
                    tracing::warn!(reminder = %r.id, error = format!("{e:#}"), "the thread refuses the reminder; telling the requester another way");
                    self.undelivered(surface.as_ref(), &to, Some(thread), &post.text, Some(why))
                        .await;
                }
                // For now (rate limited past the retries, 5xx, no answer): the step fails
                // and runs again, with the same nonce.
                None => return Err(e.context("posting the reminder")),
            },
        }
        p.posts = p.posts.saturating_add(1);
        p.posted_at.get_or_insert_with(Utc::now);
        self.audit_reminder(
            ctx,
            &notices::system_actor(),
            AuditAction::Reminder,
            Some(post.text),
        )
        .await;
        Ok(())
    }

    async fn escalate_elsewhere(&self, channel: &str, ctx: &Context, thread: &ThreadRef) {
        let Some(surface) = self.inner().background.get() else {
            return;
        };
        let loc = ctx.op.origin.lang();
        let origin = super::Origin {
            guild: ctx.op.origin.guild.clone(),
            channel: channel.to_owned(),
            locale: ctx.op.origin.locale.clone(),
        };
        if let Err(e) = surface
            .post_status(
                &origin,
                &notices::escalation_elsewhere(loc, &ctx.op.service.name, &thread.0),
            )
            .await
        {
            tracing::warn!(error = %e, "could not post the escalation");
        }
    }

    /// Take the buttons off the last post, if any.
    async fn close_post(&self, p: &mut Payload, loc: Locale, closing: Closing) {
        let (Some(post), Some(surface)) = (p.post.take(), self.inner().background.get()) else {
            return;
        };
        // Keep what the reminder said; only the buttons go.
        let end = notices::reminder_closed(loc, closing);
        let text = match p.post_text.take() {
            Some(said) => format!("{said}\n{end}"),
            None => end,
        };
        if let Err(e) = surface.edit_status(&post, &text).await {
            tracing::warn!(error = %e, "could not close the previous reminder");
        }
    }

    /// Finish a reminder in `state` and take the buttons away.
    async fn close(
        &self,
        r: &mut Reminder,
        p: &Payload,
        state: ReminderState,
        loc: Locale,
        closing: Closing,
    ) {
        let mut p = p.clone();
        self.close_post(&mut p, loc, closing).await;
        r.state = state;
        r.payload = serde_json::to_value(&p).unwrap_or(serde_json::Value::Null);
        if let Err(e) = self.store().update_reminder(r).await {
            tracing::error!(reminder = %r.id, error = format!("{e:#}"), "could not close a reminder");
        }
    }

    /// DB ClickPipes still loading, and the ones that are not, as (name, state), with the
    /// finished ones a human should look at before anything scales down automatically.
    /// `cloud` is the background client for periodic checks, the plain one for a click.
    async fn loading_pipes(
        &self,
        cloud: &CloudClient,
        op: &OperationRecord,
    ) -> Result<PipeCheck, crate::cloud::CloudError> {
        let listing = cloud.list_clickpipes_listing(&op.service.id).await?;
        let mut check = PipeCheck::default();
        // A pipe the bot could not understand may be a DB pipe still loading: a person must
        // look before anything scales down on its own (one entry per skipped pipe, named by
        // its id as far as it was readable, escaped).
        for skipped in &listing.skipped {
            let name = match &skipped.id {
                Some(id) => format!("{:?}", id.chars().take(40).collect::<String>()),
                None => format!("#{}", skipped.index + 1),
            };
            let entry = (
                name,
                crate::t!(op.origin.lang(), "reminder-pipe-not-understood"),
            );
            // Listed with the others in the reminder, so the person deciding sees it.
            check.attention.push(entry.clone());
            check.finished.push(entry);
        }
        for p in listing.into_items().into_iter().filter(|p| p.is_db_pipe()) {
            let loading = p.state.as_ref().is_some_and(|s| s.is_loading());
            let attention = p.state.as_ref().is_none_or(|s| s.needs_attention());
            let state = p
                .state
                .map(|s| s.to_string())
                .unwrap_or_else(|| crate::t!(op.origin.lang(), "scaling-pipe-state-unknown"));
            let entry = (p.name, state);
            if loading {
                check.loading.push(entry);
            } else {
                if attention {
                    check.attention.push(entry.clone());
                }
                check.finished.push(entry);
            }
        }
        Ok(check)
    }

    /// The current configuration as text while it still differs from what the reminder would
    /// restore; `None` once someone has scaled back already.
    async fn still_scaled_up(
        &self,
        op: &OperationRecord,
        p: &Payload,
    ) -> anyhow::Result<Option<String>> {
        let loc = op.origin.lang();
        let Target::Cdc(restore) = &p.restore else {
            return Ok(Some(notices::describe_target(loc, &p.restore)));
        };
        let current = self
            .inner()
            .background_cloud
            .get_cdc_scaling(&op.service.id)
            .await
            .map_err(|e| anyhow::anyhow!(e.user_message()))?;
        Ok(
            (current.replica_cpu_millicores > restore.replica_cpu_millicores)
                .then(|| text::describe(loc, CommandKind::CdcScale, &Current::Cdc(current))),
        )
    }

    /// Launch the operation that restores the previous configuration, as `actor` (the click
    /// was the confirmation). `None` when the service is already there.
    async fn restore(
        &self,
        ctx: &Context,
        p: &Payload,
        actor: &Actor,
    ) -> Result<Option<OperationId>, Rejection> {
        let surface = self
            .inner()
            .background
            .get()
            .cloned()
            .ok_or(Rejection::Unavailable)?;
        let service = &ctx.op.service;
        let current = match &p.restore {
            Target::Cdc(_) => Current::Cdc(self.cloud().get_cdc_scaling(&service.id).await?),
            Target::Service(_) | Target::Schedule(_) => {
                Current::Service(Box::new(self.cloud().get_service(&service.id).await?))
            }
        };
        let prepared = self.plan(PlanInput {
            kind: ctx.op.kind,
            service: service.clone(),
            current,
            target: p.restore.clone(),
            actor: actor.clone(),
            origin: ctx.op.origin.clone(),
            followup: FollowUp::None,
            confirmed_by: Some(actor.clone()),
        })?;
        if prepared.is_noop() {
            return Ok(None);
        }
        let handle = self.launch(prepared, surface).await?;
        Ok(Some(handle.id))
    }

    async fn audit_reminder(
        &self,
        ctx: &Context,
        actor: &Actor,
        action: AuditAction,
        detail: Option<String>,
    ) {
        self.audit_reminder_with(ctx, actor, action, detail, None)
            .await
    }

    /// [`Self::audit_reminder`] with structured values in `after`.
    async fn audit_reminder_with(
        &self,
        ctx: &Context,
        actor: &Actor,
        action: AuditAction,
        detail: Option<String>,
        after: Option<serde_json::Value>,
    ) {
        let mut e = crate::store::AuditEntry::new(Utc::now(), &actor.id, &actor.name, action);
        e.after = after;
        e.operation = Some(ctx.op.id);
        e.guild = ctx.op.origin.guild.clone();
        e.channel = Some(ctx.op.origin.channel.clone());
        e.thread = ctx.thread.as_ref().map(|t| t.0.clone());
        e.service_id = Some(ctx.op.service.id.clone());
        e.service_name = Some(ctx.op.service.name.clone());
        e.detail = detail;
        self.record(e).await;
    }

    /// Whether `actor` may answer reminders about `op`: allowed to run the command there, and
    /// the requester, on call, escalation or a confirmer.
    fn may_answer(&self, op: &OperationRecord, actor: &Actor, loc: Locale) -> Result<(), String> {
        let c = self.config();
        // The on-call and escalation roles are who reminders are for: they answer whatever
        // the command policy says about running the command itself.
        let on_call = [&c.oncall.role, &c.oncall.escalation_role]
            .into_iter()
            .flatten()
            .any(|r| actor.roles.contains(r));
        if on_call {
            return Ok(());
        }
        self.authorize(op.kind, &op.service, actor, &op.origin.channel)
            .map_err(|e| e.user_message(loc))?;
        if actor.id == op.actor.id || c.policy.may_confirm(&actor.roles) {
            Ok(())
        } else {
            Err(t!(loc, "answer-not-allowed"))
        }
    }

    /// Whether `actor` may answer reminder `id` (read only): asked before a Keep modal opens,
    /// so nobody types a reason only to be refused. [`Engine::answer`] checks again.
    pub async fn may_answer_reminder(
        &self,
        id: ReminderId,
        actor: &Actor,
        loc: Locale,
    ) -> Result<(), String> {
        let internal = |e: anyhow::Error| {
            tracing::error!(reminder = %id, error = format!("{e:#}"), "reading a reminder failed");
            t!(loc, "answer-internal")
        };
        let r = self
            .store()
            .reminder(id)
            .await
            .map_err(internal)?
            .ok_or_else(|| t!(loc, "answer-gone"))?;
        if !r.state.is_open() || r.state == ReminderState::Acknowledged {
            return Err(t!(loc, "answer-done"));
        }
        let ctx = self.context(&r).await.map_err(internal)?;
        self.may_answer(&ctx.op, actor, loc)
    }

    /// Answer a reminder (a button click) as `actor`, who reads `loc`. `Ok` is the private
    /// acknowledgement for the clicker, `Err` says why nothing happened. What the thread is
    /// told follows the language of the operation's channel.
    pub async fn answer(
        &self,
        id: ReminderId,
        answer: Answer,
        actor: &Actor,
        loc: Locale,
    ) -> Result<String, String> {
        let owner = self.instance().to_owned();
        let ttl = self.inner().settings.lease_ttl;
        let store = self.store();
        let fail = |e: anyhow::Error| {
            tracing::error!(reminder = %id, error = format!("{e:#}"), "answering a reminder failed");
            t!(loc, "answer-db-error")
        };
        if !store.claim_reminder(id, &owner, ttl).await.map_err(fail)? {
            let r = store.reminder(id).await.map_err(fail)?;
            return Err(match r {
                Some(r) if r.state.is_open() => t!(loc, "answer-busy"),
                _ => t!(loc, "answer-done"),
            });
        }
        let result = self.answer_claimed(id, answer, actor, loc).await;
        let _ = store.release_lease(Leased::Reminder(id), &owner).await;
        result
    }

    async fn answer_claimed(
        &self,
        id: ReminderId,
        answer: Answer,
        actor: &Actor,
        loc: Locale,
    ) -> Result<String, String> {
        let store = self.store();
        let internal = |e: anyhow::Error| {
            tracing::error!(reminder = %id, error = format!("{e:#}"), "answering a reminder failed");
            t!(loc, "answer-internal")
        };
        let mut r = store
            .reminder(id)
            .await
            .map_err(internal)?
            .ok_or_else(|| t!(loc, "answer-gone"))?;
        if !r.state.is_open() || r.state == ReminderState::Acknowledged {
            return Err(t!(loc, "answer-done"));
        }
        let ctx = self.context(&r).await.map_err(internal)?;
        self.may_answer(&ctx.op, actor, loc)?;
        let thread_loc = ctx.op.origin.lang();
        let mut p = payload(&r).map_err(internal)?;
        // The line for the thread and for the clicker, each in its reader's language.
        let said = |line: &dyn Fn(Locale) -> String| (line(thread_loc), line(loc));
        let (thread_line, reply) = match (&answer, r.kind) {
            (Answer::Keep(reason), _) => {
                let reason = reason
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .ok_or_else(|| t!(loc, "keep-needs-reason"))?
                    .to_owned();
                // The running cost goes to the audit log with the reason: what keeping it
                // has cost so far, and costs on.
                let scaled_for = self
                    .config()
                    .oncall
                    .clock
                    .span(to_std(Utc::now() - p.since));
                let running = self.extra_per_hour(&ctx.op).map(|extra| {
                    serde_json::json!({
                        "scaled_up_for_seconds": scaled_for.as_secs(),
                        "extra_per_hour_usd": extra,
                        "extra_so_far_usd": extra.over(scaled_for),
                    })
                });
                self.audit_reminder_with(
                    &ctx,
                    actor,
                    AuditAction::Kept,
                    Some(reason.clone()),
                    running,
                )
                .await;
                self.close(
                    &mut r,
                    &p,
                    ReminderState::Kept,
                    thread_loc,
                    Closing::Answered,
                )
                .await;
                let (line, reply) = said(&|l| notices::kept(l, &actor.name, &reason));
                self.say_in(&ctx, &line).await;
                return Ok(reply);
            }
            (Answer::Snooze(span), ReminderKind::AfterSnapshot) => {
                self.close_post(&mut p, thread_loc, Closing::Answered).await;
                r.state = ReminderState::Snoozed;
                r.level = 0;
                r.due_at = self.config().oncall.clock.after(Utc::now(), *span);
                self.audit_reminder(
                    &ctx,
                    actor,
                    AuditAction::Snoozed,
                    Some(text::duration(Locale::EnUs, *span)),
                )
                .await;
                said(&|l| notices::snoozed(l, &actor.name, *span))
            }
            (Answer::Extend, ReminderKind::TimedRevert) => {
                self.close_post(&mut p, thread_loc, Closing::Answered).await;
                let clock = self.config().oncall.clock;
                let until = clock.after(p.until.unwrap_or_else(Utc::now), HOUR);
                p.until = Some(until);
                let warn = chrono::Duration::from_std(self.config().oncall.timed_revert_warning)
                    .unwrap_or_default();
                r.level = 0;
                r.due_at = (until - warn).max(Utc::now());
                self.audit_reminder(&ctx, actor, AuditAction::Extended, Some(until.to_rfc3339()))
                    .await;
                said(&|l| notices::extended(l, &actor.name, clock.time(until)))
            }
            (Answer::Restore, kind) => {
                if kind == ReminderKind::AfterSnapshot {
                    let PipeCheck { loading, .. } = self
                        .loading_pipes(self.cloud(), &ctx.op)
                        .await
                        .map_err(|e| e.user_message_in(loc))?;
                    if !loading.is_empty() {
                        self.close_post(&mut p, thread_loc, Closing::Answered).await;
                        r.state = ReminderState::Pending;
                        r.level = 0;
                        r.due_at = after(self.config().oncall.snapshot_check_interval);
                        r.payload = serde_json::to_value(&p).map_err(|e| internal(e.into()))?;
                        store.update_reminder(&r).await.map_err(internal)?;
                        let (line, reply) = said(&|l| notices::still_loading(l, &loading));
                        self.say_in(&ctx, &line).await;
                        return Err(reply);
                    }
                }
                let restore = |l| notices::describe_target(l, &p.restore);
                let (line, reply) = match self.restore(&ctx, &p, actor).await {
                    Ok(Some(op)) => {
                        said(&|l| notices::scaling_down(l, &actor.name, &restore(l), op))
                    }
                    Ok(None) => said(&|l| notices::already_back(l, &restore(l))),
                    Err(e) => return Err(e.user_message(loc)),
                };
                let action = if kind == ReminderKind::TimedRevert {
                    AuditAction::Reverted
                } else {
                    AuditAction::Acknowledged
                };
                self.audit_reminder(&ctx, actor, action, None).await;
                self.close(
                    &mut r,
                    &p,
                    ReminderState::Done,
                    thread_loc,
                    Closing::Answered,
                )
                .await;
                self.say_in(&ctx, &line).await;
                return Ok(reply);
            }
            (Answer::Snooze(_), ReminderKind::TimedRevert) => {
                return Err(t!(loc, "timed-no-snooze"))
            }
            (Answer::Extend, ReminderKind::AfterSnapshot) => {
                return Err(t!(loc, "snapshot-no-extend"))
            }
        };
        r.payload = serde_json::to_value(&p).map_err(|e| internal(e.into()))?;
        store.update_reminder(&r).await.map_err(internal)?;
        self.say_in(&ctx, &thread_line).await;
        Ok(reply)
    }
}

fn button(id: ReminderId, answer: Answer, label: &str, style: ButtonStyle) -> NoticeButton {
    NoticeButton {
        asks_reason: matches!(answer, Answer::Keep(_)),
        id: answer.button_id(id),
        label: label.into(),
        style,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_ids_round_trip() {
        for a in [
            Answer::Restore,
            Answer::Snooze(HOUR),
            Answer::Snooze(4 * HOUR),
            Answer::Keep(None),
            Answer::Extend,
        ] {
            let id = a.button_id(ReminderId(42));
            assert!(id.len() <= 100, "Discord caps custom ids at 100 characters");
            assert_eq!(Answer::parse_button_id(&id), Some((ReminderId(42), a)));
        }
        assert_eq!(Answer::parse_button_id("clickscale:confirm:1"), None);
        assert_eq!(Answer::parse_button_id("clickscale:r:x:restore"), None);
        assert_eq!(Answer::parse_button_id("clickscale:r:1:explode"), None);
    }
}

/// The DB ClickPipes of a service, as a scale-down sees them.
#[derive(Debug, Default)]
struct PipeCheck {
    /// Still loading (Provisioning, Setup, Snapshot, Resync): capacity must stay.
    loading: Vec<(String, String)>,
    /// Not loading, but failed, degraded or in a state we do not know: a person decides.
    attention: Vec<(String, String)>,
    /// Every pipe not loading (including those needing attention).
    finished: Vec<(String, String)>,
}
