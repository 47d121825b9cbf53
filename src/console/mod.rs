//! `clickscale console`: the same engine and commands in a terminal, like Hubot's shell adapter.
//!
//! Lines such as `/replicas service:analytics-prod count:6` go through the same
//! [`Engine::prepare`] / [`Engine::launch`] as Discord's slash commands; the engine's status
//! messages, thread follow-ups and Confirm / Cancel buttons are printed by [`ConsoleSurface`].
//! With `--sim` it starts the built-in API simulator, so it runs with no accounts at all.
//!
//! When stdin is not a terminal the console runs a script: it echoes each line, waits after
//! each command until the operation asks for a confirmation or is being watched (so a following
//! `Confirm` line always finds its buttons), waits at the end until everything has settled, and
//! exits 0 only if every operation was confirmed or had nothing to do.

pub mod line;
pub mod output;
pub mod parse;
pub mod surface;

use std::{
    collections::BTreeMap, io::IsTerminal, net::SocketAddr, path::PathBuf, process::ExitCode,
    sync::Arc,
};

use anyhow::Context as _;
use tokio::sync::watch;

pub use self::{
    output::Printer,
    parse::{Button, Choice, Input, ParseError},
    surface::{ConsoleSurface, Press, CHANNEL},
};
use crate::{
    cloud::CloudClient,
    config::Config,
    i18n::{self, Locale},
    ops::{
        text, Actor, Answer, Engine, MessageRef, OperationHandle, Origin, OutcomeKind, Phase,
        Submission,
    },
    t,
};

/// `clickscale console` options.
#[derive(Debug, Clone, clap::Args)]
pub struct ConsoleArgs {
    /// Where operations, reminders and the audit log live: `sqlite://PATH` or `postgres://…`
    /// [default: $CLICKSCALE_DATABASE_URL, else sqlite://clickscale.db; with --sim only this
    /// flag counts, else a fresh in-memory store that ends with the run].
    #[arg(long = "database-url", value_name = "URL")]
    pub database_url: Option<String>,
    /// Run against the built-in ClickHouse Cloud API simulator instead of the configured API
    /// (no accounts or keys needed).
    #[arg(long)]
    pub sim: bool,
    /// Your name as requester and clicker [default: $USER, else "console"].
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// Your roles for the policy rules, comma-separated (e.g. `--roles ops,lead`).
    #[arg(long, value_name = "ROLES", value_delimiter = ',')]
    pub roles: Vec<String>,
    /// Language of the console and of the engine's messages: en-US, zh-CN or ru (others fall
    /// back to English), as a Discord user's client locale would choose.
    #[arg(
        long,
        value_name = "LOCALE",
        env = "CLICKSCALE_LOCALE",
        default_value = "en-US"
    )]
    pub locale: String,
    /// With --sim: simulated time runs this many times faster, and the engine's timings shrink
    /// to match (tests use it to converge in a fraction of a second).
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0, hide = true)]
    pub sim_time_scale: f64,
    /// In a script, wait for each operation to settle (or to show its buttons) before reading
    /// the next line, so the transcript does not depend on timing.
    #[arg(long, hide = true)]
    pub settle_each: bool,
    /// Serve /healthz, /readyz and /metrics on this address while the console runs.
    #[arg(long, value_name = "ADDR", env = "CLICKSCALE_HTTP_ADDR")]
    pub http: Option<SocketAddr>,
    /// Where `/scaling-history service:…` writes its chart (PNG) [default: the system's
    /// temporary directory, e.g. /tmp].
    #[arg(long = "chart-dir", value_name = "DIR", env = "CLICKSCALE_CHART_DIR")]
    pub chart_dir: Option<PathBuf>,
}

/// Where the console keeps its state, and whether it outlives the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreChoice {
    /// A database that later runs (and other processes) see.
    Persistent(String),
    /// `--sim` without `--database-url`: the simulated world resets on every start, so its
    /// operations and reminders must not meet a real store or a later run's world.
    Ephemeral,
}

impl StoreChoice {
    /// Shared cache under a unique name (sqlx), so every pool connection sees one database.
    const EPHEMERAL_URL: &'static str = "sqlite::memory:";

