//! Getting an operation's words to the people who wait for them when the chat fails.
//!
//! - Every thread line goes through the store's outbox: queued, then posted in order with a
//!   nonce made from its outbox id (a line sent twice shows once), and dropped once posted.
//!   A line the surface could not post for now (still rate limited, 5xx, no answer) stays
//!   queued, and so does everything said after it in that thread, so the order holds; the
//!   background pass ([`Engine::flush_outbox`]) posts them later. The final notice waits for
//!   its thread's queue to be empty.
//! - A line refused for good (the bot lost a permission, the thread was deleted) goes to the
//!   requester privately while the surface still can ([`ChatSurface::tell_requester`]:
//!   Discord's interaction token lasts 15 minutes), and to the audit log after that, as an
//!   `undelivered` entry that keeps the text.

use std::sync::Arc;

use chrono::Utc;

use super::{
    engine::Engine,
    notices,
    request::{OperationId, ServiceRef},
    surface::{ChatSurface, Origin, ThreadRef, Undeliverable},
};
use crate::{
    store::{AuditAction, AuditEntry},
    t,
};

/// Who a line is for: the operation, where it was asked from, on which service.
#[derive(Debug, Clone)]
pub(super) struct Addressee {
    pub id: OperationId,
    pub origin: Origin,
    pub service: ServiceRef,
}

/// Whether a line went through the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Said {
    Recorded,
    /// The store did not answer: posted without being queued.
    Unrecorded,
}

/// The nonce of an outbox line (Discord takes up to 25 characters).
fn line_nonce(id: i64) -> String {
    format!("cs-l{id}")
}

impl Engine {
    /// Say `line` in `thread`, after everything queued there before it. Without a thread
    /// (the status message or the thread could not be opened) the requester is told privately.
    /// Returns [`Said::Unrecorded`] when the store did not answer and the line was posted
    /// straight away (or handed to a fallback) instead of queued.
    pub(super) async fn say_in_thread(
        &self,
        surface: &dyn ChatSurface,
        to: &Addressee,
        thread: Option<&ThreadRef>,
        line: &str,
    ) -> Said {
        let Some(thread) = thread else {
            self.undelivered(surface, to, None, line, None).await;
            return Said::Recorded;
        };
        match self.store().queue_line(to.id, thread, line).await {
            Ok(_) => {
                // Behind lines that failed: the background pass posts them all, in order.
                if !self.inner().backlog.contains(&thread.0) {
                    self.flush_thread(surface, thread).await;
                }
                Said::Recorded
            }
            Err(e) => {
                // Without the store the line cannot wait; post it now rather than lose it.
                tracing::warn!(
                    error = format!("{e:#}"),
                    "could not queue a thread line; posting it directly"
                );
                if let Err(e) = surface.post_in_thread(thread, line).await {
                    let why = Undeliverable::of(&e);
                    tracing::warn!(error = format!("{e:#}"), "could not post in the thread");
                    self.undelivered(surface, to, Some(thread), line, why).await;
                }
                Said::Unrecorded
            }
        }
    }

    /// Post the queued lines of `thread`, oldest first, until one fails for now. Returns
    /// whether the queue is empty.
    pub(super) async fn flush_thread(&self, surface: &dyn ChatSurface, thread: &ThreadRef) -> bool {
        let lock = self
            .inner()
            .thread_locks
            .entry(thread.0.clone())
            .or_default()
            .clone();
        let _one_at_a_time = lock.lock().await;
        let store = self.store();
        let lines = match store.queued_lines(thread).await {
            Ok(lines) => lines,
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), "could not read the outbox");
                self.inner().backlog.insert(thread.0.clone());
                return false;
            }
        };
        for line in lines {
            match surface
                .post_in_thread_once(thread, &line.text, &line_nonce(line.id))
                .await
            {
                Ok(()) => {}
                Err(e) => match Undeliverable::of(&e) {
                    Some(why) => {
                        tracing::warn!(operation = %line.operation, error = format!("{e:#}"), "the thread refuses posts; telling the requester another way");
                        match self.addressee(line.operation).await {
                            Some(to) => {
                                self.undelivered(surface, &to, Some(thread), &line.text, Some(why))
                                    .await
                            }
                            None => {
                                tracing::error!(operation = %line.operation, "undelivered line of an unknown operation")
                            }
                        }
                    }
                    None => {
                        tracing::warn!(operation = %line.operation, error = format!("{e:#}"), "could not post in the thread; kept in the outbox");
                        self.inner().backlog.insert(thread.0.clone());
                        return false;
                    }
                },
            }
            if let Err(e) = store.drop_line(line.id).await {
                tracing::warn!(error = format!("{e:#}"), "could not drop a posted line");
                self.inner().backlog.insert(thread.0.clone());
                return false;
            }
        }
        self.inner().backlog.remove(&thread.0);
        drop(_one_at_a_time);
        // Forget the lock unless somebody else waits on it.
        self.inner()
            .thread_locks
            .remove_if(&thread.0, |_, l| Arc::strong_count(l) <= 2);
        true
    }

    /// The background pass: every thread with queued lines, oldest first.
    pub(super) async fn flush_outbox(&self, surface: &dyn ChatSurface) {
        let threads = match self.store().threads_with_queued_lines().await {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), "could not read the outbox");
                return;
            }
        };
        for thread in threads {
            self.flush_thread(surface, &thread).await;
        }
    }

    pub(super) async fn addressee(&self, id: OperationId) -> Option<Addressee> {
        let record = self.store().operation(id).await.ok().flatten()?;
        Some(Addressee {
            id,
            origin: record.origin,
            service: record.service,
        })
    }

    /// `line` cannot go where it belongs (`why`; `None`: there is no thread at all): tell the
    /// requester privately, or failing that keep it in the audit log.
    pub(super) async fn undelivered(
        &self,
        surface: &dyn ChatSurface,
        to: &Addressee,
        thread: Option<&ThreadRef>,
        line: &str,
        why: Option<Undeliverable>,
    ) {
        let loc = to.origin.lang();
        let op = to.id.to_string();
        // The first time, say why and where the rest will go; after that just the lines.
        let first = self.inner().told_privately.insert(to.id);
        let text = if first {
            let why = why.map_or_else(|| t!(loc, "undeliverable-no-thread"), |w| w.render(loc));
            t!(
                loc,
                "delivery-private-first",
                op = op.as_str(),
                why = why,
                line = line
            )
        } else {
            t!(loc, "delivery-private", op = op.as_str(), line = line)
        };
        match surface.tell_requester(to.id, &text).await {
            Ok(()) => {}
            Err(e) => {
                tracing::warn!(operation = %to.id, error = format!("{e:#}"), "could not tell the requester privately; keeping the line in the audit log");
                let actor = notices::system_actor();
                let mut entry =
                    AuditEntry::new(Utc::now(), &actor.id, &actor.name, AuditAction::Undelivered);
                entry.operation = Some(to.id);
                entry.guild = to.origin.guild.clone();
                entry.channel = Some(to.origin.channel.clone());
                entry.thread = thread.map(|t| t.0.clone());
                entry.service_id = Some(to.service.id.clone());
                entry.service_name = Some(to.service.name.clone());
                let why = why.map_or_else(|| "no thread to post in".to_owned(), |w| w.to_string());
                entry.detail = Some(format!("not delivered ({why}): {line}"));
                self.record(entry).await;
            }
        }
    }
}
