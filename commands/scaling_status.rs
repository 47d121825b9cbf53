//! `/scaling-status service`: what the API reports now, and the operations in flight.

use std::fmt::Write as _;

use futures::join;

use crate::{
    cloud::{
        model::{AutoscalingMode, CdcScaling, ClickPipe, Service},
        CloudError, Listing,
    },
    discord::{Context, Error},
    i18n::{self, Locale},
    ops::{
        episodes::{self, Episode, Resource},
        text, Engine, InFlight, Phase, Rejection, ServiceRef,
    },
    store::{Reminder, ReminderKind},
    t,
};

/// Show a service's scaling configuration, CDC compute and the operations in flight
#[poise::command(slash_command, rename = "scaling-status", guild_only)]
pub async fn scaling_status(
    ctx: Context<'_>,
    #[description = "Service alias, name or id"]
    #[autocomplete = "super::autocomplete_service"]
    service: String,
) -> Result<(), Error> {
    super::report::<Report>(ctx, service).await
}

/// Everything the status shows; each read may fail on its own.
#[derive(Debug)]
pub struct Report {
    pub service: ServiceRef,
    pub config: Result<Service, CloudError>,
    pub cdc: Result<CdcScaling, CloudError>,
    /// With the pipes the answer held that the bot could not understand (skipped, counted).
    pub pipes: Result<Listing<ClickPipe>, CloudError>,
    pub in_flight: Vec<InFlight>,
    /// Open follow-ups on this service (scale-down after the snapshot, timed reverts).
    pub reminders: Vec<Reminder>,
    /// Scale-ups still running on this service, priced from the audit log.
    pub scaled_up: Vec<Episode>,
}

impl Report {
    /// Resolve the service, then read it ([`super::ServiceReport::collect`]).
    pub async fn collect(engine: &Engine, typed: &str) -> Result<Self, Rejection> {
        super::collect_report(engine, typed).await
    }
}