    fn url(&self) -> &str {
        match self {
            StoreChoice::Persistent(url) => url,
            StoreChoice::Ephemeral => Self::EPHEMERAL_URL,
        }
    }
}

impl ConsoleArgs {
    /// The store to open; `env_url` is `$CLICKSCALE_DATABASE_URL`, which configures the real
    /// deployment and so never counts for `--sim`.
    pub fn store_choice(&self, env_url: Option<String>) -> StoreChoice {
        match (&self.database_url, self.sim) {
            (Some(url), _) => StoreChoice::Persistent(url.clone()),
            (None, true) => StoreChoice::Ephemeral,
            (None, false) => StoreChoice::Persistent(
                env_url
                    .filter(|u| !u.trim().is_empty())
                    .unwrap_or_else(|| crate::store::DEFAULT_URL.into()),
            ),
        }
    }

    fn actor(&self) -> Actor {
        let name = self
            .user
            .clone()
            .or_else(login_name)
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "console".into());
        Actor {
            id: name.clone(),
            name,
            roles: self
                .roles
                .iter()
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())
                .collect(),
        }
    }
}

/// The login name from the environment: `$USER`, `$LOGNAME` or `$USERNAME` (Windows).
fn login_name() -> Option<String> {
    ["USER", "LOGNAME", "USERNAME"]
        .into_iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|n| n.trim().to_owned())
        .find(|n| !n.is_empty())
}

/// Run the console until the input ends (or `quit`) and every operation has settled.
pub async fn run(config: Config, args: ConsoleArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.sim_time_scale.is_finite() && args.sim_time_scale > 0.0,
        "--sim-time-scale must be a positive number"
    );
    let printer = Printer::stdout();
    let interactive = std::io::stdin().is_terminal();
    let actor = args.actor();
    let loc = Locale::from_tag(&args.locale);

    let (config, sim) = if args.sim {
        let (config, sim) = sim::start(config, args.sim_time_scale).await?;
        (config, Some(sim))
    } else {
        (config, None)
    };
    let cloud = CloudClient::new(config.cloud_settings()?)
        .context("building the ClickHouse Cloud API client")?;
    let store_choice = args.store_choice(std::env::var("CLICKSCALE_DATABASE_URL").ok());
    let store = crate::store::Store::connect_with(store_choice.url(), &config.store).await?;
    let engine = Engine::new(cloud, config, store.clone())?;
    let http = match args.http {
        Some(addr) => {
            let state = crate::http::HttpState::new(engine.clone());
            Some(crate::http::HttpServer::start(addr, state).await?)
        }
        None => None,
    };
    let surface = Arc::new(ConsoleSurface::new(printer.clone(), loc));

    printer.block(&banner(loc, &engine, sim.as_ref(), &actor, interactive));
    // What Tab completes for `service:`.
    let mut services: Vec<String> = engine
        .config()
        .services
        .iter()
        .map(|s| s.alias.clone())
        .collect();
    if let Some(s) = &sim {
        services.extend(s.services.iter().cloned());
    }
    let words = line::Words {
        services,
        locale: Some(loc),
    };
    let limits = engine.config().limits()?;
    // Operations and reminders left by an earlier run carry on here.
    engine.start_background(surface.clone()).await?;

    let engine_stop = engine.clone();
    let session = Session {
        engine,
        surface,
        printer,
        origin: Origin {
            guild: None,
            channel: CHANNEL.into(),
            locale: loc.tag().into(),
        },
        loc,
        actor,
        interactive,
        settle_each: args.settle_each,
        ops: Vec::new(),
        invalid: 0,
        rejected: 0,
        interrupts: interrupts(),
        ephemeral: store_choice == StoreChoice::Ephemeral,
        limits,
        chart_dir: args.chart_dir.clone().unwrap_or_else(std::env::temp_dir),
        clock_said: false,
    };
    let lines = if session.interactive {
        let lines = line::Lines::editor(&session.printer, words, line::history_path());
        if std::io::stderr().is_terminal() {
            output::LogSink::attach(&session.printer);
        }
        lines
    } else {
        line::Lines::plain()
    };
    let code = session.run(lines).await;
    if let Some(server) = http {
        server.stop().await;
    }
    engine_stop.shutdown().await;
    store.close().await;
    // The simulator lives until the last operation has settled.
    drop(sim);
    Ok(code)
}

