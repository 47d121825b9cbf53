//! The real bot (poise + serenity, unchanged) against a fake Discord and the Cloud API
//! simulator, all over real sockets on 127.0.0.1.

mod support;

use std::time::Duration;

use clickscale::{
    config::PolicyRule,
    sim::{
        self,
        fixture::{DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        Fixture, SimConfig, SimHandle,
    },
};
use support::{
    bot::{allow_all, is_status, World, WAIT},
    discord::FakeDiscord,
};

/// Replace what changes from run to run so transcripts can be snapshotted.
fn normalize(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_inclusive([' ', '\n', '`', '(', ')']) {
        let core = word.trim_end_matches([' ', '\n', '`', '(', ')', '.', ',', ';']);
        let tail = &word[core.len()..];
        let is_uuid = core.len() == 36 && core.chars().filter(|c| *c == '-').count() == 4;
        let is_duration = !core.is_empty()
            && core.ends_with('s')
            && core[..core.len() - 1].chars().all(|c| c.is_ascii_digit());
        if is_uuid {
            out.push_str("<uuid>");
        } else if is_duration {
            out.push_str("<dur>");
        } else {
            out.push_str(core);
        }
        out.push_str(tail);
    }
    out
}

#[tokio::test]
async fn registers_the_commands_with_their_options_and_ranges() {
    let w = World::start(|_| {}).await;
    let cmds = w.fake.registered_commands();
    let names: Vec<&str> = cmds.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "cdc-scale",
            "replicas",
            "idle",
            "scaling-status",
            "scaling-schedule",
            "scaling-history",
            "scaling-digest"
        ]
    );
    let cdc = w.fake.registered_command("cdc-scale").unwrap();
    let cdc_options: Vec<&str> = cdc["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(cdc_options, ["service", "cores", "revert", "for", "reason"]);
    let cores = w.fake.registered_command("cdc-scale").unwrap()["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "cores")
        .cloned()
        .unwrap();
    assert_eq!(cores["type"], 4);
    assert_eq!(cores["min_value"].as_f64(), Some(1.0));
    assert_eq!(cores["max_value"].as_f64(), Some(24.0));
    let replicas = w.fake.registered_command("replicas").unwrap();
    let service = &replicas["options"][0];
    assert_eq!(service["name"], "service");
    assert_eq!(service["autocomplete"], true);
    let options: Vec<(&str, bool, Option<f64>, Option<f64>)> = replicas["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap(),
                o["required"].as_bool().unwrap(),
                o["min_value"].as_f64(),
                o["max_value"].as_f64(),
            )
        })
        .collect();
    assert_eq!(
        options,
        [
            ("service", true, None, None),
            ("count", false, Some(1.0), Some(20.0)),
            ("min-replicas", false, Some(1.0), Some(20.0)),
            ("max-replicas", false, Some(1.0), Some(20.0)),
            ("mode", false, None, None),
            ("min-memory-gb", false, Some(8.0), Some(356.0)),
            ("max-memory-gb", false, Some(8.0), Some(356.0)),
            ("for", false, None, None),
        ]
    );
    let idle = w.fake.registered_command("idle").unwrap();
    assert_eq!(idle["options"][1]["name"], "enabled");
    assert_eq!(idle["options"][1]["type"], 5);
    assert_eq!(idle["options"][2]["min_value"].as_f64(), Some(5.0));
    // Guild-only commands: offered in servers, not in DMs.
    assert_eq!(idle["contexts"], serde_json::json!([0]), "{idle}");
    w.stop().await;
}

#[tokio::test]
async fn cdc_scale_posts_status_thread_and_confirmation() {
    let w = World::start(|_| {}).await;
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(private.starts_with("Started #1"), "{private}");
    let status = w.status_message("/cdc-scale").await;
    let accepted = w.thread_line(&status.id, "request id").await;
    let confirmed = w.thread_line(&status.id, "✅ Confirmed").await;
    assert!(
        confirmed.content.contains("4 cores / 16 GB"),
        "{}",
        confirmed.content
    );
    let final_status = w
        .fake
        .wait_for_message_in(
            w.fake.channel_id(),
            |m| is_status(m) && m.content.contains("✅ Confirmed after"),
            WAIT,
        )
        .await;
    assert_eq!(
        final_status.id, status.id,
        "the status message is edited in place"
    );
    assert_eq!(w.patches(), 1);
    insta::assert_snapshot!(
        "cdc_scale_transcript",
        normalize(&format!(
            "private: {private}\nstatus: {}\nthread:\n{}\n{}",
            final_status.content, accepted.content, confirmed.content
        ))
    );
    w.stop().await;
}

