//! `/scaling-schedule service`: a service's scaling schedule (beta) as the API reports it:
//! each entry with its days and UTC hours and what it sets, the entry in force now, and the
//! baseline that applies outside the entries. Read-only (`control-plane:service:view`).

use std::fmt::Write as _;

use crate::{
    cloud::{
        model::{
            AutoscalingMode, ScalingSchedule, ScalingScheduleBaseConfig, ScalingScheduleEntry,
        },
        CloudError,
    },
    discord::{errors::reply_ephemeral, Context, Error},
    i18n::Locale,
    ops::{Engine, Rejection, ServiceRef},
    t,
};

/// Show a service's scaling schedule: its entries, the one in force now, and the baseline
#[poise::command(slash_command, rename = "scaling-schedule", guild_only)]
pub async fn scaling_schedule(
    ctx: Context<'_>,
    #[description = "Service alias, name or id"]
    #[autocomplete = "super::autocomplete_service"]
    service: String,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let loc = crate::discord::errors::locale(ctx);
    let reply = match ScheduleReport::collect(&ctx.data().engine, &service).await {
        Ok(report) => report.render(loc),
        Err(rejection) => rejection.user_message(loc),
    };
    reply_ephemeral(ctx, &reply).await?;
    Ok(())
}

/// What `/scaling-schedule` shows.
#[derive(Debug)]
pub struct ScheduleReport {
    pub service: ServiceRef,
    /// `Ok(None)`: the service has no schedule (the API answers 404).
    pub schedule: Result<Option<ScalingSchedule>, CloudError>,
}

impl ScheduleReport {
    /// Resolve the service, then read its schedule.
    pub async fn collect(engine: &Engine, typed: &str) -> Result<Self, Rejection> {
        let service = engine.resolve_service(typed).await?;
        let schedule = engine.cloud().get_scaling_schedule(&service.id).await;
        Ok(Self { service, schedule })
    }

    /// The schedule in `loc`, as chat markdown.
    pub fn render(&self, loc: Locale) -> String {
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
            let _ = write!(
                out,
                "\n- {}: {}",
                super::scaling_status::schedule_entry(loc, e),
                entry_settings(loc, e)
            );
            if active {
                let _ = write!(out, " {}", t!(loc, "schedule-active-marker"));
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

fn gb(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// What a mode, replica bounds, memory bounds and idling add up to, in `loc`.
fn settings(
    loc: Locale,
    mode: Option<&AutoscalingMode>,
    replicas: (Option<u32>, Option<u32>),
    memory: (Option<f64>, Option<f64>),
    idle: Option<bool>,
) -> String {
    let mut parts = Vec::new();
    if let Some(m) = mode {
        parts.push(crate::scaling::Value::Mode { mode: m.clone() }.render(loc));
    }
    match replicas {
        (Some(a), Some(b)) if a == b => parts.push(t!(loc, "value-replicas", count = a)),
        (Some(a), Some(b)) => parts.push(t!(
            loc,
            "scaling-replicas-horizontal",
            min = a.to_string(),
            max = b.to_string()
        )),
        _ => {}
    }
    match memory {
        (Some(a), Some(b)) if a == b => parts.push(t!(loc, "scaling-memory", gb = gb(a))),
        (Some(a), Some(b)) => parts.push(t!(loc, "scaling-memory-range", min = gb(a), max = gb(b))),
        _ => {}
    }
    match idle {
        Some(true) => parts.push(t!(loc, "target-idle-on")),
        Some(false) => parts.push(t!(loc, "target-idle-off")),
        None => {}
    }
    if parts.is_empty() {
        return t!(loc, "scaling-unknown");
    }
    crate::i18n::join(loc, &parts)
}

fn entry_settings(loc: Locale, e: &ScalingScheduleEntry) -> String {
    settings(
        loc,
        e.autoscaling_mode.as_ref(),
        (e.min_replicas, e.max_replicas),
        (e.min_replica_memory_gb, e.max_replica_memory_gb),
        e.idle_scaling,
    )
}

fn base_settings(loc: Locale, b: &ScalingScheduleBaseConfig) -> String {
    settings(
        loc,
        b.autoscaling_mode.as_ref(),
        (b.min_replicas, b.max_replicas),
        (b.min_replica_memory_gb, b.max_replica_memory_gb),
        b.idle_scaling,
    )
}