mod sim {
    //! `--sim`: the built-in simulator with the default fixture, and a config pointing at it.
    use std::time::Duration;

    use secrecy::SecretString;

    use crate::{
        config::Config,
        sim::{self, Fixture, SimConfig, SimHandle},
    };

    /// What the banner tells about the simulator.
    #[derive(Debug)]
    pub struct Sim {
        pub base_url: String,
        pub services: Vec<String>,
        /// Keeps the simulator running.
        pub _handle: SimHandle,
    }

    /// Requests per 10 s for the demo simulator (the real API allows 10).
    const DEMO_RATE_LIMIT: u32 = 100;

    fn scaled(d: Duration, scale: f64) -> Duration {
        d.div_f64(scale).max(Duration::from_millis(10))
    }

    /// Start the simulator and point `config` at it: its URL, the fixture's org and admin key,
    /// and engine timings short enough for a snappy demo.
    pub async fn start(mut config: Config, scale: f64) -> anyhow::Result<(Config, Sim)> {
        let fixture = Fixture::default();
        // Simulated time runs 20x: a CDC change takes 3 s and the default world's initial loads
        // end after 6 s and 15 s, so the scale-down reminder shows up while you watch.
        let sim_config = SimConfig {
            cdc_converge_after: Duration::from_secs(60),
            service_converge_after: Duration::from_secs(20),
            time_scale: 20.0 * scale,
            // The demo world runs much faster than the real one (a CDC change in seconds, not
            // minutes), so it gets a proportionally larger API budget; the client keeps to it.
            rate_limit: DEMO_RATE_LIMIT,
            ..SimConfig::default()
        };
        let clock =
            crate::scaling::FollowUpClock::scaled(sim_config.time_scale, chrono::Utc::now());
        let services = fixture.services.iter().map(|s| s.name.clone()).collect();
        let org_id = fixture.organization.id.clone();
        let admin = fixture
            .keys
            .iter()
            .find(|k| k.role == crate::sim::fixture::Role::Admin)
            .ok_or_else(|| anyhow::anyhow!("the simulator fixture has no admin key"))?;
        let (key_id, key_secret) = (admin.id.clone(), admin.secret.clone());
        let handle = sim::spawn(sim_config, fixture).await?;
        let base_url = handle.base_url();

        let cloud = &mut config.cloud;
        cloud.api_url = base_url.clone();
        cloud.org_id = org_id;
        cloud.key_id = key_id;
        cloud.key_secret = Some(SecretString::from(key_secret));
        cloud.rate_limit_requests = DEMO_RATE_LIMIT;
        let t = &mut config.timings;
        t.poll_interval = scaled(Duration::from_millis(500), scale);
        t.cdc_expected_min = scaled(Duration::from_secs(2), scale);
        t.cdc_expected_max = scaled(Duration::from_secs(6), scale);
        t.service_expected_max = scaled(Duration::from_secs(3), scale);
        t.watch_deadline = scaled(Duration::from_secs(120), scale);
        // Reminders at demo speed too: pipes are checked every few seconds, not minutes.
        let o = &mut config.oncall;
        o.tick = scaled(Duration::from_millis(500), scale);
        o.snapshot_check_interval = scaled(Duration::from_secs(2), scale);
        o.answer_within = scaled(Duration::from_secs(30), scale);
        // Follow-ups people time (`for:4h`, Snooze 1h) run on the simulator's clock; the
        // warning before a timed revert is 2 minutes on it.
        o.clock = clock;
        o.timed_revert_warning = o.clock.wall_span(Duration::from_secs(120));
        config.store.lease_ttl = scaled(Duration::from_secs(6), scale).max(Duration::from_secs(1));
        Ok((
            config,
            Sim {
                base_url,
                services,
                _handle: handle,
            },
        ))
    }
}

