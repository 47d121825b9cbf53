//! [`ConsoleSurface`]: the engine's chat surface in a terminal.
//!
//! Status messages get a short number (`[msg 3]`), edits are printed again, thread follow-ups
//! are indented under the thread's name, and Confirm / Cancel become a numbered row that a
//! typed label or number presses.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::Duration,
};

use async_trait::async_trait;
use tokio::sync::{mpsc, oneshot, watch};

use super::{
    output::{hanging, plain, Printer},
    parse::{Button, Choice},
};
use crate::{
    i18n::Locale,
    ops::{
        Actor, Ask, ChatSurface, ClickGuard, Decision, MessageRef, Origin, ReminderPost, ThreadRef,
    },
    t,
};

/// The channel name console messages are posted in (policy rules can name it).
pub const CHANNEL: &str = "console";

/// What became of a typed button press.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Press {
    /// No message has buttons waiting.
    NothingWaiting,
    /// The newest message with buttons has no button with that number or label; `ask` is
    /// what its row asks.
    NoSuchButton { message: MessageRef, ask: Ask },
    /// The click decided the confirmation.
    Taken { message: MessageRef, button: Button },
    /// The guard refused the click; the buttons keep waiting.
    Refused { message: MessageRef, reason: String },
    /// The buttons expired while the click was on its way.
    Expired { message: MessageRef },
}

enum Event {
    Click {
        button: Button,
        actor: Actor,
        ack: oneshot::Sender<Result<(), String>>,
    },
    /// No more input will come: give up waiting.
    Expire,
}

struct Pending {
    message: MessageRef,
    /// What its row asks, so that a number or label is read against that row.
    ask: Ask,
    tx: mpsc::UnboundedSender<Event>,
}

/// A [`ChatSurface`] that prints to the console's [`Printer`].
#[derive(Debug)]
pub struct ConsoleSurface {
    printer: Printer,
    /// The language of the console's own labels and of refusals shown to the clicker.
    locale: Locale,
    /// This run's random token, the first part of every message id: the store keeps the ids
    /// for its whole life, and a counter alone would start at 1 again on the next run.
    run: String,
    /// This run's message counter, the part of the id shown to the user.
    next_message: AtomicU64,
    /// Thread id -> the name shown before each follow-up.
    threads: Mutex<HashMap<String, String>>,
    /// Messages with buttons waiting, oldest first.
    pending: Mutex<Vec<Pending>>,
    /// The newest status message posted.
    last_status: Mutex<Option<MessageRef>>,
    /// Bumped whenever buttons appear or go, so the input loop can wait for them.
    changes: watch::Sender<u64>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

/// Between a thread's id and its name in a [`ThreadRef`] (message ids never contain it).
const NAME_SEPARATOR: char = ' ';

impl ConsoleSurface {
    pub fn new(printer: Printer, locale: Locale) -> Self {
        Self {
            printer,
            locale,
            run: format!("{:016x}", rand::random::<u64>()),
            next_message: AtomicU64::new(1),
            threads: Mutex::new(HashMap::new()),
            pending: Mutex::new(Vec::new()),
            last_status: Mutex::new(None),
            changes: watch::channel(0).0,
        }
    }

    /// A new message id: unique for the store's life, `<run>-<n>`.
    fn new_message(&self) -> MessageRef {
        let n = self.next_message.fetch_add(1, Ordering::Relaxed);
        MessageRef {
            channel: CHANNEL.into(),
            message: format!("{}-{n}", self.run),
        }
    }

    /// How a message is named on screen: its number in this run, or marked as an earlier run's.
    pub fn message_name(&self, message: &MessageRef) -> String {
        match message
            .message
            .strip_prefix(self.run.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
        {
            Some(n) => n.to_owned(),
            None => {
                // `<run>-<n>` from an earlier run (or a bare number from before run tokens).
                let n = message.message.rsplit('-').next().unwrap_or_default();
                t!(self.locale, "console-earlier-message", n = plain(n))
            }
        }
    }

    /// `[msg 3]`, or `[msg 3 edited]` with `suffix`.
    pub fn label(&self, message: &MessageRef, suffix: Option<&str>) -> String {
        match suffix {
            Some(s) => format!("[msg {} {s}]", self.message_name(message)),
            None => format!("[msg {}]", self.message_name(message)),
        }
    }

    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The newest status message posted so far.
    pub fn last_status(&self) -> Option<MessageRef> {
        Self::lock(&self.last_status).clone()
    }

    /// Whether `message` has buttons waiting for a click.
    pub fn has_buttons(&self, message: &MessageRef) -> bool {
        Self::lock(&self.pending)
            .iter()
            .any(|p| &p.message == message)
    }

    /// Messages with buttons waiting.
    pub fn waiting(&self) -> usize {
        Self::lock(&self.pending).len()
    }

    /// Changes whenever buttons appear or go.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn bump(&self) {
        self.changes.send_modify(|n| *n += 1);
    }