#[tokio::test]
async fn bad_input_is_answered_privately_and_nothing_is_sent() {
    let w = World::start(|_| {}).await;
    // A real client keeps to the registered range; the bot must not trust that.
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 40)
        .unchecked()
        .send()
        .await;
    let answer = w.private_answer(&ix).await;
    assert!(answer.contains("from 1 to 24"), "{answer}");
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "basic-dev")
        .option_int("count", 2)
        .send()
        .await;
    let answer = w.private_answer(&ix).await;
    assert!(answer.contains("Basic"), "{answer}");
    let ix = w
        .fake
        .slash("idle")
        .option_str("service", "analytics-staging")
        .option_bool("enabled", true)
        .option_int("timeout-minutes", 2)
        .unchecked()
        .send()
        .await;
    let answer = w.private_answer(&ix).await;
    assert!(answer.contains("from 5 to 10080"), "{answer}");
    // Ephemeral: the deferral carried flag 64.
    let cb = w.fake.callbacks_for(&ix);
    assert_eq!(cb[0].data["flags"], 64, "{:?}", cb[0].data);
    assert_eq!(w.patches(), 0);
    w.stop().await;
}

#[tokio::test]
async fn risky_change_waits_for_an_allowed_click() {
    let w = World::start(|c| {
        c.policy.rules.push(allow_all("900"));
    })
    .await;
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 2)
        .user("500", "ann")
        .roles(&["900"])
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(private.contains("needs a confirmation"), "{private}");
    let status = w.status_with_buttons().await;
    let confirm_id = format!("clickscale:confirm:{}", status.id);
    let cancel_id = format!("clickscale:cancel:{}", status.id);
    assert_eq!(status.custom_ids(), [confirm_id.clone(), cancel_id.clone()]);
    assert_eq!(
        status.component(&confirm_id).unwrap()["style"],
        3,
        "success"
    );
    assert_eq!(status.component(&cancel_id).unwrap()["style"], 4, "danger");
    // Someone without the role: refused privately, buttons stay.
    let stranger = w
        .fake
        .click(&status.id, &confirm_id)
        .user("666", "mallory")
        .send()
        .await;
    let refused = w.private_answer(&stranger).await;
    assert!(refused.contains("not allowed"), "{refused}");
    assert_eq!(w.patches(), 0);
    // The requester confirms.
    w.fake
        .click(&status.id, &confirm_id)
        .user("500", "ann")
        .roles(&["900"])
        .send()
        .await;
    w.thread_line(&status.id, "Confirmed by ann").await;
    w.thread_line(&status.id, "✅ Confirmed").await;
    assert_eq!(w.patches(), 1);
    w.stop().await;
}

#[tokio::test]
async fn cancel_and_expiry_send_nothing() {
    let w = World::start(|c| c.timings.confirm_timeout = Duration::from_millis(800)).await;
    w.fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 1)
        .send()
        .await;
    let first = w.status_with_buttons().await;
    w.fake
        .click(&first.id, &format!("clickscale:cancel:{}", first.id))
        .send()
        .await;
    w.thread_line(&first.id, "Cancelled by").await;

    w.fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 2)
        .send()
        .await;
    let second = w
        .fake
        .wait_for_message_in(
            w.fake.channel_id(),
            |m| is_status(m) && m.id != first.id && m.content.contains("/replicas"),
            WAIT,
        )
        .await;
    w.thread_line(&second.id, "Expired").await;
    let expired = w.fake.message(&second.id).unwrap();
    assert!(
        expired.components.is_empty()
            || expired.components == [serde_json::json!([])].to_vec()
            || expired
                .components
                .iter()
                .all(|r| r["components"].as_array().is_none_or(|c| c.is_empty())),
        "buttons removed: {:?}",
        expired.components
    );
    // A click on the expired buttons is answered, not ignored.
    let late = w
        .fake
        .click(&second.id, &format!("clickscale:confirm:{}", second.id))
        .unchecked()
        .send()
        .await;
    let answer = w.private_answer(&late).await;
    assert!(answer.contains("expired"), "{answer}");
    assert_eq!(w.patches(), 0);
    w.stop().await;
}

