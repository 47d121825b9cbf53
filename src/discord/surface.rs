//! [`ChatSurface`] for Discord, speaking with the bot token only.
//!
//! The interaction token a slash command brings expires after 15 minutes, while a CDC change
//! takes 3-5 minutes and a watch may run 20. So everything the engine says goes through channel
//! messages (`POST /channels/{id}/messages`), message edits and a thread on the status message,
//! all authorized by the bot token, which does not expire.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context as _;
use async_trait::async_trait;
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use serenity::all::{
    AutoArchiveDuration, ButtonStyle as DiscordStyle, CreateActionRow, CreateAllowedMentions,
    CreateButton, CreateInteractionResponseFollowup, CreateMessage, CreateThread, EditMessage,
    Http, RoleId,
};

use dashmap::DashMap;

use super::{
    buttons::{confirm_row, Buttons},
    rest::{DiscordRest, RestError},
};
use crate::{
    i18n::Locale,
    ops::{
        Ask, ButtonStyle, ChatSurface, ClickGuard, Decision, MessageRef, OperationId, Origin,
        ReminderPost, ThreadRef, Undeliverable,
    },
};

/// Discord caps message content at 2000 characters.
const MESSAGE_LIMIT: usize = 2000;

/// An interaction token lasts 15 minutes; stop using it a little before, so a follow-up
/// never races its expiry.
const TOKEN_LIFETIME: Duration = Duration::from_secs(14 * 60 + 30);

/// Discord's answer when a thread was already opened on the message (a retried call whose
/// first answer was lost): the thread has the message's id.
const THREAD_ALREADY_CREATED: u64 = 160_004;

pub struct DiscordSurface {
    http: Arc<Http>,
    rest: DiscordRest,
    buttons: Buttons,
    /// The language of each recent status message, for its button labels: `confirm` only
    /// gets the message, and the labels must match the text above them.
    languages: DashMap<String, Locale>,
    /// The interaction token of each operation started here from a slash command, and when
    /// the interaction came: the private way to its requester while the token lives. Memory
    /// only: a token is a credential and never goes to the store.
    requesters: DashMap<OperationId, (SecretString, Instant)>,
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
    pub fn new(http: Arc<Http>, rest: DiscordRest) -> Self {
        Self {
            http,
            rest,
            buttons: Buttons::default(),
            languages: DashMap::new(),
            requesters: DashMap::new(),
        }
    }

    /// The registry the gateway's click handler routes into.
    pub fn buttons(&self) -> &Buttons {
        &self.buttons
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    /// Operation `op` was asked for by the interaction with `token`, which came at `since`.
    pub fn remember_requester(&self, op: OperationId, token: &str, since: Instant) {
        self.requesters
            .retain(|_, (_, at)| at.elapsed() < TOKEN_LIFETIME);
        self.requesters
            .insert(op, (SecretString::from(token.to_owned()), since));
    }
}

fn snowflake(what: &str, id: &str) -> anyhow::Result<u64> {
    id.parse::<u64>()
        .ok()
        .filter(|n| *n != 0)
        .with_context(|| format!("{what} {id:?} is not a Discord id"))
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

/// A plain message that fits Discord's limit and pings nobody, with a nonce Discord enforces:
/// sent again after a lost answer, it shows once.
fn text_message(text: &str, nonce: String) -> CreateMessage {
    CreateMessage::new()
        .content(clip(text))
        .allowed_mentions(no_mentions())
        .nonce(serenity::all::Nonce::String(
            nonce.chars().take(25).collect(),
        ))
        .enforce_nonce(true)
}

/// A fresh nonce for a message that has no key of its own.
fn fresh_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..25].to_owned()
}

fn body(builder: &impl serde::Serialize) -> anyhow::Result<Value> {
    serde_json::to_value(builder).context("serializing a Discord request")
}

/// A failed call as the engine sees it: refused for good ([`Undeliverable`] inside), or not now.
fn failed(what: &'static str, e: RestError) -> anyhow::Error {
    let why = match &e {
        RestError::Refused { status, code, .. } => Some(match (*status, *code) {
            (_, 50001) | (_, 50013) | (403, _) => Undeliverable::MissingPermission,
            (_, 10003) | (_, 10008) | (404, _) => Undeliverable::Gone,
            (_, 50083) => Undeliverable::Locked,
            _ => Undeliverable::Refused,
        }),
        RestError::Unavailable(_) => None,
    };
    match why {
        Some(why) => anyhow::Error::new(why).context(format!("{what}: {e}")),
        None => anyhow::Error::new(e).context(what),
    }
}

/// The id string of a JSON object Discord returned.
fn id_of(v: &Value, field: &str) -> anyhow::Result<String> {
    match &v[field] {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => anyhow::bail!("Discord's answer has no `{field}`"),
    }
}

impl DiscordSurface {
    async fn post(
        &self,
        channel: &str,
        message: &CreateMessage,
        what: &'static str,
    ) -> anyhow::Result<Value> {
        let channel = snowflake("channel", channel)?;
        self.rest
            .call(
                Method::POST,
                &format!("/channels/{channel}/messages"),
                Some(&body(message)?),
            )
            .await
            .map_err(|e| failed(what, e))
    }

