//! `clickscale console --sim` through the real binary, with a script on stdin.
//!
//! Each test starts its own simulator (127.0.0.1:0) with time running 10x faster, so a whole
//! run takes well under a few seconds. Transcripts are compared as insta snapshots after
//! replacing what changes from run to run (ids, ports, durations).

use std::{
    io::{Read, Write},
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

/// Simulated time runs this much faster than real time. Kept low so asynchronous follow-ups
/// (confirmations) never race the next scripted line on a loaded machine.
const TIME_SCALE: &str = "2";
/// A run that takes longer than this is stuck.
const RUN_LIMIT: Duration = Duration::from_secs(60);

struct Run {
    transcript: String,
    stderr: String,
    code: i32,
}

/// Run the console with `script` on stdin and wait for it to exit.
fn console(script: &str, extra: &[&str]) -> Run {
    // Each run keeps its operations in a database of its own.
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("clickscale.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .args([
            "console",
            "--sim",
            "--user",
            "alice",
            "--sim-time-scale",
            TIME_SCALE,
        ])
        .args(extra)
        .env("CLICKSCALE_LOG", "warn")
        .env("CLICKSCALE_DATABASE_URL", &database)
        .env_remove("CLICKSCALE_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start clickscale");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .expect("write the script");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let err = thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).map(|_| s)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for clickscale") {
            break status;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "console did not exit within {RUN_LIMIT:?}\nstdout:\n{}\nstderr:\n{}",
                out.join().unwrap().unwrap_or_default(),
                err.join().unwrap().unwrap_or_default()
            );
        }
        thread::sleep(Duration::from_millis(20));
    };
    let stdout = out.join().unwrap().expect("read stdout");
    let stderr = err.join().unwrap().expect("read stderr");
    Run {
        transcript: normalize(&stdout),
        stderr,
        code: status.code().expect("exit code"),
    }
}

fn is_uuid_at(b: &[u8], i: usize) -> bool {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let mut j = i;
    for (g, len) in GROUPS.iter().enumerate() {
        for _ in 0..*len {
            if !b.get(j).is_some_and(u8::is_ascii_hexdigit) {
                return false;
            }
            j += 1;
        }
        if g < 4 {
            if b.get(j) != Some(&b'-') {
                return false;
            }
            j += 1;
        }
    }
    true
}

/// Replace UUIDs (org, service and request ids), the simulator's port and durations.
fn normalize(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if boundary && is_uuid_at(b, i) {
            out.push_str("<uuid>");
            i += 36;
            continue;
        }
        if s[i..].starts_with("127.0.0.1:") {
            out.push_str("127.0.0.1:<port>");
            i += "127.0.0.1:".len();
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            continue;
        }
        if boundary && b[i].is_ascii_digit() {
            // `42s`, `4m 05s`, `1h 03m`, `500ms` as text::duration and friends write them.
            let mut j = i;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            let unit = ["ms", "s", "m", "h"].into_iter().find(|u| {
                s[j..].starts_with(u) && !b.get(j + u.len()).is_some_and(u8::is_ascii_alphanumeric)
            });
            if let Some(unit) = unit {
                if !out.ends_with("<dur> ") {
                    out.push_str("<dur>");
                } else {
                    out.pop();
                }
                i = j + unit.len();
                continue;
            }
        }
        let c = s[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

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
        "Options of /replicas: service (required, text), count (integer), min-memory-gb (integer), max-memory-gb (integer), for (text)."
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
