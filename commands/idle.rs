//! `/idle service enabled timeout-minutes?`: automatic idling of a service.

use crate::{
    discord::{Context, Error},
    ops::ScaleRequest,
    scaling::IdleInput,
};

/// Turn automatic idling of a service on or off, and set its timeout
#[poise::command(slash_command, guild_only)]
pub async fn idle(
    ctx: Context<'_>,
    #[description = "Service alias, name or id"]
    #[autocomplete = "super::autocomplete_service"]
    service: String,
    #[description = "Let the service idle (scale to zero) when unused"] enabled: bool,
    #[description = "Minutes without queries before it idles (at least 5)"]
    #[rename = "timeout-minutes"]
    #[min = 5]
    timeout_minutes: Option<i64>,
) -> Result<(), Error> {
    let input = IdleInput {
        enabled,
        timeout_minutes,
    };
    super::scale(ctx, service, ScaleRequest::Idle(input), Default::default()).await
}
