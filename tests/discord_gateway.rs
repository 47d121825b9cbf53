//! Discord's gateway as it really fails (issue 14): the socket closed clean, dropped (1006),
//! closed with 4000-range codes (resumable and fatal), op 7 RECONNECT, op 9 INVALID_SESSION,
//! a heartbeat that gets no ACK, and a gateway that cannot be reached for a while.
//!
//! The real bot (serenity 0.12.5 + poise) against the fake Discord and the simulator over
//! 127.0.0.1, with `/readyz` served by the real HTTP endpoint. For each fault: serenity
//! resumes (same session) or identifies afresh, `/readyz` names the state, the operation
//! launched before the fault gets its ✅ once in its own thread, and a new interaction after
//! the fault is answered. Fatal closes stop the bot with a sentence that says what to fix.

mod support;

use std::{net::SocketAddr, process::Stdio, time::Duration};

use clickscale::{
    discord::GatewayState,
    http::{HttpServer, HttpState},
    sim::{
        fixture::{DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        SimConfig,
    },
};
use support::{
    bot::{fast_sim, World, WAIT},
    discord::{FakeDiscord, GatewayFault, GatewayStats},
};

/// Changes that land after 2 s, so the operation is still being watched across the fault.
fn slow_sim() -> SimConfig {
    SimConfig {
        cdc_converge_after: Duration::from_secs(2),
        service_converge_after: Duration::from_secs(2),
        ..fast_sim()
    }
}

/// How the session must come back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Comeback {
    /// RESUME of the same session: nothing missed is lost, no new IDENTIFY.
    Resume,
    /// A fresh IDENTIFY (the session could not be resumed).
    Identify,
}

impl Comeback {
    fn done(self, before: &GatewayStats, now: &GatewayStats) -> bool {
        now.live
            && match self {
                Self::Resume => now.resumes > before.resumes,
                Self::Identify => now.identifies > before.identifies,
            }
    }
}

/// The `/readyz` endpoint of the world's bot.
async fn readyz_server(w: &World) -> HttpServer {
    let gateway = w.bot.as_ref().expect("the bot runs").gateway();
    let state = HttpState::new(w.engine.clone()).with_gateway(gateway);
    HttpServer::start("127.0.0.1:0".parse().unwrap(), state)
        .await
        .unwrap()
}

/// Status and the `gateway:` line of `/readyz`.
async fn readyz_gateway(addr: SocketAddr) -> (u16, String) {
    let resp = reqwest::get(format!("http://{addr}/readyz")).await.unwrap();
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap();
    let line = body
        .lines()
        .find(|l| l.starts_with("gateway:"))
        .unwrap_or_else(|| panic!("no gateway line in\n{body}"))
        .to_owned();
    (status, line)
}

