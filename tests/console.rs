//! `clickscale console --sim` through the real binary, with a script on stdin.
//!
//! Each test starts its own simulator (127.0.0.1:0) with time running 10x faster, so a whole
//! run takes well under a few seconds. Transcripts are compared as insta snapshots after
//! replacing what changes from run to run (ids, ports, durations).

mod support;

use std::process::Command;

use support::console::{console, console_on, database_in, normalize};

#[test]
fn normalize_replaces_what_changes_between_runs() {
    assert_eq!(
        normalize("at http://127.0.0.1:43121 (org 0b9e6f5e-1c1d-4a55-9c1e-6d0b3f1e2a77) after 4m 05s, 3s–6s, 10 min, x1s"),
        "at http://127.0.0.1:<port> (org <uuid>) after <dur>, <dur>–<dur>, 10 min, x1s"
    );
}

#[test]
fn cdc_scale_is_confirmed_with_its_request_id() {
    let run = console("/cdc-scale service:ingest-cdc cores:4\n", &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    assert!(
        run.transcript.contains("request id `<uuid>`"),
        "{}",
        run.transcript
    );
    assert!(
        run.transcript.contains("Summary: 1 confirmed."),
        "{}",
        run.transcript
    );
    insta::assert_snapshot!(run.transcript);
}

#[test]
fn replicas_change_is_confirmed() {
    let run = console("/replicas service:analytics-staging count:3\n", &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    insta::assert_snapshot!(run.transcript);
}

#[test]
fn idle_change_is_confirmed() {
    let run = console(
        "/idle service:analytics-staging enabled:true timeout-minutes:10\n",
        &[],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    insta::assert_snapshot!(run.transcript);
}

#[test]
fn a_risky_change_waits_for_a_typed_confirm() {
    let run = console("/replicas service:analytics-prod count:2\nconfirm\n", &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    assert!(
        run.transcript.contains("[1] Confirm  [2] Cancel"),
        "{}",
        run.transcript
    );
    assert!(
        run.transcript.contains("Confirmed by alice."),
        "{}",
        run.transcript
    );
    insta::assert_snapshot!(run.transcript);
}

#[test]
fn cancel_sends_nothing_and_fails_the_run() {
    let run = console("/replicas service:analytics-prod count:2\n2\n", &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.transcript, run.stderr);
    assert!(
        run.transcript.contains("Cancelled by alice."),
        "{}",
        run.transcript
    );
    assert!(!run.transcript.contains("request id"), "{}", run.transcript);
    insta::assert_snapshot!(run.transcript);
}

#[test]
fn button_presses_with_nothing_or_nothing_matching_waiting() {
    let run = console(
        "Confirm\n/replicas service:analytics-prod count:2\n3\nCONFIRM\nCancel\n",
        // The last `Cancel` comes after the change was confirmed: wait for it to settle so the
        // transcript does not depend on timing.
        &["--settle-each"],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    assert!(run
        .transcript
        .contains("No buttons are waiting, so `Confirm` does nothing."));
    assert!(run
        .transcript
        .contains("has no button [3]: [1] Confirm  [2] Cancel"));
    assert!(run
        .transcript
        .contains("No buttons are waiting, so `Cancel` does nothing."));
    insta::assert_snapshot!(run.transcript);
}

#[test]
fn unanswered_buttons_expire_at_the_end_of_the_script() {
    let run = console("/replicas service:analytics-prod count:2\n", &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.transcript, run.stderr);
    assert!(
        run.transcript
            .contains("1 unanswered confirmation expires now"),
        "{}",
        run.transcript
    );
    assert!(
        run.transcript.contains("Summary: 1 expired."),
        "{}",
        run.transcript
    );
}

#[test]
fn invalid_input_says_what_is_allowed_and_sends_nothing() {
    let script = "\
/replicas service:analytics-prod cnt:3
/cdc-scale service:ingest-cdc cores:eight
/cdc-scale service:ingest-cdc
/idle service:analytics-staging enabled:maybe
/replicas service:analytics-prod
/frobnicate service:x
scale it please
/cdc-scale service:ingest-cdc cores:99
/replicas service:no-such-service count:3
";
    let run = console(script, &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.transcript, run.stderr);
    assert!(
        !run.transcript.contains("[msg"),
        "nothing may be launched:\n{}",
        run.transcript
    );
    assert!(run.transcript.contains(
        "Options of /replicas: service (required, text), count (integer), min-replicas (integer), max-replicas (integer), mode (text), min-memory-gb (integer), max-memory-gb (integer), for (text)."
    ));
    assert!(run
        .transcript
        .contains("`cores` must be a whole number, not `eight`."));
    assert!(
        run.transcript
            .contains("Summary: 2 refused, 7 invalid inputs."),
        "{}",
        run.transcript
    );
    insta::assert_snapshot!(run.transcript);
}

#[test]
fn scaling_status_shows_configuration_and_cdc() {
    let run = console("/scaling-status service:ingest-cdc\n", &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    assert!(
        run.transcript.contains("CDC compute:"),
        "{}",
        run.transcript
    );
    insta::assert_snapshot!(run.transcript);
}

#[test]
fn a_script_of_changes_exits_zero_when_all_are_confirmed() {
    let script = "\
# one of each, the risky one confirmed
/cdc-scale service:ingest-cdc cores:4
/replicas service:analytics-staging count:3
/idle service:analytics-staging enabled:true timeout-minutes:10
/replicas service:analytics-prod count:2
Confirm
/scaling-status service:analytics-staging
/cdc-scale service:ingest-cdc cores:4
";
    let run = console(script, &["--settle-each"]);
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    assert!(
        run.transcript.contains("Summary: 4 confirmed, 1 no-op."),
        "{}",
        run.transcript
    );
    insta::assert_snapshot!(run.transcript);
}

#[test]
fn policy_roles_come_from_the_flags() {
    let dir = std::env::temp_dir().join(format!("clickscale-console-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("policy.toml");
    std::fs::write(
        &config,
        r#"
[[policy.rules]]
commands = ["replicas"]
services = ["*"]
roles = ["ops"]
channels = ["console"]
"#,
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let script = "/replicas service:analytics-staging count:3\n/idle service:analytics-staging enabled:false\n";
    let run = console(
        script,
        &["--config", config, "--roles", "ops,dev", "--settle-each"],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.transcript, run.stderr);
    assert!(
        run.transcript.contains("You are alice (roles ops, dev)."),
        "{}",
        run.transcript
    );
    assert!(
        run.transcript.contains("You are not allowed to run /idle"),
        "{}",
        run.transcript
    );
    assert!(
        run.transcript.contains("Summary: 1 confirmed, 1 refused."),
        "{}",
        run.transcript
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_logs_carry_the_operation_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let run = console_on(
        &database_in(dir.path()),
        "/cdc-scale service:ingest-cdc cores:4 revert:never reason:test\n",
        &["--log-json"],
        "info",
    );
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    let accepted = run
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["fields"]["message"] == "change accepted")
        .unwrap_or_else(|| panic!("no JSON `change accepted` line in:\n{}", run.stderr));
    assert_eq!(accepted["span"]["operation"], "#1", "{accepted}");
    assert_eq!(accepted["span"]["command"], "cdc-scale");
    assert_eq!(accepted["span"]["service"], "ingest-cdc");
    assert!(!run.stderr.contains(clickscale::sim::fixture::DEMO_SECRET));
}

#[test]
fn history_in_the_console_and_the_audit_export_agree() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());
    let run = console_on(
        &db,
        "/cdc-scale service:ingest-cdc cores:4 revert:never reason:\"load test\"\n/scaling-history service:ingest-cdc\n",
        &["--settle-each"],
        "warn",
    );
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    for line in [
        "Scaling history for `ingest-cdc`",
        "requested by alice: CDC compute",
        "kept by alice: revert:never: load test",
        "API call by clickscale (request id",
        "outcome by clickscale: confirmed",
        // Issue 11: the scale-up with how long it has run and its extra cost (2 -> 4 cores,
        // one more DB ClickPipes unit at the $0.20 list price).
        "Scale-ups and what they cost beyond the previous size:",
        "`ingest-cdc` DB ClickPipes compute: scaled up since",
        "$0.20 an hour more, $0.",
        "Amounts are estimates",
    ] {
        assert!(
            run.transcript.contains(line),
            "no `{line}` in:\n{}",
            run.transcript
        );
    }

    let audit = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_clickscale"))
            .arg("audit")
            .args(args)
            .env("CLICKSCALE_DATABASE_URL", &db)
            .env("CLICKSCALE_LOG", "warn")
            .env_remove("CLICKSCALE_CONFIG")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json = audit(&["--since", "1h", "--json"]);
    let (episodes, entries): (Vec<serde_json::Value>, Vec<serde_json::Value>) = json
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .partition(|v| v.get("episode").is_some());
    // One open scale-up episode after the entries, priced at the list price.
    assert_eq!(episodes.len(), 1, "{json}");
    let episode = &episodes[0]["episode"];
    assert_eq!(episode["resource"], "cdc", "{episode}");
    assert_eq!(episode["extra_per_hour"], "0.20", "{episode}");
    assert!(episode["ended"].is_null(), "{episode}");
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["requested", "kept", "api_call", "outcome"],
        "{json}"
    );
    let requested = &entries[0];
    assert_eq!(requested["actor_name"], "alice");
    assert_eq!(requested["channel"], "console");
    assert_eq!(requested["service_name"], "ingest-cdc");
    assert_eq!(
        requested["before"]["value"]["replicaCpuMillicores"], 2000,
        "{requested}"
    );
    assert!(entries[2]["request_id"].is_string());
    let table = audit(&["--since", "2026-01-01T00:00:00Z", "--service", "ingest-cdc"]);
    assert!(table.starts_with("time (UTC)"), "{table}");
    // Four entries under the header, then the episode with its note.
    assert_eq!(table.lines().count(), 9, "{table}");
    assert!(table.contains("scaled up since"), "{table}");
    assert!(
        audit(&["--since", "2999-01-01T00:00:00Z", "--service", "ingest-cdc"])
            .contains("No audit entries in that period.")
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .args(["audit", "--since", "last week"])
        .env("CLICKSCALE_DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--since takes a duration"));
}

/// Issue 9 defect 2: message and thread ids restarted at 1 on every run, so the second run's
/// first operation got the thread id of the first run's, and the resumed reminder's follow-ups
/// were printed under the wrong operation.
#[tokio::test(flavor = "multi_thread")]
async fn ids_stay_unique_across_runs_and_resumed_follow_ups_name_their_operation() {
    use clickscale::sim::{self, Fixture, SimConfig};
    use support::console::Live;
    // 100x: the snapshots end within 3 s, CDC converges in 0.2 s.
    let sim = sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            time_scale: 100.0,
            cdc_converge_after: std::time::Duration::from_secs(20),
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());

    let mut first = Live::start(&sim.base_url(), &db, &[]);
    first.send("/cdc-scale service:ingest-cdc cores:8");
    first.send("Confirm");
    first.wait_for("[Scale down now]");
    first.kill();

    let mut second = Live::start(&sim.base_url(), &db, &[]);
    second.send("/replicas service:analytics-staging count:3");
    second.wait_for("✅");
    second.send("Scale down now");
    second.wait_for("asked to scale back to 2 cores / 8 GB");
    let (code, text) = second.finish();
    assert_eq!(code, 0, "{text}");
    let answered = text
        .lines()
        .find(|l| l.contains("asked to scale back"))
        .unwrap();
    assert!(
        answered.starts_with("  └ cdc-scale ingest-cdc #1:"),
        "the resumed reminder's follow-up is under its own operation:\n{text}"
    );
    assert!(
        !text.contains("└ console/"),
        "no thread is named by its id:\n{text}"
    );

    let store = clickscale::store::Store::connect(&db).await.unwrap();
    let ops = store.recent_operations(None, 10).await.unwrap();
    store.close().await;
    assert!(ops.len() >= 2, "{ops:?}");
    let statuses: std::collections::HashSet<_> = ops.iter().map(|o| o.status.clone()).collect();
    let threads: std::collections::HashSet<_> = ops.iter().map(|o| o.thread.clone()).collect();
    assert_eq!(statuses.len(), ops.len(), "status ids are unique: {ops:?}");
    assert_eq!(threads.len(), ops.len(), "thread ids are unique: {ops:?}");
}

/// Issue 9 defect 6: `console --sim` took the configured (or default) database, so a second
/// run resumed reminders about a world that had been reset. Now it keeps a store of its own.
#[test]
fn sim_keeps_a_store_of_its_own_that_starts_empty_with_the_world() {
    use support::console::console_with;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.db");
    let real_url = format!("sqlite://{}", real.display());
    let script = "/replicas service:analytics-staging count:3 for:4h\n";
    let env = [("CLICKSCALE_DATABASE_URL", real_url.as_str())];
    let first = console_with(script, &["--settle-each"], &env, Some(dir.path()));
    assert_eq!(first.code, 0, "{}\n{}", first.transcript, first.stderr);
    assert!(
        first
            .transcript
            .contains("1 reminder is still open; it ends with this run"),
        "{}",
        first.transcript
    );
    let second = console_with(script, &["--settle-each"], &env, Some(dir.path()));
    assert_eq!(second.code, 0, "{}\n{}", second.transcript, second.stderr);
    assert!(
        second.transcript.contains("replicas analytics-staging #1:"),
        "a fresh store numbers from #1 again:\n{}",
        second.transcript
    );
    assert!(
        !second.transcript.contains("↻"),
        "nothing of the first run resumes:\n{}",
        second.transcript
    );
    assert!(!real.exists(), "the configured database is never opened");
    assert!(
        !dir.path().join("clickscale.db").exists(),
        "nor the default one"
    );
}

/// Issue 9 defect 10: a `reason:` holding ESC[2J cleared the screen of whoever read the console
/// or `clickscale audit`'s table. Control characters are shown as escapes everywhere.
#[test]
fn control_characters_in_values_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());
    let run = console_on(
        &db,
        "/cdc-scale service:ingest-cdc cores:4 revert:never reason:\"\u{1b}[2Jwiped\u{7}\u{9b}0K\"\n/scaling-history service:ingest-cdc\n/replicas service:\u{1b}]0;owned\u{7} count:3\n",
        &["--settle-each"],
        "warn",
    );
    assert_eq!(run.code, 1, "{}\n{}", run.transcript, run.stderr);
    let raw = |s: &str| s.chars().any(|c| c.is_control() && c != '\n');
    assert!(!raw(&run.transcript), "{:?}", run.transcript);
    assert!(
        run.transcript
            .contains("revert:never: \\u{1b}[2Jwiped\\u{7}\\u{9b}0K"),
        "the reason is shown, escaped:\n{}",
        run.transcript
    );
    assert!(
        run.transcript.contains("\\u{1b}]0;owned\\u{7}"),
        "{}",
        run.transcript
    );

    let out = Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .args(["audit", "--since", "1h", "--database-url", &db])
        .env("CLICKSCALE_LOG", "warn")
        .env_remove("CLICKSCALE_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(!raw(&table), "{table:?}");
    assert!(table.contains("\\u{1b}[2Jwiped"), "{table}");
}

/// Issue 13: at a terminal the console edits lines (Backspace), completes commands, option
/// names and services with Tab, and keeps its history across runs (Up recalls the last run's
/// line). Driven through a pseudo-terminal, as a person at a terminal would.
#[cfg(unix)]
#[test]
fn at_a_terminal_lines_are_edited_completed_and_remembered() {
    use rexpect::session::spawn_command;
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());
    let history = dir.path().join("history");
    let start = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_clickscale"));
        cmd.args([
            "console",
            "--sim",
            "--user",
            "alice",
            "--sim-time-scale",
            "4",
            "--database-url",
            &db,
        ])
        .env("TERM", "xterm")
        .env("CLICKSCALE_HISTORY", &history)
        .env("CLICKSCALE_LOG", "error")
        .env_remove("CLICKSCALE_CONFIG")
        .env_remove("CLICKSCALE_DATABASE_URL")
        .env_remove("CLICKSCALE_LOCALE");
        spawn_command(cmd, Some(30_000)).expect("start clickscale in a pty")
    };

    // Typed a key at a time, as a person does (several keys in one write are not always read
    // as keys); escape sequences go as one. The writer is line-buffered: flush each.
    let send = |p: &mut rexpect::session::PtySession, keys: &str| {
        let mut rest = keys;
        while let Some(c) = rest.chars().next() {
            let key = if rest.starts_with("\x1b[") {
                &rest[..3]
            } else {
                &rest[..c.len_utf8()]
            };
            p.send(key).unwrap();
            p.flush().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(15));
            rest = &rest[key.len()..];
        }
    };
    let mut p = start();
    p.exp_string("Type `help`").unwrap();
    p.exp_string("> ").unwrap();
    // Tab completes the command, then the service; Backspace takes back a typo.
    send(&mut p, "/rep\t");
    p.exp_string("/replicas").unwrap();
    send(&mut p, " service:analytics-st\t");
    p.exp_string("service:analytics-staging").unwrap();
    send(&mut p, " count:33\x7f\r");
    // (rexpect reads bytes as Latin-1: the needles stay ASCII.)
    p.exp_string("Confirmed: the API now reports 3 replicas")
        .unwrap();
    send(&mut p, "quit\r");
    p.exp_string("Summary: 1 confirmed.").unwrap();
    p.exp_eof().unwrap();
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(
        saved.contains("/replicas service:analytics-staging count:3\n"),
        "{saved}"
    );

    // The next run (a fresh simulated world) recalls it with Up, past `quit`, and runs it.
    let mut p = start();
    p.exp_string("> ").unwrap();
    send(&mut p, "\x1b[A\x1b[A");
    p.exp_string("/replicas service:analytics-staging count:3")
        .unwrap();
    send(&mut p, "\r");
    p.exp_string("replicas analytics-staging #2: ").unwrap();
    p.exp_string("Confirmed: the API now reports 3 replicas")
        .unwrap();
    p.send_control('d').unwrap();
    p.exp_string("Summary:").unwrap();
    p.exp_eof().unwrap();
}

/// Issue 13: `sim` on a busy port names the address and the way out, with no stack trace.
#[test]
fn sim_on_a_busy_port_says_which_address_and_what_to_do() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .args(["sim", "--listen", &addr])
        .env("RUST_BACKTRACE", "1")
        .env("CLICKSCALE_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot listen on {addr}: the address is already in use"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("--listen 127.0.0.1:0"), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
}

/// Issue 13: `audit` on a missing SQLite file says so instead of creating an empty one, and
/// `--service` with a service the log has never seen says there is no such service.
#[test]
fn audit_says_when_the_database_or_the_service_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());
    let audit = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_clickscale"))
            .arg("audit")
            .args(["--database-url", &db])
            .args(args)
            .env("CLICKSCALE_LOG", "warn")
            .env_remove("CLICKSCALE_CONFIG")
            .output()
            .unwrap()
    };
    let missing = audit(&[]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("there is no SQLite database at"),
        "{stderr}"
    );
    assert!(!dir.path().join("clickscale.db").exists(), "not created");

    let run = console_on(
        &db,
        "/replicas service:analytics-staging count:3\n",
        &["--settle-each"],
        "warn",
    );
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    let nope = audit(&["--service", "nope"]);
    let stderr = String::from_utf8_lossy(&nope.stderr);
    assert_eq!(nope.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no audit entry, in any period, is about a service `nope` (by id or name): no such service, or it was never changed through clickscale; services in it: analytics-staging"),
        "{stderr}"
    );
    // A known service with nothing in the period is not an error.
    let quiet = audit(&[
        "--service",
        "analytics-staging",
        "--since",
        "2000-01-01T00:00:00Z",
    ]);
    assert!(quiet.status.success());
}