fn banner(
    loc: Locale,
    engine: &Engine,
    sim: Option<&sim::Sim>,
    actor: &Actor,
    interactive: bool,
) -> String {
    let roles = if actor.roles.is_empty() {
        t!(loc, "console-no-roles")
    } else {
        t!(loc, "console-roles", roles = i18n::join(loc, &actor.roles))
    };
    let mut out = match sim {
        Some(s) => t!(
            loc,
            "console-banner-sim",
            url = s.base_url.as_str(),
            org = engine.cloud().org_id().to_string(),
            name = actor.name.as_str(),
            roles = roles,
            services = i18n::join(loc, &s.services)
        ),
        None => {
            let aliases: Vec<String> = engine
                .config()
                .services
                .iter()
                .map(|s| s.alias.clone())
                .collect();
            let services = if aliases.is_empty() {
                t!(loc, "console-services-any")
            } else {
                t!(
                    loc,
                    "console-services-aliases",
                    aliases = i18n::join(loc, &aliases)
                )
            };
            t!(
                loc,
                "console-banner-api",
                url = engine.cloud().base_url().to_string(),
                org = engine.cloud().org_id().to_string(),
                name = actor.name.as_str(),
                roles = roles,
                services = services
            )
        }
    };
    if interactive {
        out.push('\n');
        out.push_str(&t!(loc, "console-interactive-hint"));
    }
    out
}

/// Counts Ctrl-C presses: the first stops reading input, the second leaves at once.
fn interrupts() -> watch::Receiver<u32> {
    let (tx, rx) = watch::channel(0);
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            tx.send_modify(|n| *n += 1);
        }
    });
    rx
}

/// An operation this console launched, and its status message once known.
#[derive(Debug)]
struct Tracked {
    handle: OperationHandle,
    message: Option<MessageRef>,
}

#[derive(Debug)]
struct Session {
    engine: Engine,
    surface: Arc<ConsoleSurface>,
    printer: Printer,
    actor: Actor,
    origin: Origin,
    /// The language of everything this console prints (also the origin's locale).
    loc: Locale,
    interactive: bool,
    settle_each: bool,
    ops: Vec<Tracked>,
    /// Lines that were not understood.
    invalid: u64,
    /// Requests the engine refused before sending anything (validation, policy, API errors).
    rejected: u64,
    interrupts: watch::Receiver<u32>,
    /// The store ends with this run (`--sim` without `--database-url`).
    ephemeral: bool,
    /// For the ranges `help` shows.
    limits: crate::scaling::Limits,
    /// The scaled follow-up clock (`--sim`) was explained already.
    clock_said: bool,
    /// Where `/scaling-history service:…` writes its chart.
    chart_dir: PathBuf,
}

impl Session {
    /// Under `--sim` follow-ups run on the simulator's faster clock: say so the first time a
    /// person sets one (a timed change, a snooze), so that a `for:4h` ending in minutes is
    /// not a surprise.
    fn say_clock_once(&mut self) {
        let clock = self.engine.config().oncall.clock;
        let Some(factor) = clock.speedup() else {
            return;
        };
        if std::mem::replace(&mut self.clock_said, true) {
            return;
        }
        self.printer.block(&t!(
            self.loc,
            "console-clock-scaled",
            factor = format!("{factor}"),
            hour = text::duration(
                self.loc,
                clock.wall_span(std::time::Duration::from_secs(3600))
            )
        ));
    }
}

/// Exit status when a second Ctrl-C leaves with operations in flight.
const INTERRUPTED: u8 = 130;

