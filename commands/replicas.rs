//! `/replicas service count? min-replicas? max-replicas? mode? min-memory-gb? max-memory-gb?`:
//! a fixed replica count (vertical mode) or a replica range (horizontal mode), the autoscaling
//! mode, and the per-replica memory bounds.

use crate::{
    discord::{errors::reply_ephemeral, Context, Error},
    ops::{CommandKind, RevertInput, ScaleCommand, ScaleRequest},
    scaling::{self, Current, Limits, ModeInput, ReplicaInput, RuleError, Target},
};

/// Change a service's replica count and/or its per-replica memory bounds
// One parameter per Discord option: poise builds the registration from this signature.
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command, guild_only)]
pub async fn replicas(
    ctx: Context<'_>,
    #[description = "Service alias, name or id"]
    #[autocomplete = "super::autocomplete_service"]
    service: String,
    #[description = "Number of replicas"]
    #[min = 1]
    count: Option<i64>,
    #[description = "Fewest replicas in horizontal mode"]
    #[rename = "min-replicas"]
    #[min = 1]
    min_replicas: Option<i64>,
    #[description = "Most replicas in horizontal mode"]
    #[rename = "max-replicas"]
    #[min = 1]
    max_replicas: Option<i64>,
    #[description = "Autoscaling mode: vertical (fixed count) or horizontal (replica range)"]
    mode: Option<String>,
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
    // Text with registered choices (see `commands::registration`), read like the console's
    // `mode:`; a value a client sends outside the choices is refused, not guessed.
    let mode = match mode.as_deref().map(str::trim) {
        None => None,
        Some(raw) => match raw.parse::<ModeInput>() {
            Ok(m) => Some(m),
            Err(_) => {
                let loc = crate::discord::errors::locale(ctx);
                let allowed: Vec<String> =
                    ModeInput::NAMES.iter().map(|n| format!("`{n}`")).collect();
                let text = crate::t!(
                    loc,
                    "console-option-not-one-of",
                    option = "mode",
                    allowed = crate::i18n::join_with(loc, &allowed, crate::i18n::Conjunction::Or),
                    // Debug-escaped and clipped: untrusted text is never echoed raw.
                    value = format!("{:?}", raw.chars().take(40).collect::<String>())
                );
                reply_ephemeral(ctx, &text).await?;
                return Ok(());
            }
        },
    };
    let input = ReplicaInput {
        count,
        min_memory_gb,
        max_memory_gb,
        min_replicas,
        max_replicas,
        mode,
    };
    if input == ReplicaInput::default() {
        // Nothing to change: say so at once, before any API call.
        let limits = ctx.data().engine.config().limits()?;
        let refusal = RuleError::NothingGiven {
            replicas_max: limits.replicas_max(),
            memory_max: limits.memory_max_gb(),
        };
        let loc = crate::discord::errors::locale(ctx);
        reply_ephemeral(ctx, &refusal.user_message(loc)).await?;
        return Ok(());
    }
    let revert = RevertInput {
        for_,
        ..RevertInput::default()
    };
    super::scale(ctx, service, ScaleRequest::Replicas(input), revert).await
}

/// What the engine runs: ranges and memory grid checked before any call; the rest (tier,
/// profile, warehouse role, the bound not given) against the service as the API reports it.
impl ScaleCommand for ReplicaInput {
    fn kind(&self) -> CommandKind {
        CommandKind::Replicas
    }

    fn precheck(&self, limits: &Limits) -> Result<Option<Target>, RuleError> {
        scaling::replica_precheck(self, limits).map(|()| None)
    }

    fn target(&self, current: &Current, limits: &Limits) -> Result<Target, RuleError> {
        match current {
            Current::Service(service) => {
                scaling::replica_patch(self, service, limits).map(Target::Service)
            }
            Current::Cdc(_) => unreachable!("/replicas reads the service"),
        }
    }
}