#[tokio::test]
async fn policy_denial_makes_no_api_call() {
    let w = World::start(|c| {
        c.policy.rules.push(PolicyRule {
            commands: vec!["replicas".into()],
            services: vec!["analytics-staging".into()],
            roles: vec!["900".into()],
            channels: vec!["*".into()],
        });
    })
    .await;
    let before = w.sim.requests().len();
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .roles(&["900"])
        .send()
        .await;
    let answer = w.private_answer(&ix).await;
    assert!(answer.contains("not allowed to run /cdc-scale"), "{answer}");
    // Resolving `ingest-cdc` by name lists services; nothing else reached the API.
    let after: Vec<_> = w.sim.requests()[before..].to_vec();
    assert!(
        after
            .iter()
            .all(|r| r.method == "GET" && r.path.ends_with("/services")),
        "{after:?}"
    );
    w.stop().await;
}

#[tokio::test]
async fn autocomplete_offers_aliases_and_org_services() {
    let w = World::start(|_| {}).await;
    let ix = w
        .fake
        .autocomplete("replicas", "service", "analyt")
        .send()
        .await;
    let cb = w.fake.wait_for_callback(&ix, WAIT).await;
    assert_eq!(cb.kind, 8);
    let values: Vec<&str> = cb.data["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert!(values.contains(&"analytics-staging"), "{values:?}");
    assert!(!values.contains(&"ingest-cdc"), "{values:?}");
    w.stop().await;
}

#[tokio::test]
async fn api_errors_and_timeouts_reach_the_user() {
    let w = World::start(|c| c.timings.watch_deadline = Duration::from_millis(700)).await;
    // 424: the service is idle. The change waits for Wake and continue (tests/wake.rs).
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "etl-idle")
        .option_int("cores", 4)
        .send()
        .await;
    let answer = w.private_answer(&ix).await;
    assert!(
        answer.contains("idle") && answer.contains("Wake and continue"),
        "{answer}"
    );
    // 404: no DB ClickPipe on this service.
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "analytics-staging")
        .option_int("cores", 4)
        .send()
        .await;
    let answer = w.private_answer(&ix).await;
    assert!(answer.contains("ClickPipe"), "{answer}");
    // A change slower than the deadline: reported in the thread with what was last seen.
    {
        let world = w.sim.world();
        world.lock().await.config_mut().cdc_converge_after = Duration::from_secs(60);
    }
    w.fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 3)
        .send()
        .await;
    let status = w.status_message("ingest-cdc").await;
    let timed_out = w.thread_line(&status.id, "Not confirmed").await;
    assert!(
        timed_out.content.contains("Last seen: 2 cores / 8 GB"),
        "{}",
        timed_out.content
    );
    w.stop().await;
}

#[tokio::test]
async fn two_users_scaling_one_service_both_threads_are_told() {
    let w = World::start(|_| {}).await;
    {
        let world = w.sim.world();
        world.lock().await.config_mut().cdc_converge_after = Duration::from_secs(2);
    }
    w.fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 3)
        .user("501", "ann")
        .send()
        .await;
    let first = w.status_message("#1").await;
    w.thread_line(&first.id, "request id").await;
    w.fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .user("502", "bob")
        .send()
        .await;
    let second = w.status_message("#2").await;
    w.thread_line(&first.id, "Superseded by #2 (requested by bob)")
        .await;
    w.thread_line(&second.id, "supersedes #1").await;
    w.thread_line(&second.id, "✅ Confirmed: the API now reports 4 cores")
        .await;
    w.stop().await;
}

/// The thread message containing `contains`, waited for, as normalized text.
async fn said(w: &World, thread: &str, contains: &str) -> String {
    normalize(&w.thread_line(thread, contains).await.content)
}

