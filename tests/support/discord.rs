//! A fake Discord for integration tests: REST v10 and a JSON gateway on 127.0.0.1 that an
//! unchanged serenity 0.12.5 / poise 0.7.1 bot talks to.
//!
//! ```ignore
//! let fake = FakeDiscord::start().await;
//! // serenity applies the proxy only with its ratelimiter off; otherwise requests go to discord.com.
//! let http = HttpBuilder::new("fake-token")
//!     .proxy(fake.proxy_url())
//!     .ratelimiter_disabled(true)
//!     .build();
//! // ClientBuilder::new_with_http(http, intents).framework(framework).await, then spawn client.start().
//! fake.wait_ready().await;
//! let ix = fake.slash("replicas").option_int("count", 6).send().await;
//! let callback = fake.wait_for_callback(&ix, Duration::from_secs(2)).await;
//! assert_eq!(callback.kind, 5);
//! fake.assert_clean();
//! ```
//!
//! Model decisions a test author should know:
//! - Every REST call is recorded; unknown routes are answered 404 and listed as problems.
//! - Multipart bodies (attachments) are read like Discord reads them: a `payload_json` part and
//!   `files[n]` parts, each matched by its placeholder id to an `attachments` entry of the
//!   payload, at most 10 files, each within `attachment_size_limit` (else 413, code 40005),
//!   25 MiB in all. Accepted files are kept on the message with their bytes.
//!   Bodies Discord would reject (empty or over-long messages, bad components) are answered
//!   with Discord's error and also listed as problems. [`FakeDiscord::assert_clean`] checks both.
//! - A type 5 callback creates a loading original (flag 128) that the first edit fills in.
//!   Followups after a defer are separate messages; the fake does not replace the loading
//!   message with the first followup (real Discord's behaviour there is not pinned down).
//! - A thread started from a message has that message's id. Interactions not answered within
//!   `interaction_deadline` (3 s) are forgotten, as on Discord; followups need a callback first.
//! - No GUILD_CREATE is ever sent, so serenity's cache never runs client-side permission checks.
//! - Interaction tokens expire after `token_lifetime` (15 minutes) or at
//!   [`FakeDiscord::expire_token`]: webhook calls with them get 401 code 50027.
//! - Gateway faults (see `gateway.rs`): closes with any code, drops without a close frame, op 7,
//!   op 9, unACKed heartbeats, refused connections, logins answered with a fatal close.
//! - Waiting uses tokio timers: do not pause tokio time in tests that drive the fake.

mod faults;
mod gateway;
mod interactions;
mod rest;
mod state;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::any;
use axum::serve::ListenerExt;
use axum::Router;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{Fault, FaultRule, LimitScope};
pub use interactions::{ClickBuilder, InjectError, SlashBuilder};
pub use state::{
    path_matches, Callback, FakeAttachment, FakeChannel, FakeMessage, GatewayFault, GatewayStats,
    InteractionKind, InteractionRef, MessageOrigin, RecordedCall, FLAG_EPHEMERAL, FLAG_LOADING,
    FLAG_SUPPRESS_EMBEDS, FLAG_SUPPRESS_NOTIFICATIONS, PERM_CREATE_PUBLIC_THREADS,
    PERM_SEND_MESSAGES, PERM_SEND_MESSAGES_IN_THREADS, PERM_VIEW_CHANNEL,
};

use state::{Inner, Outbound, State};

