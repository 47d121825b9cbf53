//! The bot's own store failing (issue 14): SQLite busy for longer than its busy timeout
//! before a change and in the middle of its watch, SQLite read-only, PostgreSQL restarted in
//! the middle of a watch. The real bot against the fake Discord and the simulator, over 127.0.0.1. In each:
//! no panic, nothing sent to the API that is not recorded, the user told plainly, and the work
//! goes on (and is recorded) once the store is back.

mod support;

use std::time::Duration;

use clickscale::{
    ops::{OperationId, OutcomeKind},
    sim::SimConfig,
    store::Store,
};
use sqlx::Connection as _;
use support::{
    bot::{fast_sim, is_status, World, WAIT},
    db::{lock_sqlite, TestDb},
    discord::FakeDiscord,
    pg_server::PgServer,
};

/// A CDC change that needs no confirmation and schedules nothing (so the only writes while
/// it is watched are the operation's own), landing `after` the PATCH.
async fn start_watched_change(w: &World) -> String {
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .option_str("revert", "never")
        .option_str("reason", "store fault test")
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(private.starts_with("Started #1"), "{private}");
    let status = w.status_message("/cdc-scale").await;
    public_line(w, &status.id, "The API accepted the change").await;
    status.id
}

async fn public_line(w: &World, thread: &str, contains: &str) {
    let contains = contains.to_owned();
    w.fake
        .wait_for_message_in(
            thread,
            move |m| is_status(m) && m.content.contains(&contains),
            WAIT,
        )
        .await;
}

fn public_lines(w: &World, thread: &str) -> Vec<String> {
    w.fake
        .thread_messages(thread)
        .into_iter()
        .filter(is_status)
        .map(|m| m.content)
        .collect()
}

fn count(lines: &[String], needle: &str) -> usize {
    lines.iter().filter(|l| l.contains(needle)).count()
}

/// The private answer to `ix` once it has text: the edited deferral or its last follow-up.
async fn refusal(w: &World, ix: &support::discord::InteractionRef) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let answer = w
            .fake
            .original_message(ix)
            .map(|m| m.content)
            .filter(|c| !c.is_empty())
            .or_else(|| w.fake.followups_for(ix).last().map(|m| m.content.clone()));
        if let Some(answer) = answer {
            return answer;
        }
        assert!(tokio::time::Instant::now() < deadline, "no answer");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `/replicas service:prod count:4`, as every refusal test sends it.
async fn replicas_change(w: &World) -> support::discord::InteractionRef {
    w.fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 4)
        .send()
        .await
}

/// The store cannot record: the change is refused plainly and nothing reaches the API.
async fn replicas_change_is_refused(w: &World) {
    let ix = replicas_change(w).await;
    let private = refusal(w, &ix).await;
    assert!(
        private.contains("its database is unavailable") && private.contains("nothing was sent"),
        "{private}"
    );
    assert_eq!(w.patches(), 0, "nothing sent that is not recorded");
}

/// The store is back: the first change of the run starts, is confirmed in its thread, and is
/// the only PATCH the API received.
async fn replicas_change_runs(w: &World) {
    let ix = replicas_change(w).await;
    let private = w.private_answer(&ix).await;
    assert!(private.starts_with("Started #1"), "{private}");
    let status = w.status_message("/replicas").await;
    public_line(w, &status.id, "✅").await;
    assert_eq!(w.patches(), 1);
}

/// SQLite read-only (what SQLite falls back to when the OS write-protects the file, here by
/// `mode=ro` since root ignores file modes): the bot starts, a change is refused plainly with
/// no PATCH and nothing half-recorded, and once the database is writable again (the bot
/// restarted on it) the same request runs.
#[tokio::test]
async fn sqlite_read_only_refuses_plainly_then_works_when_writable() {
    let db = TestDb::sqlite();
    db.open().await.close().await;
    let read_only = format!("{}?mode=ro", db.url);
    let w = World::start_on(FakeDiscord::start().await, &read_only, fast_sim(), |_| {}).await;
    replicas_change_is_refused(&w).await;
    let channel = w.fake.channel_id().to_owned();
    assert!(
        w.fake.messages_in(&channel).iter().all(|m| !is_status(m)),
        "no status message for a change that was never recorded"
    );
    w.stop().await;

    let store = db.open().await;
    assert!(store.recent_operations(None, 10).await.unwrap().is_empty());
    store.close().await;
    let w = World::start_on(FakeDiscord::start().await, &db.url, fast_sim(), |_| {}).await;
    replicas_change_runs(&w).await;
    w.stop().await;
    db.finish().await;
}