#[tokio::test]
async fn replicas_and_idle_report_in_their_threads_and_ping_nobody() {
    let w = World::start(|_| {}).await;
    // 2 -> 3 replicas: cost x1.5, below the confirmation factor.
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "analytics-staging")
        .option_int("count", 3)
        .send()
        .await;
    let private = normalize(&w.private_answer(&ix).await);
    let status = w.status_message("/replicas").await;
    let accepted = said(&w, &status.id, "request id").await;
    let confirmed = said(&w, &status.id, "✅ Confirmed").await;
    assert!(confirmed.contains("3 replicas"), "{confirmed}");
    let thread = w
        .fake
        .thread(&status.id)
        .expect("a thread on the status message");
    assert_eq!(thread.name, "replicas analytics-staging #1");
    assert_eq!(thread.auto_archive_duration, 1440);

    let ix = w
        .fake
        .slash("idle")
        .option_str("service", "reporting-highmem")
        .option_bool("enabled", true)
        .option_int("timeout-minutes", 15)
        .send()
        .await;
    let idle_private = normalize(&w.private_answer(&ix).await);
    let idle_status = w.status_message("/idle").await;
    let idle_confirmed = said(&w, &idle_status.id, "✅ Confirmed").await;
    assert!(
        idle_confirmed.contains("idling on, 15 min timeout"),
        "{idle_confirmed}"
    );

    // Status messages and follow-ups go out with the bot token and mention nobody.
    let posts: Vec<_> = w
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.is("POST", "/channels/*/messages"))
        .collect();
    assert!(posts.len() >= 6, "{} posts", posts.len());
    for post in &posts {
        assert_eq!(
            post.body()["allowed_mentions"]["parse"],
            serde_json::json!([]),
            "{}",
            post.body()
        );
    }
    assert!(
        w.fake
            .calls()
            .iter()
            .filter(|c| c.is("PATCH", "/webhooks/*/*/messages/@original"))
            .count()
            == 2,
        "only the two private answers use the interaction token"
    );
    assert_eq!(w.patches(), 2);
    insta::assert_snapshot!(
        "replicas_and_idle_transcript",
        format!(
            "/replicas private: {private}\nthread:\n{accepted}\n{confirmed}\n\n/idle private: {idle_private}\nthread:\n{idle_confirmed}"
        )
    );
    w.stop().await;
}

#[tokio::test]
async fn refusals_are_specific_private_and_cost_no_change() {
    let w = World::start(|_| {}).await;
    let mut answers = Vec::new();
    let before = w.sim.requests().len();
    // Nothing to change: refused before any API call.
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "analytics-staging")
        .send()
        .await;
    answers.push(format!(
        "/replicas (nothing): {}",
        w.private_answer(&ix).await
    ));
    assert_eq!(
        w.sim.requests().len(),
        before,
        "no API call for an empty /replicas"
    );
    // Out of the registered range (no client sends it; the bot checks anyway).
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", -5)
        .unchecked()
        .send()
        .await;
    answers.push(format!(
        "/cdc-scale cores:-5: {}",
        w.private_answer(&ix).await
    ));
    assert_eq!(
        w.sim.requests().len(),
        before,
        "CDC cores are checked before any API call"
    );
    // Within the registered range but not a valid memory size.
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "analytics-staging")
        .option_int("min-memory-gb", 10)
        .send()
        .await;
    answers.push(format!(
        "/replicas min-memory-gb:10: {}",
        w.private_answer(&ix).await
    ));
    let ix = w
        .fake
        .slash("idle")
        .option_str("service", "analytics-staging")
        .option_bool("enabled", false)
        .option_int("timeout-minutes", 30)
        .send()
        .await;
    answers.push(format!(
        "/idle enabled:false timeout:30: {}",
        w.private_answer(&ix).await
    ));
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "no-such-service")
        .option_int("cores", 2)
        .send()
        .await;
    answers.push(format!(
        "/cdc-scale unknown service: {}",
        w.private_answer(&ix).await
    ));
    // The same configuration again: a no-op, said privately.
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 2)
        .send()
        .await;
    answers.push(format!("/cdc-scale no-op: {}", w.private_answer(&ix).await));

    assert_eq!(w.patches(), 0);
    assert!(
        w.fake.threads().is_empty(),
        "no status message or thread for a refusal"
    );
    let callbacks: Vec<_> = w
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.is("POST", "/interactions/*/*/callback"))
        .collect();
    assert_eq!(callbacks.len(), answers.len());
    for callback in &callbacks {
        // An answer at once (4) or a deferral (5), private either way.
        assert!(matches!(callback.body()["type"].as_u64(), Some(4 | 5)));
        assert_eq!(callback.body()["data"]["flags"], 64, "{}", callback.body());
    }
    insta::assert_snapshot!("refusals", normalize(&answers.join("\n")));
    w.stop().await;
}

