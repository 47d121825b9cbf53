//! Reminder buttons (Scale down now, Snooze, Keep…, Extend, Revert now) and the Keep reason
//! modal. The custom id names the reminder, so any instance (and a restarted one) answers from
//! the store; no task waits on these buttons.

use serenity::all::{
    ActionRowComponent, ComponentInteraction, CreateActionRow, CreateAllowedMentions,
    CreateInputText, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, CreateModal, EditInteractionResponse, Http, InputTextStyle,
    ModalInteraction,
};

use super::claim::{self, Claim};
use crate::{
    i18n::Locale,
    ops::{reminders::BUTTON_PREFIX, Answer, Engine},
    t,
};

/// The id of the reason field in the Keep modal.
const REASON_FIELD: &str = "reason";

/// Whether a component or modal custom id belongs to a reminder.
pub fn is_reminder_id(custom_id: &str) -> bool {
    custom_id.starts_with(BUTTON_PREFIX)
}

/// A click on a reminder button: Keep asks for the reason in a modal; every other answer is
/// deferred privately (it may read the API first) and then told how it went.
pub async fn click(http: &Http, engine: &Engine, click: &ComponentInteraction) {
    let Some((id, answer)) = Answer::parse_button_id(&click.data.custom_id) else {
        return;
    };
    let actor = super::actor(&click.user, click.member.as_ref());
    let loc = Locale::from_tag(&click.locale);
    if let Answer::Keep(None) = answer {
        let modal = CreateModal::new(click.data.custom_id.clone(), t!(loc, "keep-modal-title"))
            .components(vec![CreateActionRow::InputText(
                CreateInputText::new(
                    InputTextStyle::Paragraph,
                    t!(loc, "keep-modal-reason"),
                    REASON_FIELD,
                )
                .min_length(3)
                .max_length(500)
                .required(true),
            )]);
        let opened = click
            .create_response(http, CreateInteractionResponse::Modal(modal))
            .await;
        if let Err(e) = claim::classify(opened) {
            tracing::warn!(error = %e, "could not open the Keep modal");
        }
        return;
    }
    // The deferral is the claim: only the instance whose deferral Discord accepts answers.
    if !claimed(click.create_response(http, private_defer()).await) {
        return;
    }
    let text = match engine.answer(id, answer, &actor, loc).await {
        Ok(t) | Err(t) => t,
    };
    let followup = CreateInteractionResponseFollowup::new()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(CreateAllowedMentions::new());
    if let Err(e) = click.create_followup(http, followup).await {
        tracing::warn!(error = %e, "could not answer a reminder click");
    }
}

/// The Keep modal came back with its reason.
pub async fn keep_submitted(http: &Http, engine: &Engine, modal: &ModalInteraction) {
    let Some((id, Answer::Keep(_))) = Answer::parse_button_id(&modal.data.custom_id) else {
        return;
    };
    let reason = modal
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|c| match c {
            ActionRowComponent::InputText(t) if t.custom_id == REASON_FIELD => t.value.clone(),
            _ => None,
        });
    // Defer before the store or the API is asked anything: the answer may take longer than
    // Discord's 3 s, and the deferral is the claim between instances.
    if !claimed(modal.create_response(http, private_defer()).await) {
        return;
    }
    let actor = super::actor(&modal.user, modal.member.as_ref());
    let loc = Locale::from_tag(&modal.locale);
    let text = match engine.answer(id, Answer::Keep(reason), &actor, loc).await {
        Ok(t) | Err(t) => t,
    };
    let reply = EditInteractionResponse::new()
        .content(text)
        .allowed_mentions(CreateAllowedMentions::new());
    if let Err(e) = modal.edit_response(http, reply).await {
        tracing::warn!(error = %e, "could not answer the Keep modal");
    }
}

fn private_defer() -> CreateInteractionResponse {
    CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true))
}

/// Whether a first callback made this instance the one that answers.
fn claimed(result: Result<(), serenity::Error>) -> bool {
    match claim::classify(result) {
        Ok(Claim::Mine) => true,
        Ok(Claim::TakenElsewhere) => false,
        Ok(Claim::Expired) => {
            tracing::warn!("Discord had forgotten a reminder interaction before it was deferred");
            false
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not acknowledge a reminder interaction");
            false
        }
    }
}
