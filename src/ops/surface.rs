//! The narrow interface between the engine and a chat surface (Discord, console).
//!
//! The engine decides what to say and when; a surface only knows how to show it. Handles are
//! plain strings so that a durable store can keep them and a restarted process can post into
//! the same message and thread again.

use std::{fmt, sync::Arc, time::Duration};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::request::{OperationId, Rejection};

/// Who asked for (or clicked on) something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Stable id (Discord user id, or the console user's name).
    pub id: String,
    /// Display name for messages.
    pub name: String,
    /// Role ids (Discord) or names (console) used by the policy.
    pub roles: Vec<String>,
}

/// Where a request came from; the status message goes there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub guild: Option<String>,
    pub channel: String,
    /// BCP 47 locale of the interaction (`en-US`, `ru`, `zh-CN`).
    pub locale: String,
}

impl Origin {
    /// The language to answer in: the interaction's locale, English when we lack it.
    pub fn lang(&self) -> crate::i18n::Locale {
        crate::i18n::Locale::from_tag(&self.locale)
    }
}

/// A status message the surface posted, as the surface identifies it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MessageRef {
    pub channel: String,
    pub message: String,
}

/// A thread opened on a status message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThreadRef(pub String);

impl fmt::Display for ThreadRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The answer to a confirmation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Confirmed(Actor),
    Cancelled(Actor),
    /// Nobody allowed to decide clicked before the buttons expired.
    Expired,
}

/// What a row of decision buttons on a status message asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Confirm / Cancel a risky change.
    Confirm,
    /// Wake and continue / Cancel: the service is idle.
    Wake,
}

/// How a notice button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Danger,
}

/// A button on a reminder. Its `id` is routed back to [`crate::ops::Engine::answer`] by the
/// surface's click handler (not to a waiting task), so it works after a restart too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeButton {
    pub id: String,
    pub label: String,
    pub style: ButtonStyle,
    /// The click must come with a reason (Keep): Discord asks for it in a modal.
    pub asks_reason: bool,
}

/// A reminder post: text, the roles it pings, and its answer buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPost {
    pub text: String,
    pub mention_roles: Vec<String>,
    pub buttons: Vec<NoticeButton>,
    /// The same for every try of one post (Discord's message nonce, up to 25 characters):
    /// a post sent again after a failure or a crash shows once.
    pub nonce: String,
}

/// Decides whether a clicker may press a button; `Err` carries the reason shown to them
/// privately (the surface renders it in the clicker's language).
pub type ClickGuard = Arc<dyn Fn(&Actor) -> Result<(), Rejection> + Send + Sync>;

/// Why a surface cannot post somewhere, for good: retrying will not help, so the engine falls
/// back to telling the requester privately, or to the audit log. Surfaces put it inside the
/// `anyhow::Error` they return; [`Undeliverable::of`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Undeliverable {
    #[error("the bot is no longer allowed to post there")]
    MissingPermission,
    #[error("the channel or thread was deleted")]
    Gone,
    #[error("the thread is archived and locked")]
    Locked,
    #[error("the chat refused the message")]
    Refused,
}

impl Undeliverable {
    /// The refusal inside a surface's error, if that is what it was.
    pub fn of(e: &anyhow::Error) -> Option<Self> {
        e.downcast_ref::<Self>().copied()
    }

    /// Why, in the reader's language.
    pub fn render(self, loc: crate::i18n::Locale) -> String {
        match self {
            Self::MissingPermission => crate::t!(loc, "undeliverable-permission"),
            Self::Gone => crate::t!(loc, "undeliverable-gone"),
            Self::Locked => crate::t!(loc, "undeliverable-locked"),
            Self::Refused => crate::t!(loc, "undeliverable-refused"),
        }
    }
}

/// What the engine needs from a chat surface. Errors are the surface's own (network, gone
/// channel); the engine logs them and goes on, since it cannot report a broken chat in that chat.
#[async_trait]
pub trait ChatSurface: Send + Sync + 'static {
    /// Post the public status message of an operation.
    async fn post_status(&self, origin: &Origin, text: &str) -> anyhow::Result<MessageRef>;
    /// Replace the text of a status message (and remove any buttons on it).
    async fn edit_status(&self, message: &MessageRef, text: &str) -> anyhow::Result<()>;
    /// Open a thread on a status message for the follow-ups.
    async fn open_thread(&self, message: &MessageRef, name: &str) -> anyhow::Result<ThreadRef>;
    /// Post a follow-up in a thread.
    async fn post_in_thread(&self, thread: &ThreadRef, text: &str) -> anyhow::Result<()>;
    /// Post a follow-up that must show once even if it is sent again under the same `key`
    /// (after a crash between posting and recording it). Surfaces that cannot deduplicate
    /// post it plainly.
    async fn post_in_thread_once(
        &self,
        thread: &ThreadRef,
        text: &str,
        key: &str,
    ) -> anyhow::Result<()> {
        let _ = key;
        self.post_in_thread(thread, text).await
    }
    /// Tell the person who asked for operation `op`, privately, where nobody else sees it
    /// (Discord: an ephemeral follow-up, while the interaction's 15 minutes last). `Err` when
    /// that way is closed; the engine writes to the audit log instead.
    async fn tell_requester(&self, op: OperationId, text: &str) -> anyhow::Result<()> {
        let _ = (op, text);
        anyhow::bail!("no private way to the requester on this surface")
    }
    /// Put Confirm / Cancel buttons on the status message and wait for an allowed click or the
    /// timeout. Clicks that `guard` rejects are answered privately and do not end the wait.
    async fn confirm(
        &self,
        message: &MessageRef,
        prompt: &str,
        timeout: Duration,
        guard: ClickGuard,
    ) -> anyhow::Result<Decision>;
    /// Like [`ChatSurface::confirm`], with **Wake and continue** in place of Confirm: the
    /// service is idle and the change can only go on once it runs. Surfaces without their own
    /// label show the confirmation buttons.
    async fn confirm_wake(
        &self,
        message: &MessageRef,
        prompt: &str,
        timeout: Duration,
        guard: ClickGuard,
    ) -> anyhow::Result<Decision> {
        self.confirm(message, prompt, timeout, guard).await
    }
    /// Post a reminder with answer buttons in a thread, pinging only `mention_roles`.
    /// [`ChatSurface::edit_status`] replaces its text and takes the buttons away.
    async fn post_reminder(
        &self,
        thread: &ThreadRef,
        post: &ReminderPost,
    ) -> anyhow::Result<MessageRef>;
}
