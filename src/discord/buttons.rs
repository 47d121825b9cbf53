//! Confirm / Cancel buttons: one global handler routes every click to the operation waiting on
//! that status message.
//!
//! A registry keyed by message id (rather than a serenity collector per message) lets the
//! handler answer clicks nobody waits for any more with a clear "expired" message instead of
//! leaving Discord to show "This interaction failed".

use std::time::Duration;

use dashmap::DashMap;
use serenity::all::{
    ComponentInteraction, CreateActionRow, CreateAllowedMentions, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage, Http,
};
use tokio::sync::mpsc;

use crate::{
    i18n::Locale,
    ops::{Actor, Ask, ClickGuard, Decision},
    t,
};

/// Every custom id this bot creates starts with this.
const PREFIX: &str = "clickscale";

/// The answer to a click on buttons nobody waits for any more.
pub fn expired(loc: Locale) -> String {
    t!(loc, "buttons-expired")
}

/// The answer to a click that arrived just after someone else's decision.
pub fn already_decided(loc: Locale) -> String {
    t!(loc, "buttons-already-decided")
}

/// The clicker's language (Discord sends the client's locale with every interaction).
fn clicker_locale(interaction: &ComponentInteraction) -> Locale {
    Locale::from_tag(&interaction.locale)
}

/// What a button asks for; its name in custom ids is the lowercase variant name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum ClickAction {
    Confirm,
    Cancel,
}

impl ClickAction {
    fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `clickscale:confirm:<message id>`
pub fn custom_id(action: ClickAction, message_id: &str) -> String {
    format!("{PREFIX}:{}:{message_id}", action.as_str())
}

/// The action and message id of one of our custom ids.
pub fn parse_custom_id(id: &str) -> Option<(ClickAction, &str)> {
    let mut parts = id.splitn(3, ':');
    if parts.next()? != PREFIX {
        return None;
    }
    let action: ClickAction = parts.next()?.parse().ok()?;
    let message = parts.next().filter(|m| !m.is_empty())?;
    Some((action, message))
}

/// The Confirm (or Wake and continue; success style) and Cancel (danger style) row for a
/// status message, labelled in the language of the status message. Both questions use the
/// `confirm` action: the operation waiting on the message knows what it asked.
pub fn confirm_row(message_id: &str, loc: Locale, ask: Ask) -> CreateActionRow {
    let yes = match ask {
        Ask::Confirm => t!(loc, "button-confirm"),
        Ask::Wake => t!(loc, "button-wake"),
    };
    CreateActionRow::Buttons(vec![
        CreateButton::new(custom_id(ClickAction::Confirm, message_id))
            .label(yes)
            .style(serenity::all::ButtonStyle::Success),
        CreateButton::new(custom_id(ClickAction::Cancel, message_id))
            .label(t!(loc, "button-cancel"))
            .style(serenity::all::ButtonStyle::Danger),
    ])
}

/// One click, handed from the event handler to the waiting operation, which answers it.
#[derive(Debug)]
pub struct Click {
    pub action: ClickAction,
    pub actor: Actor,
    pub interaction: ComponentInteraction,
}

/// Status messages waiting for a decision.
#[derive(Debug, Default)]
pub struct Buttons {
    pending: DashMap<String, mpsc::Sender<Click>>,
}

/// A status message registered for clicks; dropping it unregisters the message.
#[derive(Debug)]
pub struct Pending<'a> {
    buttons: &'a Buttons,
    message: String,
    rx: mpsc::Receiver<Click>,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.buttons.pending.remove(&self.message);
    }
}

impl Buttons {
    /// Messages with live buttons.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Whether an operation here waits for clicks on `message`.
    pub fn is_waiting(&self, message: &str) -> bool {
        self.pending.contains_key(message)
    }

