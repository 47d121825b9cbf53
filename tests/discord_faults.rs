//! Discord as it really fails (issue 14): a slow or locked store, missing permissions, REST
//! faults. The real bot against the fake Discord (which enforces Discord's rules: 3 s to the
//! first callback, one callback per interaction) and the simulator, over 127.0.0.1.

mod support;

use std::time::Duration;

use clickscale::{ops::OperationId, sim::SimConfig, store::AuditAction};
use sqlx::Connection as _;
use support::{
    bot::{allow_all, fast_sim, is_status, World, WAIT},
    db::{lock_sqlite, TestDb},
    discord::{FakeDiscord, Fault, LimitScope, PERM_SEND_MESSAGES, PERM_VIEW_CHANNEL},
};

/// Discord drops an interaction whose first callback comes later than this.
const DISCORD_DEADLINE: Duration = Duration::from_secs(3);

/// Issue 14, defect 2: with the SQLite file locked by another connection for 5 s, the deferral
/// used to wait for the store (5.04 s) and Discord had dropped the interaction. Now the
/// deferral leaves at once, the request is recorded once the lock goes, and the user is told.
#[tokio::test]
async fn a_locked_store_does_not_delay_the_deferral() {
    let db = TestDb::sqlite();
    let fake = FakeDiscord::start().await;
    let w = World::start_on(fake, &db.url, fast_sim(), |_| {}).await;

    // Another process holds the write lock for 5 s.
    let mut locker = lock_sqlite(&db.url).await;
    let unlock = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        sqlx::query("COMMIT").execute(&mut locker).await.unwrap();
        locker.close().await.unwrap();
    });

    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 4)
        .send()
        .await;
    let callback = w.fake.wait_for_callback(&ix, DISCORD_DEADLINE).await;
    assert_eq!(callback.kind, 5, "a private deferral");
    let latency = w.fake.callback_latency(&ix).expect("the deferral arrived");
    assert!(
        latency < DISCORD_DEADLINE,
        "the deferral took {latency:?}, Discord had dropped the interaction"
    );

    // Told plainly once the store answers: started (and recorded), or nothing was sent.
    let private = w.private_answer(&ix).await;
    tokio::time::timeout(WAIT, unlock).await.unwrap().unwrap();
    if private.starts_with("Started #1") {
        let status = w.status_message("/replicas").await;
        w.thread_line(&status.id, "✅").await;
        assert_eq!(w.patches(), 1);
        let store = db.open().await;
        let recorded = store.operation(OperationId(1)).await.unwrap();
        assert!(recorded.is_some(), "the change that was sent is recorded");
        store.close().await;
    } else {
        assert!(private.contains("nothing was sent"), "{private}");
        assert_eq!(w.patches(), 0, "nothing sent that is not recorded");
    }
    w.stop().await;
    db.finish().await;
}

