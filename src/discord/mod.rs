//! The Discord surface: poise framework, shared types, the error handler, buttons and the
//! [`ChatSurface`](crate::ops::ChatSurface) that posts status messages and thread follow-ups.
//!
//! - [`types`]: [`Data`], [`Context`], [`Error`].
//! - [`gateway`]: the gateway session's state for `/readyz` (serenity resumes and reconnects
//!   by itself), and what a fatal close (4004, 4013, 4014) tells the operator to fix.
//! - [`errors`]: the central `on_error`; every failed interaction gets a private answer with a
//!   reference id that also appears in the log.
//! - [`buttons`]: Confirm / Cancel, routed by message id from one gateway handler.
//! - [`claim`]: the first callback (the private deferral) decides which instance answers.
//! - [`permissions`]: what the bot must be allowed in a channel before it sends a change.
//! - [`rest`]: the bot-token REST client for status messages, threads and thread messages:
//!   429s waited out as Discord says (per route and global, with or without a proxy), 5xx
//!   and timeouts retried with backoff and the same nonce.
//! - [`surface`]: [`DiscordSurface`], bot-token REST (the interaction token expires after
//!   15 minutes; follow-ups may come later), private follow-ups while the token lives.
//!
//! [`start`] runs the bot inside the current runtime and returns a [`BotHandle`] (tests use it
//! with a fake Discord); [`run`] is `clickscale run`: build everything from the config, start,
//! and stop cleanly on ctrl-c or SIGTERM.

pub mod buttons;
pub mod claim;
pub mod errors;
pub mod gateway;
pub mod permissions;
pub mod reminders;
pub mod rest;
pub mod surface;
pub mod types;

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use secrecy::ExposeSecret;
use serenity::all::{
    ClientBuilder, CreateAllowedMentions, FullEvent, GatewayIntents, GuildId, Http, HttpBuilder,
    Interaction, Member, ShardManager, User,
};
use tokio::{sync::watch, task::JoinHandle};

pub use errors::on_error;
pub use gateway::{GatewayState, GatewayStatus};
pub use surface::DiscordSurface;
pub use types::{Command, Context, Data, Error};

use crate::{cloud::CloudClient, config::Config, ops::Actor, ops::Engine};

/// `clickscale run` options; each one overrides its config key.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub database: crate::store::DatabaseArgs,
    /// Register the slash commands in this guild only; they show up at once there, while
    /// global registration can take a while. Overrides `discord.guild_id`.
    #[arg(long, value_name = "ID")]
    pub guild_id: Option<u64>,
    /// Serve /healthz, /readyz and /metrics on this address (e.g. 0.0.0.0:8080).
    #[arg(long, value_name = "ADDR", env = "CLICKSCALE_HTTP_ADDR")]
    pub http: Option<SocketAddr>,
}

impl RunArgs {
    fn apply(&self, config: &mut Config) {
        if let Some(id) = self.guild_id {
            config.discord.guild_id = Some(id);
        }
    }
}

/// `clickscale run`: the Cloud client and engine from `config`, the bot, and a clean stop on
/// ctrl-c / SIGTERM.
pub async fn run(mut config: Config, args: RunArgs) -> anyhow::Result<()> {
    args.apply(&mut config);
    let cloud =
        CloudClient::new(config.cloud_settings()?).context("building the Cloud API client")?;
    let store = args.database.connect(&config.store).await?;
    let engine = Engine::new(cloud, config.clone(), store.clone())?;
    let bot = start(config, engine.clone()).await?;
    let http = match args.http {
        Some(addr) => {
            let state = crate::http::HttpState::new(engine.clone()).with_gateway(bot.gateway());
            match crate::http::HttpServer::start(addr, state).await {
                Ok(server) => Some(server),
                Err(e) => {
                    bot.shutdown().await;
                    return Err(e);
                }
            }
        }
        None => None,
    };
    let result = bot.run_until(shutdown_signal()).await;
    if let Some(server) = http {
        server.stop().await;
    }
    engine.stop_background();
    let left = engine.in_flight();
    if !left.is_empty() {
        let ids: Vec<String> = left.iter().map(|o| o.id.to_string()).collect();
        tracing::info!(
            operations = %ids.join(", "),
            "stopping with operations in flight; they resume on the next start"
        );
    }
    store.close().await;
    result
}

/// Resolves on ctrl-c or (on Unix) SIGTERM, whichever comes first.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("ctrl-c received, shutting down"),
        () = term => tracing::info!("SIGTERM received, shutting down"),
    }
}