    /// Start accepting clicks for `message`. Register before the buttons are shown, so that
    /// even the fastest click finds someone waiting.
    pub fn register(&self, message: &str) -> Pending<'_> {
        let (tx, rx) = mpsc::channel(16);
        self.pending.insert(message.to_owned(), tx);
        Pending {
            buttons: self,
            message: message.to_owned(),
            rx,
        }
    }

    /// Route a click from the gateway. Every click gets an answer within Discord's 3 s:
    /// either from the waiting operation or, when nobody waits, "expired" from here.
    pub async fn dispatch(&self, http: &Http, interaction: &ComponentInteraction) {
        let parsed = parse_custom_id(&interaction.data.custom_id);
        let sender = parsed.and_then(|(_, m)| self.pending.get(m).map(|e| e.value().clone()));
        let (Some((action, _)), Some(sender)) = (parsed, sender) else {
            tracing::info!(custom_id = %interaction.data.custom_id, "click on buttons nobody waits for");
            answer_privately(http, interaction, &expired(clicker_locale(interaction))).await;
            return;
        };
        let click = Click {
            action,
            actor: super::actor(&interaction.user, interaction.member.as_ref()),
            interaction: interaction.clone(),
        };
        if let Err(e) = sender.try_send(click) {
            // The operation stopped waiting between the lookup and the send (or is flooded).
            let interaction = e.into_inner().interaction;
            answer_privately(http, &interaction, &expired(clicker_locale(&interaction))).await;
        }
    }
}

impl Pending<'_> {
    /// Wait for an allowed click or the timeout (`None`). Refused clickers are told why,
    /// privately, and the wait goes on. The allowed click is acknowledged by removing the
    /// buttons (UPDATE_MESSAGE). Clicks that were queued behind the decision are told so.
    pub async fn wait(
        mut self,
        http: &Http,
        timeout: Duration,
        guard: &ClickGuard,
    ) -> Option<Decision> {
        let deadline = tokio::time::Instant::now() + timeout;
        let decision = loop {
            let click = tokio::select! {
                click = self.rx.recv() => click,
                _ = tokio::time::sleep_until(deadline) => None,
            };
            let Some(click) = click else { break None };
            match guard(&click.actor) {
                Err(reason) => {
                    tracing::info!(message = %self.message, clicker = %click.actor.id, "click refused");
                    let reason = reason.user_message(clicker_locale(&click.interaction));
                    answer_privately(http, &click.interaction, &reason).await;
                }
                Ok(()) => {
                    let ack = CreateInteractionResponse::UpdateMessage(
                        CreateInteractionResponseMessage::new().components(Vec::new()),
                    );
                    if let Err(e) = click.interaction.create_response(http, ack).await {
                        tracing::warn!(message = %self.message, error = %e, "could not acknowledge a click");
                    }
                    break Some(match click.action {
                        ClickAction::Confirm => Decision::Confirmed(click.actor),
                        ClickAction::Cancel => Decision::Cancelled(click.actor),
                    });
                }
            }
        };
        self.buttons.pending.remove(&self.message);
        self.rx.close();
        let late = if decision.is_some() {
            already_decided
        } else {
            expired
        };
        while let Ok(click) = self.rx.try_recv() {
            let text = late(clicker_locale(&click.interaction));
            answer_privately(http, &click.interaction, &text).await;
        }
        decision
    }
}

/// An ephemeral answer to a click, with mentions off.
async fn answer_privately(http: &Http, interaction: &ComponentInteraction, text: &str) {
    let reply = CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(CreateAllowedMentions::new()),
    );
    if let Err(e) = interaction.create_response(http, reply).await {
        tracing::warn!(error = %e, "could not answer a click");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip_and_foreign_ids_are_ignored() {
        let id = custom_id(ClickAction::Cancel, "123");
        assert_eq!(id, "clickscale:cancel:123");
        assert_eq!(parse_custom_id(&id), Some((ClickAction::Cancel, "123")));
        assert_eq!(
            parse_custom_id("clickscale:confirm:9"),
            Some((ClickAction::Confirm, "9"))
        );
        assert_eq!(parse_custom_id("clickscale:confirm:"), None);
        assert_eq!(parse_custom_id("clickscale:delete:9"), None);
        assert_eq!(parse_custom_id("other:confirm:9"), None);
    }
}