/// Issue 13: a `for:` change says, when accepted, that its revert needs clickscale running;
/// the banner has a name when `$USER` is unset.
#[test]
fn a_timed_change_says_where_its_revert_runs() {
    let dir = tempfile::tempdir().unwrap();
    let run = console_on(
        &database_in(dir.path()),
        "/replicas service:analytics-staging count:3 for:4H\n",
        &["--settle-each"],
        "warn",
    );
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    assert!(
        run.transcript.contains(
            "Note: the revert at the end runs only while clickscale runs on this database"
        ),
        "{}",
        run.transcript
    );

    let out = Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .args(["console", "--sim"])
        .env_remove("USER")
        .env("LOGNAME", "ann")
        .env("CLICKSCALE_LOG", "warn")
        .env_remove("CLICKSCALE_CONFIG")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("You are ann (no roles)."), "{stdout}");
}

/// Issue 13: under `--sim` a `for:` change ran on the wall clock (`for:10m` waited ten real
/// minutes, so its warning and revert never showed while you watched), and a timed change
/// could not be reverted before its warning ("No reminder is waiting"). Now the follow-up runs
/// on the simulator's clock, the transcript says so, and `Revert now` works at any time.
#[test]
fn sim_runs_timed_changes_on_its_clock_and_reverts_them_early_on_request() {
    use support::console::Live;
    // 20x by default; x10 more here: `for:10m` lasts 3 s, its 2-minute warning 0.6 s.
    let mut c = Live::sim(&["--sim-time-scale", "10"]);
    c.send("/replicas service:analytics-staging count:3 for:10m");
    c.wait_for("Demo clock: follow-ups run on the simulator’s clock, 200× faster than yours");
    c.wait_for("The timed change on `analytics-staging` ends in");
    c.wait_for("Time is up: restoring");
    let reverted = c.text();
    assert!(
        reverted.contains("3 replicas") && reverted.contains("2 replicas"),
        "{reverted}"
    );

    c.send("/replicas service:analytics-staging count:4 for:4h");
    c.wait_for("Timed change: I will restore");
    c.send("Revert now");
    c.wait_for("asked to scale back to");
    let (code, text) = c.finish();
    assert!(!text.contains("No reminder is waiting"), "{text}");
    assert_eq!(
        text.matches("Demo clock").count(),
        1,
        "the clock is explained once:\n{text}"
    );
    assert!(code == 0 || code == 1, "exit {code}:\n{text}");
}