/// Identity and timing of the fake world. All ids are snowflake strings.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// Sent in HELLO. 1 s by default so tests exercise the heartbeat ACK path (pitfall 8).
    pub heartbeat_interval: Duration,
    /// Extra wait in [`FakeDiscord::wait_ready`] after the command PUT was answered, because
    /// poise holds interactions until its `setup()` returns (pitfall 7).
    pub ready_grace: Duration,
    /// Callbacks later than this after the dispatch are answered "Unknown interaction".
    pub interaction_deadline: Duration,
    /// Webhook calls (edits of `@original`, followups) with an interaction token older than
    /// this are answered 401 "Invalid Webhook Token" (code 50027), as Discord does after
    /// 15 minutes. [`FakeDiscord::expire_token`] expires one at once.
    pub token_lifetime: Duration,
    /// Parse every REST answer with serenity's types and report failures as problems.
    /// Costs tens of microseconds per call; benchmarks may turn it off.
    pub self_check: bool,
    /// Application id; also the bot's user id.
    pub app_id: String,
    pub bot_name: String,
    /// Owner in the application info (poise fills its owner set from it).
    pub owner_id: String,
    pub guild_id: String,
    /// The default text channel interactions happen in.
    pub channel_id: String,
    /// The default user who sends interactions.
    pub user_id: String,
    pub user_name: String,
    /// `member.permissions` sent with each interaction.
    pub member_permissions: u64,
    /// `app_permissions` sent with each interaction.
    pub app_permissions: u64,
    /// `attachment_size_limit` sent with each interaction, and enforced on every uploaded
    /// file (413 above it, as Discord answers).
    pub attachment_size_limit: u64,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_millis(1000),
            ready_grace: Duration::from_millis(50),
            interaction_deadline: Duration::from_secs(3),
            token_lifetime: Duration::from_secs(15 * 60),
            self_check: true,
            app_id: "1100000000000000001".to_owned(),
            bot_name: "fakebot".to_owned(),
            owner_id: "1400000000000000099".to_owned(),
            guild_id: "1200000000000000001".to_owned(),
            channel_id: "1300000000000000001".to_owned(),
            user_id: "1400000000000000001".to_owned(),
            user_name: "tester".to_owned(),
            member_permissions: 2_248_473_465_835_073,
            app_permissions: 2_248_473_465_835_073,
            attachment_size_limit: 8_388_608,
        }
    }
}

/// Aborts the HTTP server when the last handle goes away.
struct ServerTask(JoinHandle<()>);

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Handle to a running fake Discord; cheap to clone.
#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
    _server: Arc<ServerTask>,
}

impl FakeDiscord {
    /// Starts the fake on 127.0.0.1 with an OS-chosen port and the default config.
    pub async fn start() -> Self {
        Self::start_with(FakeConfig::default()).await
    }