/// Issue 14, defect 1: where the bot may not post, the PATCH used to go out anyway and the
/// private answer pointed at a thread that never existed. Now the bot reads its permissions
/// from the interaction, names exactly what it lacks, and sends nothing.
#[tokio::test]
async fn missing_channel_permissions_are_named_and_nothing_is_sent() {
    let w = World::start(|_| {}).await;
    let quiet = w.fake.add_text_channel("announcements");
    // May read and post, but neither open threads nor post in them.
    w.fake
        .set_bot_permissions(&quiet, PERM_VIEW_CHANNEL | PERM_SEND_MESSAGES);
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .channel(&quiet)
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(
        private.contains("Create Public Threads, Send Messages in Threads"),
        "{private}"
    );
    assert!(!private.contains("View Channel"), "{private}");
    assert!(private.contains("nothing was sent"), "{private}");
    // Posting in a channel it cannot even send to: that is named too.
    let mute = w.fake.add_text_channel("read-only");
    w.fake.set_bot_permissions(&mute, PERM_VIEW_CHANNEL);
    let ix = w
        .fake
        .slash("idle")
        .option_str("service", "prod")
        .option_bool("enabled", false)
        .channel(&mute)
        .locale("ru")
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(private.contains("«Отправлять сообщения»"), "{private}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.patches(), 0, "no change that nobody could be told about");
    assert!(w.fake.messages_in(&quiet).iter().all(|m| !is_status(m)));
    assert!(w.fake.messages_in(&mute).iter().all(|m| !is_status(m)));
    assert!(w.fake.threads().is_empty());
    w.stop().await;
}

/// Issue 14, defect 4: `/idle timeout-minutes` was registered with a maximum of
/// 9007199254740991 while the bot refuses anything above 10080. Every registered integer
/// bound is the one the bot validates; a value just past it is refused with what is allowed.
#[tokio::test]
async fn registered_bounds_are_the_validated_ones() {
    let w = World::start(|_| {}).await;
    let bounds = |command: &str, option: &str| {
        let cmd = w.fake.registered_command(command).unwrap();
        let opt = cmd["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == option)
            .unwrap()
            .clone();
        (opt["min_value"].as_f64(), opt["max_value"].as_f64())
    };
    let expected = [
        ("cdc-scale", "cores", 1.0, 24.0),
        ("replicas", "count", 1.0, 20.0),
        (
            "idle",
            "timeout-minutes",
            f64::from(clickscale::scaling::IDLE_TIMEOUT_MIN_MINUTES),
            f64::from(clickscale::scaling::IDLE_TIMEOUT_MAX_MINUTES),
        ),
    ];
    for (command, option, min, max) in expected {
        assert_eq!(
            bounds(command, option),
            (Some(min), Some(max)),
            "/{command} {option}"
        );
    }
    // Every integer option anywhere has a bound a person could type.
    for cmd in w.fake.registered_commands() {
        for opt in cmd["options"].as_array().into_iter().flatten() {
            if opt["type"] == 4 {
                let max = opt["max_value"].as_f64().unwrap_or(f64::MAX);
                assert!(max <= 1e6, "/{} {}: max {max}", cmd["name"], opt["name"]);
            }
        }
    }
    // Just past the registered maximum: refused by the bot, with the range.
    let ix = w
        .fake
        .slash("idle")
        .option_str("service", "prod")
        .option_bool("enabled", true)
        .option_int("timeout-minutes", 10_081)
        .unchecked()
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(private.contains("10080"), "{private}");
    assert_eq!(w.patches(), 0);
    w.stop().await;
}

/// The thread of the operation whose status message mentions `contains`, once the outcome
/// (✅) is in it: every line in it, oldest first.
async fn settled_thread(w: &World, contains: &str) -> (String, Vec<String>) {
    let status = w.status_message(contains).await;
    w.thread_line(&status.id, "✅").await;
    // A moment for anything that would (wrongly) come twice.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let lines = w
        .fake
        .thread_messages(&status.id)
        .into_iter()
        .map(|m| m.content)
        .collect();
    (status.id, lines)
}

/// Each line once, "accepted" before "✅", and the status message says Confirmed.
fn assert_told_once_in_order(w: &World, status: &str, lines: &[String]) {
    let accepted: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("The API accepted the change"))
        .collect();
    let done: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("✅"))
        .collect();
    assert_eq!(accepted.len(), 1, "one acceptance line: {lines:#?}");
    assert_eq!(done.len(), 1, "one outcome line: {lines:#?}");
    assert!(accepted[0] < done[0], "in the order said: {lines:#?}");
    let status = w.fake.message(status).unwrap();
    assert!(status.content.contains("Confirmed"), "{}", status.content);
}

/// Issue 14, REST faults: one 429 on a thread post and one 500 on the next used to lose
/// both follow-ups ("accepted…" and ✅) for good while the status said "Confirmed". Now the
/// bot waits as long as `retry_after` says (the fake answers 429 again, and lists a problem,
/// for any call on the bucket before that), retries the 500, and both lines arrive once, in
/// order. Behind the fake (a REST proxy), serenity's own rate limiter is off: this is the bot's.
#[tokio::test]
async fn a_rate_limit_then_a_server_error_on_thread_posts_lose_nothing() {
    let w = World::start(|_| {}).await;
    let limited = Fault::RateLimited {
        retry_after: Duration::from_millis(400),
        scope: LimitScope::Route,
    };
    w.fake
        .inject("POST", "/channels/{thread}/messages", limited, 1);
    w.fake
        .inject("POST", "/channels/{thread}/messages", Fault::Status(500), 1);
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 4)
        .send()
        .await;
    assert!(w.private_answer(&ix).await.starts_with("Started #1"));
    let (status, lines) = settled_thread(&w, "/replicas").await;
    assert_told_once_in_order(&w, &status, &lines);
    assert_eq!(w.fake.pending_faults(), 0, "both faults were hit");
    let statuses: Vec<u16> = w.fake.failed_calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [429, 500]);
    w.fake.assert_clean();
    w.stop().await;
}

