//! `/scaling-schedule service action? …`: a service's scaling schedule (beta).
//!
//! - `action:show` (the default): each entry with its days and UTC hours and what it sets, the
//!   entry in force now, and the baseline that applies outside the entries
//!   (`control-plane:service:view`).
//! - `action:set name days start-hour end-hour [mode count min-replicas max-replicas
//!   min-memory-gb max-memory-gb idle]`: add an entry, or replace the one with that name.
//! - `action:remove name`: remove one entry. `action:clear`: remove them all.
//!
//! Changes go through the engine like `/replicas` (plan, risks, confirmation, audit, thread):
//! the API's `POST …/scalingSchedule` replaces the whole schedule, so the target is every
//! entry the service keeps (`control-plane:service:manage-scaling-config`).

use crate::{
    cloud::{
        model::{ScalingSchedule, ScalingScheduleBaseConfig},
        CloudError,
    },
    discord::{errors::reply_ephemeral, Context, Error},
    i18n::Locale,
    ops::{CommandKind, Engine, ScaleCommand, ScaleRequest, ServiceRef},
    scaling::{
        schedule::{
            entry_settings, render_reported, schedule_post, schedule_precheck, EntryInput,
            ScheduleAction, ScheduleInput,
        },
        Current, Limits, ModeInput, RuleError, Target,
    },
    t,
};

/// Show a service's scaling schedule, or add, replace, remove or clear its entries
// One parameter per Discord option: poise builds the registration from this signature.
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command, rename = "scaling-schedule", guild_only)]
pub async fn scaling_schedule(
    ctx: Context<'_>,
    #[description = "Service alias, name or id"]
    #[autocomplete = "super::autocomplete_service"]
    service: String,
    #[description = "show (default), set (add or replace an entry), remove (one entry) or clear"]
    action: Option<String>,
    #[description = "Entry name (set, remove)"] name: Option<String>,
    #[description = "Weekdays in UTC, e.g. mon-fri, sat,sun, daily"] days: Option<String>,
    #[description = "UTC hour the entry starts (0-23)"]
    #[rename = "start-hour"]
    #[min = 0]
    #[max = 23]
    start_hour: Option<i64>,
    #[description = "UTC hour the entry ends, exclusive (1-24; below start-hour: overnight)"]
    #[rename = "end-hour"]
    #[min = 1]
    #[max = 24]
    end_hour: Option<i64>,
    #[description = "Autoscaling mode in the entry: vertical (fixed count) or horizontal (range)"]
    mode: Option<String>,
    #[description = "Fixed number of replicas in the entry (vertical mode)"]
    #[min = 1]
    count: Option<i64>,
    #[description = "Fewest replicas in the entry (horizontal mode)"]
    #[rename = "min-replicas"]
    #[min = 1]
    min_replicas: Option<i64>,
    #[description = "Most replicas in the entry (horizontal mode)"]
    #[rename = "max-replicas"]
    #[min = 1]
    max_replicas: Option<i64>,
    #[description = "Minimum memory per replica in GB in the entry (multiple of 4, at least 8)"]
    #[rename = "min-memory-gb"]
    #[min = 8]
    min_memory_gb: Option<i64>,
    #[description = "Maximum memory per replica in GB in the entry (multiple of 4, at least 8)"]
    #[rename = "max-memory-gb"]
    #[min = 8]
    max_memory_gb: Option<i64>,
    #[description = "Let the service idle during the entry"] idle: Option<bool>,
) -> Result<(), Error> {
    let loc = crate::discord::errors::locale(ctx);
    // Text with registered choices (see `commands::registration`), read like the console's;
    // a value a client sends outside the choices is refused, not guessed.
    let action =
        match choice::<ScheduleAction>(loc, "action", action.as_deref(), &ScheduleAction::NAMES) {
            Ok(a) => a.unwrap_or_default(),
            Err(text) => {
                reply_ephemeral(ctx, &text).await?;
                return Ok(());
            }
        };
    let mode = match choice::<ModeInput>(loc, "mode", mode.as_deref(), &ModeInput::NAMES) {
        Ok(m) => m,
        Err(text) => {
            reply_ephemeral(ctx, &text).await?;
            return Ok(());
        }
    };
    let entry = EntryInput {
        name,
        days,
        start_hour,
        end_hour,
        mode,
        count,
        min_replicas,
        max_replicas,
        min_memory_gb,
        max_memory_gb,
        idle,
    };
    match crate::scaling::schedule::request(action, entry) {
        Err(problem) => {
            reply_ephemeral(ctx, &problem.user_message(loc)).await?;
            Ok(())
        }
        Ok(None) => super::report::<ScheduleReport>(ctx, service).await,
        Ok(Some(input)) => {
            super::scale(
                ctx,
                service,
                ScaleRequest::Schedule(input),
                Default::default(),
            )
            .await
        }
    }
}

