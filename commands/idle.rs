//! `/idle service enabled timeout-minutes?`: automatic idling of a service.

use crate::{
    discord::{Context, Error},
    ops::{CommandKind, ScaleCommand, ScaleRequest},
    scaling::{self, Current, IdleInput, Limits, RuleError, Target},
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

/// What the engine runs: no idling rule depends on the service, so the input alone decides
/// the target and bad input never costs a call.
impl ScaleCommand for IdleInput {
    fn kind(&self) -> CommandKind {
        CommandKind::Idle
    }

    fn precheck(&self, _: &Limits) -> Result<Option<Target>, RuleError> {
        scaling::idle_patch(self).map(|p| Some(Target::Service(p)))
    }

    fn target(&self, _: &Current, _: &Limits) -> Result<Target, RuleError> {
        scaling::idle_patch(self).map(Target::Service)
    }
}
