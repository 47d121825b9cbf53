//! `/scaling-status service`: what the API reports now, and the operations in flight.

use std::fmt::Write as _;

use futures::join;

use crate::{
    cloud::{
        model::{AutoscalingMode, CdcScaling, ClickPipe, Service},
        CloudError,
    },
    discord::{errors::reply_ephemeral, Context, Error},
    ops::{text, Engine, InFlight, Rejection, ServiceRef},
};

/// Show a service's scaling configuration, CDC compute and the operations in flight
#[poise::command(slash_command, rename = "scaling-status", guild_only)]
pub async fn scaling_status(
    ctx: Context<'_>,
    #[description = "Service alias, name or id"]
    #[autocomplete = "super::autocomplete_service"]
    service: String,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let reply = match Report::collect(&ctx.data().engine, &service).await {
        Ok(report) => report.render(),
        Err(rejection) => rejection.to_string(),
    };
    reply_ephemeral(ctx, &reply).await?;
    Ok(())
}

/// Everything the status shows; each read may fail on its own.
#[derive(Debug)]
pub struct Report {
    pub service: ServiceRef,
    pub config: Result<Service, CloudError>,
    pub cdc: Result<CdcScaling, CloudError>,
    pub pipes: Result<Vec<ClickPipe>, CloudError>,
    pub in_flight: Vec<InFlight>,
}

impl Report {
    /// Resolve the service, then read the service, its CDC scaling and its ClickPipes at once.
    pub async fn collect(engine: &Engine, typed: &str) -> Result<Self, Rejection> {
        let service = engine.resolve_service(typed).await?;
        let cloud = engine.cloud();
        let (config, cdc, pipes) = join!(
            cloud.get_service(&service.id),
            cloud.get_cdc_scaling(&service.id),
            cloud.list_clickpipes(&service.id),
        );
        let in_flight = engine
            .in_flight()
            .into_iter()
            .filter(|o| o.service.id == service.id)
            .collect();
        Ok(Self {
            service,
            config,
            cdc,
            pipes,
            in_flight,
        })
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let state = match &self.config {
            Ok(s) => s
                .state
                .as_ref()
                .map(|st| format!(", state {st}"))
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        let _ = writeln!(
            out,
            "**`{}`** (`{}`){state}",
            self.service.name, self.service.id
        );
        match &self.config {
            Ok(s) => render_config(&mut out, s),
            Err(e) => {
                let _ = writeln!(
                    out,
                    "Configuration: could not read it: {}",
                    e.user_message()
                );
            }
        }
        let idle = self.cdc.as_ref().err().is_some_and(CloudError::is_idle)
            || self.pipes.as_ref().err().is_some_and(CloudError::is_idle);
        let cdc = match &self.cdc {
            Ok(c) => format!("{} cores / {} GB", c.cores(), c.replica_memory_gb),
            Err(_) if idle => {
                "not readable while the service is idle (ClickPipes calls need it running)".into()
            }
            Err(e) if e.status() == Some(404) => {
                "none: no DB ClickPipe has been set up on this service yet".into()
            }
            Err(e) => format!("could not read it: {}", e.user_message()),
        };
        let _ = writeln!(out, "CDC compute: {cdc}");
        match &self.pipes {
            Ok(pipes) => {
                let db: Vec<String> = pipes
                    .iter()
                    .filter(|p| p.is_db_pipe())
                    .map(|p| {
                        let state = p
                            .state
                            .as_ref()
                            .map(|s| s.as_str().to_owned())
                            .unwrap_or_else(|| "state unknown".into());
                        format!("`{}` {state}", p.name)
                    })
                    .collect();
                if !db.is_empty() {
                    let _ = writeln!(out, "DB ClickPipes: {}", db.join(", "));
                }
            }
            Err(_) if idle => {}
            Err(e) => {
                let _ = writeln!(
                    out,
                    "DB ClickPipes: could not read them: {}",
                    e.user_message()
                );
            }
        }
        if self.in_flight.is_empty() {
            out.push_str("In flight: nothing.");
        } else {
            out.push_str("In flight:");
            for op in &self.in_flight {
                let _ = write!(
                    out,
                    "\n- {} `/{}` by {}: {} (started {} ago)",
                    op.id,
                    op.kind,
                    op.actor,
                    op.summary,
                    text::duration(op.started.elapsed())
                );
            }
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

fn render_config(out: &mut String, s: &Service) {
    let replicas = match (
        s.autoscaling_mode,
        s.num_replicas,
        s.min_replicas,
        s.max_replicas,
    ) {
        (AutoscalingMode::Horizontal, _, Some(a), Some(b)) => {
            format!("{a}–{b} (horizontal autoscaling)")
        }
        (_, Some(n), _, _) => n.to_string(),
        _ => "unknown".into(),
    };
    let memory = match (s.min_replica_memory_gb, s.max_replica_memory_gb) {
        (Some(a), Some(b)) if a == b => format!("{} GB per replica", gb(a)),
        (Some(a), Some(b)) => format!("{}–{} GB per replica", gb(a), gb(b)),
        _ => match s.replica_memory_gb {
            Some(m) => format!("{} GB per replica", gb(m)),
            None => "unknown".into(),
        },
    };
    let _ = writeln!(out, "Replicas: {replicas}; memory: {memory}");
    let idle = match (s.idle_scaling, s.idle_timeout_minutes) {
        (Some(true), Some(t)) => format!("on, {} min timeout", gb(t)),
        (Some(true), None) => "on".into(),
        (Some(false), _) => "off".into(),
        (None, _) => "unknown".into(),
    };
    let _ = writeln!(out, "Idling: {idle}");
    if s.current_scaling.active_entry_id.is_some() {
        let _ = writeln!(
            out,
            "A scaling schedule entry is active now, so the effective values may differ from these."
        );
    }
}