/// Polls `/readyz` until its gateway line satisfies `want`; returns that line.
async fn wait_for_readyz(addr: SocketAddr, what: &str, want: impl Fn(u16, &str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (status, line) = readyz_gateway(addr).await;
        if want(status, &line) {
            return line;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/readyz never showed {what}; last: {status} {line}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn wait_until_ready(addr: SocketAddr) {
    let line = wait_for_readyz(addr, "a connected gateway", |s, _| s == 200).await;
    assert_eq!(line, "gateway: ok (connected)");
}

/// Starts `/replicas prod count:4` and waits for "accepted" in its thread; returns the
/// status message id (= the thread id).
async fn launch(w: &World) -> String {
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 4)
        .send()
        .await;
    let answer = w.private_answer(&ix).await;
    assert!(answer.starts_with("Started #1"), "{answer}");
    let status = w.status_message("/replicas").await;
    w.thread_line(&status.id, "The API accepted the change")
        .await;
    status.id
}

/// The operation's outcome arrives once in its own thread, and the status says Confirmed.
async fn settles_once(w: &World, thread: &str) {
    w.thread_line(thread, "✅").await;
    // A moment for anything that would (wrongly) come twice.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let lines: Vec<String> = w
        .fake
        .thread_messages(thread)
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(
        lines.iter().filter(|l| l.starts_with('✅')).count(),
        1,
        "{lines:#?}"
    );
    let status = w.fake.message(thread).unwrap();
    assert!(status.content.contains("Confirmed"), "{}", status.content);
}

/// A new interaction after the fault is answered: the new session delivers.
async fn answers_again(w: &World) {
    let ix = w.fake.slash("scaling-history").send().await;
    let answer = w.private_answer(&ix).await;
    assert!(!answer.is_empty());
}

/// The whole story for one fault: an operation in flight, the fault, the way back, `/readyz`
/// ready again, the operation's ✅ in its thread, and a new interaction answered.
async fn survives(comeback: Comeback, fault: impl FnOnce(&FakeDiscord)) -> World {
    let w = World::start_with(slow_sim(), |_| {}).await;
    let server = readyz_server(&w).await;
    wait_until_ready(server.addr()).await;
    let thread = launch(&w).await;

    let before = w.fake.gateway_stats();
    fault(&w.fake);
    let after = w
        .fake
        .wait_for_gateway(|g| comeback.done(&before, g), WAIT)
        .await;
    if comeback == Comeback::Resume {
        assert_eq!(
            after.identifies, before.identifies,
            "resumed, not identified afresh"
        );
    }
    wait_until_ready(server.addr()).await;
    settles_once(&w, &thread).await;
    answers_again(&w).await;
    assert_eq!(w.patches(), 1, "one change sent");
    w.fake.assert_clean();
    server.stop().await;
    w
}

#[tokio::test]
async fn a_clean_close_1000_is_resumed() {
    let w = survives(Comeback::Resume, |f| assert!(f.close_gateway(1000))).await;
    w.stop().await;
}

#[tokio::test]
async fn a_connection_dropped_without_a_close_frame_1006_is_resumed() {
    let w = survives(Comeback::Resume, |f| assert!(f.drop_gateway())).await;
    assert_eq!(w.fake.gateway_stats().closed_by_fake, [None]);
    w.stop().await;
}

#[tokio::test]
async fn close_4000_unknown_error_is_resumed() {
    survives(Comeback::Resume, |f| assert!(f.close_gateway(4000)))
        .await
        .stop()
        .await;
}

#[tokio::test]
async fn close_4008_rate_limited_is_resumed() {
    survives(Comeback::Resume, |f| assert!(f.close_gateway(4008)))
        .await
        .stop()
        .await;
}

/// 4009: the session timed out; only a new one will do.
#[tokio::test]
async fn close_4009_session_timed_out_identifies_afresh() {
    survives(Comeback::Identify, |f| assert!(f.close_gateway(4009)))
        .await
        .stop()
        .await;
}

/// 4007: serenity tries to RESUME at sequence 0, Discord says the session is invalid (op 9
/// `d:false`), and serenity identifies afresh.
#[tokio::test]
async fn close_4007_invalid_seq_identifies_afresh() {
    survives(Comeback::Identify, |f| assert!(f.close_gateway(4007)))
        .await
        .stop()
        .await;
}

#[tokio::test]
async fn op_7_reconnect_is_resumed() {
    survives(Comeback::Resume, |f| assert!(f.request_reconnect()))
        .await
        .stop()
        .await;
}

#[tokio::test]
async fn op_9_invalid_session_resumable_is_resumed() {
    survives(Comeback::Resume, |f| assert!(f.invalidate_session(true)))
        .await
        .stop()
        .await;
}

#[tokio::test]
async fn op_9_invalid_session_not_resumable_identifies_afresh() {
    survives(Comeback::Identify, |f| assert!(f.invalidate_session(false)))
        .await
        .stop()
        .await;
}

/// The fake stops ACKing heartbeats (a zombie connection): serenity notices at its next
/// heartbeat, drops the connection and identifies on a new one.
#[tokio::test]
async fn a_missed_heartbeat_ack_reconnects() {
    let w = survives(Comeback::Identify, |f| {
        f.set_gateway_fault(GatewayFault::SilentHeartbeats);
    })
    .await;
    let stats = w.fake.gateway_stats();
    assert!(stats.unacked_heartbeats >= 1, "{stats:?}");
    assert!(stats.connections >= 2, "a new connection: {stats:?}");
    w.stop().await;
}

/// While no connection can be made, `/readyz` is not ready and says why; the operation in
/// flight still settles in its thread (it posts over REST); once Discord is back, the bot
/// is connected and ready again.
#[tokio::test]
async fn an_unreachable_gateway_is_not_ready_until_it_is_back() {
    let w = World::start_with(slow_sim(), |_| {}).await;
    let server = readyz_server(&w).await;
    wait_until_ready(server.addr()).await;
    let thread = launch(&w).await;

    w.fake.set_gateway_fault(GatewayFault::Unreachable);
    assert!(w.fake.drop_gateway());
    let line = wait_for_readyz(server.addr(), "not ready", |s, _| s == 503).await;
    assert!(line.starts_with("gateway: FAIL (not connected"), "{line}");
    w.fake
        .wait_for_gateway(|g| g.refused_connections >= 1, WAIT)
        .await;
    // The operation does not wait for the gateway.
    settles_once(&w, &thread).await;
    assert!(
        !readyz_gateway(server.addr()).await.1.contains("ok"),
        "still down"
    );

    let before = w.fake.gateway_stats();
    w.fake.heal_gateway();
    w.fake
        .wait_for_gateway(|g| Comeback::Identify.done(&before, g), WAIT)
        .await;
    wait_until_ready(server.addr()).await;
    answers_again(&w).await;
    w.fake.assert_clean();
    server.stop().await;
    w.stop().await;
}

/// 4014 (disallowed intents) when serenity logs in again: fatal. The bot says what to fix,
/// `/readyz` names it, and serenity does not try again.
#[tokio::test]
async fn close_4014_disallowed_intents_stops_and_says_why() {
    let w = World::start_with(slow_sim(), |_| {}).await;
    let server = readyz_server(&w).await;
    wait_until_ready(server.addr()).await;
    w.fake.set_gateway_fault(GatewayFault::CloseOnLogin(4014));
    assert!(w.fake.close_gateway(4000));
    let line = wait_for_readyz(server.addr(), "the refusal", |s, l| {
        s == 503 && l.contains("refused")
    })
    .await;
    assert_eq!(
        line,
        "gateway: FAIL (Discord refused the session: close code 4014, disallowed intents: the \
         bot asked for a privileged intent the application may not use (Developer Portal > Bot \
         > Privileged Gateway Intents); the bot stopped)"
    );
    let gateway = w.bot.as_ref().unwrap().gateway();
    assert!(matches!(gateway.current().await, GatewayState::Refused(_)));
    let stats = w.fake.gateway_stats();
    assert_eq!(stats.closed_by_fake, [Some(4000), Some(4014)]);
    // Longer than a heartbeat interval and serenity's 5 s between shard starts: no retry.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(
        w.fake.gateway_stats().connections,
        stats.connections,
        "no new connection after a fatal close"
    );
    server.stop().await;
    w.stop().await;
}

/// `clickscale run` with a token Discord refuses (4004 at IDENTIFY): the process stops with
/// a non-zero status and a sentence saying what to fix, after one connection, and without
/// the token in what it prints.
#[tokio::test]
async fn the_run_binary_stops_on_4004_with_what_to_fix() {
    let fake = FakeDiscord::start().await;
    fake.set_gateway_fault(GatewayFault::CloseOnLogin(4004));
    let sim = clickscale::sim::spawn(fast_sim(), clickscale::sim::Fixture::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("clickscale.toml");
    std::fs::write(
        &config,
        format!(
            "[discord]\nproxy_url = \"{}\"\nguild_id = {}\n",
            fake.proxy_url(),
            fake.guild_id()
        ),
    )
    .unwrap();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env(
            "CLICKSCALE_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("clickscale.db").display()),
        )
        .env("CLICKSCALE_LOG", "info")
        .env("DISCORD_TOKEN", "refused-bot-token-123")
        .env("CLICKHOUSE_API_URL", sim.base_url())
        .env("CLICKHOUSE_ORG_ID", DEMO_ORG_ID)
        .env("CLICKHOUSE_KEY_ID", DEMO_ADMIN_KEY)
        .env("CLICKHOUSE_KEY_SECRET", DEMO_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("the bot stopped by itself")
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Discord refused the gateway session: close code 4004, authentication failed: the bot token is wrong or was reset (Developer Portal > Bot > Reset Token, then set DISCORD_TOKEN)"),
        "{stderr}"
    );
    assert!(!stderr.contains("refused-bot-token-123"), "{stderr}");
    let stats = fake.gateway_stats();
    assert_eq!(stats.connections, 1, "{stats:?}");
    assert_eq!(stats.closed_by_fake, [Some(4004)]);
}
