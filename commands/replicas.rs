//! `/replicas service count? min-memory-gb? max-memory-gb?`: replica count and memory bounds.

use crate::{
    discord::{errors::reply_ephemeral, Context, Error},
    ops::{RevertInput, ScaleRequest},
    scaling::{ReplicaInput, RuleError},
};

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
    #[description = "Restore the previous values after this long, e.g. 4h (5m to 7d)"]
    #[rename = "for"]
    for_: Option<String>,
) -> Result<(), Error> {
    if count.is_none() && min_memory_gb.is_none() && max_memory_gb.is_none() {
        // Nothing to change: say so at once, before any API call.
        let limits = ctx.data().engine.config().limits()?;
        let refusal = RuleError::NothingGiven {
            replicas_max: limits.replicas_max(),
            memory_max: limits.memory_max_gb(),
        };
        reply_ephemeral(ctx, &refusal.to_string()).await?;
        return Ok(());
    }
    let input = ReplicaInput {
        count,
        min_memory_gb,
        max_memory_gb,
    };
    let revert = RevertInput {
        for_,
        ..RevertInput::default()
    };
    super::scale(ctx, service, ScaleRequest::Replicas(input), revert).await
}
