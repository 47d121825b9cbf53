//! The types every command and handler shares: what poise hands to a command.

use std::sync::Arc;

use super::surface::DiscordSurface;
use crate::ops::Engine;

/// State shared by all commands and handlers, built once the gateway is ready.
#[derive(Debug)]
pub struct Data {
    /// The operation engine: policy, validation, plan, apply, watch.
    pub engine: Engine,
    /// Posts status messages and thread follow-ups with the bot token, and owns the buttons.
    pub surface: Arc<DiscordSurface>,
}

/// Errors a command returns; [`super::on_error`] logs them with a reference id and shows the
/// user only that id, never the text.
pub type Error = anyhow::Error;

/// The context every command receives.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// Shorthand for the framework's command type.
pub type Command = poise::Command<Data, Error>;