impl Session {
    async fn run(mut self, mut lines: line::Lines) -> ExitCode {
        self.interrupts.mark_unchanged();
        let editor = lines.is_editor();
        loop {
            // The editor draws its own prompt; plain lines at a terminal get this one.
            if self.interactive && !editor {
                self.printer.prompt("> ");
            }
            let read = tokio::select! {
                read = lines.next("> ") => read,
                _ = self.interrupts.changed() => line::Read::Interrupted,
            };
            self.printer.prompt_answered();
            let line = match read {
                line::Read::Line(line) => line,
                line::Read::Interrupted => {
                    // At a terminal the cursor sits after the echoed `^C`.
                    let lead = if self.interactive && !editor {
                        "\n"
                    } else {
                        ""
                    };
                    self.printer
                        .block(&format!("{lead}{}", t!(self.loc, "console-interrupted")));
                    break;
                }
                line::Read::Failed(e) => {
                    self.printer
                        .block(&t!(self.loc, "console-read-failed", error = e.to_string()));
                    self.invalid += 1;
                    break;
                }
                line::Read::End => {
                    if self.interactive && !editor {
                        // Ctrl-D leaves the cursor after the prompt.
                        self.printer.block("");
                    }
                    break;
                }
            };
            if !self.interactive && !line.trim().is_empty() {
                self.printer.block(&format!("> {}", line.trim_end()));
            }
            let input = match parse::parse(&line, self.loc) {
                Ok(input) => input,
                Err(e) => {
                    self.invalid += 1;
                    self.printer
                        .block(&t!(self.loc, "console-parse-error", error = e.to_string()));
                    continue;
                }
            };
            let done = match input {
                Input::Nothing => false,
                Input::Help => {
                    self.printer.block(&parse::help(self.loc, &self.limits));
                    false
                }
                Input::Quit => true,
                Input::Press(choice) => self.press(choice).await,
                Input::Status { service } => {
                    self.report::<crate::commands::scaling_status::Report>(&service)
                        .await
                }
                Input::Schedule { service } => {
                    self.report::<crate::commands::scaling_schedule::ScheduleReport>(&service)
                        .await
                }
                Input::Scale {
                    service,
                    request,
                    revert,
                } => {
                    let submission = Submission {
                        service,
                        request,
                        actor: self.actor.clone(),
                        origin: self.origin.clone(),
                        revert,
                    };
                    self.scale(submission).await
                }
                Input::History { service, days } => self.history(service.as_deref(), days).await,
                Input::Digest => {
                    let text =
                        crate::commands::scaling_digest::render(&self.engine, self.loc).await;
                    self.printer.block(&output::plain(&text));
                    false
                }
                Input::Answer(answer) => self.answer(answer).await,
            };
            if done {
                break;
            }
            self.ops
                .retain(|t| *t.handle.phase.borrow() != Phase::Settled);
        }
        self.finish().await
    }

    /// Run `fut` unless Ctrl-C comes first (`None`).
    async fn or_interrupt<F: std::future::Future>(
        interrupts: &mut watch::Receiver<u32>,
        fut: F,
    ) -> Option<F::Output> {
        tokio::select! {
            out = fut => Some(out),
            _ = interrupts.changed() => None,
        }
    }

    /// Prepare and launch; `true` when Ctrl-C interrupted it.
    async fn scale(&mut self, submission: Submission) -> bool {
        let r = &submission.revert;
        let timed = r.for_.is_some()
            || r.revert
                .as_deref()
                .is_some_and(|v| !matches!(v, "never" | "after-snapshot"));
        let prepared =
            match Self::or_interrupt(&mut self.interrupts, self.engine.prepare(submission)).await {
                None => return true,
                Some(Err(rejection)) => {
                    self.rejected += 1;
                    tracing::info!(reason = %rejection, "request refused");
                    let reason = output::plain(&rejection.user_message(self.loc));
                    let stop = if reason.ends_with(['.', '!', '?', '。']) {
                        ""
                    } else if self.loc == Locale::ZhCn {
                        "。"
                    } else {
                        "."
                    };
                    self.printer.block(&t!(
                        self.loc,
                        "console-refused",
                        reason = format!("{reason}{stop}")
                    ));
                    return false;
                }
                Some(Ok(p)) => p,
            };
        if prepared.is_noop() {
            self.engine.record_noop();
            self.printer.block(&output::plain(&text::noop(&prepared)));
            return false;
        }
        let handle = match self.engine.launch(prepared, self.surface.clone()).await {
            Ok(handle) => handle,
            Err(rejection) => {
                self.rejected += 1;
                self.printer.block(&t!(
                    self.loc,
                    "console-refused-status",
                    reason = output::plain(&rejection.user_message(self.loc))
                ));
                return false;
            }
        };
        if timed {
            // The revert is a timer in this process, kept in the store: say where it runs.
            let id = if self.ephemeral {
                "console-timed-note-sim"
            } else {
                "console-timed-note"
            };
            self.printer.block(&t!(self.loc, id));
            self.say_clock_once();
        }
        self.ops.push(Tracked {
            handle,
            message: None,
        });
        let i = self.ops.len() - 1;
        self.ready(i).await
    }

