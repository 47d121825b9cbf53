//! The slash commands, one file each, all thin: read the options, hand a
//! [`Submission`](crate::ops::Submission) to the engine, answer privately.
//!
//! - `/cdc-scale service cores`: DB ClickPipes (CDC) compute, whole cores, 4 GB per core.
//! - `/replicas service count? min-replicas? max-replicas? mode? min-memory-gb? max-memory-gb?`:
//!   fixed count (vertical) or replica range (horizontal), mode switch, memory bounds.
//! - `/idle service enabled timeout-minutes?`: automatic idling.
//! - `/scaling-status service`: what is configured now and what is in flight.
//! - `/scaling-schedule service action? name? days? start-hour? end-hour? mode? count?
//!   min-replicas? max-replicas? min-memory-gb? max-memory-gb? idle?`: show the scaling
//!   schedule (entries, the one in force, the baseline), or add/replace, remove or clear entries.
//! - `/scaling-history [service] [days]`: the audit log, scale-up episodes, a service's chart.
//! - `/scaling-digest`: the weekly digest of the last 7 days, now.
//!
//! The two read-only commands are [`ServiceReport`]s: what they read about one service and
//! how it reads in a locale, run by [`report`] here and by the console alike.
//!
//! Integer options are `i64` so that any number Discord sends reaches the engine, which
//! explains what is allowed; the ranges registered with Discord are only a convenience for
//! the client and are never trusted.

pub mod cdc_scale;
pub mod idle;
pub mod replicas;
pub mod scaling_digest;
pub mod scaling_history;
pub mod scaling_schedule;
pub mod scaling_status;

use serde_json::Value;
use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse};

use crate::{
    config::Config,
    discord::{errors::reply_ephemeral, Command, Context, Error},
    i18n::{self, Locale},
    ops::{
        text, Engine, Origin, Prepared, Rejection, RevertInput, ScaleRequest, ServiceRef,
        Submission,
    },
    t,
};

/// A read-only answer about one service (`/scaling-status`, `/scaling-schedule`): what it
/// reads, and how that reads in a locale. Both surfaces run it the same way: resolve the
/// service ([`collect_report`]), collect, render.
pub trait ServiceReport: Sized + Send {
    /// Read what the report shows; each read may fail on its own and the report says so.
    fn collect(
        engine: &Engine,
        service: ServiceRef,
    ) -> impl std::future::Future<Output = Self> + Send;

    /// The report in `loc`, as chat markdown.
    fn render(&self, loc: Locale) -> String;
}

/// Resolve what was typed to a service, then collect `R` about it.
pub async fn collect_report<R: ServiceReport>(
    engine: &Engine,
    typed: &str,
) -> Result<R, Rejection> {
    let service = engine.resolve_service(typed).await?;
    Ok(R::collect(engine, service).await)
}

/// A read-only command on Discord: defer privately (the reads take a moment), then answer
/// with the report or why there is none.
pub async fn report<R: ServiceReport>(ctx: Context<'_>, service: String) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let loc = crate::discord::errors::locale(ctx);
    let reply = match collect_report::<R>(&ctx.data().engine, &service).await {
        Ok(report) => report.render(loc),
        Err(rejection) => rejection.user_message(loc),
    };
    reply_ephemeral(ctx, &reply).await?;
    Ok(())
}

/// Every command the bot registers, in the order Discord lists them, with their names and
/// descriptions localized.
pub fn all() -> Vec<Command> {
    let mut commands = vec![
        cdc_scale::cdc_scale(),
        replicas::replicas(),
        idle::idle(),
        scaling_status::scaling_status(),
        scaling_schedule::scaling_schedule(),
        scaling_history::scaling_history(),
        scaling_digest::scaling_digest(),
    ];
    localize(&mut commands);
    commands
}

/// The Fluent ids of a command's (or option's) name and description: `cmd-<command>-name`,
/// `cmd-<command>-<option>-description`, ...
pub fn localization_ids(command: &str, option: Option<&str>) -> (String, String) {
    let stem = match option {
        Some(o) => format!("cmd-{command}-{o}"),
        None => format!("cmd-{command}"),
    };
    (format!("{stem}-name"), format!("{stem}-description"))
}