/// A running bot. Drop it only after [`BotHandle::shutdown`] if the shards should close cleanly.
#[derive(Debug)]
pub struct BotHandle {
    shard_manager: Arc<ShardManager>,
    task: Option<JoinHandle<Result<(), serenity::Error>>>,
    /// `None` until the commands are registered (or registration failed, with why).
    ready: watch::Receiver<Option<Result<(), String>>>,
    /// The gateway session's state, for `/readyz`.
    gateway: GatewayStatus,
}

/// How long [`BotHandle::shutdown`] waits for the shards to close before giving up on them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl BotHandle {
    /// The gateway session's state; for readiness checks.
    pub fn gateway(&self) -> GatewayStatus {
        self.gateway.clone()
    }

    /// Wait until the gateway session is up and the slash commands are registered.
    pub async fn ready(&mut self) -> anyhow::Result<()> {
        let Some(task) = self.task.as_mut() else {
            anyhow::bail!("the bot has stopped");
        };
        let registered = tokio::select! {
            r = self.ready.wait_for(Option::is_some) => r.map(|r| r.clone()).ok().flatten(),
            joined = task => {
                self.task = None;
                return Err(stopped_error(joined));
            }
        };
        match registered {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => Err(anyhow::anyhow!(
                "registering the slash commands failed: {e}"
            )),
            None => Err(anyhow::anyhow!("the bot stopped before it was ready")),
        }
    }

    /// Resolves when the client stops on its own (it should not), with the reason.
    async fn stopped(&mut self) -> anyhow::Error {
        match self.task.as_mut() {
            Some(task) => {
                let joined = task.await;
                self.task = None;
                stopped_error(joined)
            }
            None => anyhow::anyhow!("the bot has stopped"),
        }
    }

    /// Run until `shutdown` resolves, then stop cleanly. Fails when registration fails or the
    /// client stops by itself.
    pub async fn run_until(mut self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        tokio::pin!(shutdown);
        let ready = tokio::select! {
            () = &mut shutdown => None,
            r = self.ready() => Some(r),
        };
        let outcome = match ready {
            None => Ok(()),
            Some(Err(e)) => Err(e),
            Some(Ok(())) => {
                tracing::info!("bot ready: commands registered, waiting for interactions");
                tokio::select! {
                    () = &mut shutdown => Ok(()),
                    e = self.stopped() => Err(e),
                }
            }
        };
        self.shutdown().await;
        outcome
    }

    /// Close the gateway sessions and stop the client.
    pub async fn shutdown(mut self) {
        self.shard_manager.shutdown_all().await;
        self.gateway.set(GatewayState::Stopped);
        if let Some(mut task) = self.task.take() {
            match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
                Ok(Ok(Ok(()))) => tracing::info!("Discord client stopped"),
                Ok(joined) => {
                    tracing::warn!(error = %stopped_error(joined), "Discord client stopped with an error")
                }
                Err(_) => {
                    tracing::warn!("Discord client did not stop in time; aborting it");
                    task.abort();
                }
            }
        }
    }
}

fn stopped_error(
    joined: Result<Result<(), serenity::Error>, tokio::task::JoinError>,
) -> anyhow::Error {
    match joined {
        Ok(Ok(())) => anyhow::anyhow!("the Discord client stopped"),
        Ok(Err(e)) if gateway::refusal(&e).is_some() => anyhow::anyhow!(
            "Discord refused the gateway session: {}",
            gateway::refusal(&e).unwrap_or_default()
        ),
        Ok(Err(e)) => anyhow::Error::new(e).context("the Discord client stopped"),
        Err(e) => anyhow::Error::new(e).context("the Discord client task failed"),
    }
}

