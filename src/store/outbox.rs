//! The outbox of thread lines: what an operation said in its thread, kept until Discord took
//! it. Lines of one thread are posted in the order they were queued.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{now, operations::key, Store};
use crate::ops::{OperationId, ThreadRef};

/// One queued line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxLine {
    /// Increases with every line queued, on every instance: the order, and the nonce.
    pub id: i64,
    pub operation: OperationId,
    pub thread: ThreadRef,
    pub text: String,
    pub queued_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: i64,
    operation_id: i64,
    thread: String,
    body: String,
    created_at: DateTime<Utc>,
}

impl From<OutboxRow> for OutboxLine {
    fn from(r: OutboxRow) -> Self {
        Self {
            id: r.id,
            operation: OperationId(u64::try_from(r.operation_id).unwrap_or_default()),
            thread: ThreadRef(r.thread),
            text: r.body,
            queued_at: r.created_at,
        }
    }
}

impl Store {
    /// Queue a line for `thread`; returns its id.
    pub async fn queue_line(
        &self,
        operation: OperationId,
        thread: &ThreadRef,
        text: &str,
    ) -> anyhow::Result<i64> {
        let sql = "INSERT INTO outbox (operation_id, thread, body, created_at) \
                   VALUES ($1, $2, $3, $4) RETURNING id";
        let k = key(operation)?;
        on_db!(self, p => sqlx::query_scalar::<_, i64>(sql)
            .bind(k)
            .bind(thread.0.as_str())
            .bind(text)
            .bind(now())
            .fetch_one(p)
            .await)
        .with_context(|| format!("queueing a line of operation {operation}"))
    }

    /// The lines still to post in `thread`, oldest first.
    pub async fn queued_lines(&self, thread: &ThreadRef) -> anyhow::Result<Vec<OutboxLine>> {
        let sql = "SELECT id, operation_id, thread, body, created_at FROM outbox \
                   WHERE thread = $1 ORDER BY id";
        let rows: Vec<OutboxRow> = on_db!(self, p => sqlx::query_as(sql)
            .bind(thread.0.as_str())
            .fetch_all(p)
            .await)
        .context("reading the outbox")?;
        Ok(rows.into_iter().map(OutboxLine::from).collect())
    }

    /// Threads with lines still to post, in the order of their oldest line.
    pub async fn threads_with_queued_lines(&self) -> anyhow::Result<Vec<ThreadRef>> {
        let sql = "SELECT thread FROM outbox GROUP BY thread ORDER BY MIN(id)";
        let rows: Vec<String> = on_db!(self, p => sqlx::query_scalar(sql).fetch_all(p).await)
            .context("reading the outbox")?;
        Ok(rows.into_iter().map(ThreadRef).collect())
    }

    /// The line was posted (or handed to a fallback): forget it.
    pub async fn drop_line(&self, id: i64) -> anyhow::Result<()> {
        let sql = "DELETE FROM outbox WHERE id = $1";
        on_db!(self, p => sqlx::query(sql).bind(id).execute(p).await.map(|_| ()))
            .context("removing a posted line from the outbox")
    }
}