    fn remove(&self, message: &MessageRef) {
        Self::lock(&self.pending).retain(|p| &p.message != message);
        self.bump();
    }

    /// Press `choice` as `actor` on the newest message with buttons, and wait for the verdict.
    pub async fn press(&self, choice: Choice, actor: &Actor) -> Press {
        let newest = Self::lock(&self.pending)
            .last()
            .map(|p| (p.message.clone(), p.ask, p.tx.clone()));
        let Some((message, ask, tx)) = newest else {
            return Press::NothingWaiting;
        };
        let Some(button) = choice.button_for(ask) else {
            return Press::NoSuchButton { message, ask };
        };
        let (ack, verdict) = oneshot::channel();
        let sent = tx.send(Event::Click {
            button,
            actor: actor.clone(),
            ack,
        });
        if sent.is_err() {
            return Press::Expired { message };
        }
        match verdict.await {
            Ok(Ok(())) => Press::Taken { message, button },
            Ok(Err(reason)) => Press::Refused { message, reason },
            Err(_) => Press::Expired { message },
        }
    }

    /// End every wait for a click now (no more input will come); returns how many there were.
    pub fn expire_all(&self) -> usize {
        let pending = Self::lock(&self.pending);
        for p in pending.iter() {
            let _ = p.tx.send(Event::Expire);
        }
        pending.len()
    }
}

impl ConsoleSurface {
    /// Print `ask`'s row under the status message and wait for an allowed press or the timeout.
    async fn ask(
        &self,
        message: &MessageRef,
        timeout: Duration,
        guard: ClickGuard,
        ask: Ask,
    ) -> anyhow::Result<Decision> {
        // The engine has already put the prompt in the thread; only the buttons are shown here.
        let (tx, mut rx) = mpsc::unbounded_channel();
        // The row is printed before the buttons count as waiting: a script's next line waits
        // for them, and its echo must come after the row.
        self.printer.block(&format!(
            "{} {}",
            self.label(message, None),
            t!(
                self.locale,
                "console-buttons",
                row = Button::row_for(ask, self.locale)
            )
        ));
        Self::lock(&self.pending).push(Pending {
            message: message.clone(),
            ask,
            tx,
        });
        self.bump();
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let decision = loop {
            tokio::select! {
                event = rx.recv() => match event {
                    Some(Event::Click { button, actor, ack }) => match guard(&actor) {
                        Ok(()) => {
                            // The buttons go before the clicker hears back, so it never sees them again.
                            self.remove(message);
                            let _ = ack.send(Ok(()));
                            break match button {
                                Button::Confirm | Button::Wake => Decision::Confirmed(actor),
                                Button::Cancel => Decision::Cancelled(actor),
                            };
                        }
                        Err(reason) => {
                            let _ = ack.send(Err(reason.user_message(self.locale)));
                        }
                    },
                    Some(Event::Expire) | None => break Decision::Expired,
                },
                () = &mut deadline => break Decision::Expired,
            }
        };
        self.remove(message);
        Ok(decision)
    }
}

#[async_trait]
impl ChatSurface for ConsoleSurface {
    async fn post_status(&self, _origin: &Origin, text: &str) -> anyhow::Result<MessageRef> {
        let message = self.new_message();
        self.printer
            .block(&hanging(&self.label(&message, None), text));
        *Self::lock(&self.last_status) = Some(message.clone());
        Ok(message)
    }

    async fn edit_status(&self, message: &MessageRef, text: &str) -> anyhow::Result<()> {
        let prefix = self.label(message, Some(&t!(self.locale, "console-edited")));
        self.printer.block(&hanging(&prefix, text));
        Ok(())
    }

