//! The one error handler: every failed interaction gets a short private answer with a
//! reference id, and the log line with the details carries the same id.
//!
//! Internal error text (API bodies, serenity errors, panics) never reaches chat: it may hold
//! ids, URLs or worse, and it does not help the person who typed the command.

use std::sync::atomic::Ordering;

use poise::FrameworkError;
use serenity::all::{
    CommandInteraction, CreateAllowedMentions, CreateAutocompleteResponse,
    CreateInteractionResponse, CreateInteractionResponseMessage, EditInteractionResponse, Http,
};

use super::types::{Context, Data, Error};
use crate::{i18n::Locale, t};

/// A short id that ties a chat answer to its log line.
pub fn reference_id() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    id[..8].to_owned()
}

pub fn internal_error(loc: Locale, reference: &str) -> String {
    t!(loc, "error-internal", reference = reference)
}

pub fn unreadable_option(loc: Locale, reference: &str) -> String {
    t!(loc, "error-unreadable-option", reference = reference)
}

pub fn outdated_command(loc: Locale, reference: &str) -> String {
    t!(loc, "error-outdated-command", reference = reference)
}

pub fn guild_only(loc: Locale) -> String {
    t!(loc, "error-guild-only")
}

/// The language of the person who used the command (English outside interactions).
pub fn locale(ctx: Context<'_>) -> Locale {
    ctx.locale().map(Locale::from_tag).unwrap_or_default()
}

/// The framework's error callback (`FrameworkOptions::on_error`).
pub async fn on_error(error: FrameworkError<'_, Data, Error>) {
    let reference = reference_id();
    match error {
        FrameworkError::Setup { error, .. } => {
            tracing::error!(reference, error = ?error, "bot setup failed");
        }
        FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(reference, error = ?error, event = event.snake_case_name(), "event handler failed");
        }
        FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(reference, command = %ctx.command().name, error = ?error, "command failed");
            answer(ctx, &internal_error(locale(ctx), &reference)).await;
        }
        FrameworkError::CommandPanic { payload, ctx, .. } => {
            tracing::error!(reference, command = %ctx.command().name, panic = ?payload, "command panicked");
            answer(ctx, &internal_error(locale(ctx), &reference)).await;
        }
        FrameworkError::ArgumentParse {
            error, input, ctx, ..
        } => {
            tracing::warn!(reference, command = %ctx.command().name, error = %error, input = ?input, "option could not be parsed");
            answer(ctx, &unreadable_option(locale(ctx), &reference)).await;
        }
        FrameworkError::CommandStructureMismatch {
            description, ctx, ..
        } => {
            tracing::warn!(reference, command = %ctx.command().name, description, "command structure mismatch");
            let ctx = Context::Application(ctx);
            answer(ctx, &outdated_command(locale(ctx), &reference)).await;
        }
        FrameworkError::GuildOnly { ctx, .. } => answer(ctx, &guild_only(locale(ctx))).await,
        // The command check only fails when another instance's deferral came first (or
        // Discord had already forgotten the interaction); `claim` logged which.
        FrameworkError::CommandCheckFailed { error: None, .. } => {}
        FrameworkError::UnknownInteraction {
            framework,
            interaction,
            ..
        } => {
            tracing::warn!(reference, command = %interaction.data.name, "interaction for a command this bot does not have");
            answer_interaction(
                &framework.serenity_context.http,
                interaction,
                &outdated_command(Locale::from_tag(&interaction.locale), &reference),
            )
            .await;
        }
        other => {
            // Checks, cooldowns, permissions, prefix handling: none is configured, so any of
            // these is unexpected; still answer when there is someone to answer.
            tracing::error!(reference, error = %other, "unexpected framework error");
            if let Some(ctx) = other.ctx() {
                answer(ctx, &internal_error(locale(ctx), &reference)).await;
            }
        }
    }
}

/// Answer privately however far the interaction got: a fresh interaction gets an ephemeral
/// response, a deferred one gets its response edited, an autocomplete gets no suggestions.
pub async fn answer(ctx: Context<'_>, text: &str) {
    if let Err(e) = reply_ephemeral(ctx, text).await {
        tracing::warn!(error = %e, "could not answer the interaction");
    }
}

/// The reply every command uses: edits the deferred ephemeral response, or creates one.
pub async fn reply_ephemeral(ctx: Context<'_>, text: &str) -> Result<(), serenity::Error> {
    let poise::Context::Application(actx) = ctx else {
        // Only slash commands are registered; a prefix context cannot happen.
        ctx.say(text).await?;
        return Ok(());
    };
    let http = &actx.serenity_context().http;
    if actx.interaction_type == poise::CommandInteractionType::Autocomplete {
        let empty = CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new());
        return actx.interaction.create_response(http, empty).await;
    }
    if actx.has_sent_initial_response.load(Ordering::SeqCst) {
        actx.interaction
            .edit_response(
                http,
                EditInteractionResponse::new()
                    .content(text)
                    .allowed_mentions(CreateAllowedMentions::new()),
            )
            .await?;
    } else {
        answer_interaction_inner(http, actx.interaction, text).await?;
        actx.has_sent_initial_response.store(true, Ordering::SeqCst);
    }
    Ok(())
}

async fn answer_interaction(http: &Http, interaction: &CommandInteraction, text: &str) {
    if let Err(e) = answer_interaction_inner(http, interaction, text).await {
        tracing::warn!(error = %e, "could not answer the interaction");
    }
}

async fn answer_interaction_inner(
    http: &Http,
    interaction: &CommandInteraction,
    text: &str,
) -> Result<(), serenity::Error> {
    let response = if interaction.data.autocomplete().is_some() {
        CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new())
    } else {
        CreateInteractionResponse::Message(
            CreateInteractionResponseMessage::new()
                .content(text)
                .ephemeral(true)
                .allowed_mentions(CreateAllowedMentions::new()),
        )
    };
    interaction.create_response(http, response).await
}
