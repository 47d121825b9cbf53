//! The store, against SQLite (a file in a temp dir) and, when `CLICKSCALE_TEST_POSTGRES_URL`
//! is set, against PostgreSQL (a fresh database per test; `scripts/with-postgres.sh` starts a
//! throwaway server and sets it). A "restart" closes the store and connects again.

mod support;

use std::{collections::BTreeSet, str::FromStr, time::Duration};

use chrono::{DateTime, TimeZone, Utc};
use clickscale::ops::OutcomeKind;
use clickscale::{
    ops::{Actor, CommandKind, MessageRef, OperationId, Origin, Phase, ServiceRef, ThreadRef},
    scaling::Setting,
    store::{
        AuditAction, AuditEntry, Leased, NewOperation, NewReminder, OperationRecord, ReminderKind,
        ReminderState, Store,
    },
};
use serde_json::json;
use sqlx::Connection as _;
use support::db::TestDb;

const LONG: Duration = Duration::from_secs(60);

/// Runs each test against SQLite, and against PostgreSQL when configured.
macro_rules! store_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = super::TestDb::sqlite();
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = super::TestDb::postgres().await else {
                        return;
                    };
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}

store_tests!(
    migrations_apply_on_a_fresh_database_and_again_on_reopen,
    operation_ids_are_unique_across_restarts_and_instances,
    unsettled_operations_survive_a_restart,
    recent_operations_are_newest_first_and_filter_by_service,
    operation_leases_exclude_a_second_owner_until_they_lapse,
    reminder_claims_are_exclusive_until_the_lease_lapses,
    a_restarted_instance_takes_its_leases_back_at_once,
    due_reminders_come_in_due_order,
    an_interaction_is_claimed_once,
    a_weeks_digest_is_claimed_once_and_can_be_given_back,
    audit_filters_by_time_and_service,
    supersession_is_by_overlapping_settings_whichever_order_launches_interleave,
);

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, 12, 0, 0).unwrap()
}

fn ms(n: i64) -> chrono::Duration {
    chrono::Duration::milliseconds(n)
}

fn new_op(id: OperationId, service: &str) -> NewOperation {
    NewOperation {
        id,
        kind: CommandKind::CdcScale,
        service: ServiceRef {
            id: format!("svc-{service}"),
            name: service.to_owned(),
            customer_facing: service == "prod",
        },
        actor: Actor {
            id: "1001".into(),
            name: "Ada".into(),
            roles: vec!["ops".into(), "oncall".into()],
        },
        origin: Origin {
            guild: Some("g1".into()),
            channel: "c1".into(),
            locale: "en-US".into(),
        },
        target: json!({"Cdc": {"replicaCpuMillicores": 8000, "replicaMemoryGb": 32}}),
        before: json!({"replicaCpuMillicores": 2000, "replicaMemoryGb": 8}),
        followup: json!({"kind": "after_snapshot"}),
        settings: [Setting::CdcCompute].into_iter().collect(),
    }
}

async fn launch(store: &Store, service: &str) -> OperationId {
    let id = store.next_operation_id().await.unwrap();
    store.insert_operation(&new_op(id, service)).await.unwrap();
    id
}

async fn migrations_apply_on_a_fresh_database_and_again_on_reopen(db: &TestDb) {
    let store = db.open().await;
    let first = launch(&store, "dev").await;
    assert_eq!(first, OperationId(1), "a fresh database counts from 1");
    store.close().await;

    // Reopening runs the migrator again: nothing is re-applied (the counter row and tables
    // would clash) and the data is still there.
    let store = db.open().await;
    assert_eq!(store.operation(first).await.unwrap().unwrap().id, first);
    assert_eq!(store.next_operation_id().await.unwrap(), OperationId(2));
    store.close().await;
    let store = db.open().await;
    assert_eq!(store.next_operation_id().await.unwrap(), OperationId(3));
}

