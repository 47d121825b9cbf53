//! [`ChatSurface`] for Discord, speaking with the bot token only.
//!
//! The interaction token a slash command brings expires after 15 minutes, while a CDC change
//! takes 3-5 minutes and a watch may run 20. So everything the engine says goes through channel
//! messages (`POST /channels/{id}/messages`), message edits and a thread on the status message,
//! all authorized by the bot token, which does not expire.

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use async_trait::async_trait;
use serenity::all::{
    AutoArchiveDuration, ButtonStyle as DiscordStyle, ChannelId, CreateActionRow,
    CreateAllowedMentions, CreateButton, CreateMessage, CreateThread, EditMessage, Http, MessageId,
    RoleId,
};

use dashmap::DashMap;

use super::buttons::{confirm_row, Buttons};
use crate::{
    i18n::Locale,
    ops::{
        Ask, ButtonStyle, ChatSurface, ClickGuard, Decision, MessageRef, Origin, ReminderPost,
        ThreadRef,
    },
};

/// Discord caps message content at 2000 characters.
const MESSAGE_LIMIT: usize = 2000;

pub struct DiscordSurface {
    http: Arc<Http>,
    buttons: Buttons,
    /// The language of each recent status message, for its button labels: `confirm` only
    /// gets the message, and the labels must match the text above them.
    languages: DashMap<String, Locale>,
}

/// Status messages whose language is remembered; beyond this the oldest are forgotten (their
/// buttons, if any still come, are labelled in English).
const REMEMBERED_LANGUAGES: usize = 1024;

impl std::fmt::Debug for DiscordSurface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordSurface")
            .field("pending_buttons", &self.buttons.pending())
            .finish_non_exhaustive()
    }
}

impl DiscordSurface {
    pub fn new(http: Arc<Http>) -> Self {
        Self {
            http,
            buttons: Buttons::default(),
            languages: DashMap::new(),
        }
    }

    /// The registry the gateway's click handler routes into.
    pub fn buttons(&self) -> &Buttons {
        &self.buttons
    }

    pub fn http(&self) -> &Http {
        &self.http
    }
}

fn snowflake(what: &str, id: &str) -> anyhow::Result<u64> {
    id.parse::<u64>()
        .ok()
        .filter(|n| *n != 0)
        .with_context(|| format!("{what} {id:?} is not a Discord id"))
}

fn channel(id: &str) -> anyhow::Result<ChannelId> {
    snowflake("channel", id).map(ChannelId::new)
}

fn message(id: &str) -> anyhow::Result<MessageId> {
    snowflake("message", id).map(MessageId::new)
}

