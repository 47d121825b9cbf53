//! Restarts through the real binary: `clickscale console` against a simulator that outlives
//! it, killed with SIGKILL in the middle of a watch and in the middle of a reminder, then
//! started again on the same SQLite database. The confirmation arrives exactly once; the
//! reminder is still there to answer.

use std::{
    io::{Read, Write},
    path::Path,
    process::{Child, ChildStdin, Command, Stdio},
    sync::{Arc, Mutex},
    thread,
    time::{Duration, Instant},
};

use clickscale::ops::OutcomeKind;
use clickscale::{
    cloud::model::CdcScaling,
    sim::{
        self,
        fixture::{ids, DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        Fixture, SimConfig, SimHandle,
    },
    store::{ReminderState, Store},
};

const LIMIT: Duration = Duration::from_secs(60);

/// A console process whose stdout is collected as it comes.
struct Console {
    child: Child,
    stdin: Option<ChildStdin>,
    out: Arc<Mutex<String>>,
}

fn database(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("clickscale.db").display())
}

impl Console {
    fn start(sim: &SimHandle, db: &str) -> Console {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clickscale"))
            .args(["console", "--user", "ann"])
            .env_remove("CLICKSCALE_CONFIG")
            .env("CLICKSCALE_LOG", "warn")
            .env("CLICKSCALE_DATABASE_URL", db)
            .env("CLICKHOUSE_API_URL", sim.base_url())
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
            .env("CLICKSCALE_STORE__INSTANCE_ID", "restart-test")
            .env("CLICKSCALE_STORE__LEASE_TTL", "3s")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start clickscale");
        let mut stdout = child.stdout.take().unwrap();
        let out = Arc::new(Mutex::new(String::new()));
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
        Console {
            stdin: child.stdin.take(),
            child,
            out,
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    fn text(&self) -> String {
        self.out.lock().unwrap().clone()
    }

    fn wait_for(&self, needle: &str) {
        let started = Instant::now();
        while !self.text().contains(needle) {
            assert!(
                started.elapsed() < LIMIT,
                "no `{needle}` within {LIMIT:?}:\n{}",
                self.text()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: no cleanup of any kind.
    fn kill(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.text()
    }

    /// Close stdin and wait for a clean exit; returns the exit code and the transcript.
    fn finish(mut self) -> (i32, String) {
        drop(self.stdin.take());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread drain the pipe.
                thread::sleep(Duration::from_millis(100));
                return (status.code().unwrap_or(-1), self.text());
            }
            if started.elapsed() > LIMIT {
                let _ = self.child.kill();
                panic!("console did not exit:\n{}", self.text());
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

async fn simulator(time_scale: f64, cdc_converge_after: Duration) -> SimHandle {
    sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            time_scale,
            cdc_converge_after,
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap()
}

async fn cdc(sim: &SimHandle) -> CdcScaling {
    sim.world().lock().await.get_cdc(ids::INGEST_CDC).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_mid_watch_then_restart_confirms_exactly_once() {
    // CDC takes 4 s of real time to converge: long enough to kill the console while it watches.
    let sim = simulator(1.0, Duration::from_secs(4)).await;
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());

    let mut first = Console::start(&sim, &db);
    first.send("/cdc-scale service:ingest-cdc cores:4 revert:never reason:\"restart test\"");
    first.wait_for("The API accepted the change");
    let before_kill = first.kill();
    assert!(!before_kill.contains("✅"), "{before_kill}");
    assert_eq!(
        cdc(&sim).await,
        CdcScaling::from_cores(2),
        "killed while the API still converges"
    );
    {
        let store = Store::connect(&db).await.unwrap();
        let unsettled = store.unsettled_operations().await.unwrap();
        assert_eq!(unsettled.len(), 1, "the watch is in the database");
        assert!(unsettled[0].request_id.is_some());
        store.close().await;
    }

    let second = Console::start(&sim, &db);
    let (code, text) = second.finish();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("↻ clickscale restarted"), "{text}");
    assert_eq!(
        text.matches("✅ Confirmed: the API now reports 4 cores / 16 GB")
            .count(),
        1,
        "{text}"
    );
    assert_eq!(cdc(&sim).await, CdcScaling::from_cores(4));

    // A third start has nothing left to say about it.
    let third = Console::start(&sim, &db);
    let (code, text) = third.finish();
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("Confirmed"), "{text}");
    let store = Store::connect(&db).await.unwrap();
    let ops = store.recent_operations(None, 10).await.unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].outcome, Some(OutcomeKind::Confirmed));
    assert!(ops[0].notice.is_none(), "the notice was posted and taken");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_with_a_reminder_posted_then_restart_answers_it() {
    // 100x: the snapshots end within 3 s, CDC converges in 0.2 s.
    let sim = simulator(100.0, Duration::from_secs(20)).await;
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());

    let mut first = Console::start(&sim, &db);
    first.send("/cdc-scale service:ingest-cdc cores:8");
    first.send("Confirm");
    first.wait_for("[Scale down now]");
    let text = first.kill();
    assert!(
        text.contains("@oncall"),
        "the on-call role is mentioned:\n{text}"
    );
    assert_eq!(cdc(&sim).await, CdcScaling::from_cores(8));

    let mut second = Console::start(&sim, &db);
    second.send("Scale down now");
    second.wait_for("asked to scale back to 2 cores / 8 GB");
    let (code, text) = second.finish();
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        text.matches("✅ Confirmed: the API now reports 2 cores / 8 GB")
            .count(),
        1,
        "{text}"
    );
    assert_eq!(cdc(&sim).await, CdcScaling::from_cores(2));
    let store = Store::connect(&db).await.unwrap();
    let reminders = store.all_reminders().await.unwrap();
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].state, ReminderState::Done);
}
