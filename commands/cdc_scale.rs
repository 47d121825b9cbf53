//! `/cdc-scale service cores revert? for? reason?`: the compute of a service's DB ClickPipes
//! (CDC), and when to scale it back.

use crate::{
    discord::{Context, Error},
    ops::{CommandKind, RevertInput, ScaleCommand, ScaleRequest},
    scaling::{self, CdcInput, Current, Limits, RuleError, Target},
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
    #[description = "When to scale back: after-snapshot (default when scaling up), a duration like 4h, or never"]
    revert: Option<String>,
    #[description = "Scale back after this long, e.g. 4h (same as revert:4h)"]
    #[rename = "for"]
    for_: Option<String>,
    #[description = "Why it stays scaled up (required with revert:never; recorded in the audit log)"]
    reason: Option<String>,
) -> Result<(), Error> {
    let revert = RevertInput {
        revert,
        for_,
        reason,
    };
    super::scale(ctx, service, ScaleRequest::cdc(cores), revert).await
}

/// What the engine runs: whole cores 1..=the configured maximum, decided by the input alone;
/// reads and watches the service's CDC scaling.
impl ScaleCommand for CdcInput {
    fn kind(&self) -> CommandKind {
        CommandKind::CdcScale
    }

    fn precheck(&self, limits: &Limits) -> Result<Option<Target>, RuleError> {
        scaling::cdc_target(self.cores, limits).map(|t| Some(Target::Cdc(t)))
    }

    fn target(&self, _: &Current, limits: &Limits) -> Result<Target, RuleError> {
        scaling::cdc_target(self.cores, limits).map(Target::Cdc)
    }
}