/// Fill Discord's name and description localizations of `commands` and their options from the
/// locale files, for every language other than English (the attributes of the command
/// functions are the English). A language that lacks a text simply gets none for it, and
/// Discord shows the English.
pub fn localize(commands: &mut [Command]) {
    let translated = |loc: Locale, id: &str| i18n::has_message(loc, id).then(|| i18n::tr(loc, id));
    for command in commands {
        let base = command.name.clone();
        for loc in Locale::ALL.into_iter().filter(|l| *l != Locale::EnUs) {
            let (name, description) = localization_ids(&base, None);
            if let Some(n) = translated(loc, &name) {
                command
                    .name_localizations
                    .to_mut()
                    .push((loc.tag().into(), n.into()));
            }
            if let Some(d) = translated(loc, &description) {
                command
                    .description_localizations
                    .to_mut()
                    .push((loc.tag().into(), d.into()));
            }
            for p in command.parameters.iter_mut() {
                let (name, description) = localization_ids(&base, Some(&p.name));
                if let Some(n) = translated(loc, &name) {
                    p.name_localizations
                        .to_mut()
                        .push((loc.tag().into(), n.into()));
                }
                if let Some(d) = translated(loc, &description) {
                    p.description_localizations
                        .to_mut()
                        .push((loc.tag().into(), d.into()));
                }
            }
        }
    }
}

/// The registration payload (`PUT …/commands`) for `commands`, with the upper bounds that come
/// from the configuration filled in: poise's `#[max]` only takes literals.
pub fn registration(commands: &[Command], config: &Config) -> anyhow::Result<Value> {
    let limits = config.limits()?;
    let mut payload = serde_json::to_value(poise::builtins::create_application_commands(commands))?;
    // Memory: the organization's cap when configured, else the spec's 356 GB.
    let bounds = [
        ("cdc-scale", "cores", limits.cdc_max_cores()),
        ("replicas", "count", limits.replicas_max()),
        ("replicas", "min-replicas", limits.replicas_max()),
        ("replicas", "max-replicas", limits.replicas_max()),
        ("replicas", "min-memory-gb", limits.memory_max_gb()),
        ("replicas", "max-memory-gb", limits.memory_max_gb()),
        (
            "idle",
            "timeout-minutes",
            crate::scaling::IDLE_TIMEOUT_MAX_MINUTES,
        ),
        ("scaling-schedule", "count", limits.replicas_max()),
        ("scaling-schedule", "min-replicas", limits.replicas_max()),
        ("scaling-schedule", "max-replicas", limits.replicas_max()),
        ("scaling-schedule", "min-memory-gb", limits.memory_max_gb()),
        ("scaling-schedule", "max-memory-gb", limits.memory_max_gb()),
    ];
    for (command, option, max) in bounds {
        let slot = payload
            .as_array_mut()
            .and_then(|cmds| cmds.iter_mut().find(|c| c["name"] == command))
            .and_then(|c| c["options"].as_array_mut())
            .and_then(|opts| opts.iter_mut().find(|o| o["name"] == option))
            .and_then(Value::as_object_mut);
        let Some(slot) = slot else {
            anyhow::bail!("/{command} has no option `{option}` to bound");
        };
        slot.insert("max_value".into(), Value::from(max));
    }
    // Text options with fixed choices (poise's choice enums register as integers, and the
    // console reads the same words).
    let choices = [
        ("replicas", "mode", &crate::scaling::ModeInput::NAMES[..]),
        (
            "scaling-schedule",
            "mode",
            &crate::scaling::ModeInput::NAMES[..],
        ),
        (
            "scaling-schedule",
            "action",
            &crate::scaling::schedule::ScheduleAction::NAMES[..],
        ),
    ];
    for (command, option, names) in choices {
        let slot = payload
            .as_array_mut()
            .and_then(|cmds| cmds.iter_mut().find(|c| c["name"] == command))
            .and_then(|c| c["options"].as_array_mut())
            .and_then(|opts| opts.iter_mut().find(|o| o["name"] == option))
            .and_then(Value::as_object_mut)
            .ok_or_else(|| anyhow::anyhow!("/{command} has no option `{option}`"))?;
        let choices: Vec<Value> = names
            .iter()
            .map(|n| serde_json::json!({ "name": n, "value": n }))
            .collect();
        slot.insert("choices".into(), Value::from(choices));
    }
    Ok(payload)
}

