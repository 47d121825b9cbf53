//! The `clickscale` binary: parse the command line, set up tracing, run one surface until shutdown.
use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use clap::{Parser, Subcommand};
use clickscale::config::Config;

#[derive(Debug, Parser)]
#[command(
    name = "clickscale",
    version,
    about = "Scale ClickHouse Cloud from Discord or a terminal"
)]
struct Cli {
    /// TOML config file (environment variables win over it).
    #[arg(long, global = true, env = "CLICKSCALE_CONFIG")]
    config: Option<PathBuf>,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, global = true)]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the Discord bot.
    Run(clickscale::discord::RunArgs),
    /// Use the same commands in a terminal (`--sim` needs no accounts at all).
    Console(clickscale::console::ConsoleArgs),
    /// Run the ClickHouse Cloud API simulator.
    Sim(clickscale::sim::SimArgs),
    /// Validate the configuration and the API key's access with read-only calls.
    Check(CheckArgs),
    /// Export the audit log (requests, confirmations, API calls, outcomes, reminders, answers).
    Audit(clickscale::audit::AuditArgs),
    /// Exit 0 if the HTTP endpoint (`--http`) answers 2xx, else 1; for container health checks.
    Healthcheck(HealthcheckArgs),
}

#[derive(Debug, clap::Args)]
struct HealthcheckArgs {
    /// URL to GET [default: /healthz on the --http address, else http://127.0.0.1:8080/healthz;
    /// use …/readyz to require the gateway, store and Cloud API too].
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The address `run` / `console` serve on; a wildcard address is reached over loopback.
    #[arg(long, value_name = "ADDR", env = "CLICKSCALE_HTTP_ADDR")]
    http: Option<SocketAddr>,
    /// Give up after this long.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = humantime::parse_duration)]
    timeout: Duration,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Also require the Discord token (for `run`).
    #[arg(long)]
    discord: bool,
}

/// `default` applies when `CLICKSCALE_LOG` is unset.
fn init_tracing(json: bool, default: &str, sink: LogTo) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("CLICKSCALE_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    match sink {
        // Logs go to stderr: stdout belongs to the surface (console output, `sim`'s address line).
        LogTo::Stderr => {
            // Colour only for a person at a terminal: a log file or a collector gets plain text.
            let builder = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_writer(std::io::stderr);
            if json {
                builder.json().init();
            } else {
                builder.init();
            }
        }
        // The console at a terminal prints them above its prompt, escaped like all its output,
        // so no colour codes.
        LogTo::ConsolePrompt => {
            let builder = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_ansi(false)
                .with_writer(clickscale::console::output::LogSink);
            if json {
                builder.json().init();
            } else {
                builder.init();
            }
        }
    }
}

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogTo {
    Stderr,
    /// Above the interactive console's prompt (once it is up; stderr until then).
    ConsolePrompt,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(e) => {
            // One line with its causes, never a stack trace: these are users' mistakes or
            // their environment's, said in words.
            eprintln!(
                "error: {}",
                clickscale::console::output::terminal_safe(&format!("{e:#}"))
            );
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    // The console shares the terminal with its logs: at a terminal only errors, printed above
    // the prompt; in a script warnings, on stderr.
    use std::io::IsTerminal;
    let at_terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let (default_level, sink) = match cli.command {
        Command::Console(_) if at_terminal => ("error", LogTo::ConsolePrompt),
        Command::Console(_) => ("warn", LogTo::Stderr),
        _ => ("info", LogTo::Stderr),
    };
    init_tracing(cli.log_json, default_level, sink);
    let config = || Config::load(cli.config.as_deref());
    match cli.command {
        Command::Run(args) => clickscale::discord::run(config()?, args)
            .await
            .map(|()| ExitCode::SUCCESS),
        Command::Console(args) => clickscale::console::run(config()?, args).await,
        Command::Sim(args) => {
            let listen = args.listen;
            clickscale::sim::run(args)
                .await
                .map(|()| ExitCode::SUCCESS)
                .map_err(|e| busy_port(e, listen))
        }
        Command::Check(args) => check(config()?, args).await,
        Command::Audit(args) => {
            // The configuration only prices the scale-up episodes: defaults are list prices.
            let config = config()?;
            clickscale::audit::run(args, &config.cost.rates(), &config.oncall.clock).await
        }
        Command::Healthcheck(args) => Ok(healthcheck(args).await),
    }
}

/// A bind failure on a busy port, said with the address and what to do about it.
fn busy_port(e: anyhow::Error, listen: SocketAddr) -> anyhow::Error {
    let in_use = e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse)
    });
    if in_use {
        anyhow::anyhow!(
            "cannot listen on {listen}: the address is already in use (another `clickscale sim`?). \
             Pass `--listen 127.0.0.1:0` to take any free port; the address is printed on start."
        )
    } else {
        e
    }
}

/// Needs no config: it only asks the running process.
async fn healthcheck(args: HealthcheckArgs) -> ExitCode {
    let url = args
        .url
        .unwrap_or_else(|| clickscale::http::default_healthcheck_url(args.http));
    match clickscale::http::healthcheck(&url, args.timeout).await {
        Ok(body) => {
            println!("{}", body.trim_end());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("unhealthy: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn check(config: Config, args: CheckArgs) -> anyhow::Result<ExitCode> {
    use clickscale::check;
    let mut findings = check::check_settings(&config, args.discord);
    if findings.iter().all(|f| f.ok) {
        let cloud = clickscale::cloud::CloudClient::new(config.cloud_settings()?)?;
        findings.extend(check::check_access(&config, &cloud).await);
    }
    let (report, ok) = check::render(&findings);
    print!("{report}");
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