/// A global 429, a 503 on thread creation and an answer that never comes in time (the message
/// was created; the bot cannot know): retried within Discord's rules, and the message sent
/// again with the same nonce shows once.
#[tokio::test]
async fn global_limits_server_errors_and_lost_answers_are_retried_without_doubles() {
    let w = World::start(|c| c.discord.request_timeout = Duration::from_millis(500)).await;
    w.fake.inject(
        "POST",
        "/channels/*/messages/*/threads",
        Fault::Status(503),
        1,
    );
    let global = Fault::RateLimited {
        retry_after: Duration::from_millis(300),
        scope: LimitScope::Global,
    };
    w.fake
        .inject("POST", "/channels/{thread}/messages", global, 1);
    w.fake.inject(
        "POST",
        "/channels/{thread}/messages",
        Fault::LateAnswer(Duration::from_millis(1500)),
        1,
    );
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 4)
        .send()
        .await;
    assert!(w.private_answer(&ix).await.starts_with("Started #1"));
    let (status, lines) = settled_thread(&w, "/replicas").await;
    assert_told_once_in_order(&w, &status, &lines);
    assert_eq!(w.fake.pending_faults(), 0);
    assert_eq!(w.fake.threads().len(), 1);
    w.fake.assert_clean();
    w.stop().await;
}

/// Discord failing for longer than the retries last: the lines wait in the store's outbox,
/// and the background pass posts them later, in order, once; the outcome waits behind them.
#[tokio::test]
async fn what_could_not_be_posted_waits_in_the_outbox_for_a_later_pass() {
    let w = World::start(|c| {
        c.discord.attempts = 2;
        // The background pass runs every lease_ttl / 3.
        c.store.lease_ttl = Duration::from_secs(3);
    })
    .await;
    // Two tries for "accepted", two more when the outcome wants to follow it.
    w.fake
        .inject("POST", "/channels/{thread}/messages", Fault::Status(502), 4);
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 4)
        .send()
        .await;
    assert!(w.private_answer(&ix).await.starts_with("Started #1"));
    let (status, lines) = settled_thread(&w, "/replicas").await;
    assert_told_once_in_order(&w, &status, &lines);
    assert_eq!(w.fake.pending_faults(), 0);
    w.fake.assert_clean();
    w.stop().await;
}