async fn operation_ids_are_unique_across_restarts_and_instances(db: &TestDb) {
    let mut seen = Vec::new();
    for _ in 0..3 {
        let store = db.open().await;
        for _ in 0..3 {
            seen.push(store.next_operation_id().await.unwrap());
        }
        store.close().await;
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "ids grow and never repeat across restarts");

    // Two instances on one database, allocating at the same time.
    let (a, b) = (db.open().await, db.open().await);
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let s = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move { s.next_operation_id().await.unwrap() })
        })
        .collect();
    let mut ids = BTreeSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap());
    }
    assert_eq!(ids.len(), 40, "concurrent allocations never collide");
    assert!(ids.iter().all(|id| !seen.contains(id)));
}

async fn unsettled_operations_survive_a_restart(db: &TestDb) {
    let store = db.open().await;
    let (a, b, c) = (
        launch(&store, "dev").await,
        launch(&store, "prod").await,
        launch(&store, "dev").await,
    );
    let status = MessageRef {
        channel: "c1".into(),
        message: "m42".into(),
    };
    store
        .set_operation_refs(a, Some(&status), None)
        .await
        .unwrap();
    store
        .set_operation_refs(a, None, Some(&ThreadRef("t42".into())))
        .await
        .unwrap();
    store
        .update_operation_phase(a, Phase::Applying)
        .await
        .unwrap();
    store
        .set_applied(a, Some("req-a"), Utc::now())
        .await
        .unwrap();
    store
        .update_operation_phase(a, Phase::Watching)
        .await
        .unwrap();
    store
        .update_operation_phase(c, Phase::AwaitingConfirmation)
        .await
        .unwrap();
    assert!(store
        .settle_operation(b, OutcomeKind::Confirmed, None, None)
        .await
        .unwrap());
    assert!(
        !store
            .settle_operation(b, OutcomeKind::TimedOut, Some("late"), None)
            .await
            .unwrap(),
        "an operation settles once"
    );
    assert!(
        store
            .update_operation_phase(b, Phase::Watching)
            .await
            .is_err(),
        "a settled operation does not move"
    );
    assert!(store
        .update_operation_phase(OperationId(999), Phase::Watching)
        .await
        .is_err());
    store.close().await;

    let store = db.open().await;
    let unsettled = store.unsettled_operations().await.unwrap();
    assert_eq!(unsettled.iter().map(|o| o.id).collect::<Vec<_>>(), [a, c]);
    let ra: &OperationRecord = &unsettled[0];
    let expected = new_op(a, "dev");
    assert_eq!(
        (
            &ra.kind,
            &ra.service,
            &ra.actor,
            &ra.origin,
            &ra.target,
            &ra.before
        ),
        (
            &expected.kind,
            &expected.service,
            &expected.actor,
            &expected.origin,
            &expected.target,
            &expected.before
        )
    );
    assert_eq!(ra.status.as_ref(), Some(&status));
    assert_eq!(ra.thread, Some(ThreadRef("t42".into())));
    assert_eq!(ra.request_id.as_deref(), Some("req-a"));
    assert_eq!(ra.phase, Phase::Watching);
    assert_eq!((ra.outcome.as_ref(), ra.settled_at), (None, None));
    assert!(ra.updated_at >= ra.created_at);
    assert_eq!(unsettled[1].phase, Phase::AwaitingConfirmation);
    assert_eq!(
        (unsettled[1].status.as_ref(), unsettled[1].thread.as_ref()),
        (None, None)
    );

    let rb = store.operation(b).await.unwrap().unwrap();
    assert_eq!(rb.phase, Phase::Settled);
    assert_eq!(rb.outcome, Some(OutcomeKind::Confirmed));
    assert_eq!(rb.outcome_detail, None);
    assert!(rb.settled_at.is_some());
    assert!(rb.service.customer_facing);
    assert!(store.operation(OperationId(999)).await.unwrap().is_none());
}