#[tokio::test]
async fn policy_denial_of_an_alias_makes_no_api_call_at_all() {
    let w = World::start(|c| {
        c.policy.rules.push(PolicyRule {
            commands: vec!["replicas".into()],
            services: vec!["analytics-staging".into()],
            roles: vec!["900".into()],
            channels: vec!["*".into()],
        });
    })
    .await;
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 4)
        .roles(&["900"])
        .send()
        .await;
    let answer = w.private_answer(&ix).await;
    insta::assert_snapshot!("policy_denial", answer);
    assert!(w.sim.requests().is_empty(), "{:?}", w.sim.requests());
    w.stop().await;
}

#[tokio::test]
async fn scaling_status_shows_configuration_cdc_and_operations_in_flight() {
    let w = World::start(|_| {}).await;
    {
        let world = w.sim.world();
        world.lock().await.config_mut().cdc_converge_after = Duration::from_secs(60);
    }
    // Something in flight on ingest-cdc.
    w.fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 3)
        .send()
        .await;
    let status = w.status_message("/cdc-scale").await;
    w.thread_line(&status.id, "request id").await;

    let mut reports = Vec::new();
    for service in ["ingest-cdc", "etl-idle", "prod"] {
        let ix = w
            .fake
            .slash("scaling-status")
            .option_str("service", service)
            .send()
            .await;
        let answer = w.private_answer(&ix).await;
        let cb = w.fake.callbacks_for(&ix);
        assert_eq!(cb[0].data["flags"], 64, "status is private");
        reports.push(normalize(&answer));
    }
    assert!(
        reports[0].contains("In flight:\n- #1 `/cdc-scale` by tester"),
        "{}",
        reports[0]
    );
    assert!(
        reports[1].contains("while the service is idle"),
        "{}",
        reports[1]
    );
    assert!(reports[2].contains("no DB ClickPipe"), "{}", reports[2]);
    assert_eq!(w.patches(), 1, "status reads only");
    insta::assert_snapshot!("scaling_status", reports.join("\n\n"));
    w.stop().await;
}

#[tokio::test]
async fn every_interaction_gets_an_answer_without_internal_details() {
    let w = World::start(|_| {}).await;
    // A required option missing: poise reports a structure mismatch.
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .unchecked()
        .send()
        .await;
    let mismatch = w.private_answer(&ix).await;
    // Private: the deferral every command sends first (it is the claim between instances),
    // then its edit.
    let cb = w.fake.wait_for_callback(&ix, WAIT).await;
    assert_eq!((cb.kind, cb.data["flags"].as_u64()), (5, Some(64)));
    // A command this bot does not have (an old registration, say).
    let ix = w.fake.slash("rollback").unchecked().send().await;
    let unknown = w.private_answer(&ix).await;
    // From a DM, where the commands are not offered.
    let ix = w
        .fake
        .slash("scaling-status")
        .option_str("service", "prod")
        .dm()
        .unchecked()
        .send()
        .await;
    let dm = w.private_answer(&ix).await;
    for answer in [&mismatch, &unknown] {
        assert!(answer.contains("reference `"), "{answer}");
        assert!(!answer.contains("required"), "no internal text: {answer}");
        assert!(!answer.contains("mismatch"), "no internal text: {answer}");
    }
    assert!(dm.contains("server channel"), "{dm}");
    assert_eq!(w.patches(), 0);
    w.stop().await;
}

#[tokio::test]
async fn a_stale_button_click_is_told_the_buttons_expired() {
    let w = World::start(|_| {}).await;
    // A message from an earlier run of the bot, still carrying our buttons.
    w.fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 3)
        .send()
        .await;
    let status = w.status_message("/cdc-scale").await;
    let click = w
        .fake
        .click(&status.id, &format!("clickscale:confirm:{}", status.id))
        .unchecked()
        .send()
        .await;
    let cb = w.fake.wait_for_callback(&click, WAIT).await;
    assert_eq!((cb.kind, cb.data["flags"].as_u64()), (4, Some(64)));
    assert_eq!(
        cb.data["content"],
        clickscale::discord::buttons::expired(clickscale::i18n::Locale::EnUs),
        "{:?}",
        cb.data
    );
    w.stop().await;
}

