//! The `clickscale` binary: parse the command line, set up tracing, run one surface until shutdown.
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "clickscale", version, about = "Scale ClickHouse Cloud from Discord or a terminal")]
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
    /// Run the ClickHouse Cloud API simulator.
    Sim(clickscale::sim::SimArgs),
}

fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("CLICKSCALE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Logs go to stderr: stdout belongs to the surface (console output, `sim`'s address line).
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing(cli.log_json);
    match cli.command {
        Command::Sim(args) => clickscale::sim::run(args).await,
    }
}