/// SQLite locked by another process for longer than the busy timeout: the request is
/// refused plainly ("nothing was sent"), no PATCH goes out, and the same request works once
/// the lock is gone.
#[tokio::test]
async fn sqlite_busy_past_its_timeout_refuses_plainly_then_works_again() {
    let db = TestDb::sqlite();
    let w = World::start_on(FakeDiscord::start().await, &db.url, fast_sim(), |c| {
        c.store.sqlite_busy_timeout = Duration::from_secs(1);
    })
    .await;
    let mut locker = lock_sqlite(&db.url).await;
    replicas_change_is_refused(&w).await;
    sqlx::query("COMMIT").execute(&mut locker).await.unwrap();
    locker.close().await.unwrap();

    replicas_change_runs(&w).await;
    w.stop().await;
    db.finish().await;
}

/// SQLite locked by another process while a change is watched, past the busy timeout: the
/// outcome used to be posted and never recorded, so once the lease lapsed the same instance
/// resumed the operation and posted a second ✅. Now the thread is told that the database
/// does not answer and that the watch goes on; ✅ is posted once; the outcome is recorded once
/// the lock is gone, and the thread is told so.
#[tokio::test]
async fn sqlite_busy_mid_watch_keeps_watching_and_records_when_back() {
    let db = TestDb::sqlite();
    let sim = SimConfig {
        cdc_converge_after: Duration::from_secs(2),
        ..fast_sim()
    };
    let w = World::start_on(FakeDiscord::start().await, &db.url, sim, |c| {
        c.store.sqlite_busy_timeout = Duration::from_millis(500);
        // Adoption of lapsed operations runs every lease_ttl / 3.
        c.store.lease_ttl = Duration::from_secs(3);
    })
    .await;
    let thread = start_watched_change(&w).await;
    let mut locker = lock_sqlite(&db.url).await;
    public_line(&w, &thread, "database does not answer").await;
    public_line(&w, &thread, "✅ Confirmed").await;
    // Locked for longer than the lease, so an unsettled row would be adopted again.
    tokio::time::sleep(Duration::from_secs(4)).await;
    sqlx::query("COMMIT").execute(&mut locker).await.unwrap();
    locker.close().await.unwrap();
    public_line(&w, &thread, "answers again").await;
    // Two more adoption rounds: a resumed operation would post again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let lines = public_lines(&w, &thread);
    assert_eq!(count(&lines, "✅"), 1, "{lines:#?}");
    assert_eq!(count(&lines, "restarted"), 0, "{lines:#?}");
    assert_eq!(count(&lines, "database does not answer"), 1, "{lines:#?}");
    assert_eq!(w.patches(), 1);
    let store = db.open().await;
    let op = store.operation(OperationId(1)).await.unwrap().unwrap();
    assert_eq!(op.outcome, Some(OutcomeKind::Confirmed));
    store.close().await;
    w.stop().await;
    db.finish().await;
}

/// PostgreSQL restarted (fast shutdown, connections cut) while a change is watched: no panic,
/// the change is confirmed once in its thread, recorded as confirmed, and the bot takes new
/// requests afterwards. If the outage made a store call fail, the thread was told so and told
/// again when the outcome was recorded.
#[tokio::test]
async fn postgres_restarted_mid_watch_keeps_watching_and_records() {
    let Some(pg) = PgServer::start() else { return };
    let sim = SimConfig {
        cdc_converge_after: Duration::from_secs(3),
        ..fast_sim()
    };
    let w = World::start_on(FakeDiscord::start().await, &pg.url(), sim, |c| {
        c.store.lease_ttl = Duration::from_secs(3);
    })
    .await;
    let thread = start_watched_change(&w).await;
    pg.down();
    // Down across the change landing in the API.
    tokio::time::sleep(Duration::from_secs(6)).await;
    pg.up();
    public_line(&w, &thread, "✅ Confirmed").await;
    let store = Store::connect(&pg.url()).await.unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let op = store.operation(OperationId(1)).await.unwrap().unwrap();
        if op.outcome.is_some() {
            assert_eq!(op.outcome, Some(OutcomeKind::Confirmed));
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never recorded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Work resumes: a new request is recorded and runs.
    let ix = replicas_change(&w).await;
    assert!(w.private_answer(&ix).await.starts_with("Started #2"));
    let status = w.status_message("/replicas").await;
    public_line(&w, &status.id, "✅").await;
    let lines = public_lines(&w, &thread);
    assert_eq!(count(&lines, "✅"), 1, "{lines:#?}");
    assert_eq!(count(&lines, "restarted"), 0, "{lines:#?}");
    assert_eq!(
        count(&lines, "database does not answer"),
        count(&lines, "answers again"),
        "{lines:#?}"
    );
    assert_eq!(w.patches(), 2);
    store.close().await;
    w.stop().await;
}