    /// Starts the fake with `config`. It is listening when this returns, which matters:
    /// if `/gateway` fails, serenity silently falls back to the real gateway (pitfall 2).
    pub async fn start_with(config: FakeConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake discord: bind 127.0.0.1:0");
        let addr: SocketAddr = listener.local_addr().expect("fake discord: local address");
        let inner = Arc::new(Inner::new(config, addr));
        let app = Router::new()
            .route("/", any(gateway::upgrade))
            .fallback(rest::handle)
            .with_state(Arc::clone(&inner));
        // Without TCP_NODELAY a dispatch can wait ~40 ms for a delayed ACK (pitfall 6).
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("fake discord: server stopped: {e}");
            }
        });
        Self {
            inner,
            _server: Arc::new(ServerTask(server)),
        }
    }

    /// What to pass to serenity's `HttpBuilder::proxy`: `http://127.0.0.1:PORT`.
    pub fn proxy_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// The REST base for direct calls: `http://127.0.0.1:PORT/api/v10`.
    pub fn http_url(&self) -> String {
        format!("http://{}/api/v10", self.inner.addr)
    }

    /// The gateway URL `/gateway` hands out: `ws://127.0.0.1:PORT`.
    pub fn gateway_url(&self) -> String {
        self.inner.ws_url()
    }

    pub fn config(&self) -> &FakeConfig {
        &self.inner.config
    }

    pub fn app_id(&self) -> &str {
        &self.inner.config.app_id
    }

    pub fn guild_id(&self) -> &str {
        &self.inner.config.guild_id
    }

    /// The default channel interactions happen in.
    pub fn channel_id(&self) -> &str {
        &self.inner.config.channel_id
    }

    /// The default user who sends interactions.
    pub fn user_id(&self) -> &str {
        &self.inner.config.user_id
    }

    // -----------------------------------------------------------------------------------------
    // Readiness and registration

    /// Waits (up to 10 s) until the bot is identified and its command registration was
    /// answered, plus `ready_grace` so poise's `setup()` has returned.
    pub async fn wait_ready(&self) {
        self.wait_ready_within(Duration::from_secs(10)).await;
    }

    pub async fn wait_ready_within(&self, timeout: Duration) {
        self.wait_until(
            timeout,
            "the bot to identify and register its commands",
            |st| (st.gateway.live.is_some() && st.commands_answered.is_some()).then_some(()),
        )
        .await;
        tokio::time::sleep(self.inner.config.ready_grace).await;
    }

    /// The registered command objects exactly as the bot sent them (all scopes).
    pub fn registered_commands(&self) -> Vec<Value> {
        self.inner
            .lock()
            .commands
            .iter()
            .map(|c| c.body.clone())
            .collect()
    }

    /// The registered command named `name` (guild scope preferred over global).
    pub fn registered_command(&self, name: &str) -> Option<Value> {
        let st = self.inner.lock();
        st.command(name, Some(&self.inner.config.guild_id))
            .map(|c| c.body.clone())
    }

    // -----------------------------------------------------------------------------------------
    // Injecting interactions and dispatches

    /// A slash command; add options, then `.send().await`.
    pub fn slash(&self, name: &str) -> SlashBuilder<'_> {
        SlashBuilder::new(self, InteractionKind::Command, name)
    }

    /// An autocomplete request while the user types `partial` into `option` of `/name`.
    pub fn autocomplete(&self, name: &str, option: &str, partial: &str) -> SlashBuilder<'_> {
        SlashBuilder::new(self, InteractionKind::Autocomplete, name).focus(option, partial)
    }

    /// A click on the component `custom_id` of a stored message.
    pub fn click(&self, message_id: &str, custom_id: &str) -> ClickBuilder<'_> {
        ClickBuilder::new(self, message_id, custom_id)
    }

    /// The user (with `roles`) submits the modal the bot opened in answer to `opened_by`.
    pub async fn submit_modal(
        &self,
        opened_by: &InteractionRef,
        roles: &[&str],
        fields: &[(&str, &str)],
    ) -> InteractionRef {
        match interactions::submit_modal(self, opened_by, roles, fields).await {
            Ok(ix) => ix,
            Err(e) => panic!("fake discord: cannot submit the modal: {e}"),
        }
    }

    /// Sends any dispatch (`t` = `event`) on the live connection; returns the write time.
    pub async fn send_dispatch(&self, event: &str, data: Value) -> Result<Instant, InjectError> {
        self.dispatch(event, data, None).await
    }

    async fn dispatch(
        &self,
        event: &str,
        data: Value,
        interaction_id: Option<String>,
    ) -> Result<Instant, InjectError> {
        // Validate with a placeholder `s`; the writer assigns the real one.
        let probe = json!({"op": 0, "s": 1, "t": event, "d": &data}).to_string();
        gateway::check_frame(&probe)
            .map_err(|why| InjectError::WouldBeDropped(format!("{why}\nframe: {probe}")))?;
        let tx = self
            .poll_until(GATEWAY_WAIT, |st| {
                st.gateway.live.as_ref().map(|live| live.tx.clone())
            })
            .await
            .ok_or(InjectError::NoGateway(GATEWAY_WAIT))?;
        let (written, sent) = oneshot::channel();
        tx.send(Outbound::Dispatch {
            event: event.to_owned(),
            data,
            interaction_id,
            written,
        })
        .map_err(|_| InjectError::ConnectionClosed)?;
        sent.await.map_err(|_| InjectError::ConnectionClosed)
    }

    /// Sends op 7 RECONNECT; serenity reconnects and RESUMEs. False if no live connection.
    ///
    /// Injections wait for the new connection: the old one stops being live at once.
    pub fn request_reconnect(&self) -> bool {
        self.retire_live(Outbound::Raw(json!({"op": 7, "d": null}).to_string()))
    }

    /// Closes the live gateway socket with `code` (4000 lets serenity resume; after 4007 and
    /// 4009 the session is over and a RESUME is answered op 9 `d:false`).
    pub fn close_gateway(&self, code: u16) -> bool {
        self.retire_live(Outbound::Close(code))
    }

    /// Drops the live gateway connection without a close frame: the bot sees 1006.
    pub fn drop_gateway(&self) -> bool {
        self.retire_live(Outbound::Drop)
    }

    /// Sends op 9 INVALID_SESSION. `resumable: false` also ends the session on the fake's
    /// side, so only a fresh IDENTIFY brings the bot back.
    pub fn invalidate_session(&self, resumable: bool) -> bool {
        if !resumable {
            gateway::new_session(&mut self.inner.lock().gateway);
        }
        self.retire_live(Outbound::Raw(json!({"op": 9, "d": resumable}).to_string()))
    }

    /// From now on the gateway misbehaves as `fault` says, until [`Self::heal_gateway`].
    /// [`GatewayFault::SilentHeartbeats`] applies to the live connection too.
    pub fn set_gateway_fault(&self, fault: GatewayFault) {
        self.inner.lock().gateway.fault = fault;
        self.inner.bump();
    }

    /// The gateway behaves again.
    pub fn heal_gateway(&self) {
        self.set_gateway_fault(GatewayFault::None);
    }

    /// Expires the interaction's token now, as 15 minutes would: webhook calls with it get 401.
    pub fn expire_token(&self, ix: &InteractionRef) {
        if let Some(r) = self.inner.lock().interactions.get_mut(&ix.id) {
            r.expired = true;
        }
        self.inner.bump();
    }

    fn retire_live(&self, out: Outbound) -> bool {
        let sent = {
            let mut st = self.inner.lock();
            let sent = st
                .gateway
                .live
                .take()
                .is_some_and(|live| live.tx.send(out).is_ok());
            st.gateway.stats.live = false;
            sent
        };
        self.inner.bump();
        sent
    }

    pub fn gateway_stats(&self) -> GatewayStats {
        self.inner.lock().gateway.stats.clone()
    }

    /// Waits until the gateway counters satisfy `predicate`.
    pub async fn wait_for_gateway(
        &self,
        predicate: impl Fn(&GatewayStats) -> bool,
        timeout: Duration,
    ) -> GatewayStats {
        self.wait_until(timeout, "a gateway state", |st| {
            predicate(&st.gateway.stats).then(|| st.gateway.stats.clone())
        })
        .await
    }

    // -----------------------------------------------------------------------------------------
    // The call log

    pub fn calls(&self) -> Vec<RecordedCall> {
        self.inner.lock().calls.clone()
    }

    /// The number of calls so far; a mark for [`Self::calls_since`].
    pub fn call_count(&self) -> usize {
        self.inner.lock().calls.len()
    }

    pub fn calls_since(&self, mark: usize) -> Vec<RecordedCall> {
        self.inner
            .lock()
            .calls
            .get(mark..)
            .map(<[RecordedCall]>::to_vec)
            .unwrap_or_default()
    }

    /// Calls that matched no route of the fake.
    pub fn unknown_calls(&self) -> Vec<RecordedCall> {
        self.inner
            .lock()
            .calls
            .iter()
            .filter(|c| !c.known)
            .cloned()
            .collect()
    }

    /// Calls the fake answered with 4xx or 5xx.
    pub fn failed_calls(&self) -> Vec<RecordedCall> {
        self.inner
            .lock()
            .calls
            .iter()
            .filter(|c| c.status >= 400)
            .cloned()
            .collect()
    }

    /// Unknown calls, bodies Discord would reject, and fake self-check failures.
    pub fn problems(&self) -> Vec<String> {
        self.inner.lock().problems.clone()
    }

    pub fn assert_no_unknown_calls(&self) {
        let unknown = self.unknown_calls();
        assert!(
            unknown.is_empty(),
            "the bot made REST calls the fake does not implement: {:?}",
            unknown
                .iter()
                .map(RecordedCall::summary)
                .collect::<Vec<_>>()
        );
    }

    /// Panics if anything went wrong that a real Discord would have refused.
    pub fn assert_clean(&self) {
        let problems = self.problems();
        assert!(
            problems.is_empty(),
            "fake discord saw problems:\n  {}",
            problems.join("\n  ")
        );
    }

    /// The first call (from the start of the log) matching `predicate`.
    pub async fn wait_for_call(
        &self,
        predicate: impl Fn(&RecordedCall) -> bool,
        timeout: Duration,
    ) -> RecordedCall {
        self.wait_for_call_since(0, predicate, timeout).await
    }

    /// The first call at or after `mark` matching `predicate`.
    pub async fn wait_for_call_since(
        &self,
        mark: usize,
        predicate: impl Fn(&RecordedCall) -> bool,
        timeout: Duration,
    ) -> RecordedCall {
        self.wait_until(timeout, "a matching REST call", |st| {
            st.calls.iter().skip(mark).find(|c| predicate(c)).cloned()
        })
        .await
    }

    // -----------------------------------------------------------------------------------------
    // Messages, channels and threads

    /// Adds a guild text channel the bot may post in; returns its id.
    pub fn add_text_channel(&self, name: &str) -> String {
        let id = self.inner.ids.next();
        let channel = FakeChannel::text(&id, name, &self.inner.config.guild_id);
        self.inner.lock().channels.insert(id.clone(), channel);
        self.inner.bump();
        id
    }

    /// Answer the next `times` calls of `method` on paths matching `pattern` (segments, `*`
    /// for one, `{thread}` for any thread's id) with `fault` instead of carrying them out (see [`Fault`]).
    pub fn inject(&self, method: &str, pattern: &str, fault: Fault, times: usize) {
        self.inner.lock().faults.push(FaultRule {
            method: method.to_owned(),
            pattern: pattern.to_owned(),
            fault,
            times,
        });
        self.inner.bump();
    }

    /// Faults injected with [`Self::inject`] that have not fired yet.
    pub fn pending_faults(&self) -> usize {
        self.inner.lock().faults.iter().map(|f| f.times).sum()
    }

    /// Deletes a thread (or channel), as a moderator would: later calls on it get 404.
    pub fn delete_channel(&self, id: &str) {
        self.inner.lock().channels.remove(id);
        self.inner.bump();
    }

    /// What the bot may do in `channel` from now on (Discord permission bits): sent as the
    /// interactions' `app_permissions` there and enforced on REST calls (403 otherwise).
    pub fn set_bot_permissions(&self, channel: &str, bits: u64) {
        if let Some(ch) = self.inner.lock().channels.get_mut(channel) {
            ch.bot_permissions = Some(bits);
        }
        self.inner.bump();
    }

    pub fn message(&self, id: &str) -> Option<FakeMessage> {
        self.inner.lock().message(id).cloned()
    }

    /// Messages in a channel or thread, oldest first (ephemeral ones included).
    pub fn messages_in(&self, channel_id: &str) -> Vec<FakeMessage> {
        self.inner
            .lock()
            .messages
            .iter()
            .filter(|m| m.channel_id == channel_id)
            .cloned()
            .collect()
    }

    /// Waits for a message in `channel_id` (a channel or a thread) matching `predicate`.
    pub async fn wait_for_message_in(
        &self,
        channel_id: &str,
        predicate: impl Fn(&FakeMessage) -> bool,
        timeout: Duration,
    ) -> FakeMessage {
        let what = format!("a matching message in channel {channel_id}");
        self.wait_until(timeout, &what, |st| {
            st.messages
                .iter()
                .find(|m| m.channel_id == channel_id && predicate(m))
                .cloned()
        })
        .await
    }

    pub fn channel(&self, id: &str) -> Option<FakeChannel> {
        self.inner.lock().channels.get(id).cloned()
    }

    pub fn thread(&self, id: &str) -> Option<FakeChannel> {
        self.channel(id).filter(FakeChannel::is_thread)
    }

    pub fn threads(&self) -> Vec<FakeChannel> {
        let mut threads: Vec<FakeChannel> = self
            .inner
            .lock()
            .channels
            .values()
            .filter(|c| c.is_thread())
            .cloned()
            .collect();
        threads.sort_by(|a, b| a.id.cmp(&b.id));
        threads
    }

    /// Messages posted in a thread, oldest first.
    pub fn thread_messages(&self, thread_id: &str) -> Vec<FakeMessage> {
        self.messages_in(thread_id)
    }

    pub async fn wait_for_thread(
        &self,
        predicate: impl Fn(&FakeChannel) -> bool,
        timeout: Duration,
    ) -> FakeChannel {
        self.wait_until(timeout, "a matching thread", |st| {
            st.channels
                .values()
                .find(|c| c.is_thread() && predicate(c))
                .cloned()
        })
        .await
    }

    // -----------------------------------------------------------------------------------------
    // Per-interaction views

    /// The interaction's original response (or, for a type 6/7 answered click, the clicked message).
    pub fn original_message(&self, ix: &InteractionRef) -> Option<FakeMessage> {
        let st = self.inner.lock();
        st.interactions
            .get(&ix.id)
            .and_then(|r| r.original_message_id.as_deref())
            .and_then(|id| st.message(id))
            .cloned()
    }

    /// Callbacks the fake accepted for the interaction (rejected ones are only in the call log).
    pub fn callbacks_for(&self, ix: &InteractionRef) -> Vec<Callback> {
        self.inner
            .lock()
            .interactions
            .get(&ix.id)
            .map(|r| r.callbacks.clone())
            .unwrap_or_default()
    }

    /// Followup messages of the interaction, in the order they were sent.
    pub fn followups_for(&self, ix: &InteractionRef) -> Vec<FakeMessage> {
        let st = self.inner.lock();
        st.interactions
            .get(&ix.id)
            .map(|r| {
                r.followup_ids
                    .iter()
                    .filter_map(|id| st.message(id).cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// REST calls whose path names the interaction (callback and webhook calls).
    pub fn calls_for(&self, ix: &InteractionRef) -> Vec<RecordedCall> {
        self.inner
            .lock()
            .calls
            .iter()
            .filter(|c| c.segments().iter().any(|s| *s == ix.token || *s == ix.id))
            .cloned()
            .collect()
    }

    /// Waits for the interaction's first accepted callback.
    pub async fn wait_for_callback(&self, ix: &InteractionRef, timeout: Duration) -> Callback {
        let what = format!("a callback for {:?} `{}` ({})", ix.kind, ix.name, ix.id);
        self.wait_until(timeout, &what, |st| {
            st.interactions
                .get(&ix.id)
                .and_then(|r| r.callbacks.first().cloned())
        })
        .await
    }

    /// Waits for a followup of the interaction matching `predicate`.
    pub async fn wait_for_followup(
        &self,
        ix: &InteractionRef,
        predicate: impl Fn(&FakeMessage) -> bool,
        timeout: Duration,
    ) -> FakeMessage {
        let what = format!("a matching followup for `{}` ({})", ix.name, ix.id);
        self.wait_until(timeout, &what, |st| {
            let record = st.interactions.get(&ix.id)?;
            record
                .followup_ids
                .iter()
                .filter_map(|id| st.message(id))
                .find(|m| predicate(m))
                .cloned()
        })
        .await
    }

    /// When the INTERACTION_CREATE frame for `interaction_id` was about to be written.
    pub fn dispatch_sent_at(&self, interaction_id: &str) -> Option<Instant> {
        self.inner
            .lock()
            .interactions
            .get(interaction_id)
            .and_then(|r| r.sent_at)
    }

    /// From writing the INTERACTION_CREATE to the first callback's arrival.
    pub fn callback_latency(&self, ix: &InteractionRef) -> Option<Duration> {
        let st = self.inner.lock();
        let record = st.interactions.get(&ix.id)?;
        let first = record.callbacks.first()?;
        Some(first.at.saturating_duration_since(record.sent_at?))
    }

    // -----------------------------------------------------------------------------------------
    // Waiting

    /// Re-runs `probe` on every change until it yields, or `None` after `timeout`.
    async fn poll_until<T>(
        &self,
        timeout: Duration,
        mut probe: impl FnMut(&State) -> Option<T>,
    ) -> Option<T> {
        let mut changes = self.inner.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Mark the current version seen *before* probing, so no change is missed.
            changes.borrow_and_update();
            if let Some(found) = probe(&self.inner.lock()) {
                return Some(found);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => return probe(&self.inner.lock()),
            }
        }
    }

    /// Like `poll_until`, but panics with the fake's recent history on timeout.
    async fn wait_until<T>(
        &self,
        timeout: Duration,
        what: &str,
        probe: impl FnMut(&State) -> Option<T>,
    ) -> T {
        match self.poll_until(timeout, probe).await {
            Some(found) => found,
            None => panic!(
                "fake discord: timed out after {timeout:?} waiting for {what}\n{}",
                self.report()
            ),
        }
    }

    /// Recent calls, problems and gateway counters, for failure messages.
    pub fn report(&self) -> String {
        const SHOWN: usize = 40;
        let st = self.inner.lock();
        let mut out = String::new();
        let skipped = st.calls.len().saturating_sub(SHOWN);
        let _ = writeln!(
            out,
            "REST calls ({} total, last {} shown):",
            st.calls.len(),
            st.calls.len() - skipped
        );
        for call in &st.calls[skipped..] {
            let since = call.at.saturating_duration_since(self.inner.started);
            let _ = writeln!(
                out,
                "  #{} +{:.1}ms {} -> {}{}",
                call.index,
                since.as_secs_f64() * 1000.0,
                call.summary(),
                call.status,
                if call.known { "" } else { " (unknown route)" }
            );
        }
        if !st.problems.is_empty() {
            let _ = writeln!(out, "problems:\n  {}", st.problems.join("\n  "));
        }
        let g = &st.gateway.stats;
        let _ = write!(
            out,
            "gateway: connections={} identifies={} resumes={} heartbeats={} (unACKed {}) \
             dispatches={} live={} refused={} closed by the fake={:?} fault={:?}",
            g.connections,
            g.identifies,
            g.resumes,
            g.heartbeats,
            g.unacked_heartbeats,
            g.dispatches,
            g.live,
            g.refused_connections,
            g.closed_by_fake,
            st.gateway.fault
        );
        out
    }
}

/// How long injections wait for a live gateway connection.
const GATEWAY_WAIT: Duration = Duration::from_secs(5);
