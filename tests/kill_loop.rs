//! The kill -9 loop (issue 9): one SQLite database, a simulator that outlives every process,
//! and `clickscale console` started 20 times with changes in flight and SIGKILLed at a random
//! moment each time; then one last start that only resumes. Every operation must end settled
//! exactly once in the store, say so once in its own thread, and no follow-up may carry
//! another operation's label.

use std::{
    collections::BTreeMap,
    thread,
    time::{Duration, Instant},
};

mod support;

use clickscale::{
    ops::{CommandKind, OutcomeKind},
    scaling::Target,
    sim::{self, Fixture, SimConfig},
    store::{OperationRecord, Store},
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use support::console::Live;

const KILLS: usize = 20;
/// How long the last, resuming run may take to settle everything.
const SETTLE_LIMIT: Duration = Duration::from_secs(90);

/// Changes that need no confirmation and changes that do (capacity down), on three services
/// and disjoint or overlapping settings, so that supersession and joining happen too.
const COMMANDS: &[&str] = &[
    "/cdc-scale service:ingest-cdc cores:3",
    "/cdc-scale service:ingest-cdc cores:5",
    "/replicas service:analytics-staging count:3",
    "/replicas service:analytics-staging count:4",
    "/idle service:analytics-staging enabled:false",
    "/idle service:analytics-staging enabled:true",
    "/replicas service:analytics-prod count:4",
    "/replicas service:analytics-prod count:2",
    "Confirm",
];

/// The lines a settled operation ends its thread with; exactly one per operation.
const FINAL_MARKS: &[&str] = &[
    "✅ Confirmed:",
    "Superseded by",
    "Expired:",
    "Cancelled by",
    "⚠️ Not confirmed after",
    "❔ Outcome unknown",
    "❌",
];

/// `<command> <service> #<id>:` at the start of a thread line, as the console labels them.
fn label(line: &str) -> Option<(String, String, u64)> {
    let rest = line.trim_start().strip_prefix("└ ")?;
    let (head, _) = rest.split_once(": ")?;
    let mut words = head.split(' ');
    let (command, service, id) = (words.next()?, words.next()?, words.next()?);
    let id = id.strip_prefix('#')?.parse().ok()?;
    words
        .next()
        .is_none()
        .then(|| (command.to_owned(), service.to_owned(), id))
}

/// What a confirmation of `op` must say it sees.
fn expected_seen(op: &OperationRecord) -> Vec<String> {
    let target: Target = serde_json::from_value(op.target.clone()).expect("stored target");
    match target {
        Target::Cdc(c) => vec![format!(
            "{} cores / {} GB",
            c.replica_cpu_millicores / 1000,
            c.replica_memory_gb
        )],
        Target::Service(p) => {
            let mut v = Vec::new();
            if let Some(n) = p.num_replicas {
                v.push(format!("{n} replicas"));
            }
            match p.idle_scaling {
                Some(true) => v.push("idling on".into()),
                Some(false) => v.push("idling off".into()),
                None => {}
            }
            v
        }
        // This loop runs no schedule changes; each entry's name is what a confirmation shows.
        Target::Schedule(post) => post
            .entries
            .iter()
            .map(|e| format!("`{}`", e.name))
            .collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_kills_leave_every_operation_settled_once_in_its_own_thread() {
    let sim = sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            cdc_converge_after: Duration::from_millis(1500),
            service_converge_after: Duration::from_millis(800),
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = support::console::database_in(dir.path());
    let env = [
        ("CLICKSCALE_TIMINGS__CONFIRM_TIMEOUT", "3s"),
        ("CLICKSCALE_TIMINGS__WATCH_DEADLINE", "20s"),
        ("CLICKSCALE_TIMINGS__CDC_EXPECTED_MAX", "3s"),
        ("CLICKSCALE_TIMINGS__SERVICE_EXPECTED_MAX", "2s"),
    ];
    // A fixed seed: a failure can be replayed.
    let mut rng = StdRng::seed_from_u64(0x6b696c6c);
    let mut transcripts = Vec::new();
    let base = sim.base_url();
    for _ in 0..KILLS {
        let (db, base) = (db.clone(), base.clone());
        let lines: Vec<&str> = (0..rng.random_range(1..=3))
            .map(|_| COMMANDS[rng.random_range(0..COMMANDS.len())])
            .collect();
        let alive = Duration::from_millis(rng.random_range(150..1800));
        let text = tokio::task::spawn_blocking(move || {
            let mut console = Live::start_with(&base, &db, &[], &env);
            for line in lines {
                console.send(line);
                thread::sleep(Duration::from_millis(60));
            }
            thread::sleep(alive);
            console.kill()
        })
        .await
        .unwrap();
        transcripts.push(text);
    }
    // The last start only resumes; wait until the store says everything settled and posted.
    let store = Store::connect(&db).await.unwrap();
    let (db2, base2) = (db.clone(), base.clone());
    let last = tokio::task::spawn_blocking(move || Live::start_with(&base2, &db2, &[], &env))
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let open = store.unsettled_operations().await.unwrap();
        let unposted = store.unposted_notices().await.unwrap();
        if open.is_empty() && unposted.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < SETTLE_LIMIT,
            "still open after {SETTLE_LIMIT:?}: {:?} / unposted {:?}\n{}",
            open.iter().map(|o| (o.id, o.phase)).collect::<Vec<_>>(),
            unposted.iter().map(|o| o.id).collect::<Vec<_>>(),
            last.text()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (code, text) = tokio::task::spawn_blocking(move || last.finish())
        .await
        .unwrap();
    transcripts.push(text);
    let all = transcripts.join("\n");
    let ops: BTreeMap<u64, OperationRecord> = store
        .recent_operations(None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.id.0, o))
        .collect();
    assert!(
        ops.len() >= KILLS / 2,
        "too few operations ran: {}\n{all}",
        ops.len()
    );
    assert!(code == 0 || code == 1, "exit {code}");

    // 0 wrong labels: every thread line names an operation of that command and service.
    let mut finals: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for line in all.lines() {
        let Some((command, service, id)) = label(line) else {
            continue;
        };
        let op = ops
            .get(&id)
            .unwrap_or_else(|| panic!("a follow-up names #{id}, which never existed: {line}"));
        assert_eq!(command, op.kind.name(), "wrong label: {line}");
        assert_eq!(service, op.service.name, "wrong label: {line}");
        if FINAL_MARKS.iter().any(|m| line.contains(m)) {
            finals.entry(id).or_default().push(line.trim().to_owned());
        }
        if line.contains("✅ Confirmed:") {
            for seen in expected_seen(op) {
                assert!(
                    line.contains(&seen),
                    "#{id} confirms what is not its target: {line}"
                );
            }
        }
    }
    // Every operation settled once in the store, and said so once in its thread.
    let mut outcomes: BTreeMap<OutcomeKind, usize> = BTreeMap::new();
    for (id, op) in &ops {
        let outcome = op.outcome.unwrap_or_else(|| panic!("#{id} unsettled"));
        *outcomes.entry(outcome).or_default() += 1;
        let said = finals.get(id).cloned().unwrap_or_default();
        assert_eq!(
            said.len(),
            1,
            "#{id} ({outcome}, {}) ended its thread {} times: {said:#?}\n{all}",
            op.kind,
            said.len()
        );
        if outcome == OutcomeKind::Confirmed {
            assert!(said[0].contains("✅ Confirmed:"), "#{id}: {said:?}");
        }
    }
    assert!(
        ops.values().any(|o| o.kind == CommandKind::CdcScale),
        "the loop exercised CDC"
    );
    eprintln!(
        "kill loop: {KILLS} kills, {} operations, outcomes {outcomes:?}",
        ops.len()
    );
}