/// Issue 14: log files carried ANSI colour codes when stderr was not a terminal.
#[test]
fn logs_written_to_a_file_have_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let run = console_on(
        &database_in(dir.path()),
        "/scaling-status service:ingest-cdc\n",
        &[],
        "debug",
    );
    assert!(!run.stderr.is_empty(), "debug logging writes something");
    assert!(run.stderr.contains("DEBUG"), "{}", run.stderr);
    assert!(
        !run.stderr.contains('\u{1b}'),
        "colour codes in {:?}",
        &run.stderr[..run.stderr.len().min(400)]
    );
}

/// Issue 13: the console's own words follow `--locale`, and reminder buttons are typed as
/// their labels in that language (`Оставить: миграция`).
#[tokio::test(flavor = "multi_thread")]
async fn typed_reminder_labels_and_hints_in_russian() {
    use clickscale::sim::{self, Fixture, SimConfig};
    use support::console::Live;
    let sim = sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            time_scale: 100.0,
            cdc_converge_after: std::time::Duration::from_secs(20),
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());
    let mut console = Live::start(&sim.base_url(), &db, &["--locale", "ru"]);
    console.send("масштабируй");
    console.wait_for("Не понято: `масштабируй`");
    console.send("/cdc-scale service:ingest-cdc cores:8");
    console.send("Подтвердить");
    console.wait_for("[Уменьшить сейчас]");
    console.wait_for("(введите надпись кнопки; «Оставить» требует причину: `Оставить: почему`)");
    console.send("Оставить: миграция");
    console.wait_for("ann оставляет текущую конфигурацию: «миграция»");
    let (code, text) = console.finish();
    assert!(!text.contains("Not understood"), "{text}");
    assert_eq!(code, 1, "one input was not understood:\n{text}");
}