/// Start the bot in the background: REST client (through the proxy when configured), poise
/// framework, gateway. Returns once the client is built; [`BotHandle::ready`] waits for the
/// command registration.
pub async fn start(config: Config, engine: Engine) -> anyhow::Result<BotHandle> {
    let token = config
        .discord
        .token
        .as_ref()
        .context("DISCORD_TOKEN is not set: the bot token from the Discord developer portal (Bot > Reset Token)")?;
    let http = build_http(token.expose_secret(), config.discord.proxy_url.as_deref());
    let rest = rest::DiscordRest::new(
        token.expose_secret(),
        config.discord.proxy_url.as_deref(),
        config.discord.rest_policy(),
    )
    .context("building the Discord REST client")?;
    let commands = crate::commands::all();
    let registration = crate::commands::registration(&commands, &config)?;
    let guild = config.discord.guild_id.map(GuildId::new);
    let (ready_tx, ready) = watch::channel(None);

    let options = poise::FrameworkOptions {
        commands,
        on_error: |error| Box::pin(on_error(error)),
        // With several instances on one bot token, each receives every interaction: the one
        // whose deferral Discord accepts answers, the others stay silent. No store write runs
        // before that deferral, so Discord's 3 s never depend on the database.
        command_check: Some(|ctx| Box::pin(claim::by_first_callback(ctx))),
        event_handler: |framework, event| Box::pin(event_handler(framework, event)),
        // Nobody gets pinged by what the bot says unless a message opts in explicitly.
        allowed_mentions: Some(CreateAllowedMentions::new()),
        // Owners are not used; skipping the lookup saves a REST call at startup.
        initialize_owners: false,
        ..Default::default()
    };
    let framework = poise::Framework::builder()
        .options(options)
        .setup(move |ctx, ready, _framework| {
            Box::pin(async move {
                tracing::info!(bot = %ready.user.name, "gateway session ready");
                let registered = register(&ctx.http, guild, &registration).await;
                match &registered {
                    Ok(n) => tracing::info!(commands = n, guild = ?guild.map(|g| g.get()), "slash commands registered"),
                    Err(e) => tracing::error!(error = %e, "registering the slash commands failed"),
                }
                let surface = Arc::new(DiscordSurface::new(ctx.http.clone(), rest));
                // Resume unsettled operations and reminders before saying we are ready.
                if let Err(e) = engine.start_background(surface.clone()).await {
                    tracing::error!(error = format!("{e:#}"), "could not resume background work");
                }
                let _ = ready_tx.send(Some(registered.map(|_| ()).map_err(|e| format!("{e:#}"))));
                Ok(Data { engine, surface })
            })
        })
        .build();

    // Interactions arrive whatever the intents; GUILDS keeps the channel cache useful.
    let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .framework(framework)
        .await
        .context("building the Discord client")?;
    let shard_manager = client.shard_manager.clone();
    let gateway = GatewayStatus::of(shard_manager.clone());
    let settled = gateway.clone();
    let task = tokio::spawn(async move {
        let result = client.start().await;
        // serenity gives up only when Discord refused the session for good (4004, 4013,
        // 4014); anything else it resumes or reconnects by itself.
        let state = match &result {
            Err(e) => match gateway::refusal(e) {
                Some(why) => {
                    tracing::error!(%why, "Discord refused the gateway session; stopping");
                    GatewayState::Refused(why)
                }
                None => GatewayState::Stopped,
            },
            Ok(()) => GatewayState::Stopped,
        };
        settled.set(state);
        result
    });
    Ok(BotHandle {
        shard_manager,
        task: Some(task),
        ready,
        gateway,
    })
}

/// serenity's REST client. Through a proxy, the ratelimiter must be off: serenity's ratelimited
/// path builds requests without the proxy rewrite and would go to discord.com directly.
fn build_http(token: &str, proxy: Option<&str>) -> Http {
    match proxy {
        Some(url) => HttpBuilder::new(token)
            .proxy(url.trim_end_matches('/'))
            .ratelimiter_disabled(true)
            .build(),
        None => Http::new(token),
    }
}

/// Replace the application's commands in `guild` (instant) or globally.
async fn register(
    http: &Http,
    guild: Option<GuildId>,
    commands: &serde_json::Value,
) -> anyhow::Result<usize> {
    let registered = match guild {
        Some(g) => http.create_guild_commands(g, commands).await,
        None => http.create_global_commands(commands).await,
    }?;
    Ok(registered.len())
}

async fn event_handler(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &FullEvent,
) -> Result<(), Error> {
    let http = &framework.serenity_context.http;
    let data = framework.user_data;
    let FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    match interaction {
        // Reminder answers: whichever instance's first callback Discord accepts answers the
        // click from the store.
        Interaction::Component(click) if reminders::is_reminder_id(&click.data.custom_id) => {
            reminders::click(http, &data.engine, click).await
        }
        // Confirm / Cancel: the instance running the operation waits for the click; the others
        // leave it to that one instead of calling the buttons expired.
        Interaction::Component(click) => {
            let message = click.message.id.to_string();
            let waiting_here = data.surface.buttons().is_waiting(&message);
            if waiting_here || !data.engine.held_elsewhere(&message).await {
                data.surface.buttons().dispatch(http, click).await
            }
        }
        Interaction::Modal(modal) if reminders::is_reminder_id(&modal.data.custom_id) => {
            reminders::keep_submitted(http, &data.engine, modal).await
        }
        _ => {}
    }
    Ok(())
}

/// The engine's view of a Discord user: id, the name people see, role ids for the policy.
pub fn actor(user: &User, member: Option<&Member>) -> Actor {
    Actor {
        id: user.id.to_string(),
        name: member
            .map(|m| m.display_name().to_owned())
            .unwrap_or_else(|| user.display_name().to_owned()),
        roles: member
            .map(|m| m.roles.iter().map(|r| r.to_string()).collect())
            .unwrap_or_default(),
    }
}
