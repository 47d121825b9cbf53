//! Weekly digests: which scheduled week has been posted, so that of several instances
//! sharing the store exactly one posts each week's digest.

use anyhow::Context as _;

use super::{now, Store};

impl Store {
    /// True for the first instance ever to claim the digest of `week` (e.g. `2026-12-07`, the
    /// date of its scheduled hour); false for every later one. The unique key decides, so two
    /// instances ticking at once cannot both post.
    pub async fn claim_digest(&self, week: &str, instance: &str) -> anyhow::Result<bool> {
        let sql = "INSERT INTO digests (week, instance, claimed_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (week) DO NOTHING";
        let rows = on_db!(self, p => sqlx::query(sql)
            .bind(week)
            .bind(instance)
            .bind(now())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .context("claiming the weekly digest")?;
        Ok(rows == 1)
    }

    /// Give a claim back (the post failed), so that a later pass, on any instance, tries again.
    pub async fn release_digest(&self, week: &str, instance: &str) -> anyhow::Result<()> {
        let sql = "DELETE FROM digests WHERE week = $1 AND instance = $2";
        on_db!(self, p => sqlx::query(sql)
            .bind(week)
            .bind(instance)
            .execute(p)
            .await
            .map(|_| ()))
        .context("releasing the weekly digest")
    }
}