    /// Wait until operation `i` shows its buttons, or has been handed to the watcher (or has
    /// settled, with `--settle-each`). `true` when Ctrl-C interrupted the wait.
    async fn ready(&mut self, i: usize) -> bool {
        let target = if self.settle_each {
            Phase::Settled
        } else {
            Phase::Watching
        };
        let mut changes = self.surface.changes();
        let surface = self.surface.clone();
        let t = &mut self.ops[i];
        let interrupts = &mut self.interrupts;
        loop {
            let phase = *t.handle.phase.borrow_and_update();
            // Launches are one at a time and each posts its status message before leaving
            // `Starting`, so the newest status message is this operation's.
            if t.message.is_none() && phase > Phase::Starting {
                t.message = surface.last_status();
            }
            let buttons = t.message.as_ref().is_some_and(|m| surface.has_buttons(m));
            if phase >= target || (phase.asks() && buttons) {
                return false;
            }
            tokio::select! {
                _ = t.handle.phase.changed() => {}
                _ = changes.changed() => {}
                _ = interrupts.changed() => return true,
            }
        }
    }

    /// A typed button label or number; `true` when Ctrl-C interrupted it.
    async fn press(&mut self, choice: Choice) -> bool {
        let Some(press) = Self::or_interrupt(
            &mut self.interrupts,
            self.surface.press(choice, &self.actor),
        )
        .await
        else {
            return true;
        };
        match press {
            Press::NothingWaiting => {
                self.printer.block(&t!(
                    self.loc,
                    "console-no-buttons",
                    choice = choice_text(self.loc, choice)
                ));
                false
            }
            Press::NoSuchButton { message, ask } => {
                self.printer.block(&format!(
                    "{} {}",
                    self.surface.label(&message, None),
                    t!(
                        self.loc,
                        "console-no-such-button",
                        choice = choice_text(self.loc, choice),
                        row = Button::row_for(ask, self.loc)
                    )
                ));
                false
            }
            Press::Refused { message, reason } => {
                self.printer.block(&format!(
                    "{} {}",
                    self.surface.label(&message, None),
                    t!(
                        self.loc,
                        "console-click-refused",
                        reason = output::plain(&reason)
                    )
                ));
                false
            }
            Press::Expired { message } => {
                self.printer.block(&format!(
                    "{} {}",
                    self.surface.label(&message, None),
                    t!(self.loc, "console-click-expired")
                ));
                false
            }
            Press::Taken { message, .. } => {
                match self
                    .ops
                    .iter()
                    .position(|t| t.message.as_ref() == Some(&message))
                {
                    Some(i) => self.ready(i).await,
                    None => false,
                }
            }
        }
    }

    /// A reminder answer, for the newest reminder that offers it. In a script, waits until
    /// one is posted (the reminder comes when the pipes finish). `true` when Ctrl-C interrupted.
    async fn answer(&mut self, answer: Answer) -> bool {
        if matches!(answer, Answer::Snooze(_) | Answer::Extend) {
            self.say_clock_once();
        }
        let engine = self.engine.clone();
        let deadline = tokio::time::Instant::now() + engine.settings().watch_deadline;
        let interactive = self.interactive;
        let find = async {
            loop {
                match engine.newest_reminder_for(&answer).await {
                    Ok(Some(id)) => return Ok(Some(id)),
                    Ok(None) if interactive || tokio::time::Instant::now() >= deadline => {
                        return Ok(None)
                    }
                    Ok(None) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
                    Err(e) => return Err(e),
                }
            }
        };
        let id = match Self::or_interrupt(&mut self.interrupts, find).await {
            None => return true,
            Some(Ok(Some(id))) => id,
            Some(Ok(None)) => {
                self.printer.block(&t!(self.loc, "console-no-reminder"));
                return false;
            }
            Some(Err(e)) => {
                self.printer.block(&format!("error: {e:#}"));
                return false;
            }
        };
        let reply = match engine.answer(id, answer, &self.actor, self.loc).await {
            Ok(t) => t,
            Err(t) => {
                self.rejected += 1;
                t
            }
        };
        self.printer.block(&t!(
            self.loc,
            "console-private",
            text = output::plain(&reply)
        ));
        false
    }