async fn recent_operations_are_newest_first_and_filter_by_service(db: &TestDb) {
    let store = db.open().await;
    let mut dev = Vec::new();
    for service in ["dev", "prod", "dev", "prod", "dev"] {
        let id = launch(&store, service).await;
        if service == "dev" {
            dev.push(id);
        }
    }
    let all = store.recent_operations(None, 3).await.unwrap();
    assert_eq!(
        all.iter().map(|o| o.id.0).collect::<Vec<_>>(),
        [5, 4, 3],
        "newest first, limited"
    );
    dev.reverse();
    for filter in ["dev", "svc-dev"] {
        let got = store.recent_operations(Some(filter), 10).await.unwrap();
        assert_eq!(
            got.iter().map(|o| o.id).collect::<Vec<_>>(),
            dev,
            "by {filter}"
        );
    }
    assert!(store
        .recent_operations(Some("nope"), 10)
        .await
        .unwrap()
        .is_empty());
}

async fn operation_leases_exclude_a_second_owner_until_they_lapse(db: &TestDb) {
    let store = db.open().await;
    let other = db.open().await; // a second instance
    let op = launch(&store, "dev").await;

    assert!(store.claim_operation(op, "a", LONG).await.unwrap());
    assert!(
        !other.claim_operation(op, "b", LONG).await.unwrap(),
        "held by a"
    );
    assert!(
        store.claim_operation(op, "a", LONG).await.unwrap(),
        "a may claim again"
    );
    let lease = store.operation(op).await.unwrap().unwrap().lease.unwrap();
    assert_eq!(lease.owner, "a");
    assert!(lease.until > Utc::now() + chrono::Duration::seconds(50));
    assert!(store
        .renew_lease(Leased::Operation(op), "a", LONG)
        .await
        .unwrap());
    assert!(!other
        .renew_lease(Leased::Operation(op), "b", LONG)
        .await
        .unwrap());
    assert!(!other
        .release_lease(Leased::Operation(op), "b")
        .await
        .unwrap());

    // Released: free at once.
    assert!(store
        .release_lease(Leased::Operation(op), "a")
        .await
        .unwrap());
    assert!(store.operation(op).await.unwrap().unwrap().lease.is_none());
    assert!(other
        .claim_operation(op, "b", Duration::ZERO)
        .await
        .unwrap());

    // b's lease lapses (b died): a takes over, and b can no longer renew.
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(store.claim_operation(op, "a", LONG).await.unwrap());
    assert!(!other
        .renew_lease(Leased::Operation(op), "b", LONG)
        .await
        .unwrap());

    // Settled operations cannot be claimed, and settling drops the lease.
    assert!(store
        .settle_operation(op, OutcomeKind::Confirmed, None, None)
        .await
        .unwrap());
    assert!(store.operation(op).await.unwrap().unwrap().lease.is_none());
    assert!(!other.claim_operation(op, "b", LONG).await.unwrap());
    assert!(!store
        .claim_operation(OperationId(999), "a", LONG)
        .await
        .unwrap());
}

fn reminder(op: OperationId, due_at: DateTime<Utc>) -> NewReminder {
    NewReminder {
        operation: op,
        service_id: "svc-dev".into(),
        kind: ReminderKind::AfterSnapshot,
        due_at,
        thread: Some(ThreadRef("t1".into())),
        payload: json!({"scaled_from": 2000}),
    }
}