/// Clip to Discord's limit on a character boundary, marking the cut.
fn clip(text: &str) -> String {
    if text.chars().count() <= MESSAGE_LIMIT {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(MESSAGE_LIMIT - 1).collect();
    out.push('…');
    out
}

/// Plain text that pings nobody: names in engine texts must never turn into mentions.
fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

/// A plain message that fits Discord's limit and pings nobody.
fn text_message(text: &str) -> CreateMessage {
    CreateMessage::new()
        .content(clip(text))
        .allowed_mentions(no_mentions())
}

impl DiscordSurface {
    /// Put `ask`'s buttons on the status message and wait for an allowed click or the timeout.
    async fn ask(
        &self,
        status: &MessageRef,
        timeout: Duration,
        guard: ClickGuard,
        ask: Ask,
    ) -> anyhow::Result<Decision> {
        // The prompt is already in the thread and the status says it waits for confirmation;
        // the buttons only need to appear on the status message.
        let channel_id = channel(&status.channel)?;
        let message_id = message(&status.message)?;
        let pending = self.buttons.register(&status.message);
        // A change that waited for its service to wake may ask for a confirmation after
        // that on the same message: only that last question forgets the language.
        let loc = match ask {
            Ask::Wake => self.languages.get(&status.message).map(|l| *l),
            Ask::Confirm => self.languages.remove(&status.message).map(|(_, l)| l),
        }
        .unwrap_or_default();
        channel_id
            .edit_message(
                self.http.as_ref(),
                message_id,
                EditMessage::new().components(vec![confirm_row(&status.message, loc, ask)]),
            )
            .await
            .context("adding the confirmation buttons")?;
        match pending.wait(&self.http, timeout, &guard).await {
            Some(decision) => Ok(decision),
            None => {
                // Expired: take the buttons away so nobody clicks a dead control.
                if let Err(e) = channel_id
                    .edit_message(
                        self.http.as_ref(),
                        message_id,
                        EditMessage::new().components(Vec::new()),
                    )
                    .await
                {
                    tracing::warn!(message = %status.message, error = %e, "could not remove expired buttons");
                }
                Ok(Decision::Expired)
            }
        }
    }
}

#[async_trait]
impl ChatSurface for DiscordSurface {
    async fn post_status(&self, origin: &Origin, text: &str) -> anyhow::Result<MessageRef> {
        let sent = channel(&origin.channel)?
            .send_message(self.http.as_ref(), text_message(text))
            .await
            .context("posting the status message")?;
        if self.languages.len() >= REMEMBERED_LANGUAGES {
            // Snowflakes grow with time: keep the newer half.
            let mut ids: Vec<u64> = self
                .languages
                .iter()
                .filter_map(|e| e.key().parse().ok())
                .collect();
            ids.sort_unstable();
            for id in &ids[..ids.len() / 2] {
                self.languages.remove(&id.to_string());
            }
        }
        self.languages.insert(sent.id.to_string(), origin.lang());
        Ok(MessageRef {
            channel: sent.channel_id.to_string(),
            message: sent.id.to_string(),
        })
    }

    async fn edit_status(&self, status: &MessageRef, text: &str) -> anyhow::Result<()> {
        channel(&status.channel)?
            .edit_message(
                self.http.as_ref(),
                message(&status.message)?,
                EditMessage::new()
                    .content(clip(text))
                    .allowed_mentions(no_mentions())
                    .components(Vec::new()),
            )
            .await
            .context("editing the status message")?;
        Ok(())
    }

    async fn open_thread(&self, status: &MessageRef, name: &str) -> anyhow::Result<ThreadRef> {
        let thread = channel(&status.channel)?
            .create_thread_from_message(
                self.http.as_ref(),
                message(&status.message)?,
                CreateThread::new(name).auto_archive_duration(AutoArchiveDuration::OneDay),
            )
            .await
            .context("opening a thread on the status message")?;
        Ok(ThreadRef(thread.id.to_string()))
    }

    async fn post_in_thread(&self, thread: &ThreadRef, text: &str) -> anyhow::Result<()> {
        channel(&thread.0)?
            .send_message(self.http.as_ref(), text_message(text))
            .await
            .context("posting in the thread")?;
        Ok(())
    }

    async fn post_in_thread_once(
        &self,
        thread: &ThreadRef,
        text: &str,
        key: &str,
    ) -> anyhow::Result<()> {
        // Discord drops a second message with the same nonce from the same author sent within
        // a few minutes, which covers a restart between posting and recording the post.
        let message = text_message(text)
            .nonce(serenity::all::Nonce::String(key.chars().take(25).collect()))
            .enforce_nonce(true);
        channel(&thread.0)?
            .send_message(self.http.as_ref(), message)
            .await
            .context("posting in the thread")?;
        Ok(())
    }

    async fn confirm(
        &self,
        status: &MessageRef,
        _prompt: &str,
        timeout: Duration,
        guard: ClickGuard,
    ) -> anyhow::Result<Decision> {
        self.ask(status, timeout, guard, Ask::Confirm).await
    }

    async fn confirm_wake(
        &self,
        status: &MessageRef,
        _prompt: &str,
        timeout: Duration,
        guard: ClickGuard,
    ) -> anyhow::Result<Decision> {
        self.ask(status, timeout, guard, Ask::Wake).await
    }

    async fn post_reminder(
        &self,
        thread: &ThreadRef,
        post: &ReminderPost,
    ) -> anyhow::Result<MessageRef> {
        // Reminders are the one place the bot pings: the configured roles, nobody else.
        let roles = post
            .mention_roles
            .iter()
            .filter_map(|r| r.parse::<u64>().ok().filter(|n| *n != 0).map(RoleId::new));
        let buttons = post
            .buttons
            .iter()
            .map(|b| {
                CreateButton::new(b.id.clone())
                    .label(b.label.clone())
                    .style(match b.style {
                        ButtonStyle::Primary => DiscordStyle::Primary,
                        ButtonStyle::Secondary => DiscordStyle::Secondary,
                        ButtonStyle::Danger => DiscordStyle::Danger,
                    })
            })
            .collect();
        let message = CreateMessage::new()
            .content(clip(&post.text))
            .allowed_mentions(CreateAllowedMentions::new().roles(roles))
            .components(vec![CreateActionRow::Buttons(buttons)]);
        let sent = channel(&thread.0)?
            .send_message(self.http.as_ref(), message)
            .await
            .context("posting a reminder")?;
        Ok(MessageRef {
            channel: sent.channel_id.to_string(),
            message: sent.id.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_clipped_to_discords_limit() {
        let long = "é".repeat(2500);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), MESSAGE_LIMIT);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn ids_must_be_snowflakes() {
        assert_eq!(channel("42").unwrap(), ChannelId::new(42));
        assert!(channel("0").is_err());
        assert!(message("general").is_err());
    }
}