    /// `/scaling-history`: the newest audit entries; with a service, its chart written to a
    /// PNG file in the chart directory, and the path printed.
    async fn history(&mut self, service: Option<&str>, days: Option<i64>) -> bool {
        use crate::commands::scaling_history;
        let period = match scaling_history::chart_days(self.loc, service, days) {
            Ok(period) => period,
            Err(refusal) => {
                self.rejected += 1;
                self.printer
                    .block(&format!("refused: {}", output::plain(&refusal)));
                return false;
            }
        };
        match scaling_history::render(&self.engine, service, self.loc).await {
            Ok(text) => self.printer.block(&output::plain(&text)),
            Err(e) => {
                self.rejected += 1;
                self.printer
                    .block(&format!("refused: {}", output::plain(&e)));
                return false;
            }
        }
        let (Some(service), Some(days)) = (service, period) else {
            return false;
        };
        match scaling_history::chart(&self.engine, service, days, self.loc).await {
            Ok(chart) => {
                let path = self.chart_dir.join(&chart.file_name);
                let written = std::fs::create_dir_all(&self.chart_dir)
                    .and_then(|()| std::fs::write(&path, chart.png.bytes()));
                let shown = output::plain(&path.display().to_string());
                let line = match written {
                    Ok(()) => t!(self.loc, "console-chart-written", days = days, path = shown),
                    Err(e) => {
                        self.rejected += 1;
                        t!(
                            self.loc,
                            "console-chart-not-written",
                            path = shown,
                            error = e.to_string()
                        )
                    }
                };
                self.printer.block(&line);
            }
            Err(why) => {
                self.rejected += 1;
                self.printer.block(&output::plain(&why));
            }
        }
        false
    }

    /// A read-only command (`/scaling-status`, `/scaling-schedule`); `true` when Ctrl-C
    /// interrupted it.
    async fn report<R: crate::commands::ServiceReport>(&mut self, service: &str) -> bool {
        let collect = crate::commands::collect_report::<R>(&self.engine, service);
        match Self::or_interrupt(&mut self.interrupts, collect).await {
            None => true,
            Some(Ok(report)) => {
                self.printer.block(&output::plain(&report.render(self.loc)));
                false
            }
            Some(Err(rejection)) => {
                self.rejected += 1;
                self.printer.block(&t!(
                    self.loc,
                    "console-refused-status",
                    reason = output::plain(&rejection.user_message(self.loc))
                ));
                false
            }
        }
    }