impl super::ServiceReport for Report {
    /// Read the service, its CDC scaling and its ClickPipes at once, then the store.
    async fn collect(engine: &Engine, service: ServiceRef) -> Self {
        let cloud = engine.cloud();
        let (config, cdc, pipes) = join!(
            cloud.get_service(&service.id),
            cloud.get_cdc_scaling(&service.id),
            cloud.list_clickpipes_listing(&service.id),
        );
        // What every instance has in flight on the service, as the store says.
        let in_flight = engine
            .open_operations_on(&service.id)
            .await
            .unwrap_or_default();
        // The store is only a nicety here: without it the API's view is still worth showing.
        let reminders = engine
            .open_reminders()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.service_id == service.id)
            .collect();
        let scaled_up = episodes::recent(engine, Some(&service.id))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(Episode::is_open)
            .collect();
        Self {
            scaled_up,
            service,
            config,
            cdc,
            pipes,
            in_flight,
            reminders,
        }
    }

    /// The status in `loc`, as chat markdown.
    fn render(&self, loc: Locale) -> String {
        let mut out = String::new();
        let state = match &self.config {
            Ok(s) => s
                .state
                .as_ref()
                .map(|st| t!(loc, "describe-state", state = st.to_string()))
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        let _ = writeln!(
            out,
            "{}",
            t!(
                loc,
                "scaling-header",
                name = self.service.name.as_str(),
                id = self.service.id.as_str(),
                state = state
            )
        );
        match &self.config {
            Ok(s) => render_config(loc, &mut out, s),
            Err(e) => {
                let _ = writeln!(
                    out,
                    "{}",
                    t!(loc, "scaling-config-error", error = e.user_message_in(loc))
                );
            }
        }
        let idle = self.cdc.as_ref().err().is_some_and(CloudError::is_idle)
            || self.pipes.as_ref().err().is_some_and(CloudError::is_idle);
        let cdc = match &self.cdc {
            Ok(c) => crate::scaling::Value::cdc(c).render(loc),
            Err(_) if idle => t!(loc, "scaling-cdc-idle"),
            Err(e) if e.status() == Some(404) => t!(loc, "scaling-cdc-none"),
            Err(e) => t!(loc, "scaling-read-error", error = e.user_message_in(loc)),
        };
        let _ = writeln!(out, "{}", t!(loc, "scaling-cdc", cdc = cdc));
        for ep in &self.scaled_up {
            let resource = match ep.resource {
                Resource::Cdc => t!(loc, "episode-resource-cdc"),
                Resource::Service => t!(loc, "episode-resource-service"),
            };
            let _ = writeln!(
                out,
                "{}",
                t!(
                    loc,
                    "status-extra-cost",
                    hourly = i18n::money(loc, ep.extra_per_hour),
                    since = ep.started.format("%Y-%m-%d %H:%M UTC").to_string(),
                    resource = resource,
                    cost = i18n::money(loc, ep.extra_cost)
                )
            );
        }
        if !self.scaled_up.is_empty() {
            let _ = writeln!(out, "{}", text::estimate_note(loc));
        }
        match &self.pipes {
            Ok(pipes) => {
                let db: Vec<String> = pipes
                    .items
                    .iter()
                    .filter(|p| p.is_db_pipe())
                    .map(|p| {
                        let state = p
                            .state
                            .as_ref()
                            .map(|s| s.as_str().to_owned())
                            .unwrap_or_else(|| t!(loc, "scaling-pipe-state-unknown"));
                        format!("`{}` {state}", p.name)
                    })
                    .collect();
                if !db.is_empty() {
                    let _ = writeln!(
                        out,
                        "{}",
                        t!(loc, "scaling-pipes", pipes = i18n::join(loc, &db))
                    );
                }
                // One note for the whole listing: the log names each skipped entry.
                if !pipes.skipped.is_empty() {
                    let _ = writeln!(
                        out,
                        "{}",
                        t!(loc, "listing-skipped-pipes", n = pipes.skipped.len())
                    );
                }
            }
            Err(_) if idle => {}
            Err(e) => {
                let _ = writeln!(
                    out,
                    "{}",
                    t!(loc, "scaling-pipes-error", error = e.user_message_in(loc))
                );
            }
        }
        if self.in_flight.is_empty() {
            out.push_str(&t!(loc, "scaling-in-flight-none"));
        } else {
            out.push_str(&t!(loc, "scaling-in-flight"));
            for op in &self.in_flight {
                out.push('\n');
                out.push_str(&t!(
                    loc,
                    "scaling-in-flight-op",
                    id = op.id.to_string(),
                    command = op.kind.name(),
                    actor = op.actor.as_str(),
                    summary = op.plan.summary(loc),
                    ago = text::duration(loc, op.started.elapsed())
                ));
                // A change on an idle service waits for someone to wake it, or for the wake.
                let waits = match op.phase {
                    Phase::AwaitingWake => Some("scaling-in-flight-awaiting-wake"),
                    Phase::Waking => Some("scaling-in-flight-waking"),
                    _ => None,
                };
                if let Some(id) = waits {
                    out.push(' ');
                    out.push_str(&t!(loc, id));
                }
            }
        }
        for r in &self.reminders {
            let due = (r.due_at - chrono::Utc::now()).to_std().unwrap_or_default();
            let id = match (r.kind, r.level) {
                (ReminderKind::AfterSnapshot, 0) => "scaling-reminder-snapshot-watching",
                (ReminderKind::AfterSnapshot, _) => "scaling-reminder-snapshot-posted",
                (ReminderKind::TimedRevert, _) => "scaling-reminder-timed",
            };
            out.push('\n');
            out.push_str(&t!(
                loc,
                id,
                op = r.operation.to_string(),
                due = text::duration(loc, due)
            ));
        }
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

fn render_config(loc: Locale, out: &mut String, s: &Service) {
    let replicas = match (
        &s.autoscaling_mode,
        s.num_replicas,
        s.min_replicas,
        s.max_replicas,
    ) {
        (AutoscalingMode::Horizontal, _, Some(a), Some(b)) => t!(
            loc,
            "scaling-replicas-horizontal",
            min = a.to_string(),
            max = b.to_string()
        ),
        (_, Some(n), _, _) => n.to_string(),
        _ => t!(loc, "scaling-unknown"),
    };
    let memory = match (s.min_replica_memory_gb, s.max_replica_memory_gb) {
        (Some(a), Some(b)) if a == b => t!(loc, "scaling-memory", gb = gb(a)),
        (Some(a), Some(b)) => t!(loc, "scaling-memory-range", min = gb(a), max = gb(b)),
        _ => match s.replica_memory_gb {
            Some(m) => t!(loc, "scaling-memory", gb = gb(m)),
            None => t!(loc, "scaling-unknown"),
        },
    };
    let _ = writeln!(
        out,
        "{}",
        t!(
            loc,
            "scaling-replicas-memory",
            replicas = replicas,
            memory = memory
        )
    );
    let idle = match (s.idle_scaling, s.idle_timeout_minutes) {
        (Some(true), Some(m)) => t!(loc, "scaling-idle-on-timeout", minutes = gb(m)),
        (Some(true), None) => t!(loc, "scaling-idle-on"),
        (Some(false), _) => t!(loc, "scaling-idle-off"),
        (None, _) => t!(loc, "scaling-unknown"),
    };
    let _ = writeln!(out, "{}", t!(loc, "scaling-idling", idle = idle));
    // The fields above are the baseline; while a schedule entry is in force,
    // `currentScaling.effective*` says what the service runs with.
    if let Some(active) = &s.current_scaling.active_entry_id {
        let cs = &s.current_scaling;
        let entry = s
            .scaling_schedule
            .as_ref()
            .and_then(|sch| sch.entries.iter().find(|e| &e.id == active));
        let replicas = match (cs.effective_min_replicas, cs.effective_max_replicas) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => t!(
                loc,
                "scaling-replicas-horizontal",
                min = a.to_string(),
                max = b.to_string()
            ),
            _ => t!(loc, "scaling-unknown"),
        };
        let memory = match (
            cs.effective_min_replica_memory_gb,
            cs.effective_max_replica_memory_gb,
        ) {
            (Some(a), Some(b)) if a == b => t!(loc, "scaling-memory", gb = gb(a)),
            (Some(a), Some(b)) => t!(loc, "scaling-memory-range", min = gb(a), max = gb(b)),
            _ => t!(loc, "scaling-unknown"),
        };
        let _ = writeln!(
            out,
            "{}",
            t!(
                loc,
                "scaling-effective",
                entry = entry.map_or(active.as_str(), |e| e.name.as_str()),
                until = entry
                    .and_then(|e| e.end_hour_utc)
                    .map_or_else(|| "?".to_owned(), |h| format!("{:02}:00", h % 24)),
                replicas = replicas,
                memory = memory
            )
        );
    }
    if let Some(schedule) = s
        .scaling_schedule
        .as_ref()
        .filter(|s| !s.entries.is_empty())
    {
        let entries: Vec<String> = schedule
            .entries
            .iter()
            .map(|e| crate::scaling::schedule::reported_window(loc, e))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            t!(loc, "scaling-schedule", entries = entries.join("; "))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::{ApiError, Operation, SkippedEntry};
    use crate::commands::ServiceReport as _;

    fn not_found() -> CloudError {
        CloudError::Api(ApiError {
            status: 404,
            code: Some("NOT_FOUND".into()),
            message: "none".into(),
            request_id: None,
            operation: Operation::GetCdcScaling,
            attempts: 1,
        })
    }

    fn svc() -> ServiceRef {
        ServiceRef {
            id: "s".into(),
            name: "svc".into(),
            customer_facing: false,
        }
    }

    #[test]
    fn changes_waiting_for_a_wake_say_so() {
        use crate::{
            cloud::model::CdcScaling,
            ops::{CommandKind, Phase},
            scaling::{plan, Current, RiskPolicy, Target},
        };
        let op = |id, phase| InFlight {
            id: crate::ops::OperationId(id),
            kind: CommandKind::CdcScale,
            service: svc(),
            plan: plan(
                &Current::Cdc(CdcScaling::from_cores(2)),
                &Target::Cdc(CdcScaling::from_cores(4)),
                &RiskPolicy::default(),
            ),
            actor: "ann".into(),
            started: tokio::time::Instant::now(),
            phase,
        };
        let report = Report {
            service: svc(),
            config: Err(not_found()),
            cdc: Err(not_found()),
            pipes: Err(not_found()),
            in_flight: vec![
                op(1, Phase::AwaitingWake),
                op(2, Phase::Waking),
                op(3, Phase::Watching),
            ],
            reminders: Vec::new(),
            scaled_up: Vec::new(),
        };
        let text = report.render(Locale::EnUs);
        let line = |n: &str| {
            text.lines()
                .find(|l| l.starts_with(&format!("- {n} ")))
                .unwrap_or_else(|| panic!("no {n}:\n{text}"))
                .to_owned()
        };
        assert!(
            line("#1")
                .ends_with("— waits for a wake: press **Wake and continue** on its status message"),
            "{text}"
        );
        assert!(
            line("#2").ends_with("— waking the service, then it carries on"),
            "{text}"
        );
        assert!(line("#3").ends_with("ago)"), "{text}");
        let ru = report.render(Locale::Ru);
        assert!(ru.contains("ждёт пробуждения сервиса"), "{ru}");
        assert!(ru.contains("сервис пробуждается"), "{ru}");
    }

    #[test]
    fn skipped_pipes_get_one_note_for_the_listing() {
        let skipped = |index| SkippedEntry {
            index,
            id: Some(format!("p-{index}")),
            reason: "invalid type".into(),
        };
        let report = Report {
            service: svc(),
            config: Err(not_found()),
            cdc: Err(not_found()),
            pipes: Ok(Listing {
                items: Vec::new(),
                skipped: vec![skipped(0), skipped(3)],
            }),
            in_flight: Vec::new(),
            reminders: Vec::new(),
            scaled_up: Vec::new(),
        };
        let text = report.render(Locale::EnUs);
        assert_eq!(
            text.matches("2 more ClickPipes could not be understood and are not shown")
                .count(),
            1,
            "{text}"
        );
        assert!(
            !text.contains("p-3"),
            "one note, not a line per entry:\n{text}"
        );
        let ru = report.render(Locale::Ru);
        assert!(ru.contains("Ещё 2 ClickPipe не удалось разобрать"), "{ru}");
    }
}