/// A text option with fixed choices: `None` when not given, the refusal text when not one of
/// `names`.
fn choice<T: std::str::FromStr>(
    loc: Locale,
    option: &str,
    raw: Option<&str>,
    names: &[&str],
) -> Result<Option<T>, String> {
    let Some(raw) = raw.map(str::trim) else {
        return Ok(None);
    };
    raw.parse::<T>().map(Some).map_err(|_| {
        let allowed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        t!(
            loc,
            "console-option-not-one-of",
            option = option,
            allowed = crate::i18n::join_with(loc, &allowed, crate::i18n::Conjunction::Or),
            // Debug-escaped and clipped: untrusted text is never echoed raw.
            value = format!("{:?}", raw.chars().take(40).collect::<String>())
        )
    })
}

/// What the engine runs: every rule about the entry itself before any call; overlaps, the
/// entry to remove and the entries sent back against the schedule the service reports.
impl ScaleCommand for ScheduleInput {
    fn kind(&self) -> CommandKind {
        CommandKind::ScalingSchedule
    }

    fn precheck(&self, limits: &Limits) -> Result<Option<Target>, RuleError> {
        schedule_precheck(self, limits).map(|()| None)
    }

    fn target(&self, current: &Current, limits: &Limits) -> Result<Target, RuleError> {
        match current {
            Current::Service(service) => schedule_post(self, service, limits).map(Target::Schedule),
            Current::Cdc(_) => unreachable!("/scaling-schedule reads the service"),
        }
    }
}

/// What `/scaling-schedule` (`action:show`) shows.
#[derive(Debug)]
pub struct ScheduleReport {
    pub service: ServiceRef,
    /// `Ok(None)`: the service has no schedule (the API answers 404).
    pub schedule: Result<Option<ScalingSchedule>, CloudError>,
}

impl super::ServiceReport for ScheduleReport {
    /// The schedule, from its own endpoint (which says when the beta is not enabled).
    async fn collect(engine: &Engine, service: ServiceRef) -> Self {
        let schedule = engine.cloud().get_scaling_schedule(&service.id).await;
        Self { service, schedule }
    }

    /// The schedule in `loc`, as chat markdown.
    fn render(&self, loc: Locale) -> String {
        let mut out = t!(
            loc,
            "schedule-header",
            name = self.service.name.as_str(),
            id = self.service.id.as_str()
        );
        let schedule = match &self.schedule {
            Ok(Some(s)) if !s.entries.is_empty() => s,
            Ok(_) => {
                out.push('\n');
                out.push_str(&t!(loc, "schedule-none"));
                return out;
            }
            // The organization does not have the beta: the API's 400 says so.
            Err(CloudError::Api(e)) if e.status == 400 && e.message.contains("not enabled") => {
                out.push('\n');
                out.push_str(&t!(loc, "schedule-not-enabled"));
                return out;
            }
            Err(e) => {
                out.push('\n');
                out.push_str(&t!(
                    loc,
                    "schedule-read-error",
                    error = e.user_message_in(loc)
                ));
                return out;
            }
        };
        for e in &schedule.entries {
            let active = schedule.active_entry_id.as_deref() == Some(e.id.as_str())
                || e.is_active_now == Some(true);
            out.push_str("\n- ");
            out.push_str(&render_reported(loc, e));
            if active {
                out.push(' ');
                out.push_str(&t!(loc, "schedule-active-marker"));
            }
        }
        if schedule.active_entry_id.is_none()
            && !schedule
                .entries
                .iter()
                .any(|e| e.is_active_now == Some(true))
        {
            out.push('\n');
            out.push_str(&t!(loc, "schedule-none-active"));
        }
        out.push('\n');
        out.push_str(&t!(
            loc,
            "schedule-baseline",
            settings = base_settings(loc, &schedule.base_config)
        ));
        out
    }
}

fn base_settings(loc: Locale, b: &ScalingScheduleBaseConfig) -> String {
    entry_settings(
        loc,
        b.autoscaling_mode.as_ref(),
        (b.min_replicas, b.max_replicas),
        (b.min_replica_memory_gb, b.max_replica_memory_gb),
        b.idle_scaling,
    )
}
