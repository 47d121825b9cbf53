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
    let mut args = vec!["--database-url", database];
    args.extend_from_slice(extra);
    console_with(script, &args, &[("CLICKSCALE_LOG", log)], None)
}

/// `clickscale console --sim --user alice` with `args`, the environment `env` (no config,
/// locale or database from the caller's environment) in `cwd`, and `script` on stdin.
pub fn console_with(
    script: &str,
    args: &[&str],
    env: &[(&str, &str)],
    cwd: Option<&std::path::Path>,
) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clickscale"));
    command
        .args([
            "console",
            "--sim",
            "--user",
            "alice",
            "--sim-time-scale",
            TIME_SCALE,
        ])
        .args(args)
        .env("CLICKSCALE_LOG", "warn")
        .env_remove("CLICKSCALE_DATABASE_URL")
        .env_remove("CLICKSCALE_CONFIG")
        .env_remove("CLICKSCALE_LOCALE")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("start clickscale");
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

/// A `clickscale console` (not `--sim`) on a simulator that outlives it, fed line by line,
/// its stdout collected as it comes: for restarts on one database.
pub struct Live {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    out: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Live {
    /// Start on the simulator at `api_url` with the database `db`, fast timings and an
    /// on-call role, so reminders come within seconds.
    pub fn start(api_url: &str, db: &str, extra: &[&str]) -> Live {
        Self::start_with(api_url, db, extra, &[])
    }

    /// `clickscale console --sim` as a newcomer runs it (its own simulator, store and demo
    /// timings) with `extra` arguments, fed line by line.
    pub fn sim(extra: &[&str]) -> Live {
        let mut command = Self::command(&["--sim"], extra);
        command.env_remove("CLICKSCALE_DATABASE_URL");
        Self::spawn(command)
    }

    /// `clickscale console --user ann ARGS EXTRA`, logging warnings, with no configuration or
    /// locale from the caller's environment.
    fn command(args: &[&str], extra: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_clickscale"));
        command
            .args(["console", "--user", "ann"])
            .args(args)
            .args(extra)
            .env_remove("CLICKSCALE_CONFIG")
            .env_remove("CLICKSCALE_LOCALE")
            .env("CLICKSCALE_LOG", "warn");
        command
    }

    /// [`Live::start`] with more environment (configuration overrides) on top.
    pub fn start_with(api_url: &str, db: &str, extra: &[&str], env: &[(&str, &str)]) -> Live {
        use clickscale::sim::fixture::{DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET};
        let mut command = Self::command(&[], extra);
        command
            .env("CLICKSCALE_DATABASE_URL", db)
            .env("CLICKHOUSE_API_URL", api_url)
            .env("CLICKHOUSE_ORG_ID", DEMO_ORG_ID)
            .env("CLICKHOUSE_KEY_ID", DEMO_ADMIN_KEY)
            .env("CLICKHOUSE_KEY_SECRET", DEMO_SECRET)
            .env("CLICKSCALE_CLOUD__RATE_LIMIT_REQUESTS", "1000")
            .env("CLICKSCALE_TIMINGS__POLL_INTERVAL", "100ms")
            .env("CLICKSCALE_TIMINGS__CDC_EXPECTED_MIN", "1s")
            .env("CLICKSCALE_TIMINGS__CDC_EXPECTED_MAX", "20s")
            .env("CLICKSCALE_TIMINGS__WATCH_DEADLINE", "40s")
            .env("CLICKSCALE_ONCALL__ROLE", "oncall")
            .env("CLICKSCALE_ONCALL__TICK", "100ms")
            .env("CLICKSCALE_ONCALL__SNAPSHOT_CHECK_INTERVAL", "200ms")
            .env("CLICKSCALE_ONCALL__ANSWER_WITHIN", "1h")
            .env("CLICKSCALE_STORE__INSTANCE_ID", "console-test")
            .env("CLICKSCALE_STORE__LEASE_TTL", "3s")
            // Last, so a test's overrides win over the defaults above.
            .envs(env.iter().copied());
        Self::spawn(command)
    }

    fn spawn(mut command: Command) -> Live {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start clickscale");
        let mut stdout = child.stdout.take().unwrap();
        let out = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = out.clone();
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Live {
            stdin: child.stdin.take(),
            child,
            out,
        }
    }

    pub fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    pub fn text(&self) -> String {
        self.out.lock().unwrap().clone()
    }

    /// Wait (at most [`RUN_LIMIT`]) until the output holds `needle`.
    pub fn wait_for(&self, needle: &str) {
        let started = Instant::now();
        while !self.text().contains(needle) {
            assert!(
                started.elapsed() < RUN_LIMIT,
                "no `{needle}` within {RUN_LIMIT:?}:\n{}",
                self.text()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: no cleanup of any kind; returns the transcript.
    pub fn kill(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.text()
    }

    /// Close stdin and wait (at most [`RUN_LIMIT`]) for the exit; the code and the transcript.
    pub fn finish(mut self) -> (i32, String) {
        drop(self.stdin.take());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread drain the pipe.
                thread::sleep(Duration::from_millis(100));
                return (status.code().unwrap_or(-1), self.text());
            }
            if started.elapsed() > RUN_LIMIT {
                let _ = self.child.kill();
                panic!("console did not exit:\n{}", self.text());
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}
