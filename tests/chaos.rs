//! The chaos run (issue 14): two `clickscale console` instances on one PostgreSQL (a server of
//! the test's own), a simulator that outlives them, operations and their reminders spread over
//! the run, and one instance SIGKILLed at random every few seconds (and started again at once,
//! same instance id, new incarnation). Afterwards every operation must be settled once in the
//! store, end its own thread with exactly one final notice, and no reminder may be posted twice.
//!
//! `cargo test --test chaos` runs the short version (about 45 s); the full one (50 operations,
//! 4 minutes) is `cargo test --test chaos -- --ignored`. Both print their counts (README).

mod support;

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use clickscale::{
    ops::OutcomeKind,
    sim::{self, Fixture, SimConfig},
    store::{OperationRecord, Store},
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use support::{console::Live, pg_server::PgServer};

/// How long the survivors may take to settle everything once the kills stop.
const SETTLE_LIMIT: Duration = Duration::from_secs(120);

/// Changes with and without a confirmation, on three services, disjoint and overlapping
/// settings (supersession and joining happen too); CDC scale-ups bring a reminder each.
const COMMANDS: &[&str] = &[
    "/cdc-scale service:ingest-cdc cores:3",
    "/cdc-scale service:ingest-cdc cores:5",
    "/cdc-scale service:ingest-cdc cores:2",
    "/cdc-scale service:ingest-cdc cores:4",
    "/cdc-scale service:ingest-cdc cores:6",
    "/cdc-scale service:ingest-cdc cores:2",
    "/replicas service:analytics-staging count:3",
    "/replicas service:analytics-staging count:4",
    "/idle service:analytics-staging enabled:false",
    "/idle service:analytics-staging enabled:true",
    "/replicas service:analytics-prod count:4",
    "/replicas service:analytics-prod count:2",
    "Confirm",
    "Confirm",
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

/// What a reminder post says (and nothing else does).
const REMINDER_MARK: &str = "has finished:";

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

struct Figures {
    operations: usize,
    kills: usize,
    finals_per_thread: BTreeMap<usize, usize>,
    duplicates: usize,
    lost: usize,
    reminder_posts: usize,
    reminder_duplicates: usize,
    outcomes: BTreeMap<OutcomeKind, usize>,
    took: Duration,
}

fn start(base: &str, db: &str, name: &str) -> Live {
    let instance = format!("chaos-{name}");
    let env = [
        ("CLICKSCALE_STORE__INSTANCE_ID", instance.as_str()),
        ("CLICKSCALE_TIMINGS__CONFIRM_TIMEOUT", "3s"),
        ("CLICKSCALE_TIMINGS__WATCH_DEADLINE", "20s"),
        ("CLICKSCALE_TIMINGS__CDC_EXPECTED_MAX", "3s"),
        ("CLICKSCALE_TIMINGS__SERVICE_EXPECTED_MAX", "2s"),
        // CDC scale-ups go out without a confirmation, so most of them confirm and bring a
        // reminder; capacity going down still asks (and mostly expires: "Confirm" is typed
        // into a random instance).
        ("CLICKSCALE_RISK__COST_UP_CONFIRM_FACTOR", "100"),
    ];
    Live::start_with(base, db, &[], &env)
}

async fn chaos(run_for: Duration, operations: usize, seed: u64) -> Figures {
    let Some(pg) = PgServer::start() else {
        panic!("the chaos run needs PostgreSQL (Debian's postgresql package)");
    };
    // 100x: snapshots end within seconds, changes land in 1.5 s (CDC) and 0.8 s (services).
    let sim = sim::spawn(
        SimConfig {
            time_scale: 100.0,
            rate_limit: 10_000,
            cdc_converge_after: Duration::from_secs(150),
            service_converge_after: Duration::from_secs(80),
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap();
    let base = sim.base_url();
    let db = pg.url();
    // Migrate once before the instances race to.
    let store = Store::connect(&db).await.unwrap();
    let names = ["a", "b"];
    let mut live: Vec<Option<Live>> = names.iter().map(|n| Some(start(&base, &db, n))).collect();
    let mut transcripts = Vec::new();
    // A fixed seed: a failure can be replayed.
    let mut rng = StdRng::seed_from_u64(seed);
    let began = Instant::now();
    let mut next_kill = began + Duration::from_millis(rng.random_range(2000..5000));
    let mut kills = 0;
    let mut created = 0;
    while began.elapsed() < run_for {
        // Spread the operations over the run: behind schedule, send another command.
        let due = operations as f64 * began.elapsed().as_secs_f64() / run_for.as_secs_f64();
        if (created as f64) < due.ceil() && created < operations {
            let who = rng.random_range(0..live.len());
            let line = COMMANDS[rng.random_range(0..COMMANDS.len())];
            live[who].as_mut().unwrap().send(line);
            created = store.recent_operations(None, 10_000).await.unwrap().len();
        }
        if Instant::now() >= next_kill {
            let who = rng.random_range(0..live.len());
            let victim = live[who].take().unwrap();
            transcripts.push(
                tokio::task::spawn_blocking(move || victim.kill())
                    .await
                    .unwrap(),
            );
            kills += 1;
            live[who] = Some(start(&base, &db, names[who]));
            next_kill = Instant::now() + Duration::from_millis(rng.random_range(2000..5000));
        }
        tokio::time::sleep(Duration::from_millis(rng.random_range(150..450))).await;
    }
    // Until `operations` exist (joins and "Confirm" create none), without more kills.
    while store.recent_operations(None, 10_000).await.unwrap().len() < operations {
        assert!(
            began.elapsed() < run_for * 2,
            "too few operations were created"
        );
        let who = rng.random_range(0..live.len());
        live[who]
            .as_mut()
            .unwrap()
            .send(COMMANDS[rng.random_range(0..COMMANDS.len() - 3)]);
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    // The survivors settle everything: no open operation, no unposted notice.
    let settling = Instant::now();
    loop {
        let open = store.unsettled_operations().await.unwrap();
        let unposted = store.unposted_notices().await.unwrap();
        if open.is_empty() && unposted.is_empty() {
            break;
        }
        assert!(
            settling.elapsed() < SETTLE_LIMIT,
            "still open after {SETTLE_LIMIT:?}: {:?} / unposted {:?}",
            open.iter().map(|o| (o.id, o.phase)).collect::<Vec<_>>(),
            unposted.iter().map(|o| o.id).collect::<Vec<_>>(),
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Reminders due by now are posted: let the survivors post them, then stop.
    tokio::time::sleep(Duration::from_secs(2)).await;
    for l in live.iter_mut() {
        let (_, text) = tokio::task::spawn_blocking({
            let l = l.take().unwrap();
            move || l.finish()
        })
        .await
        .unwrap();
        transcripts.push(text);
    }
    let took = began.elapsed();
    let all = transcripts.join("\n");
    let ops: BTreeMap<u64, OperationRecord> = store
        .recent_operations(None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.id.0, o))
        .collect();

    let mut finals: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let mut reminders: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for line in all.lines() {
        let Some((command, service, id)) = label(line) else {
            continue;
        };
        let op = ops
            .get(&id)
            .unwrap_or_else(|| panic!("a line names #{id}, which never existed: {line}"));
        assert_eq!(command, op.kind.name(), "in another's thread: {line}");
        assert_eq!(service, op.service.name, "in another's thread: {line}");
        if FINAL_MARKS.iter().any(|m| line.contains(m)) {
            finals.entry(id).or_default().push(line.trim().to_owned());
        }
        if line.contains(REMINDER_MARK) {
            reminders
                .entry(id)
                .or_default()
                .push(line.trim().to_owned());
        }
    }
    // From the store: reminders scheduled, and by state (Done: closed on its own, e.g. the
    // service was back already when the snapshots finished).
    let mut reminder_states: BTreeMap<String, usize> = BTreeMap::new();
    let mut reminders_scheduled = 0;
    for id in ops.values().map(|o| o.id) {
        for r in store.reminders_of(id).await.unwrap() {
            reminders_scheduled += 1;
            *reminder_states
                .entry(format!("{:?}/level {}", r.state, r.level))
                .or_default() += 1;
        }
    }
    eprintln!("chaos: {reminders_scheduled} reminders scheduled, by state {reminder_states:?}");
    let mut figures = Figures {
        operations: ops.len(),
        kills,
        finals_per_thread: BTreeMap::new(),
        duplicates: 0,
        lost: 0,
        reminder_posts: reminders.values().map(Vec::len).sum(),
        // Nobody answers (answer_within is an hour): one post per reminder at most.
        reminder_duplicates: reminders.values().map(|v| v.len().saturating_sub(1)).sum(),
        outcomes: BTreeMap::new(),
        took,
    };
    for (id, op) in &ops {
        let outcome = op.outcome.unwrap_or_else(|| panic!("#{id} unsettled"));
        *figures.outcomes.entry(outcome).or_default() += 1;
        let said = finals.get(id).map_or(0, Vec::len);
        *figures.finals_per_thread.entry(said).or_default() += 1;
        figures.duplicates += said.saturating_sub(1);
        figures.lost += usize::from(said == 0);
    }
    eprintln!(
        "chaos: {} operations, {} kills in {:?}; final notices per thread {:?}; duplicates {}, \
         lost {}; reminder posts {}, duplicated {}; outcomes {:?}",
        figures.operations,
        figures.kills,
        figures.took,
        figures.finals_per_thread,
        figures.duplicates,
        figures.lost,
        figures.reminder_posts,
        figures.reminder_duplicates,
        figures.outcomes
    );
    if figures.duplicates + figures.lost + figures.reminder_duplicates > 0 {
        let bad: Vec<_> = finals.iter().filter(|(_, v)| v.len() != 1).collect();
        eprintln!("finals not once: {bad:#?}");
        let twice: Vec<_> = reminders.iter().filter(|(_, v)| v.len() > 1).collect();
        eprintln!("reminders twice: {twice:#?}");
    }
    store.close().await;
    figures
}

fn assert_once(f: &Figures) {
    assert_eq!(f.duplicates, 0, "final notices posted twice");
    assert_eq!(f.lost, 0, "operations without a final notice");
    assert_eq!(f.reminder_duplicates, 0, "reminders posted twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_chaos_settles_every_operation_once() {
    if !PgServer::available() {
        return;
    }
    let f = chaos(Duration::from_secs(40), 15, 0x63686173).await;
    assert!(f.kills >= 5, "{} kills", f.kills);
    assert_once(&f);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "several minutes: cargo test --test chaos -- --ignored"]
async fn chaos_fifty_operations_four_minutes() {
    let f = chaos(Duration::from_secs(240), 50, 0x6b696c6c).await;
    assert!(f.kills >= 40, "{} kills", f.kills);
    assert_once(&f);
}
