//! Shared support for integration tests: `mod support;` in a test file, then
//! `use support::discord::FakeDiscord;`.
//!
//! Each test binary uses a different subset of these helpers, hence unused helpers and re-exports are allowed.
#![allow(dead_code, unused_imports)]

pub mod bot;
pub mod cloud;
pub mod console;
pub mod db;
pub mod discord;
pub mod pg_server;
pub mod proxy;
pub mod recorder;