    /// No more input: expire unanswered buttons, wait for what is in flight, summarize.
    async fn finish(mut self) -> ExitCode {
        let unanswered = self.surface.expire_all();
        if unanswered > 0 {
            self.printer
                .block(&t!(self.loc, "console-unanswered", n = unanswered));
        }
        let in_flight = self.engine.in_flight().len();
        // Only at a terminal: in a script, how many are still in flight is a matter of timing.
        if in_flight > 0 && self.interactive {
            self.printer
                .block(&t!(self.loc, "console-waiting", n = in_flight));
        }
        self.interrupts.mark_unchanged();
        if Self::or_interrupt(&mut self.interrupts, self.engine.wait_idle())
            .await
            .is_none()
        {
            let left = self.engine.in_flight().len();
            self.printer
                .block(&t!(self.loc, "console-leaving", n = left));
            return ExitCode::from(INTERRUPTED);
        }
        let (line, ok) = summary(
            self.loc,
            &self.engine.outcome_counts(),
            self.rejected,
            self.invalid,
        );
        self.printer.block(&line);
        // Reminders outlive the session: say so, so that nobody thinks they were dropped.
        if let Ok(open) = self.engine.open_reminders().await {
            if !open.is_empty() {
                let id = if self.ephemeral {
                    "console-reminders-dropped"
                } else {
                    "console-reminders-open"
                };
                self.printer.block(&t!(self.loc, id, n = open.len()));
            }
        }
        if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// A typed button as the console names it back: its label in the console's language, or `[n]`.
fn choice_text(loc: Locale, choice: Choice) -> String {
    match choice {
        Choice::Label(b) => b.label_in(loc),
        Choice::Number(_) => choice.to_string(),
    }
}

/// One line over all outcomes, and whether everything went as asked.
fn summary(
    loc: Locale,
    outcomes: &BTreeMap<OutcomeKind, u64>,
    rejected: u64,
    invalid: u64,
) -> (String, bool) {
    let mut parts: Vec<String> = Vec::new();
    let mut ok = rejected == 0 && invalid == 0;
    // `OutcomeKind`'s order: successes first, then in the order a user would look for trouble.
    for (&kind, &n) in outcomes.iter().filter(|(_, n)| **n > 0) {
        let id = match kind {
            OutcomeKind::Confirmed => "console-summary-confirmed",
            OutcomeKind::NoOp => "console-summary-noop",
            OutcomeKind::AppliesOnWake => "console-summary-applies-on-wake",
            OutcomeKind::Cancelled => "console-summary-cancelled",
            OutcomeKind::Expired => "console-summary-expired",
            OutcomeKind::Superseded => "console-summary-superseded",
            OutcomeKind::TimedOut => "console-summary-timed-out",
            OutcomeKind::Unknown => "console-summary-unknown",
            OutcomeKind::Failed => "console-summary-failed",
        };
        parts.push(t!(loc, id, n = n));
        ok &= kind.is_success();
    }
    if rejected > 0 {
        parts.push(t!(loc, "console-summary-refused", n = rejected));
    }
    if invalid > 0 {
        parts.push(t!(loc, "console-summary-invalid", n = invalid));
    }
    let line = if parts.is_empty() {
        t!(loc, "console-summary-nothing")
    } else {
        t!(loc, "console-summary", parts = i18n::join(loc, &parts))
    };
    (line, ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_and_exit_status() {
        let mut o = BTreeMap::new();
        assert_eq!(
            summary(Locale::EnUs, &o, 0, 0),
            ("Summary: nothing was run.".into(), true)
        );
        o.insert(OutcomeKind::Confirmed, 2);
        o.insert(OutcomeKind::NoOp, 1);
        assert_eq!(
            summary(Locale::EnUs, &o, 0, 0),
            ("Summary: 2 confirmed, 1 no-op.".into(), true)
        );
        assert_eq!(
            summary(Locale::EnUs, &o, 1, 2),
            (
                "Summary: 2 confirmed, 1 no-op, 1 refused, 2 invalid inputs.".into(),
                false
            )
        );
        o.insert(OutcomeKind::Cancelled, 1);
        o.insert(OutcomeKind::TimedOut, 0);
        assert_eq!(
            summary(Locale::EnUs, &o, 0, 0),
            ("Summary: 2 confirmed, 1 no-op, 1 cancelled.".into(), false)
        );
    }

    #[test]
    fn actor_from_flags() {
        let args = ConsoleArgs {
            database_url: None,
            sim: true,
            user: Some(" alice ".into()),
            roles: vec!["ops".into(), " ".into(), "lead".into()],
            locale: "en-US".into(),
            sim_time_scale: 1.0,
            settle_each: false,
            http: None,
            chart_dir: None,
        };
        let a = args.actor();
        assert_eq!((a.id.as_str(), a.name.as_str()), ("alice", "alice"));
        assert_eq!(a.roles, ["ops", "lead"]);
    }

    #[test]
    fn sim_never_takes_the_configured_store() {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            args: ConsoleArgs,
        }
        let mut args = <Cli as clap::Parser>::try_parse_from(["console", "--sim"])
            .unwrap()
            .args;
        let env = || Some("sqlite:///var/lib/clickscale/clickscale.db".to_owned());
        assert_eq!(args.store_choice(env()), StoreChoice::Ephemeral);
        args.sim = false;
        assert_eq!(
            args.store_choice(env()),
            StoreChoice::Persistent("sqlite:///var/lib/clickscale/clickscale.db".into())
        );
        assert_eq!(
            args.store_choice(None),
            StoreChoice::Persistent(crate::store::DEFAULT_URL.into())
        );
        args.sim = true;
        args.database_url = Some("sqlite://demo.db".into());
        assert_eq!(
            args.store_choice(env()),
            StoreChoice::Persistent("sqlite://demo.db".into())
        );
    }
}
