//! Transport to the ClickHouse Cloud API: typed client, wire types, errors.
//!
//! - [`client`]: [`CloudClient`], built from [`CloudSettings`]; one scheduler per key.
//! - [`error`]: [`CloudError`] / [`ApiError`] and the user-facing messages.
//! - `classify`: whether a failed call can succeed later, and whether a PATCH may have arrived.
//! - [`model`]: wire DTOs, shared with the simulator.
//! - `retry`: [`RetryPolicy`] (when and how long to back off).
//! - [`scheduler`]: one per key: every call's rate-limiter permit, commands first, background
//!   reads (polls, reminder checks, probes) in one queue by deadline with a reserved share.
mod classify;
pub mod client;
pub mod error;
pub mod model;
mod retry;
pub mod scheduler;

pub use client::*;
pub use error::*;
pub use retry::RetryPolicy;
pub use scheduler::{BudgetUse, Priority};
