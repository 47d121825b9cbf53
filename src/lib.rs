//! clickscale: scale ClickHouse Cloud (DB ClickPipes CDC compute, replicas and memory bounds,
//! automatic idling) from Discord or a terminal, and follow each change until the API confirms it.
//!
//! # Layout
//!
//! Arrows point one way: `commands -> discord | console -> ops -> scaling + cloud`.
//!
//! - [`check`]: `clickscale check`, config and API-key diagnostics with read-only calls.
//! - [`audit`]: `clickscale audit`, the audit log exported as a table or JSON lines.
//! - [`config`]: defaults -> TOML file -> environment; secrets as [`secrecy::SecretString`];
//!   service aliases and chat policy.
//! - [`cloud`]: transport only. Typed ClickHouse Cloud API client, wire DTOs and the
//!   `{status, requestId, result}` envelope, [`cloud::CloudError`], one read scheduler per key
//!   (commands first; polls, reminder checks and probes in one queue by deadline), retries with
//!   backoff.
//! - [`scaling`]: domain rules without I/O. Raw chat input -> validated request; current vs
//!   target -> [`scaling::Plan`] with a risk class; the cost model ([`scaling::cost`]:
//!   configuration + rates -> money per hour).
//! - [`ops`]: the engine, without serenity or reqwest types: submit -> confirm -> apply ->
//!   watch -> settle, every step recorded in the store and resumed after a restart; then the
//!   follow-up (scale-down reminder after the snapshots, timed revert). It runs any command
//!   through the [`ops::ScaleCommand`] trait and talks to chat through [`ops::ChatSurface`].
//!   Polls are planned where changes land (windows learned from the store) and batched: one
//!   list read confirms every watched replica / idle change.
//!   Supersession (by the settings a change sets), joining and in-flight lists come from the
//!   store, so every instance sees the same. Thread lines (reminders' too) go through the
//!   store's outbox (`ops::delivery`): posted in order, once, later if the chat fails; refused
//!   ones go to the requester privately, then to the audit log. [`ops::episodes`]: scale-up
//!   episodes (duration, extra cost) from audit entries, a pure function; [`ops::digest`]: the
//!   weekly digest built on them, posted once a week by one instance (a row per week in
//!   the store decides which).
//! - [`store`]: durable operations, reminders, audit log, the outbox of thread lines, the
//!   weekly digests posted, and leases in SQLite (default) or PostgreSQL (several instances),
//!   through sqlx; migrations in
//!   top-level `migrations/`.
//! - [`discord`]: poise framework, Data/Context types, checks, `on_error`, thread notifier,
//!   buttons, and the bot-token REST client (`discord::rest`) that waits out 429s and
//!   retries 5xx/timeouts by Discord's rules, with or without a proxy; the gateway
//!   session's state for `/readyz` (`discord::gateway`: serenity resumes and reconnects by
//!   itself; fatal closes stop the bot with what to fix).
//! - [`chart`]: pictures, pure: audit entries -> [`chart::Timeline`] (steps of CDC cores,
//!   replicas and memory bounds, event markers, scale-up episodes) -> PNG, drawn with plotters
//!   and one embedded font (Latin, Cyrillic, CJK).
//! - [`console`]: the same engine in a terminal (like Hubot's shell adapter).
//! - [`i18n`]: every user-facing text, from Fluent files in `locales/` (en-US, zh-CN, ru).
//! - [`sim`]: a ClickHouse Cloud API simulator (axum) for tests, demos and rehearsals.
//! - [`telemetry`]: Prometheus metrics (operations, time to confirm, Cloud API calls).
//! - [`http`]: `--http ADDR`: `/healthz`, `/readyz` and `/metrics` for `run` and `console`.
//! - [`commands`] (top-level `commands/`): one module per slash command: its Discord options
//!   and, for scaling commands, its input's [`ops::ScaleCommand`] (precheck without I/O, target).
#![forbid(unsafe_code)]
#![warn(missing_debug_implementations, rust_2018_idioms)]

pub mod audit;
pub mod chart;
pub mod check;
pub mod cloud;
#[path = "../commands/mod.rs"]
pub mod commands;
pub mod config;
pub mod console;
pub mod discord;
pub mod http;
pub mod i18n;
pub mod ops;
pub mod scaling;
pub mod sim;
pub mod store;
pub mod telemetry;