#[test]
fn history_of_a_service_writes_its_chart_to_the_chart_directory() {
    let dir = tempfile::tempdir().unwrap();
    let charts = dir.path().join("charts");
    let run = console_on(
        &database_in(dir.path()),
        "/cdc-scale service:ingest-cdc cores:4\n/scaling-history service:ingest-cdc days:2\n/scaling-history service:ingest-cdc days:0\n/scaling-history days:3\n",
        &["--settle-each", "--chart-dir", charts.to_str().unwrap()],
        "warn",
    );
    assert!(
        run.transcript
            .contains("Chart of the last 2 days written to"),
        "{}\n{}",
        run.transcript,
        run.stderr
    );
    for refusal in [
        "`days:0` is not allowed: the chart covers 1 to 31 days",
        "`days:` sets the period of a service's chart: give `service:` too.",
    ] {
        assert!(
            run.transcript.contains(refusal),
            "no `{refusal}` in:\n{}",
            run.transcript
        );
    }
    // One chart: the refused lines wrote none.
    let files: Vec<_> = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(
        name.starts_with("scaling-history-ingest-cdc-") && name.ends_with(".png"),
        "{name}"
    );
    assert!(
        run.transcript.contains(&name),
        "the path is printed:\n{}",
        run.transcript
    );
    let bytes = std::fs::read(&files[0]).unwrap();
    let info = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG")
        .info()
        .clone();
    assert_eq!(
        (info.width, info.height),
        (clickscale::chart::WIDTH, clickscale::chart::HEIGHT)
    );
}

