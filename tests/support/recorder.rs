//! A [`ChatSurface`] that records what the engine shows, for engine-level tests: every status
//! message, edit, thread post and reminder in order, with scripted answers to confirmations.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use async_trait::async_trait;
use clickscale::ops::{
    Actor, ChatSurface, ClickGuard, Decision, MessageRef, Origin, ReminderPost, ThreadRef,
};

/// What a surface was asked to show, in order.
#[derive(Debug, Default)]
pub struct Recorder {
    lines: Mutex<Vec<String>>,
    /// Scripted answers to confirmation requests: who clicks what.
    pub clicks: Mutex<Vec<(Actor, bool)>>,
    /// Every reminder posted, with the thread it went to.
    reminders: Mutex<Vec<(ThreadRef, ReminderPost)>>,
    /// Confirm every confirmation request as this actor when no scripted click is left.
    pub auto_confirm: Mutex<Option<Actor>>,
    /// Keys of idempotent posts already shown (Discord's message nonce, modelled).
    once: Mutex<std::collections::HashSet<String>>,
}

#[async_trait]
impl ChatSurface for Recorder {
    async fn post_status(&self, origin: &Origin, text: &str) -> anyhow::Result<MessageRef> {
        let mut lines = self.lines.lock().unwrap();
        lines.push(format!("status: {text}"));
        Ok(MessageRef {
            channel: origin.channel.clone(),
            message: lines.len().to_string(),
        })
    }
    async fn edit_status(&self, m: &MessageRef, text: &str) -> anyhow::Result<()> {
        self.lines
            .lock()
            .unwrap()
            .push(format!("edit {}: {text}", m.message));
        Ok(())
    }
    async fn open_thread(&self, m: &MessageRef, name: &str) -> anyhow::Result<ThreadRef> {
        self.lines.lock().unwrap().push(format!("thread: {name}"));
        Ok(ThreadRef(m.message.clone()))
    }
    async fn post_in_thread(&self, t: &ThreadRef, text: &str) -> anyhow::Result<()> {
        self.lines
            .lock()
            .unwrap()
            .push(format!("  [{}] {text}", t.0));
        Ok(())
    }
    async fn post_in_thread_once(
        &self,
        t: &ThreadRef,
        text: &str,
        key: &str,
    ) -> anyhow::Result<()> {
        // Like Discord with `enforce_nonce`: a repeat of a key shows nothing new.
        if self.once.lock().unwrap().insert(key.to_owned()) {
            self.post_in_thread(t, text).await?;
        }
        Ok(())
    }
    async fn confirm(
        &self,
        _: &MessageRef,
        _: &str,
        _: Duration,
        guard: ClickGuard,
    ) -> anyhow::Result<Decision> {
        let clicks: Vec<_> = self.clicks.lock().unwrap().drain(..).collect();
        for (actor, confirm) in clicks {
            match guard(&actor) {
                Err(reason) => self
                    .lines
                    .lock()
                    .unwrap()
                    .push(format!("refused {}: {reason}", actor.name)),
                Ok(()) if confirm => return Ok(Decision::Confirmed(actor)),
                Ok(()) => return Ok(Decision::Cancelled(actor)),
            }
        }
        match self.auto_confirm.lock().unwrap().clone() {
            Some(actor) => Ok(Decision::Confirmed(actor)),
            None => Ok(Decision::Expired),
        }
    }
    async fn post_reminder(
        &self,
        t: &ThreadRef,
        post: &ReminderPost,
    ) -> anyhow::Result<MessageRef> {
        let mut lines = self.lines.lock().unwrap();
        let labels: Vec<&str> = post.buttons.iter().map(|b| b.label.as_str()).collect();
        lines.push(format!("  [{}] reminder: {} {labels:?}", t.0, post.text));
        self.reminders
            .lock()
            .unwrap()
            .push((t.clone(), post.clone()));
        Ok(MessageRef {
            channel: t.0.clone(),
            message: lines.len().to_string(),
        })
    }
}

impl Recorder {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn text(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    pub fn reminders(&self) -> Vec<(ThreadRef, ReminderPost)> {
        self.reminders.lock().unwrap().clone()
    }

    /// Lines containing `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(needle))
            .count()
    }

    /// Wait until `pred` holds for the recorded text, or panic with it after `limit`.
    pub async fn wait_for(&self, what: &str, limit: Duration, pred: impl Fn(&Recorder) -> bool) {
        let deadline = tokio::time::Instant::now() + limit;
        while !pred(self) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}:\n{}",
                self.text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

pub fn actor(name: &str, roles: &[&str]) -> Actor {
    Actor {
        id: name.into(),
        name: name.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}
