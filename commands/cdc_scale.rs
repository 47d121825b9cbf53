//! `/cdc-scale service cores`: the compute of a service's DB ClickPipes (CDC).

use crate::{
    discord::{Context, Error},
    ops::ScaleRequest,
};

/// Scale the CDC compute shared by a service's DB ClickPipes (whole cores, 4 GB memory per core)
#[poise::command(slash_command, rename = "cdc-scale", guild_only)]
pub async fn cdc_scale(
    ctx: Context<'_>,
    #[description = "Service alias, name or id"]
    #[autocomplete = "super::autocomplete_service"]
    service: String,
    #[description = "CPU cores for the CDC compute; memory follows at 4 GB per core"]
    #[min = 1]
    cores: i64,
) -> Result<(), Error> {
    super::scale(ctx, service, ScaleRequest::Cdc { cores }).await
}
