//! `clickscale check`: validate the configuration and what the API key may do, with read-only
//! calls only, and say precisely what is wrong.

use std::fmt::Write as _;

use crate::{
    cloud::{
        model::{AutoscalingMode, Service},
        CloudClient, CloudError,
    },
    config::Config,
};

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub ok: bool,
    pub what: String,
}

impl Finding {
    fn ok(what: impl Into<String>) -> Self {
        Self {
            ok: true,
            what: what.into(),
        }
    }
    fn bad(what: impl Into<String>) -> Self {
        Self {
            ok: false,
            what: what.into(),
        }
    }
}

/// Checks that need no network: required settings are present.
pub fn check_settings(config: &Config, need_discord: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut need = |present: bool, name: &str, hint: &str| {
        out.push(if present {
            Finding::ok(format!("{name} is set"))
        } else {
            Finding::bad(format!("{name} is missing: {hint}"))
        });
    };
    need(
        !config.cloud.org_id.is_empty(),
        "CLICKHOUSE_ORG_ID (cloud.org_id)",
        "the organization id from the Cloud console's Organization settings",
    );
    need(
        !config.cloud.key_id.is_empty(),
        "CLICKHOUSE_KEY_ID (cloud.key_id)",
        "create an API key under Organization > API keys",
    );
    need(
        config.cloud.key_secret.is_some(),
        "CLICKHOUSE_KEY_SECRET",
        "shown once when the API key is created; set it in the environment, not the file",
    );
    if need_discord {
        need(
            config.discord.token.is_some(),
            "DISCORD_TOKEN",
            "the bot token from the Discord developer portal (Bot > Reset Token)",
        );
    }
    out
}

/// Read-only calls that prove the key works and holds the permissions the bot needs.
pub async fn check_access(config: &Config, cloud: &CloudClient) -> Vec<Finding> {
    let mut out = Vec::new();
    match cloud.list_organizations().await {
        Ok(orgs) if orgs.iter().any(|o| o.id == config.cloud.org_id) => {
            out.push(Finding::ok(format!(
                "API key accepted; organization {} found",
                config.cloud.org_id
            )))
        }
        Ok(orgs) => {
            let ids: Vec<_> = orgs.iter().map(|o| o.id.as_str()).collect();
            out.push(Finding::bad(format!(
                "the API key belongs to organization(s) {} but CLICKHOUSE_ORG_ID is {}",
                ids.join(", "),
                config.cloud.org_id
            )));
            return out;
        }
        Err(e) => {
            out.push(Finding::bad(format!(
                "listing organizations failed: {}",
                e.user_message()
            )));
            return out;
        }
    }
    let services = match cloud.list_services_listing(&[]).await {
        Ok(s) => {
            out.push(Finding::ok(format!(
                "{} service(s) visible to the key",
                s.len()
            )));
            if !s.skipped.is_empty() {
                // Not fatal (the others work), but a service the bot cannot read cannot be scaled.
                out.push(Finding::bad(format!(
                    "{} more service(s) in the answer could not be understood and were skipped \
                     (the log names each one and why)",
                    s.skipped.len()
                )));
            }
            s.into_items()
        }
        Err(e) => {
            out.push(Finding::bad(format!(
                "listing services failed: {}",
                e.user_message()
            )));
            return out;
        }
    };
    out.push(horizontal_autoscaling(&services));
    // Probed on a service the bot is meant for (the first alias the key sees), else the first.
    let probe = config
        .services
        .iter()
        .find_map(|a| services.iter().find(|s| s.id == a.id))
        .or(services.first());
    if let Some(service) = probe {
        out.push(scaling_schedules(cloud, service).await);
    }
    for alias in &config.services {
        let Some(service) = services.iter().find(|s| s.id == alias.id) else {
            out.push(Finding::bad(format!(
                "alias {:?} points at service {}, which the key cannot see (wrong id, or the key's role does not cover it)",
                alias.alias, alias.id
            )));
            continue;
        };
        match cloud.get_service(&service.id).await {
            Ok(_) => out.push(Finding::ok(format!(
                "alias {:?} -> {} ({}) readable",
                alias.alias, service.name, service.id
            ))),
            Err(e) => out.push(Finding::bad(format!(
                "alias {:?}: {}",
                alias.alias,
                e.user_message()
            ))),
        }
        out.push(match cloud.list_clickpipes(&service.id).await {
            Ok(p) => Finding::ok(format!(
                "alias {:?}: ClickPipes readable ({} DB pipe(s))",
                alias.alias,
                p.iter().filter(|p| p.is_db_pipe()).count()
            )),
            Err(e) if e.is_idle() => Finding::ok(format!(
                "alias {:?}: service is idle; ClickPipes access will be checked when it runs",
                alias.alias
            )),
            Err(e) => Finding::bad(format!("alias {:?}: {}", alias.alias, e.user_message())),
        });
    }
    out
}

/// Horizontal autoscaling needs the organization's entitlement, which no read shows: a service
/// already in horizontal mode proves it; otherwise the API says so only when a change asks for
/// it. Either way not a failure (vertical mode works without it).
fn horizontal_autoscaling(services: &[Service]) -> Finding {
    let horizontal: Vec<&str> = services
        .iter()
        .filter(|s| s.autoscaling_mode == AutoscalingMode::Horizontal)
        .map(|s| s.name.as_str())
        .collect();
    if horizontal.is_empty() {
        Finding::ok(
            "horizontal autoscaling: no visible service uses it, and the API shows the \
             organization's entitlement only when a change asks for it (`/replicas \
             mode:horizontal` then says \"not enabled\" if it is missing)",
        )
    } else {
        Finding::ok(format!(
            "horizontal autoscaling: available (in use by {})",
            horizontal.join(", ")
        ))
    }
}

/// Scaling schedules (beta): `GET …/scalingSchedule` answers 404 without a schedule and 400
/// when the organization does not have the feature. Not having it is not a failure.
async fn scaling_schedules(cloud: &CloudClient, service: &Service) -> Finding {
    match cloud.get_scaling_schedule(&service.id).await {
        Ok(Some(schedule)) => Finding::ok(format!(
            "scaling schedules: available ({} has {} entr{})",
            service.name,
            schedule.entries.len(),
            if schedule.entries.len() == 1 {
                "y"
            } else {
                "ies"
            }
        )),
        Ok(None) => Finding::ok(format!(
            "scaling schedules: available (no schedule on {} yet)",
            service.name
        )),
        Err(CloudError::Api(e)) if e.status == 400 && e.message.contains("not enabled") => {
            Finding::ok(format!(
                "scaling schedules: not enabled for this organization (the API answered: {}); \
                 /scaling-schedule will say so",
                e.message
            ))
        }
        Err(e) => Finding::bad(format!(
            "scaling schedules: reading the schedule of {} failed: {}",
            service.name,
            e.user_message()
        )),
    }
}

/// The report as printed, and whether everything passed.
pub fn render(findings: &[Finding]) -> (String, bool) {
    let mut s = String::new();
    for f in findings {
        // Names and error texts come from the API: never raw to the terminal.
        let what = crate::console::output::terminal_safe(&f.what);
        let _ = writeln!(s, "{} {what}", if f.ok { "ok  " } else { "FAIL" });
    }
    let ok = findings.iter().all(|f| f.ok);
    let _ = writeln!(
        s,
        "{}",
        if ok {
            "All checks passed. The bot also needs control-plane:service:manage-scaling-config and manage-clickpipes to change anything; check cannot test those without writing."
        } else {
            "Some checks failed; see the FAIL lines above."
        }
    );
    (s, ok)
}
