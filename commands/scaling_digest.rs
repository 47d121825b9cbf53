//! `/scaling-digest`: the weekly digest of the last 7 days, now, privately: what is still
//! scaled up, what the scale-ups cost in the week, what was kept and why, what went
//! unanswered ([`crate::ops::digest`] builds it from the audit log; no API call). The same
//! digest is posted on its own once a week in `[digest] channel`.

use crate::{
    discord::{
        errors::{locale, reply_ephemeral},
        Context, Error,
    },
    i18n::Locale,
    ops::Engine,
    t,
};

/// The weekly digest of the last 7 days: scale-ups, their cost, Keep reasons, unanswered reminders
#[poise::command(slash_command, rename = "scaling-digest", guild_only)]
pub async fn scaling_digest(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let text = render(&ctx.data().engine, locale(ctx)).await;
    reply_ephemeral(ctx, &text).await?;
    Ok(())
}

/// The digest in `loc`, or why there is none.
pub async fn render(engine: &Engine, loc: Locale) -> String {
    match engine.digest_now().await {
        Ok(digest) => digest.render(loc),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "reading the audit log failed");
            t!(loc, "digest-unavailable")
        }
    }
}
