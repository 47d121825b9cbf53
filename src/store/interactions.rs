//! Handled interactions: Discord delivers an interaction to every connected instance, and
//! exactly one of them may answer it.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{now, stamp, Store};

impl Store {
    /// True for the first caller ever to claim interaction `id`, on any instance; false for
    /// every later one. The unique key decides, so there is no window between check and insert.
    pub async fn claim_interaction(&self, id: &str) -> anyhow::Result<bool> {
        let sql = "INSERT INTO handled_interactions (id, handled_at) VALUES ($1, $2) \
                   ON CONFLICT (id) DO NOTHING";
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(id)
            .bind(now())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .context("claiming an interaction")?;
        Ok(rows == 1)
    }

    /// Forget interactions handled before `before`; Discord stops delivering an interaction
    /// long before a day has passed. Returns how many were removed.
    pub async fn prune_interactions(&self, before: DateTime<Utc>) -> anyhow::Result<u64> {
        let sql = "DELETE FROM handled_interactions WHERE handled_at < $1";
        on_db!(self, p => sqlx::query(sql)
            .bind(stamp(before))
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .context("pruning handled interactions")
    }
}