    async fn open_thread(&self, message: &MessageRef, name: &str) -> anyhow::Result<ThreadRef> {
        // The name goes into the id too: a later run that resumes this thread's follow-ups
        // has no other way to know it.
        let name = plain(name).replace(['\n', '\r'], " ");
        let thread = ThreadRef(format!(
            "{}/{}{NAME_SEPARATOR}{name}",
            message.channel, message.message
        ));
        Self::lock(&self.threads).insert(thread.0.clone(), name);
        Ok(thread)
    }

    async fn post_in_thread(&self, thread: &ThreadRef, text: &str) -> anyhow::Result<()> {
        let name = Self::lock(&self.threads)
            .get(&thread.0)
            .cloned()
            .unwrap_or_else(|| thread_name(thread));
        let prefix = format!("  └ {name}:");
        self.printer.block(&hanging(&prefix, text));
        Ok(())
    }

    async fn confirm(
        &self,
        message: &MessageRef,
        _prompt: &str,
        timeout: Duration,
        guard: ClickGuard,
    ) -> anyhow::Result<Decision> {
        self.ask(message, timeout, guard, Ask::Confirm).await
    }

    async fn confirm_wake(
        &self,
        message: &MessageRef,
        _prompt: &str,
        timeout: Duration,
        guard: ClickGuard,
    ) -> anyhow::Result<Decision> {
        self.ask(message, timeout, guard, Ask::Wake).await
    }

