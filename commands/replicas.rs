//! `/replicas service count? min-memory-gb? max-memory-gb?`: replica count and memory bounds.

use crate::{
    discord::{Context, Error},
    ops::ScaleRequest,
    scaling::ReplicaInput,
};

pub const NOTHING_GIVEN: &str =
    "Give at least one of `count`, `min-memory-gb` or `max-memory-gb`: there is nothing to change otherwise.";

/// Change a service's replica count and/or its per-replica memory bounds
#[poise::command(slash_command, guild_only)]
pub async fn replicas(
    ctx: Context<'_>,
    #[description = "Service alias, name or id"]
    #[autocomplete = "super::autocomplete_service"]
    service: String,
    #[description = "Number of replicas"]
    #[min = 1]
    count: Option<i64>,
    #[description = "Minimum memory per replica in GB (multiple of 4, at least 8)"]
    #[rename = "min-memory-gb"]
    #[min = 8]
    min_memory_gb: Option<i64>,
    #[description = "Maximum memory per replica in GB (multiple of 4, at least 8)"]
    #[rename = "max-memory-gb"]
    #[min = 8]
    max_memory_gb: Option<i64>,
) -> Result<(), Error> {
    if count.is_none() && min_memory_gb.is_none() && max_memory_gb.is_none() {
        // Nothing to change: say so before any API call.
        ctx.send(
            poise::CreateReply::default()
                .content(NOTHING_GIVEN)
                .ephemeral(true),
        )
        .await?;
        return Ok(());
    }
    let input = ReplicaInput {
        count,
        min_memory_gb,
        max_memory_gb,
    };
    super::scale(ctx, service, ScaleRequest::Replicas(input)).await
}