/// Service suggestions: configured aliases first, then the organization's services.
pub async fn autocomplete_service(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let choices = ctx
        .data()
        .engine
        .service_choices(partial)
        .await
        .into_iter()
        .map(|s| {
            let label = if s.name == s.id {
                s.name.clone()
            } else {
                format!("{} ({})", s.name, short_id(&s.id))
            };
            // Discord allows 100 characters for both.
            AutocompleteChoice::new(clip(&label, 100), clip(&s.name, 100))
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Who is asking and from where, as the engine sees it.
pub fn submission(
    ctx: Context<'_>,
    service: String,
    request: ScaleRequest,
    revert: RevertInput,
) -> Submission {
    let member = match ctx {
        poise::Context::Application(a) => a.interaction.member.as_deref(),
        // Only slash commands are registered.
        poise::Context::Prefix(_) => None,
    };
    Submission {
        service,
        request,
        actor: crate::discord::actor(ctx.author(), member),
        origin: Origin {
            guild: ctx.guild_id().map(|g| g.to_string()),
            channel: ctx.channel_id().to_string(),
            locale: ctx.locale().unwrap_or("en-US").to_owned(),
        },
        revert,
    }
}

/// The whole life of a scaling command on the chat side: defer privately at once (the engine
/// reads the API before answering), prepare, then either explain the refusal, say there is
/// nothing to do, or launch and point at the thread.
pub async fn scale(
    ctx: Context<'_>,
    service: String,
    request: ScaleRequest,
    revert: RevertInput,
) -> Result<(), Error> {
    // The interaction's token lasts 15 minutes from about now.
    let asked_at = std::time::Instant::now();
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    // Everything said about a change goes to this channel and a thread on it: a change the
    // bot could not report there is not sent at all.
    if let poise::Context::Application(a) = ctx {
        let missing = crate::discord::permissions::missing(a.interaction.app_permissions);
        if !missing.is_empty() {
            let loc = crate::discord::errors::locale(ctx);
            tracing::info!(command = %ctx.command().name, ?missing, "request refused: the bot lacks permissions in the channel");
            reply_ephemeral(ctx, &crate::discord::permissions::refusal(loc, &missing)).await?;
            return Ok(());
        }
    }
    let submission = submission(ctx, service, request, revert);
    let kind = submission.request.kind();
    let loc = submission.origin.lang();
    let reply = match data.engine.prepare(submission).await {
        Err(rejection) => {
            tracing::info!(command = %kind, reason = %rejection, "request refused");
            rejection.user_message(loc)
        }
        Ok(prepared) if prepared.is_noop() => {
            data.engine.record_noop();
            text::noop(&prepared)
        }
        Ok(prepared) => {
            let started = Started::of(&prepared);
            match data.engine.launch(prepared, data.surface.clone()).await {
                Ok(handle) => {
                    // Where the operation's words go if the channel stops taking them.
                    if let poise::Context::Application(a) = ctx {
                        data.surface
                            .remember_requester(handle.id, &a.interaction.token, asked_at);
                    }
                    started.text(loc, handle.id)
                }
                Err(rejection) => rejection.user_message(loc),
            }
        }
    };
    reply_ephemeral(ctx, &reply).await?;
    Ok(())
}

/// What the private answer says about a launched operation.
struct Started {
    kind: crate::ops::CommandKind,
    service: String,
    summary: String,
    needs_confirmation: bool,
    needs_wake: bool,
}

impl Started {
    fn of(p: &Prepared) -> Self {
        Self {
            kind: p.kind,
            service: p.service.name.clone(),
            summary: text::summary(p.origin.lang(), &p.plan),
            needs_confirmation: p.plan.needs_confirmation(),
            needs_wake: p.needs_wake(),
        }
    }

    fn text(&self, loc: Locale, id: crate::ops::OperationId) -> String {
        let next = if self.needs_wake {
            t!(loc, "started-wake")
        } else if self.needs_confirmation {
            t!(loc, "started-confirm")
        } else {
            t!(loc, "started-follow")
        };
        t!(
            loc,
            "started",
            id = id.to_string(),
            command = self.kind.name(),
            service = self.service.as_str(),
            summary = self.summary.as_str(),
            next = next
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option<'a>(payload: &'a Value, command: &str, option: &str) -> &'a Value {
        let cmd = payload
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == command)
            .unwrap_or_else(|| panic!("no /{command}"));
        cmd["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == option)
            .unwrap_or_else(|| panic!("no {option} on /{command}"))
    }

    #[test]
    fn registration_takes_the_upper_bounds_from_the_config() {
        let mut config = Config::default();
        config.limits.cdc_max_cores = 32;
        config.limits.memory_cap_gb = Some(120);
        let payload = registration(&all(), &config).unwrap();
        let names: Vec<&str> = payload
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "cdc-scale",
                "replicas",
                "idle",
                "scaling-status",
                "scaling-schedule",
                "scaling-history",
                "scaling-digest"
            ]
        );
        let cores = option(&payload, "cdc-scale", "cores");
        assert_eq!(cores["type"], 4);
        assert_eq!(cores["min_value"].as_f64(), Some(1.0));
        assert_eq!(cores["max_value"].as_f64(), Some(32.0));
        assert_eq!(
            option(&payload, "cdc-scale", "service")["autocomplete"],
            true
        );
        assert_eq!(
            option(&payload, "replicas", "count")["max_value"].as_f64(),
            Some(20.0)
        );
        assert_eq!(option(&payload, "replicas", "count")["required"], false);
        assert_eq!(
            option(&payload, "replicas", "max-memory-gb")["max_value"].as_f64(),
            Some(120.0)
        );
        let defaults = registration(&all(), &Config::default()).unwrap();
        assert_eq!(
            option(&defaults, "replicas", "min-memory-gb")["max_value"].as_f64(),
            Some(356.0),
            "without a configured cap, the spec's limit"
        );
        assert_eq!(option(&payload, "idle", "enabled")["type"], 5);
        assert_eq!(option(&payload, "idle", "enabled")["required"], true);
        assert_eq!(
            option(&payload, "idle", "timeout-minutes")["min_value"].as_f64(),
            Some(5.0)
        );
        // /scaling-schedule: the bounds the engine validates, and the words the console reads.
        let bounds = |o: &str| {
            let o = option(&payload, "scaling-schedule", o);
            (o["min_value"].as_f64(), o["max_value"].as_f64())
        };
        assert_eq!(bounds("start-hour"), (Some(0.0), Some(23.0)));
        assert_eq!(bounds("end-hour"), (Some(1.0), Some(24.0)));
        for o in ["count", "min-replicas", "max-replicas"] {
            assert_eq!(bounds(o), (Some(1.0), Some(20.0)), "{o}");
        }
        for o in ["min-memory-gb", "max-memory-gb"] {
            assert_eq!(bounds(o), (Some(8.0), Some(120.0)), "{o}");
        }
        let words = |o: &str| -> Vec<String> {
            option(&payload, "scaling-schedule", o)["choices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["value"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(words("action"), ["show", "set", "remove", "clear"]);
        assert_eq!(words("mode"), ["vertical", "horizontal"]);
        assert_eq!(
            option(&payload, "scaling-schedule", "service")["required"],
            true
        );
        assert_eq!(
            option(&payload, "scaling-schedule", "action")["required"],
            false
        );
    }
}