async fn reminder_claims_are_exclusive_until_the_lease_lapses(db: &TestDb) {
    let store = db.open().await;
    let other = db.open().await;
    let op = launch(&store, "dev").await;
    let first = store.insert_reminder(&reminder(op, t0())).await.unwrap();
    let second = store
        .insert_reminder(&reminder(op, t0() + ms(10)))
        .await
        .unwrap();
    store
        .insert_reminder(&reminder(op, t0() + ms(60_000)))
        .await
        .unwrap();
    let now = t0() + ms(1_000);
    let ttl = Duration::from_secs(30);

    let a = store
        .claim_due_reminder("a", now, ttl)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.id, first, "longest due first");
    assert_eq!(a.lease.as_ref().unwrap().owner, "a");
    assert_eq!(a.lease.as_ref().unwrap().until, now + ms(30_000));
    let b = other
        .claim_due_reminder("b", now, ttl)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.id, second, "b skips the reminder a holds");
    assert!(other
        .claim_due_reminder("b", now, ttl)
        .await
        .unwrap()
        .is_none());
    assert!(
        store
            .claim_due_reminder("a", now, ttl)
            .await
            .unwrap()
            .is_none(),
        "a is not handed its own reminder again"
    );

    // a dies; after its lease lapses, b gets the reminder.
    let later = now + ms(31_000);
    let taken = other
        .claim_due_reminder("b", later, ttl)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.id, first);
    assert_eq!(taken.lease.unwrap().owner, "b");

    // Released early: claimable at once.
    assert!(other
        .release_lease(Leased::Reminder(second), "b")
        .await
        .unwrap());
    let again = store
        .claim_due_reminder("a", now, ttl)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, second);

    // Many claimers at once: each due reminder goes to exactly one.
    let op2 = launch(&store, "dev").await;
    let mut due = BTreeSet::new();
    for i in 0..8 {
        due.insert(
            store
                .insert_reminder(&reminder(op2, t0() + ms(i)))
                .await
                .unwrap(),
        );
    }
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let s = if i % 2 == 0 {
                store.clone()
            } else {
                other.clone()
            };
            tokio::spawn(async move {
                let owner = format!("w{i}");
                let mut got = Vec::new();
                while let Some(r) = s.claim_due_reminder(&owner, now, ttl).await.unwrap() {
                    got.push(r.id);
                }
                got
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for t in tasks {
        claimed.extend(t.await.unwrap());
    }
    let unique: BTreeSet<_> = claimed.iter().copied().collect();
    assert_eq!(claimed.len(), unique.len(), "no reminder claimed twice");
    assert_eq!(unique, due);
}

async fn due_reminders_come_in_due_order(db: &TestDb) {
    let store = db.open().await;
    let op = launch(&store, "dev").await;
    // Sub-second parts of different widths, inserted out of order: text-stored times must
    // still sort as times.
    let dues = [
        t0() + ms(500),
        t0(),
        t0() + chrono::Duration::microseconds(123),
        t0() + ms(1_000),
        t0() + ms(5_000),
    ];
    let mut ids = Vec::new();
    for due in dues {
        ids.push(store.insert_reminder(&reminder(op, due)).await.unwrap());
    }
    let now = t0() + ms(1_000);
    let due = store.due_reminders(now).await.unwrap();
    assert_eq!(
        due.iter().map(|r| r.id).collect::<Vec<_>>(),
        [ids[1], ids[2], ids[0], ids[3]],
        "due at or before now, earliest first"
    );
    assert_eq!(due[1].due_at, dues[2], "times read back as written");
    assert_eq!((due[0].state, due[0].level), (ReminderState::Pending, 0));
    assert_eq!(due[0].payload, json!({"scaled_from": 2000}));
    assert_eq!(due[0].thread, Some(ThreadRef("t1".into())));

    // Snoozed past now, acknowledged, kept: not due. Escalated: due again.
    let mut r = due[0].clone();
    r.state = ReminderState::Snoozed;
    r.due_at = now + ms(3_600_000);
    store.update_reminder(&r).await.unwrap();
    let mut r = due[1].clone();
    r.state = ReminderState::Acknowledged;
    store.update_reminder(&r).await.unwrap();
    let mut r = due[2].clone();
    r.state = ReminderState::Kept;
    r.payload = json!({"reason": "backfill all week"});
    store.update_reminder(&r).await.unwrap();
    let mut r = due[3].clone();
    r.state = ReminderState::Escalated;
    r.level = 2;
    store.update_reminder(&r).await.unwrap();

    let due = store.due_reminders(now).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].id, due[0].state, due[0].level),
        (ids[3], ReminderState::Escalated, 2)
    );

    // Open reminders (what a restart resumes): everything but kept and done.
    store.close().await;
    let store = db.open().await;
    let open = store.pending_reminders().await.unwrap();
    assert_eq!(
        open.iter().map(|r| (r.id, r.state)).collect::<Vec<_>>(),
        [
            (ids[2], ReminderState::Acknowledged),
            (ids[3], ReminderState::Escalated),
            (ids[4], ReminderState::Pending),
            (ids[1], ReminderState::Snoozed),
        ]
    );
    let kept = store.reminder(ids[0]).await.unwrap().unwrap();
    assert_eq!(kept.payload, json!({"reason": "backfill all week"}));
    assert!(!kept.state.is_open());
    assert!(store
        .update_reminder(&clickscale::store::Reminder {
            id: clickscale::store::ReminderId(999),
            ..kept
        })
        .await
        .is_err());
}