#[tokio::test]
async fn the_binary_runs_the_bot_and_stops_cleanly_on_sigterm() {
    let fake = FakeDiscord::start().await;
    let sim = sim::spawn(
        SimConfig {
            cdc_converge_after: Duration::from_millis(500),
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_bot(&fake, &sim, dir.path());
    fake.wait_ready().await;
    let ix = fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .send()
        .await;
    fake.wait_for_callback(&ix, WAIT).await;
    let status = fake
        .wait_for_message_in(
            fake.channel_id(),
            |m| is_status(m) && m.content.contains("/cdc-scale"),
            WAIT,
        )
        .await;
    fake.wait_for_message_in(&status.id, |m| m.content.contains("✅ Confirmed"), WAIT)
        .await;
    let pid = child.id().unwrap() as i32;
    // SIGTERM, as a container runtime sends it.
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap()
        .success());
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("the bot stops after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
    let mut logs = String::new();
    use tokio::io::AsyncReadExt;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .await
        .unwrap();
    assert!(
        !logs.contains("fake-bot-token-secret"),
        "the token leaked into the logs"
    );
    assert!(
        !logs.contains(DEMO_SECRET),
        "the key secret leaked into the logs"
    );
    fake.assert_no_unknown_calls();
}

#[tokio::test]
async fn snapshot_reminder_pings_on_call_refuses_strangers_and_keep_asks_for_a_reason() {
    // 100x: the snapshots of ingest-cdc's pipes end within 3 s.
    let sim = SimConfig {
        time_scale: 100.0,
        cdc_converge_after: Duration::from_secs(10),
        rate_limit: 10_000,
        ..SimConfig::default()
    };
    let w = World::start_with(sim, |c| {
        c.oncall.role = Some("555".into());
        c.oncall.tick = Duration::from_millis(50);
        c.oncall.snapshot_check_interval = Duration::from_millis(100);
        c.oncall.answer_within = Duration::from_secs(60);
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
    let reminder = w
        .fake
        .wait_for_message_in(
            &status.id,
            |m| !m.components.is_empty(),
            Duration::from_secs(20),
        )
        .await;
    assert!(
        reminder.content.starts_with("<@&555> "),
        "{}",
        reminder.content
    );
    assert!(
        reminder.content.contains("`pg_events` (Running)"),
        "{}",
        reminder.content
    );
    // The one message that may ping: only the on-call role, nobody else.
    let post = w
        .fake
        .calls()
        .into_iter()
        .find(|c| c.is("POST", "/channels/*/messages") && c.body()["content"] == reminder.content)
        .expect("the reminder's POST");
    assert_eq!(
        post.body()["allowed_mentions"]["roles"],
        serde_json::json!(["555"])
    );
    assert_eq!(
        post.body()["allowed_mentions"]["parse"],
        serde_json::json!([])
    );
    let ids = reminder.custom_ids();
    assert_eq!(ids.len(), 4, "{ids:?}");
    let (restore, keep) = (&ids[0], &ids[3]);
    assert!(
        restore.ends_with(":restore") && keep.ends_with(":keep"),
        "{ids:?}"
    );

    // A member without on-call, requester or confirmer standing: refused privately.
    let stranger = w
        .fake
        .click(&reminder.id, restore)
        .user("666", "mallory")
        .roles(&["900"])
        .send()
        .await;
    let refused = w.private_answer(&stranger).await;
    assert!(refused.contains("Only on-call"), "{refused}");
    assert_eq!(w.patches(), 1, "only the scale-up was sent");

    // Issue 14: Keep opened the reason modal for anyone and refused only after the reason was
    // typed. A stranger is now refused before any modal opens.
    let stranger_keep = w
        .fake
        .click(&reminder.id, keep)
        .user("667", "trudy")
        .roles(&["900"])
        .send()
        .await;
    let callback = w.fake.wait_for_callback(&stranger_keep, WAIT).await;
    assert_ne!(
        callback.kind, 9,
        "no modal for a stranger: {:?}",
        callback.data
    );
    let refused = w.private_answer(&stranger_keep).await;
    assert!(refused.contains("Only on-call"), "{refused}");

    // Keep opens a modal; its reason lands in the thread and the audit log. Olga has only the
    // on-call role (issue 14: she was refused "not allowed to run /cdc-scale", though README
    // says on-call may answer).
    let click = w
        .fake
        .click(&reminder.id, keep)
        .user("700", "olga")
        .roles(&["555"])
        .send()
        .await;
    let modal = w.fake.wait_for_callback(&click, WAIT).await;
    assert_eq!(modal.kind, 9, "a modal: {:?}", modal.data);
    let submitted = w
        .fake
        .submit_modal(&click, &["555"], &[("reason", "backfill runs all week")])
        .await;
    let answer = w.private_answer(&submitted).await;
    assert!(
        answer.contains("keeps the current configuration"),
        "{answer}"
    );
    w.thread_line(&status.id, "“backfill runs all week”").await;
    // The reminder's buttons are gone.
    let closed = w.fake.message(&reminder.id).unwrap();
    assert!(closed.components.is_empty(), "{:?}", closed.components);
    // A late click finds it answered.
    let late = w
        .fake
        .click(&reminder.id, restore)
        .user("700", "olga")
        .roles(&["900", "555"])
        .unchecked()
        .send()
        .await;
    let late = w.private_answer(&late).await;
    assert!(late.contains("answered already"), "{late}");
    w.stop().await;
}

/// `clickscale run` as a process against the fake and the simulator, its state in `dir`.
fn spawn_bot(fake: &FakeDiscord, sim: &SimHandle, dir: &std::path::Path) -> tokio::process::Child {
    let config = dir.join("clickscale.toml");
    std::fs::write(
        &config,
        format!(
            "[discord]\nproxy_url = \"{}\"\nguild_id = {}\n[timings]\npoll_interval = \"200ms\"\ncdc_expected_min = \"1s\"\ncdc_expected_max = \"3s\"\n[store]\ninstance_id = \"bot-test\"\nlease_ttl = \"3s\"\n",
            fake.proxy_url(),
            fake.guild_id()
        ),
    )
    .unwrap();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env("DISCORD_TOKEN", "fake-bot-token-secret")
        .env("CLICKHOUSE_API_URL", sim.base_url())
        .env("CLICKHOUSE_ORG_ID", DEMO_ORG_ID)
        .env("CLICKHOUSE_KEY_ID", DEMO_ADMIN_KEY)
        .env("CLICKHOUSE_KEY_SECRET", DEMO_SECRET)
        .env(
            "CLICKSCALE_DATABASE_URL",
            format!("sqlite://{}", dir.join("clickscale.db").display()),
        )
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

#[tokio::test]
async fn sigkill_mid_watch_then_restart_posts_the_confirmation_once_in_the_same_thread() {
    let fake = FakeDiscord::start().await;
    // Long enough to kill the bot while it watches.
    let sim = sim::spawn(
        SimConfig {
            cdc_converge_after: Duration::from_secs(4),
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut first = spawn_bot(&fake, &sim, dir.path());
    fake.wait_ready().await;
    let ix = fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .option_str("revert", "never")
        .option_str("reason", "restart test")
        .send()
        .await;
    fake.wait_for_callback(&ix, WAIT).await;
    let status = fake
        .wait_for_message_in(
            fake.channel_id(),
            |m| is_status(m) && m.content.contains("/cdc-scale"),
            WAIT,
        )
        .await;
    fake.wait_for_message_in(
        &status.id,
        |m| m.content.contains("accepted the change"),
        WAIT,
    )
    .await;
    first.kill().await.unwrap(); // SIGKILL
    assert!(!fake
        .thread_messages(&status.id)
        .iter()
        .any(|m| m.content.contains("✅")));

    let mut second = spawn_bot(&fake, &sim, dir.path());
    fake.wait_for_message_in(
        &status.id,
        |m| m.content.contains("↻ clickscale restarted"),
        WAIT,
    )
    .await;
    fake.wait_for_message_in(&status.id, |m| m.content.contains("✅ Confirmed"), WAIT)
        .await;
    // Let any duplicate show up before counting.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let confirmations = fake
        .thread_messages(&status.id)
        .iter()
        .filter(|m| m.content.contains("✅ Confirmed"))
        .count();
    assert_eq!(confirmations, 1, "{:#?}", fake.thread_messages(&status.id));
    let edited = fake.message(&status.id).unwrap();
    assert!(
        edited.content.contains("✅ Confirmed after"),
        "{}",
        edited.content
    );
    second.kill().await.unwrap();
    fake.assert_no_unknown_calls();
}