    async fn post_reminder(
        &self,
        thread: &ThreadRef,
        post: &ReminderPost,
    ) -> anyhow::Result<MessageRef> {
        let message = self.new_message();
        // Role mentions read as @role here: `<@&oncall>` means nothing in a terminal.
        let mut text = post.text.clone();
        for role in &post.mention_roles {
            text = text.replace(&format!("<@&{role}>"), &format!("@{role}"));
        }
        self.post_in_thread(thread, &format!("{} {text}", self.label(&message, None)))
            .await?;
        let row = post
            .buttons
            .iter()
            .map(|b| format!("[{}]", b.label.trim_end_matches('…')))
            .collect::<Vec<_>>()
            .join("  ");
        let how = if post.buttons.iter().any(|b| b.asks_reason) {
            let keep = t!(self.locale, "button-keep");
            t!(
                self.locale,
                "console-reminder-hint-keep",
                keep = keep.trim_end_matches('…')
            )
        } else {
            t!(self.locale, "console-reminder-hint")
        };
        self.printer
            .block(&format!("{} {row}   {how}", self.label(&message, None)));
        self.bump();
        Ok(message)
    }
}

/// The name of a thread this run did not open, from its id (`console/<message> <name>`);
/// threads from before names were kept in the id are shown by their id.
fn thread_name(thread: &ThreadRef) -> String {
    match thread.0.split_once(NAME_SEPARATOR) {
        Some((_, name)) if !name.trim().is_empty() => name.to_owned(),
        _ => thread.0.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::console::output::tests::Buffer;

    fn actor(name: &str) -> Actor {
        Actor {
            id: name.into(),
            name: name.into(),
            roles: vec![],
        }
    }

    fn origin() -> Origin {
        Origin {
            guild: None,
            channel: CHANNEL.into(),
            locale: "en-US".into(),
        }
    }

    fn surface() -> (Arc<ConsoleSurface>, Buffer) {
        let buf = Buffer::default();
        let s = Arc::new(ConsoleSurface::new(
            Printer::new(Box::new(buf.clone()), false),
            Locale::EnUs,
        ));
        (s, buf)
    }

    async fn wait_for_buttons(s: &ConsoleSurface, m: &MessageRef) {
        let mut changes = s.changes();
        while !s.has_buttons(m) {
            changes.changed().await.unwrap();
        }
    }

    #[tokio::test]
    async fn messages_edits_and_threads_are_printed_in_order() {
        let (s, buf) = surface();
        let m = s
            .post_status(&origin(), "**/idle** `x` #1: a\nb")
            .await
            .unwrap();
        assert_eq!(s.last_status(), Some(m.clone()));
        let t = s.open_thread(&m, "idle x #1").await.unwrap();
        s.post_in_thread(&t, "accepted").await.unwrap();
        s.edit_status(&m, "done").await.unwrap();
        assert_eq!(
            buf.text(),
            "[msg 1] /idle `x` #1: a\n        b\n  └ idle x #1: accepted\n[msg 1 edited] done\n"
        );
    }

    #[tokio::test]
    async fn an_earlier_runs_messages_and_threads_are_named_as_such() {
        let (earlier, _) = surface();
        let m = earlier.post_status(&origin(), "one").await.unwrap();
        let t = earlier.open_thread(&m, "idle x #1").await.unwrap();
        let (s, buf) = surface();
        let mine = s.post_status(&origin(), "two").await.unwrap();
        assert_ne!(m, mine, "every run numbers its messages apart");
        s.edit_status(&m, "done").await.unwrap();
        s.post_in_thread(&t, "resumed").await.unwrap();
        s.post_in_thread(&ThreadRef("console/7".into()), "legacy")
            .await
            .unwrap();
        assert_eq!(
            buf.text(),
            "[msg 1] two\n[msg 1 of an earlier run edited] done\n  └ idle x #1: resumed\n  └ console/7: legacy\n"
        );
    }

    #[tokio::test]
    async fn a_refused_click_keeps_the_buttons_and_an_allowed_one_decides() {
        let (s, buf) = surface();
        assert_eq!(
            s.press(Choice::Label(Button::Confirm), &actor("a")).await,
            Press::NothingWaiting
        );
        let m = s.post_status(&origin(), "status").await.unwrap();
        let guard: ClickGuard = Arc::new(|a: &Actor| {
            if a.id == "alice" {
                Ok(())
            } else {
                Err(crate::ops::Rejection::NotDecider)
            }
        });
        let waiting = {
            let (s, m) = (s.clone(), m.clone());
            tokio::spawn(async move { s.confirm(&m, "p", Duration::from_secs(60), guard).await })
        };
        wait_for_buttons(&s, &m).await;
        assert_eq!(
            s.press(Choice::Number(3), &actor("alice")).await,
            Press::NoSuchButton {
                message: m.clone(),
                ask: Ask::Confirm
            }
        );
        assert_eq!(
            s.press(Choice::Label(Button::Confirm), &actor("bob")).await,
            Press::Refused {
                message: m.clone(),
                reason:
                    "Only the requester or a member of a confirmer role may decide on this change."
                        .into()
            }
        );
        assert!(s.has_buttons(&m));
        assert_eq!(
            s.press(Choice::Number(2), &actor("alice")).await,
            Press::Taken {
                message: m.clone(),
                button: Button::Cancel
            }
        );
        assert!(!s.has_buttons(&m));
        assert_eq!(
            waiting.await.unwrap().unwrap(),
            Decision::Cancelled(actor("alice"))
        );
        assert!(
            buf.text().contains("[msg 1] [1] Confirm  [2] Cancel"),
            "{}",
            buf.text()
        );
    }

    #[tokio::test]
    async fn the_newest_buttons_are_pressed_and_expiry_ends_the_rest() {
        let (s, _) = surface();
        let allow: ClickGuard = Arc::new(|_: &Actor| Ok(()));
        let m1 = s.post_status(&origin(), "one").await.unwrap();
        let m2 = s.post_status(&origin(), "two").await.unwrap();
        let w1 = {
            let (s, m, g) = (s.clone(), m1.clone(), allow.clone());
            tokio::spawn(async move { s.confirm(&m, "p", Duration::from_secs(60), g).await })
        };
        wait_for_buttons(&s, &m1).await;
        let w2 = {
            let (s, m, g) = (s.clone(), m2.clone(), allow.clone());
            tokio::spawn(async move { s.confirm(&m, "p", Duration::from_secs(60), g).await })
        };
        wait_for_buttons(&s, &m2).await;
        assert_eq!(
            s.press(Choice::Label(Button::Confirm), &actor("a")).await,
            Press::Taken {
                message: m2,
                button: Button::Confirm
            }
        );
        assert_eq!(w2.await.unwrap().unwrap(), Decision::Confirmed(actor("a")));
        assert_eq!(s.expire_all(), 1);
        assert_eq!(w1.await.unwrap().unwrap(), Decision::Expired);
        assert_eq!(s.waiting(), 0);
    }

    #[tokio::test]
    async fn buttons_expire_after_the_timeout() {
        let (s, _) = surface();
        let m = s.post_status(&origin(), "one").await.unwrap();
        let d = s
            .confirm(
                &m,
                "p",
                Duration::from_millis(30),
                Arc::new(|_: &Actor| Ok(())),
            )
            .await
            .unwrap();
        assert_eq!(d, Decision::Expired);
        assert!(!s.has_buttons(&m));
    }
}