async fn an_interaction_is_claimed_once(db: &TestDb) {
    let store = db.open().await;
    let other = db.open().await;
    assert!(store.claim_interaction("i-1").await.unwrap());
    assert!(!store.claim_interaction("i-1").await.unwrap());
    assert!(!other.claim_interaction("i-1").await.unwrap());

    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let s = if i % 2 == 0 {
                store.clone()
            } else {
                other.clone()
            };
            tokio::spawn(async move { s.claim_interaction("i-2").await.unwrap() })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        winners += usize::from(t.await.unwrap());
    }
    assert_eq!(winners, 1, "exactly one concurrent claimer wins");

    store.close().await;
    let store = db.open().await;
    assert!(
        !store.claim_interaction("i-2").await.unwrap(),
        "remembered across restarts"
    );
    assert_eq!(
        store
            .prune_interactions(Utc::now() - ms(60_000))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .prune_interactions(Utc::now() + ms(1_000))
            .await
            .unwrap(),
        2
    );
    assert!(store.claim_interaction("i-1").await.unwrap());
}

async fn a_weeks_digest_is_claimed_once_and_can_be_given_back(db: &TestDb) {
    let store = db.open().await;
    let other = db.open().await;
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let (s, name) = if i % 2 == 0 {
                (store.clone(), "bot-a")
            } else {
                (other.clone(), "bot-b")
            };
            tokio::spawn(async move { s.claim_digest("2026-11-30", name).await.unwrap() })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        winners += usize::from(t.await.unwrap());
    }
    assert_eq!(winners, 1, "exactly one instance posts the week's digest");
    assert!(
        store.claim_digest("2026-12-07", "bot-a").await.unwrap(),
        "next week is new"
    );
    // Only the claimer gives it back (its post failed); then anyone may claim it again.
    other.release_digest("2026-12-07", "bot-b").await.unwrap();
    assert!(!other.claim_digest("2026-12-07", "bot-b").await.unwrap());
    store.release_digest("2026-12-07", "bot-a").await.unwrap();
    assert!(other.claim_digest("2026-12-07", "bot-b").await.unwrap());
}

