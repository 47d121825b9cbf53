//! A long simulated run (simulated time 200x): twelve CDC services are scaled up for their
//! initial loads, on-call answers some reminders (scale down, keep, snooze then scale down)
//! and ignores others, a few replica changes are timed, and the process dies in the middle
//! and is started again. At the end every scale-up has ended in a scale-down, a recorded Keep,
//! or a reminder still open, and nothing was lost or done twice.

mod support;

use std::{collections::BTreeMap, time::Duration};

use chrono::Utc;
use clickscale::ops::OutcomeKind;
use clickscale::{
    cloud::model::PipeState,
    config::Config,
    i18n::Locale,
    ops::{Answer, Engine, OperationId, Origin, RevertInput, ScaleRequest, Submission},
    scaling::ReplicaInput,
    sim::{
        self,
        fixture::{ids, Stage},
        Fixture, SimConfig, SimHandle,
    },
    store::{AuditAction, Reminder, ReminderKind, ReminderState, Store},
};
use support::recorder::{actor, Recorder};

const SERVICES: usize = 12;
const LIMIT: Duration = Duration::from_secs(60);

/// What on-call does with the reminder of service `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnCall {
    ScaleDown,
    Keep,
    SnoozeThenScaleDown,
    Ignore,
}

fn plan(i: usize) -> OnCall {
    [
        OnCall::ScaleDown,
        OnCall::Keep,
        OnCall::SnoozeThenScaleDown,
        OnCall::Ignore,
    ][i % 4]
}

fn name(i: usize) -> String {
    format!("cdc-{i:02}")
}

/// The default fixture plus twelve CDC services, each with two DB ClickPipes whose initial
/// loads end at different (simulated) times.
fn fixture() -> Fixture {
    let mut f = Fixture::default();
    let template = f.service_by_name("ingest-cdc").unwrap().clone();
    let pipe = f
        .pipes
        .iter()
        .find(|p| p.id == ids::PIPE_ORDERS)
        .unwrap()
        .clone();
    for i in 0..SERVICES {
        let id = uuid::Uuid::new_v4().to_string();
        let mut service = template.clone();
        service.id = id.clone();
        service.name = name(i);
        f.services.push(service);
        for (n, done) in [(0, 60 + 30 * i as u64), (1, 120 + 40 * i as u64)] {
            let mut p = pipe.clone();
            p.id = uuid::Uuid::new_v4().to_string();
            p.service_id = id.clone();
            p.name = format!("pg_{i:02}_{n}");
            p.stages = [
                (PipeState::Setup, 0),
                (PipeState::Snapshot, 10),
                (PipeState::Running, done),
            ]
            .into_iter()
            .map(|(state, secs)| Stage {
                state,
                at: Duration::from_secs(secs),
            })
            .collect();
            f.pipes.push(p);
        }
    }
    f
}

async fn engine(sim: &SimHandle, db: &str, chat: std::sync::Arc<Recorder>) -> Engine {
    let mut config = Config::default();
    let t = &mut config.timings;
    t.poll_interval = Duration::from_millis(50);
    t.watch_deadline = Duration::from_secs(20);
    t.cdc_expected_min = Duration::from_millis(100);
    t.cdc_expected_max = Duration::from_secs(2);
    t.service_expected_max = Duration::from_secs(2);
    let o = &mut config.oncall;
    o.role = Some("oncall".into());
    o.tick = Duration::from_millis(30);
    o.snapshot_check_interval = Duration::from_millis(100);
    o.answer_within = Duration::from_millis(700);
    o.timed_revert_warning = Duration::from_millis(200);
    config.store.instance_id = "long-run".into();
    config.store.lease_ttl = Duration::from_secs(2);
    let store = Store::connect(db).await.unwrap();
    let engine = Engine::new(support::cloud::sim_client(sim), config, store).unwrap();
    engine.start_background(chat).await.unwrap();
    engine
}

fn origin() -> Origin {
    Origin {
        guild: Some("g".into()),
        channel: "c-ops".into(),
        locale: "en-US".into(),
    }
}

