//! `clickscale console --sim` through the real binary, with a script on stdin, for the
//! console and language tests. Transcripts are normalized (ids, ports, durations) so they can
//! be snapshotted.

use std::{
    io::{Read, Write},
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

/// Simulated time runs this much faster than real time. Kept low so asynchronous follow-ups
/// (confirmations) never race the next scripted line on a loaded machine.
pub const TIME_SCALE: &str = "2";
/// A run that takes longer than this is stuck.
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

pub struct Run {
    pub transcript: String,
    pub stderr: String,
    pub code: i32,
}

/// Run the console with `script` on stdin and wait for it to exit.
pub fn console(script: &str, extra: &[&str]) -> Run {
    // Each run keeps its operations in a database of its own.
    let dir = tempfile::tempdir().expect("temp dir");
    console_on(&database_in(dir.path()), script, extra, "warn")
}

pub fn database_in(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("clickscale.db").display())
}

/// [`console`] on a given database, logging at `log` (a `CLICKSCALE_LOG` filter).
pub fn console_on(database: &str, script: &str, extra: &[&str], log: &str) -> Run {
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
        .env("CLICKSCALE_LOG", log)
        .env("CLICKSCALE_DATABASE_URL", database)
        .env_remove("CLICKSCALE_CONFIG")
        .env_remove("CLICKSCALE_LOCALE")
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

/// The rest of a Russian or Chinese duration after its first number (`5| мин 00 с`,
/// `1| с`, `2| 小时 03 分`), as the locale files write them: its length in bytes.
fn localized_unit(rest: &str) -> Option<usize> {
    let two_digits = |s: &str| s.len() >= 2 && s.as_bytes()[..2].iter().all(u8::is_ascii_digit);
    let ends_word = |s: &str| !s.chars().next().is_some_and(char::is_alphabetic);
    for (first, second) in [
        (" мин ", " с"),
        (" ч ", " мин"),
        (" 分 ", " 秒"),
        (" 小时 ", " 分"),
    ] {
        if let Some(after) = rest.strip_prefix(first) {
            if two_digits(after) && after[2..].starts_with(second) {
                return Some(first.len() + 2 + second.len());
            }
        }
    }
    [" с", " 秒"]
        .into_iter()
        .find(|u| rest.strip_prefix(u).is_some_and(ends_word))
        .map(str::len)
}

/// Replace UUIDs (org, service and request ids), the simulator's port and durations.
pub fn normalize(s: &str) -> String {
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
            if let Some(len) = unit.map(str::len).or_else(|| localized_unit(&s[j..])) {
                if !out.ends_with("<dur> ") {
                    out.push_str("<dur>");
                } else {
                    out.pop();
                }
                i = j + len;
                continue;
            }
        }
        let c = s[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}
