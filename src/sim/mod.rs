//! ClickHouse Cloud API simulator (being written).
use clap::Args;

/// `clickscale sim` options.
#[derive(Debug, Args)]
pub struct SimArgs {}

pub async fn run(_args: SimArgs) -> anyhow::Result<()> {
    anyhow::bail!("the simulator is not built yet")
}