/// Issue 14: a reminder post that failed was only logged, and a reminder's thread lines went
/// straight to the chat. Now a reminder post tried again carries the same nonce (its first
/// try was created although its answer came too late: it shows once), and an answer's line
/// ("Snoozed …") that Discord refused for now waits in the outbox and arrives once, later.
#[tokio::test]
async fn reminder_posts_and_their_lines_survive_rest_faults_once() {
    // 100x: the snapshots of ingest-cdc's pipes end within 3 s.
    let sim = SimConfig {
        time_scale: 100.0,
        cdc_converge_after: Duration::from_secs(10),
        rate_limit: 10_000,
        ..SimConfig::default()
    };
    let w = World::start_with(sim, |c| {
        c.discord.attempts = 2;
        c.discord.request_timeout = Duration::from_millis(500);
        // The outbox's background pass runs every lease_ttl / 3.
        c.store.lease_ttl = Duration::from_secs(3);
        c.oncall.role = Some("555".into());
        c.oncall.tick = Duration::from_millis(50);
        // The reminder is due this long after the change settles: time to inject its faults.
        c.oncall.snapshot_check_interval = Duration::from_secs(2);
        c.oncall.answer_within = Duration::from_secs(600);
        c.policy.rules.push(allow_all("900"));
    })
    .await;
    w.fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 8)
        .user("500", "ann")
        .roles(&["900"])
        .send()
        .await;
    let status = w.status_with_buttons().await;
    w.fake
        .click(&status.id, &format!("clickscale:confirm:{}", status.id))
        .user("500", "ann")
        .roles(&["900"])
        .send()
        .await;
    w.thread_line(&status.id, "After the snapshot").await;
    // The reminder's post: created but answered too late, then a 502. Both tries are spent,
    // so the step fails and runs again.
    w.fake.inject(
        "POST",
        "/channels/{thread}/messages",
        Fault::LateAnswer(Duration::from_millis(1500)),
        1,
    );
    w.fake
        .inject("POST", "/channels/{thread}/messages", Fault::Status(502), 1);
    let reminder = w
        .fake
        .wait_for_message_in(
            &status.id,
            |m| !m.components.is_empty(),
            Duration::from_secs(20),
        )
        .await;
    // The step runs again once both tries failed: a third POST of the reminder.
    let tries = || {
        w.fake
            .calls()
            .iter()
            .filter(|c| {
                c.is("POST", "/channels/*/messages")
                    && c.body()["content"]
                        .as_str()
                        .is_some_and(|t| t.contains("has finished"))
            })
            .count()
    };
    let deadline = tokio::time::Instant::now() + WAIT;
    while tries() < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the reminder was not tried again"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(w.fake.pending_faults(), 0, "both faults were hit");
    let snooze = reminder
        .custom_ids()
        .into_iter()
        .find(|id| id.ends_with(":snooze1h"))
        .expect("a snooze button");
    // The line that answers the click: refused for now on both tries.
    w.fake
        .inject("POST", "/channels/{thread}/messages", Fault::Status(502), 2);
    let click = w
        .fake
        .click(&reminder.id, &snooze)
        .user("700", "olga")
        .roles(&["555"])
        .send()
        .await;
    let reply = w.private_answer(&click).await;
    assert!(reply.contains("Snoozed"), "{reply}");
    w.fake
        .wait_for_message_in(
            &status.id,
            |m| is_status(m) && m.content.contains("Snoozed for"),
            WAIT,
        )
        .await;
    // Give a doubled post time to show before counting.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // The bot's own posts (the answer to the click shows in the thread too, privately).
    let lines: Vec<_> = w
        .fake
        .thread_messages(&status.id)
        .into_iter()
        .filter(is_status)
        .collect();
    let posts = lines
        .iter()
        .filter(|m| m.content.contains("has finished"))
        .count();
    let snoozed = lines
        .iter()
        .filter(|m| m.content.contains("Snoozed"))
        .count();
    assert_eq!(
        (posts, snoozed),
        (1, 1),
        "one reminder, one answer: {:#?}",
        lines.iter().map(|m| &m.content).collect::<Vec<_>>()
    );
    w.stop().await;
}

/// The thread deleted while the change is watched: the rest of the operation's words go to
/// the requester privately (the interaction's follow-ups), with why, instead of nowhere.
#[tokio::test]
async fn a_deleted_thread_falls_back_to_private_follow_ups() {
    let w = World::start(|_| {}).await;
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .send()
        .await;
    let thread = w.fake.wait_for_thread(|_| true, WAIT).await;
    w.fake.delete_channel(&thread.id);
    let done = w
        .fake
        .wait_for_followup(&ix, |m| m.content.contains("✅"), WAIT)
        .await;
    assert!(done.flags & 64 != 0, "privately");
    let private: Vec<String> = w
        .fake
        .followups_for(&ix)
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert!(
        private
            .iter()
            .any(|m| m.contains("cannot post in its thread: the thread or channel was deleted")),
        "{private:#?}"
    );
    w.stop().await;
}