async fn launch(engine: &Engine, chat: &std::sync::Arc<Recorder>, sub: Submission) -> OperationId {
    let p = engine.prepare(sub).await.unwrap();
    engine.launch(p, chat.clone()).await.unwrap().id
}

/// The reminder of `op` once it has been posted (level >= 1).
async fn posted(engine: &Engine, op: OperationId) -> Option<Reminder> {
    engine
        .store()
        .reminders_of(op)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.level >= 1 && r.state.is_open() && r.state != ReminderState::Acknowledged)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_scale_up_ends_in_a_scale_down_a_keep_or_an_open_reminder() {
    let sim = sim::spawn(
        SimConfig {
            rate_limit: 100_000,
            time_scale: 200.0,
            cdc_converge_after: Duration::from_secs(60),
            service_converge_after: Duration::from_secs(20),
            ..SimConfig::default()
        },
        fixture(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("clickscale.db").display());
    let chat = Recorder::new();
    *chat.auto_confirm.lock().unwrap() = Some(actor("lead", &[]));
    let first = engine(&sim, &db, chat.clone()).await;

    // Scale every service up for its initial load, and time three replica changes.
    let mut ups = BTreeMap::new();
    for i in 0..SERVICES {
        let sub = Submission {
            service: name(i),
            request: ScaleRequest::cdc(4 + (i as i64 % 3) * 2),
            actor: actor("ann", &[]),
            origin: origin(),
            revert: RevertInput::default(),
        };
        ups.insert(i, launch(&first, &chat, sub).await);
    }
    let mut timed = Vec::new();
    for service in ["analytics-prod", "analytics-staging", "reporting-highmem"] {
        let sub = Submission {
            service: service.into(),
            request: ScaleRequest::Replicas(ReplicaInput {
                count: Some(5),
                min_memory_gb: None,
                max_memory_gb: None,
                ..ReplicaInput::default()
            }),
            actor: actor("ann", &[]),
            origin: origin(),
            revert: RevertInput {
                for_: Some("5m".into()),
                ..RevertInput::default()
            },
        };
        timed.push(launch(&first, &chat, sub).await);
    }

    // The process dies while operations are in flight and reminders wait; a new one starts.
    tokio::time::sleep(Duration::from_millis(150)).await;
    first.halt();
    drop(first);
    let engine = engine(&sim, &db, chat.clone()).await;
    // The resumed operations say so from their own tasks: give them a moment (on a loaded
    // machine the assertion ran before any had been scheduled).
    let said_by = tokio::time::Instant::now() + Duration::from_secs(5);
    while chat.count("↻ clickscale restarted") == 0 && tokio::time::Instant::now() < said_by {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        chat.count("↻ clickscale restarted") > 0,
        "the restart found work to resume:\n{}",
        chat.text()
    );

    // Timed changes: bring their end close instead of waiting five minutes.
    let deadline = tokio::time::Instant::now() + LIMIT;
    for op in &timed {
        let reminder = loop {
            if let Some(r) = engine.store().reminders_of(*op).await.unwrap().pop() {
                break r;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no timed reminder for {op}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let mut r = reminder;
        r.payload["until"] =
            serde_json::to_value(Utc::now() + chrono::Duration::milliseconds(500)).unwrap();
        r.due_at = Utc::now();
        engine.store().update_reminder(&r).await.unwrap();
    }

    // On-call at work.
    let oncall = actor("olga", &["oncall"]);
    let mut snoozed = Vec::new();
    let mut pending: Vec<usize> = (0..SERVICES)
        .filter(|i| plan(*i) != OnCall::Ignore)
        .collect();
    while !pending.is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "unanswered: {pending:?}\n{}",
            chat.text()
        );
        let mut still = Vec::new();
        for i in pending {
            let Some(r) = posted(&engine, ups[&i]).await else {
                still.push(i);
                continue;
            };
            let answer = match plan(i) {
                OnCall::ScaleDown => Answer::Restore,
                OnCall::Keep => Answer::Keep(Some(format!("backfill {i} continues"))),
                OnCall::SnoozeThenScaleDown if !snoozed.contains(&i) => {
                    snoozed.push(i);
                    Answer::Snooze(Duration::from_secs(3600))
                }
                OnCall::SnoozeThenScaleDown => Answer::Restore,
                OnCall::Ignore => unreachable!(),
            };
            let was_snooze = matches!(answer, Answer::Snooze(_));
            engine
                .answer(r.id, answer, &oncall, Locale::EnUs)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", name(i)));
            if was_snooze {
                // Bring the snoozed reminder back now rather than in an hour.
                let mut r = engine.store().reminder(r.id).await.unwrap().unwrap();
                r.due_at = Utc::now();
                engine.store().update_reminder(&r).await.unwrap();
                still.push(i);
            }
        }
        pending = still;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Let everything settle: no operation in flight, ignored reminders escalated.
    loop {
        let unsettled = engine.store().unsettled_operations().await.unwrap();
        let open = engine.open_reminders().await.unwrap();
        let escalated = open
            .iter()
            .filter(|r| r.state == ReminderState::Escalated)
            .count();
        let ignored = (0..SERVICES).filter(|i| plan(*i) == OnCall::Ignore).count();
        if unsettled.is_empty() && escalated == ignored && open.len() == ignored {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not settled: {} operations, {} open reminders\n{}",
            unsettled.len(),
            open.len(),
            chat.text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The books balance.
    let store = engine.store();
    let ops = store.recent_operations(None, 1000).await.unwrap();
    let audit = store
        .audit_since(Utc::now() - chrono::Duration::hours(1), None, 100_000)
        .await
        .unwrap();
    let world = sim.world();
    for i in 0..SERVICES {
        let up = store.operation(ups[&i]).await.unwrap().unwrap();
        assert_eq!(up.outcome, Some(OutcomeKind::Confirmed), "{}", name(i));
        let reminders = store.reminders_of(up.id).await.unwrap();
        assert_eq!(reminders.len(), 1, "{}: one reminder per scale-up", name(i));
        let r = &reminders[0];
        assert_eq!(r.kind, ReminderKind::AfterSnapshot);
        let cores = world.lock().await.get_cdc(&up.service.id).unwrap().cores();
        let downs: Vec<_> = ops
            .iter()
            .filter(|o| o.service.id == up.service.id && o.id > up.id)
            .collect();
        match plan(i) {
            OnCall::ScaleDown | OnCall::SnoozeThenScaleDown => {
                assert_eq!(r.state, ReminderState::Done, "{}", name(i));
                assert_eq!(downs.len(), 1, "{}: exactly one scale-down", name(i));
                assert_eq!(downs[0].outcome, Some(OutcomeKind::Confirmed));
                assert_eq!(cores, 2, "{} is back at 2 cores", name(i));
            }
            OnCall::Keep => {
                assert_eq!(r.state, ReminderState::Kept, "{}", name(i));
                assert!(downs.is_empty(), "{}", name(i));
                assert!(cores > 2);
                assert!(audit.iter().any(|a| a.entry.action == AuditAction::Kept
                    && a.entry.operation == Some(up.id)
                    && a.entry.detail.as_deref() == Some(&format!("backfill {i} continues"))));
            }
            OnCall::Ignore => {
                assert_eq!(r.state, ReminderState::Escalated, "{}", name(i));
                assert!(downs.is_empty(), "{}", name(i));
                assert!(cores > 2);
            }
        }
    }
    for op in &timed {
        let up = store.operation(*op).await.unwrap().unwrap();
        assert_eq!(up.outcome, Some(OutcomeKind::Confirmed));
        let r = store.reminders_of(*op).await.unwrap().remove(0);
        assert_eq!(
            r.state,
            ReminderState::Done,
            "timed revert of {}",
            up.service.name
        );
        let replicas = world
            .lock()
            .await
            .get_service(&up.service.id)
            .unwrap()
            .num_replicas;
        assert_ne!(replicas, Some(5), "{} was restored", up.service.name);
    }
    // Each operation's outcome was said once, whichever process said it.
    let confirmations = chat.count("✅ Confirmed: the API now reports");
    let confirmed = ops
        .iter()
        .filter(|o| o.outcome == Some(OutcomeKind::Confirmed))
        .count();
    assert_eq!(
        confirmations, confirmed,
        "one confirmation message per confirmed operation"
    );
    engine.shutdown().await;
}