async fn audit_filters_by_time_and_service(db: &TestDb) {
    let store = db.open().await;
    let op = launch(&store, "dev").await;
    let entry = |at, service: Option<&str>, action| {
        let mut e = AuditEntry::new(at, "1001", "Ada", action);
        e.service_id = service.map(|s| format!("svc-{s}"));
        e.service_name = service.map(str::to_owned);
        e
    };
    let mut api_call = entry(t0() + ms(2_000), Some("dev"), AuditAction::ApiCall);
    api_call.operation = Some(op);
    api_call.guild = Some("g1".into());
    api_call.channel = Some("c1".into());
    api_call.thread = Some("t1".into());
    api_call.before = Some(json!({"replicaCpuMillicores": 2000}));
    api_call.after = Some(json!({"replicaCpuMillicores": 8000}));
    api_call.request_id = Some("req-1".into());
    api_call.detail = Some("PATCH clickpipesCdcScaling".into());

    let entries = [
        entry(t0(), Some("dev"), AuditAction::Requested),
        entry(t0() + ms(1_000), Some("prod"), AuditAction::Requested),
        api_call.clone(),
        entry(t0() + ms(3_000), None, AuditAction::Reminder),
        entry(t0() + ms(4_000), Some("prod"), AuditAction::Kept),
    ];
    let mut ids = Vec::new();
    // Appended out of time order: reads sort by time.
    for i in [4, 0, 2, 1, 3] {
        ids.push((i, store.audit(&entries[i]).await.unwrap()));
    }

    let all = store.audit_since(t0(), None, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|r| r.entry.action).collect::<Vec<_>>(),
        entries.iter().map(|e| e.action).collect::<Vec<_>>()
    );
    let since = store
        .audit_since(t0() + ms(1_500), None, 100)
        .await
        .unwrap();
    assert_eq!(since.len(), 3);
    assert_eq!(since[0].entry, api_call, "every field reads back");
    let (_, api_call_id) = ids.iter().find(|(i, _)| *i == 2).unwrap();
    assert_eq!(since[0].id, *api_call_id);

    for filter in ["prod", "svc-prod"] {
        let prod = store.audit_since(t0(), Some(filter), 100).await.unwrap();
        assert_eq!(
            prod.iter().map(|r| r.entry.at).collect::<Vec<_>>(),
            [t0() + ms(1_000), t0() + ms(4_000)]
        );
    }
    let dev_late = store
        .audit_since(t0() + ms(1), Some("dev"), 100)
        .await
        .unwrap();
    assert_eq!(dev_late.len(), 1);
    assert_eq!(dev_late[0].entry.action, AuditAction::ApiCall);
    assert_eq!(
        store.audit_since(t0(), None, 2).await.unwrap().len(),
        2,
        "limit"
    );

    // Only the actions asked for, in time order, with the same service and limit rules.
    let summary = [AuditAction::Kept, AuditAction::Reminder];
    let of = store
        .audit_since_of(t0(), None, &summary, 100)
        .await
        .unwrap();
    assert_eq!(
        of.iter().map(|r| r.entry.action).collect::<Vec<_>>(),
        summary.iter().rev().copied().collect::<Vec<_>>()
    );
    let prod_of = store
        .audit_since_of(t0(), Some("prod"), &AuditAction::ALL, 100)
        .await
        .unwrap();
    assert_eq!(
        prod_of.iter().map(|r| r.entry.action).collect::<Vec<_>>(),
        [AuditAction::Requested, AuditAction::Kept]
    );
    assert_eq!(
        store
            .audit_since_of(t0(), None, &AuditAction::ALL, 2)
            .await
            .unwrap()
            .len(),
        2,
        "limit"
    );
    assert!(store
        .audit_since_of(t0(), None, &[], 100)
        .await
        .unwrap()
        .is_empty());

    let exported = serde_json::to_value(&since[0]).unwrap();
    assert_eq!(exported["action"], "api_call");
    assert_eq!(exported["request_id"], "req-1");
    assert_eq!(exported["id"], json!(*api_call_id));
}