/// Issue 14, the fallback's last step: the thread deleted and the interaction token expired
/// (Discord refuses it after 15 minutes; the fake answers 401 "Invalid Webhook Token" like
/// Discord) while the change is watched. What could not be said anywhere is kept in the audit
/// log as `undelivered` entries with its text, the outcome among them, nothing is said twice,
/// and the status message still tells the truth.
#[tokio::test]
async fn after_the_token_expired_undelivered_lines_go_to_the_audit_log() {
    let slow = clickscale::sim::SimConfig {
        cdc_converge_after: Duration::from_secs(2),
        ..fast_sim()
    };
    let w = World::start_with(slow, |_| {}).await;
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .send()
        .await;
    assert!(w.private_answer(&ix).await.starts_with("Started #1"));
    let thread = w.fake.wait_for_thread(|_| true, WAIT).await;
    w.fake.expire_token(&ix);
    w.fake.delete_channel(&thread.id);
    let followups_before = w.fake.followups_for(&ix).len();

    let deadline = tokio::time::Instant::now() + WAIT;
    let undelivered = loop {
        let entries: Vec<String> = w
            .engine
            .store()
            .recent_audit(None, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.entry.action == AuditAction::Undelivered)
            .map(|r| r.entry.detail.unwrap_or_default())
            .collect();
        if entries.iter().any(|d| d.contains('✅')) {
            break entries;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no undelivered ✅ in the audit log: {entries:#?}\n{}",
            w.fake.report()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Each line once, with why it went nowhere.
    let outcome: Vec<&String> = undelivered.iter().filter(|d| d.contains('✅')).collect();
    assert_eq!(outcome.len(), 1, "{undelivered:#?}");
    assert!(
        outcome[0].starts_with("not delivered (the channel or thread was deleted)"),
        "{undelivered:#?}"
    );
    // Nothing reached the requester with the dead token, and nothing was lost silently.
    assert_eq!(w.fake.followups_for(&ix).len(), followups_before);
    let refused = w
        .fake
        .failed_calls()
        .into_iter()
        .filter(|c| c.status == 401)
        .count();
    assert!(
        refused >= 1,
        "the expired token was tried: {}",
        w.fake.report()
    );
    let status = w.status_message("/cdc-scale").await;
    let status = w.fake.message(&status.id).unwrap();
    assert!(status.content.contains("Confirmed"), "{}", status.content);
    w.stop().await;
}

/// Issue 14, messages that help: a mistyped service used to get only "No service called";
/// now the closest names come with it (and every name, when there are few).
#[tokio::test]
async fn an_unknown_service_gets_the_closest_names() {
    let w = World::start(|_| {}).await;
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "prdo")
        .option_int("count", 4)
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(private.contains("No service called `prdo`"), "{private}");
    assert!(private.contains("Did you mean `prod`"), "{private}");
    assert_eq!(w.patches(), 0);
    w.stop().await;
}

/// `/cdc-scale` on a Basic-tier service said "either the service is unknown or no DB
/// ClickPipe"; it says that Basic cannot scale.
#[tokio::test]
async fn cdc_scale_on_a_basic_service_says_basic_cannot_scale() {
    let w = World::start(|_| {}).await;
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "basic-dev")
        .option_int("cores", 2)
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(private.contains("Basic-tier services"), "{private}");
    assert!(
        !private.contains("either the service is unknown"),
        "{private}"
    );
    assert_eq!(w.patches(), 0);
    w.stop().await;
}

/// `/scaling-history` cut long details in the middle of a word; now at a word boundary,
/// with an ellipsis.
#[tokio::test]
async fn scaling_history_cuts_details_at_word_boundaries() {
    let w = World::start(|_| {}).await;
    let words = [
        "backfill", "of", "the", "orders", "table", "runs", "all", "week", "while", "finance",
    ];
    let reason = std::iter::repeat_n(words.join(" "), 4)
        .collect::<Vec<_>>()
        .join(" ");
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .option_str("revert", "never")
        .option_str("reason", &reason)
        .send()
        .await;
    assert!(w.private_answer(&ix).await.starts_with("Started #1"));
    let status = w.status_message("/cdc-scale").await;
    w.thread_line(&status.id, "✅").await;
    let ix = w.fake.slash("scaling-history").send().await;
    let history = w.private_answer(&ix).await;
    let kept = history
        .lines()
        .find(|l| l.contains("revert:never"))
        .unwrap_or_else(|| panic!("no kept line in {history}"));
    let before = kept
        .strip_suffix('…')
        .unwrap_or_else(|| panic!("cut without an ellipsis: {kept}"));
    let last = before.rsplit(' ').next().unwrap();
    assert!(words.contains(&last), "cut inside a word: {kept}");
    w.stop().await;
}