    async fn edit(
        &self,
        status: &MessageRef,
        edit: &EditMessage,
        what: &'static str,
    ) -> anyhow::Result<()> {
        let channel = snowflake("channel", &status.channel)?;
        let message = snowflake("message", &status.message)?;
        self.rest
            .call(
                Method::PATCH,
                &format!("/channels/{channel}/messages/{message}"),
                Some(&body(edit)?),
            )
            .await
            .map_err(|e| failed(what, e))?;
        Ok(())
    }
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
        let pending = self.buttons.register(&status.message);
        // A change that waited for its service to wake may ask for a confirmation after
        // that on the same message: only that last question forgets the language.
        let loc = match ask {
            Ask::Wake => self.languages.get(&status.message).map(|l| *l),
            Ask::Confirm => self.languages.remove(&status.message).map(|(_, l)| l),
        }
        .unwrap_or_default();
        self.edit(
            status,
            &EditMessage::new().components(vec![confirm_row(&status.message, loc, ask)]),
            "adding the confirmation buttons",
        )
        .await?;
        match pending.wait(&self.http, timeout, &guard).await {
            Some(decision) => Ok(decision),
            None => {
                // Expired: take the buttons away so nobody clicks a dead control.
                if let Err(e) = self
                    .edit(
                        status,
                        &EditMessage::new().components(Vec::new()),
                        "removing expired buttons",
                    )
                    .await
                {
                    tracing::warn!(message = %status.message, error = format!("{e:#}"), "could not remove expired buttons");
                }
                Ok(Decision::Expired)
            }
        }
    }
}

#[async_trait]
impl ChatSurface for DiscordSurface {
    async fn post_status(&self, origin: &Origin, text: &str) -> anyhow::Result<MessageRef> {
        let sent = self
            .post(
                &origin.channel,
                &text_message(text, fresh_nonce()),
                "posting the status message",
            )
            .await?;
        let sent = MessageRef {
            channel: id_of(&sent, "channel_id")?,
            message: id_of(&sent, "id")?,
        };
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
        self.languages.insert(sent.message.clone(), origin.lang());
        Ok(sent)
    }

    async fn edit_status(&self, status: &MessageRef, text: &str) -> anyhow::Result<()> {
        let edit = EditMessage::new()
            .content(clip(text))
            .allowed_mentions(no_mentions())
            .components(Vec::new());
        self.edit(status, &edit, "editing the status message").await
    }

    async fn open_thread(&self, status: &MessageRef, name: &str) -> anyhow::Result<ThreadRef> {
        let channel = snowflake("channel", &status.channel)?;
        let message = snowflake("message", &status.message)?;
        let create = CreateThread::new(name).auto_archive_duration(AutoArchiveDuration::OneDay);
        match self
            .rest
            .call(
                Method::POST,
                &format!("/channels/{channel}/messages/{message}/threads"),
                Some(&body(&create)?),
            )
            .await
        {
            Ok(thread) => Ok(ThreadRef(id_of(&thread, "id")?)),
            // Opened by an earlier try whose answer was lost: a thread on a message has the
            // message's id.
            Err(RestError::Refused { code, .. }) if code == THREAD_ALREADY_CREATED => {
                Ok(ThreadRef(message.to_string()))
            }
            Err(e) => Err(failed("opening a thread on the status message", e)),
        }
    }

    async fn post_in_thread(&self, thread: &ThreadRef, text: &str) -> anyhow::Result<()> {
        self.post(
            &thread.0,
            &text_message(text, fresh_nonce()),
            "posting in the thread",
        )
        .await?;
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
        self.post(
            &thread.0,
            &text_message(text, key.to_owned()),
            "posting in the thread",
        )
        .await?;
        Ok(())
    }

    async fn tell_requester(&self, op: OperationId, text: &str) -> anyhow::Result<()> {
        let token = self
            .requesters
            .get(&op)
            .filter(|e| e.1.elapsed() < TOKEN_LIFETIME)
            .map(|e| e.0.clone())
            .with_context(|| format!("the interaction of operation {op} has expired"))?;
        let followup = CreateInteractionResponseFollowup::new()
            .content(clip(text))
            .ephemeral(true)
            .allowed_mentions(no_mentions());
        self.http
            .create_followup_message(token.expose_secret(), &followup, Vec::new())
            .await
            .context("a private follow-up to the requester")?;
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
        let sent = self
            .post(
                &thread.0,
                &message
                    .nonce(serenity::all::Nonce::String(
                        post.nonce.chars().take(25).collect(),
                    ))
                    .enforce_nonce(true),
                "posting a reminder",
            )
            .await?;
        Ok(MessageRef {
            channel: id_of(&sent, "channel_id")?,
            message: id_of(&sent, "id")?,
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
        assert_eq!(snowflake("channel", "42").unwrap(), 42);
        assert!(snowflake("channel", "0").is_err());
        assert!(snowflake("message", "general").is_err());
    }

    #[test]
    fn refusals_carry_what_a_person_can_act_on() {
        let refused = |status, code| RestError::Refused {
            status,
            code,
            message: "x".into(),
        };
        let kind = |e| Undeliverable::of(&failed("posting", e));
        assert_eq!(
            kind(refused(403, 50013)),
            Some(Undeliverable::MissingPermission)
        );
        assert_eq!(kind(refused(404, 10003)), Some(Undeliverable::Gone));
        assert_eq!(kind(RestError::Unavailable("503".into())), None);
    }
}