#[tokio::test]
async fn sqlite_file_is_created_in_wal_mode() {
    let db = TestDb::sqlite();
    let path = db._dir.as_ref().unwrap().path().join("clickscale.db");
    assert!(!path.exists());
    let store = db.open().await;
    assert!(path.exists(), "created on connect");
    store.close().await;
    let mut conn = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::from_str(&db.url).unwrap(),
    )
    .await
    .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn unsupported_urls_are_refused_without_echoing_them() {
    let err = Store::connect("mysql://admin:hunter2@db.example/clickscale")
        .await
        .unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("`mysql`"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

async fn a_restarted_instance_takes_its_leases_back_at_once(db: &TestDb) {
    let store = db.open().await;
    let op = launch(&store, "dev").await;
    assert!(store.claim_operation(op, "bot-1/aaaa", LONG).await.unwrap());
    assert!(
        !store.claim_operation(op, "bot-2/cccc", LONG).await.unwrap(),
        "another instance waits for the lease to lapse"
    );
    assert!(
        !store
            .claim_operation(op, "bot-10/dddd", LONG)
            .await
            .unwrap(),
        "a longer id with the same start is another instance"
    );
    assert!(
        store.claim_operation(op, "bot-1/bbbb", LONG).await.unwrap(),
        "the same instance, started again, takes it at once"
    );
    let held = store.operation(op).await.unwrap().unwrap().lease.unwrap();
    assert_eq!(held.owner, "bot-1/bbbb");
    assert!(clickscale::store::same_instance("bot-1/aaaa", "bot-1/bbbb"));
    assert!(!clickscale::store::same_instance(
        "bot-1/aaaa",
        "bot-10/aaaa"
    ));
    assert!(!clickscale::store::same_instance("bot-1", "bot-10"));
}

/// Supersession is decided in the store by the settings each operation sets: only overlapping
/// ones supersede, the newest wins whichever instance writes first, and a settled operation is
/// never marked.
async fn supersession_is_by_overlapping_settings_whichever_order_launches_interleave(db: &TestDb) {
    let (a, b) = (db.open().await, db.open().await);
    let with = |id, settings: &[Setting]| NewOperation {
        settings: settings.iter().copied().collect(),
        ..new_op(id, "staging")
    };
    // #1 sets the replica count, #2 idling: disjoint, neither supersedes.
    let one = a.next_operation_id().await.unwrap();
    a.insert_operation(&with(one, &[Setting::NumReplicas]))
        .await
        .unwrap();
    let two = b.next_operation_id().await.unwrap();
    b.insert_operation(&with(two, &[Setting::IdleScaling]))
        .await
        .unwrap();
    assert_eq!(b.take_over_settings(two).await.unwrap(), Default::default());
    assert_eq!(a.take_over_settings(one).await.unwrap(), Default::default());
    // #3 and #4 both set the count and are written before either takes over; the older one
    // (#3) takes over last, on the other instance, and still loses to #4.
    let three = a.next_operation_id().await.unwrap();
    let four = b.next_operation_id().await.unwrap();
    a.insert_operation(&with(
        three,
        &[Setting::NumReplicas, Setting::MaxReplicaMemory],
    ))
    .await
    .unwrap();
    b.insert_operation(&with(four, &[Setting::NumReplicas]))
        .await
        .unwrap();
    let by_four = b.take_over_settings(four).await.unwrap();
    assert_eq!(by_four.superseded, vec![one, three]);
    assert_eq!(by_four.newer, None);
    let by_three = a.take_over_settings(three).await.unwrap();
    assert_eq!(by_three.newer, Some(four), "the newer one wins");
    assert!(by_three.superseded.is_empty(), "#1 was superseded already");
    for (id, by) in [
        (one, Some(four)),
        (two, None),
        (three, Some(four)),
        (four, None),
    ] {
        assert_eq!(a.superseded_by(id).await.unwrap(), by, "{id}");
    }
    // Open operations are what every instance sees.
    let open: Vec<OperationId> = b
        .open_operations_on("svc-staging")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(open, vec![one, two, three, four]);
    // A settled operation is never marked superseded afterwards.
    a.settle_operation(two, OutcomeKind::Confirmed, None, None)
        .await
        .unwrap();
    let five = a.next_operation_id().await.unwrap();
    a.insert_operation(&with(five, &[Setting::IdleScaling]))
        .await
        .unwrap();
    assert!(a
        .take_over_settings(five)
        .await
        .unwrap()
        .superseded
        .is_empty());
    assert_eq!(a.superseded_by(two).await.unwrap(), None);
}
