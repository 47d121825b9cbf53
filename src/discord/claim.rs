//! Which instance answers an interaction: the one whose first callback Discord accepts.
//!
//! Discord delivers every interaction to every connected instance and accepts exactly one
//! callback per interaction; a second one is refused with code 40060 ("Interaction has already
//! been acknowledged"). So the deferral (or modal, or first answer) that every handler must
//! send within 3 s anyway is also the claim between instances, and nothing on that path waits
//! for the store: a slow or locked database can no longer make Discord drop the interaction.

use serenity::all::{HttpError, StatusCode};

use super::types::{Context, Error};

/// Discord's code for a second callback on one interaction.
pub const ALREADY_ACKNOWLEDGED: isize = 40060;
/// Discord's code for a callback on an interaction it no longer knows (3 s passed).
pub const UNKNOWN_INTERACTION: isize = 10062;

/// How a first callback went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Discord accepted it: this instance answers the interaction.
    Mine,
    /// Another instance's callback came first: stay silent.
    TakenElsewhere,
    /// Discord forgot the interaction (the callback came too late); nobody can answer it.
    Expired,
}

/// What a first callback's result means for the claim; other errors stay errors.
pub fn classify(result: Result<(), serenity::Error>) -> Result<Claim, Box<serenity::Error>> {
    match result {
        Ok(()) => Ok(Claim::Mine),
        Err(e) => match discord_code(&e) {
            Some(ALREADY_ACKNOWLEDGED) => Ok(Claim::TakenElsewhere),
            Some(UNKNOWN_INTERACTION) => Ok(Claim::Expired),
            _ => Err(Box::new(e)),
        },
    }
}

/// The JSON error code of a failed Discord REST call, if Discord answered with one.
pub fn discord_code(e: &serenity::Error) -> Option<isize> {
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => Some(r.error.code),
        _ => None,
    }
}

/// The HTTP status of a failed Discord REST call, if the request got an answer.
pub fn status(e: &serenity::Error) -> Option<StatusCode> {
    match e {
        serenity::Error::Http(h) => h.status_code(),
        _ => None,
    }
}

/// poise's `command_check`: defer privately at once, before anything else runs, and let
/// Discord's answer decide whether this instance handles the command. Every command answers
/// privately, so the deferral is the one every command would send first anyway (poise skips a
/// second `defer_ephemeral` once the first went out). Autocomplete has no deferral: every
/// instance suggests, and Discord shows the first answer.
pub async fn by_first_callback(ctx: Context<'_>) -> Result<bool, Error> {
    let poise::Context::Application(actx) = ctx else {
        return Ok(true);
    };
    if actx.interaction_type == poise::CommandInteractionType::Autocomplete {
        return Ok(true);
    }
    match classify(ctx.defer_ephemeral().await)? {
        Claim::Mine => Ok(true),
        Claim::TakenElsewhere => {
            tracing::debug!(interaction = %ctx.id(), "interaction handled by another instance");
            Ok(false)
        }
        Claim::Expired => {
            tracing::warn!(interaction = %ctx.id(), "Discord had forgotten the interaction before it was deferred");
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_errors_are_not_claims() {
        let e = serenity::Error::Other("boom");
        assert!(classify(Err(e)).is_err());
        assert_eq!(classify(Ok(())).unwrap(), Claim::Mine);
    }
}
