#!/usr/bin/env bash
# The test command (README "Set up a fresh machine"): the whole suite under cargo-nextest
# (each test in its own process, four at a time, a hung test killed; see .config/nextest.toml)
# against SQLite and a throwaway PostgreSQL, then the doc tests, which nextest does not run.
# Extra arguments go to `cargo nextest run` (e.g. `scripts/test.sh --locked`).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo nextest --version >/dev/null 2>&1; then
    # Not on the machine image: build it from crates.io (the only registry needed).
    cargo install cargo-nextest --locked
fi

scripts/with-postgres.sh cargo nextest run "$@"
cargo test --doc "$@"