#[test]
fn the_weekly_digest_is_shown_now_with_the_scale_up_its_cost_and_the_keep() {
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());
    let run = console_on(
        &db,
        "/scaling-digest\n/cdc-scale service:ingest-cdc cores:4 revert:never reason:\"load test\"\n/scaling-digest\n",
        &["--settle-each"],
        "warn",
    );
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    let (before, after) = run
        .transcript
        .split_once("/cdc-scale `ingest-cdc` #1")
        .unwrap_or_else(|| panic!("no scale-up in:\n{}", run.transcript));
    // Before anything happened: every section says so.
    assert!(before.contains("Weekly scaling digest"), "{before}");
    assert_eq!(before.matches("• nothing").count(), 3, "{before}");
    assert!(before.contains("• none"), "{before}");
    // After: the scale-up is still running, it has cost something this week, it was kept
    // with its reason, and nothing went unanswered.
    let digest = after
        .split_once("Weekly scaling digest")
        .unwrap_or_else(|| panic!("no second digest in:\n{after}"))
        .1;
    for line in [
        "Still scaled up:",
        "• `ingest-cdc` DB ClickPipes compute: scaled up since",
        "$0.20 an hour more",
        "Scale-ups this week, $0.",
        "• `ingest-cdc` DB ClickPipes compute: $0.",
        "Kept on purpose:",
        "• `ingest-cdc` #1, kept by alice on ",
        "load test",
        "Unanswered:\n• nothing",
        "Amounts are estimates",
    ] {
        assert!(digest.contains(line), "no `{line}` in:\n{digest}");
    }
}
