//! Everything the fake remembers: the REST call log, the message and channel store, the
//! injected interactions and the gateway session. One mutex guards it all, so every REST
//! handler sees a consistent world and tests read consistent snapshots.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot, watch};

use super::FakeConfig;

/// Message flag: embeds are hidden.
pub const FLAG_SUPPRESS_EMBEDS: u64 = 1 << 2;
/// Message flag: only the invoking user sees the message.
pub const FLAG_EPHEMERAL: u64 = 1 << 6;
/// Message flag: "Bot is thinking..." (set by a type 5 callback until the first edit).
pub const FLAG_LOADING: u64 = 1 << 7;
/// Message flag: no push notification.
pub const FLAG_SUPPRESS_NOTIFICATIONS: u64 = 1 << 12;

/// Discord channel type codes used by the fake.
pub const CHANNEL_GUILD_TEXT: u64 = 0;
pub const CHANNEL_DM: u64 = 1;
pub const CHANNEL_PUBLIC_THREAD: u64 = 11;
pub const CHANNEL_PRIVATE_THREAD: u64 = 12;

const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Snowflakes that grow with wall-clock time like Discord's, and never repeat.
#[derive(Default)]
pub(crate) struct Snowflakes {
    last: AtomicU64,
}

impl Snowflakes {
    pub(crate) fn next(&self) -> String {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let candidate = now_ms.saturating_sub(DISCORD_EPOCH_MS) << 22;
        let previous = self
            .last
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
                Some(candidate.max(last + 1))
            })
            .unwrap_or_default();
        candidate.max(previous + 1).to_string()
    }
}

/// RFC 3339 "now", the only timestamp form serenity accepts.
pub(crate) fn now_timestamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Splits a path into its non-empty segments.
pub(crate) fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// True when `path` matches `pattern` segment by segment; `*` matches any one segment.
pub fn path_matches(path: &str, pattern: &str) -> bool {
    let path = segments(path);
    let pattern = segments(pattern);
    path.len() == pattern.len() && path.iter().zip(&pattern).all(|(p, q)| *q == "*" || p == q)
}

/// One REST request the bot made, as the fake saw and answered it.
#[derive(Clone, Debug)]
pub struct RecordedCall {
    /// Position in the call log (0-based); use with [`super::FakeDiscord::calls_since`].
    pub index: usize,
    pub method: String,
    /// Path after `/api/v10`, e.g. `/channels/1/messages` (the full path if outside the API).
    pub path: String,
    pub query: Option<String>,
    /// The JSON body, if any (a multipart body's `payload_json`). A body that is not JSON is
    /// stored as a JSON string.
    pub body: Option<Value>,
    /// The files of a multipart body (`files[n]` parts), as uploaded.
    pub files: Vec<FakeAttachment>,
    /// Status the fake answered with.
    pub status: u16,
    /// Body the fake answered with.
    pub response: Option<Value>,
    /// False when no route of the fake matched (answered 404 and listed as a problem).
    pub known: bool,
    /// When the request arrived at the fake (before it was handled).
    pub at: Instant,
}

impl RecordedCall {
    /// `call.is("POST", "/interactions/*/*/callback")`: method and path pattern match.
    pub fn is(&self, method: &str, pattern: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && path_matches(&self.path, pattern)
    }

    /// The path split into segments.
    pub fn segments(&self) -> Vec<&str> {
        segments(&self.path)
    }

    /// The body, or JSON `null` when there was none.
    pub fn body(&self) -> &Value {
        self.body.as_ref().unwrap_or(&Value::Null)
    }

    /// "POST /channels/1/messages" (for assertions on sequences).
    pub fn summary(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Why a message exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageOrigin {
    /// The original response of an interaction (type 4 or 5 callback).
    Original { interaction_id: String },
    /// A followup sent through the interaction webhook.
    Followup { interaction_id: String },
    /// A plain `POST /channels/{c}/messages`.
    Channel,
}

/// A message in the fake's store.
#[derive(Clone, Debug)]
pub struct FakeMessage {
    pub id: String,
    /// Files uploaded with the message (multipart `files[n]`), with their bytes.
    pub attachments: Vec<FakeAttachment>,
    /// The channel or thread the message is in.
    pub channel_id: String,
    pub guild_id: Option<String>,
    pub author_id: String,
    pub author_name: String,
    pub content: String,
    pub embeds: Vec<Value>,
    /// Action rows as the bot sent them.
    pub components: Vec<Value>,
    pub flags: u64,
    pub origin: MessageOrigin,
    /// Discord message type: 0 default, 19 reply, 20 slash command response.
    pub kind: u64,
    pub webhook_id: Option<String>,
    pub message_reference: Option<Value>,
    pub timestamp: String,
    pub edited_timestamp: Option<String>,
    /// How many times the message was edited (PATCH or a type 7 callback).
    pub edits: u32,
    pub created_at: Instant,
}

impl FakeMessage {
    pub fn is_ephemeral(&self) -> bool {
        self.flags & FLAG_EPHEMERAL != 0
    }

    /// A deferred response that nobody has edited yet.
    pub fn is_loading(&self) -> bool {
        self.flags & FLAG_LOADING != 0
    }

    /// All components inside the action rows.
    pub fn all_components(&self) -> impl Iterator<Item = &Value> {
        self.components
            .iter()
            .flat_map(|row| row["components"].as_array().into_iter().flatten())
    }

    /// `custom_id`s of all buttons and menus, in order.
    pub fn custom_ids(&self) -> Vec<String> {
        self.all_components()
            .filter_map(|c| c["custom_id"].as_str().map(str::to_owned))
            .collect()
    }

    /// The component with this `custom_id`.
    pub fn component(&self, custom_id: &str) -> Option<&Value> {
        self.all_components()
            .find(|c| c["custom_id"].as_str() == Some(custom_id))
    }

    /// The message as Discord would send it (REST responses and component interactions).
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "channel_id": self.channel_id,
            "author": {
                "id": self.author_id,
                "username": self.author_name,
                "discriminator": "0",
                "global_name": null,
                "avatar": null,
                "bot": true,
            },
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": false,
            "mention_everyone": false,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.attachments.iter().map(FakeAttachment::to_json).collect::<Vec<_>>(),
            "embeds": self.embeds,
            "components": self.components,
            "pinned": false,
            "type": self.kind,
            "flags": self.flags,
        });
        if let Some(guild_id) = &self.guild_id {
            v["guild_id"] = json!(guild_id);
        }
        if let Some(webhook_id) = &self.webhook_id {
            v["webhook_id"] = json!(webhook_id);
            v["application_id"] = json!(webhook_id);
        }
        if let Some(reference) = &self.message_reference {
            v["message_reference"] = reference.clone();
        }
        v
    }
}

/// A file uploaded in a multipart body, as Discord keeps it on the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeAttachment {
    /// The snowflake the fake gave it (the upload's placeholder id while in a request).
    pub id: String,
    pub filename: String,
    pub description: Option<String>,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl FakeAttachment {
    /// Width and height from a PNG's IHDR chunk, as Discord reports them for images.
    pub fn png_size(&self) -> Option<(u32, u32)> {
        let d = &self.data;
        if d.len() < 24 || &d[..8] != b"\x89PNG\r\n\x1a\n" || &d[12..16] != b"IHDR" {
            return None;
        }
        let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        Some((be(&d[16..20]), be(&d[20..24])))
    }

    pub fn to_json(&self) -> Value {
        let url = format!(
            "https://cdn.discordapp.com/attachments/0/{}/{}",
            self.id, self.filename
        );
        let mut v = json!({
            "id": self.id,
            "filename": self.filename,
            "size": self.data.len(),
            "url": url,
            "proxy_url": url,
        });
        if let Some(d) = &self.description {
            v["description"] = json!(d);
        }
        if let Some(t) = &self.content_type {
            v["content_type"] = json!(t);
        }
        if let Some((w, h)) = self.png_size() {
            v["width"] = json!(w);
            v["height"] = json!(h);
        }
        v
    }
}

/// A guild text channel, a thread or a DM channel.
#[derive(Clone, Debug)]
pub struct FakeChannel {
    pub id: String,
    /// Discord channel type: 0 text, 1 DM, 11 public thread, 12 private thread.
    pub kind: u64,
    pub name: String,
    pub guild_id: Option<String>,
    pub parent_id: Option<String>,
    pub owner_id: Option<String>,
    /// For threads started from a message: that message (its id is also the thread id).
    pub starter_message_id: Option<String>,
    pub auto_archive_duration: u64,
    pub archived: bool,
    pub locked: bool,
    /// DM channels only: the other user (id, name).
    pub recipient: Option<(String, String)>,
    pub created_timestamp: String,
    /// What the bot may do here (a permission bit set), when it differs from the fake's
    /// `app_permissions`; threads inherit their parent's.
    pub bot_permissions: Option<u64>,
}

/// Discord's permission bits the fake enforces on the bot.
pub const PERM_VIEW_CHANNEL: u64 = 1 << 10;
pub const PERM_SEND_MESSAGES: u64 = 1 << 11;
pub const PERM_CREATE_PUBLIC_THREADS: u64 = 1 << 35;
pub const PERM_SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;

impl State {
    /// The bot's permissions in `channel` (a thread's are its parent's).
    pub(crate) fn bot_permissions(&self, config_default: u64, channel: &str) -> u64 {
        let Some(ch) = self.channels.get(channel) else {
            return config_default;
        };
        match (&ch.parent_id, ch.bot_permissions) {
            (_, Some(bits)) => bits,
            (Some(parent), None) => self.bot_permissions(config_default, parent),
            (None, None) => config_default,
        }
    }
}

impl FakeChannel {
    pub fn is_thread(&self) -> bool {
        matches!(self.kind, 10..=12)
    }

    pub(crate) fn text(id: &str, name: &str, guild_id: &str) -> Self {
        Self {
            id: id.to_owned(),
            kind: CHANNEL_GUILD_TEXT,
            name: name.to_owned(),
            guild_id: Some(guild_id.to_owned()),
            parent_id: None,
            owner_id: None,
            starter_message_id: None,
            auto_archive_duration: 1440,
            archived: false,
            locked: false,
            recipient: None,
            created_timestamp: now_timestamp(),
            bot_permissions: None,
        }
    }

    /// The channel as Discord would send it; `message_count` only matters for threads.
    pub fn to_json(&self, message_count: usize) -> Value {
        if self.kind == CHANNEL_DM {
            let (user_id, user_name) = self.recipient.clone().unwrap_or_default();
            return json!({
                "id": self.id,
                "type": CHANNEL_DM,
                "last_message_id": null,
                "recipients": [{"id": user_id, "username": user_name, "discriminator": "0"}],
            });
        }
        let mut v = json!({
            "id": self.id,
            "type": self.kind,
            "name": self.name,
            "guild_id": self.guild_id,
            "parent_id": self.parent_id,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": false,
            "rate_limit_per_user": 0,
            "topic": null,
            "last_message_id": null,
            "flags": 0,
        });
        if self.is_thread() {
            v["owner_id"] = json!(self.owner_id);
            v["message_count"] = json!(message_count);
            v["total_message_sent"] = json!(message_count);
            v["member_count"] = json!(1);
            v["thread_metadata"] = json!({
                "archived": self.archived,
                "auto_archive_duration": self.auto_archive_duration,
                "archive_timestamp": self.created_timestamp,
                "locked": self.locked,
                "create_timestamp": self.created_timestamp,
            });
        }
        v
    }
}

/// One interaction response the bot sent (`POST /interactions/{id}/{token}/callback`).
#[derive(Clone, Debug)]
pub struct Callback {
    /// Response type: 4 message, 5 deferred message, 6 deferred update, 7 update, 8 autocomplete, 9 modal.
    pub kind: u64,
    /// The `data` object as sent (JSON `null` if absent).
    pub data: Value,
    /// When the callback arrived at the fake.
    pub at: Instant,
}

/// What kind of interaction was injected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InteractionKind {
    /// Slash command (type 2).
    Command,
    /// Button or select menu (type 3).
    Component,
    /// Autocomplete request (type 4).
    Autocomplete,
    /// A modal's fields sent back (type 5).
    ModalSubmit,
}

impl InteractionKind {
    /// Discord's interaction type code.
    pub fn code(self) -> u64 {
        match self {
            Self::Command => 2,
            Self::Component => 3,
            Self::Autocomplete => 4,
            Self::ModalSubmit => 5,
        }
    }
}

/// An injected interaction; pass it to the fake's query helpers.
#[derive(Clone, Debug)]
pub struct InteractionRef {
    pub id: String,
    pub token: String,
    pub kind: InteractionKind,
    /// Command name, or the `custom_id` for components.
    pub name: String,
    pub channel_id: String,
    pub guild_id: Option<String>,
    pub user_id: String,
    /// Just before the INTERACTION_CREATE frame was written to the socket.
    pub sent_at: Instant,
}

/// The fake's bookkeeping for one injected interaction.
#[derive(Clone)]
pub(crate) struct InteractionRecord {
    pub id: String,
    pub token: String,
    pub kind: InteractionKind,
    pub channel_id: String,
    pub guild_id: Option<String>,
    pub user_id: String,
    pub sent_at: Option<Instant>,
    pub callbacks: Vec<Callback>,
    pub original_message_id: Option<String>,
    pub followup_ids: Vec<String>,
    /// Component interactions: the message the component was on.
    pub source_message_id: Option<String>,
    /// The interaction token has expired (15 minutes on Discord, or
    /// [`FakeDiscord::expire_token`](super::FakeDiscord::expire_token)): webhook calls with it
    /// are answered 401 "Invalid Webhook Token".
    pub expired: bool,
}

/// A command from the latest registration PUT of its scope.
#[derive(Clone, Debug)]
pub(crate) struct RegisteredCommand {
    pub id: String,
    /// `None` for global commands.
    pub guild_id: Option<String>,
    /// The command object exactly as the bot sent it.
    pub body: Value,
}

/// Counters and the last IDENTIFY of the gateway session (token redacted).
#[derive(Clone, Debug, Default)]
pub struct GatewayStats {
    /// WebSocket connections accepted.
    pub connections: u32,
    pub identifies: u32,
    pub resumes: u32,
    /// Heartbeats received (each was ACKed).
    pub heartbeats: u32,
    /// Dispatches written (READY and RESUMED included).
    pub dispatches: u64,
    /// True while a connection has been answered with READY or RESUMED and is still open.
    pub live: bool,
    /// The last IDENTIFY `d` object, with `token` replaced by `"<redacted>"`.
    pub last_identify: Option<Value>,
    /// Opcodes received that the fake ignores (3 presence, 4 voice, 8 member requests...).
    pub other_ops: Vec<u64>,
    /// Heartbeats received and deliberately left unanswered ([`GatewayFault::SilentHeartbeats`]).
    pub unacked_heartbeats: u32,
    /// Connection attempts refused while the gateway was unreachable.
    pub refused_connections: u32,
    /// Connections the fake closed or dropped itself, with the close code (`None`: dropped
    /// without a close frame, what a client sees as 1006).
    pub closed_by_fake: Vec<Option<u16>>,
}

/// How the fake's gateway misbehaves from now on, until [`super::FakeDiscord::heal_gateway`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GatewayFault {
    #[default]
    None,
    /// Heartbeats are received but never ACKed (a zombie connection).
    SilentHeartbeats,
    /// New connections are refused (the upgrade is answered 503): Discord unreachable.
    Unreachable,
    /// IDENTIFY and RESUME are answered by closing with this code (4004: the token is wrong,
    /// 4014: disallowed intents...).
    CloseOnLogin(u16),
}

/// A frame for the live connection's writer task.
pub(crate) enum Outbound {
    /// A dispatch; the writer assigns `s`, stamps the write time and reports it back.
    Dispatch {
        event: String,
        data: Value,
        interaction_id: Option<String>,
        written: oneshot::Sender<Instant>,
    },
    /// A non-dispatch frame, already serialized (e.g. op 7).
    Raw(String),
    /// Close the socket with this close code.
    Close(u16),
    /// Drop the TCP connection without a close frame (the client sees 1006).
    Drop,
}

pub(crate) struct LiveConnection {
    pub id: u64,
    pub tx: mpsc::UnboundedSender<Outbound>,
}

#[derive(Default)]
pub(crate) struct GatewayState {
    pub live: Option<LiveConnection>,
    /// Last sequence number written in the current session.
    pub seq: u64,
    pub session_id: String,
    pub stats: GatewayStats,
    pub fault: GatewayFault,
    /// Bumped by every fresh IDENTIFY, so each session has its own id.
    pub sessions: u32,
}

pub(crate) struct State {
    pub calls: Vec<RecordedCall>,
    pub problems: Vec<String>,
    pub commands: Vec<RegisteredCommand>,
    /// When the latest command registration PUT was answered.
    pub commands_answered: Option<Instant>,
    pub messages: Vec<FakeMessage>,
    pub channels: HashMap<String, FakeChannel>,
    pub interactions: HashMap<String, InteractionRecord>,
    /// Interaction token -> interaction id.
    pub tokens: HashMap<String, String>,
    pub gateway: GatewayState,
    /// (channel, nonce) of messages sent with `enforce_nonce` -> the message and when.
    pub nonces: HashMap<(String, String), (String, Instant)>,
    /// Faults still to inject, in the order they were added.
    pub faults: Vec<super::faults::FaultRule>,
    /// Rate limits the fake announced and still enforces.
    pub limits: Vec<super::faults::ActiveLimit>,
}

impl State {
    pub(crate) fn message(&self, id: &str) -> Option<&FakeMessage> {
        self.messages.iter().find(|m| m.id == id)
    }

    pub(crate) fn message_mut(&mut self, id: &str) -> Option<&mut FakeMessage> {
        self.messages.iter_mut().find(|m| m.id == id)
    }

    pub(crate) fn remove_message(&mut self, id: &str) -> bool {
        let before = self.messages.len();
        self.messages.retain(|m| m.id != id);
        before != self.messages.len()
    }

    pub(crate) fn message_count_in(&self, channel_id: &str) -> usize {
        self.messages
            .iter()
            .filter(|m| m.channel_id == channel_id)
            .count()
    }

    pub(crate) fn interaction_by_token(&self, token: &str) -> Option<&InteractionRecord> {
        self.tokens
            .get(token)
            .and_then(|id| self.interactions.get(id))
    }

    pub(crate) fn interaction_by_token_mut(
        &mut self,
        token: &str,
    ) -> Option<&mut InteractionRecord> {
        let id = self.tokens.get(token)?;
        self.interactions.get_mut(id)
    }

    /// The command a user would invoke by `name` in `guild_id` (guild scope wins over global).
    pub(crate) fn command(&self, name: &str, guild_id: Option<&str>) -> Option<&RegisteredCommand> {
        let named = |c: &&RegisteredCommand| c.body["name"].as_str() == Some(name);
        guild_id
            .and_then(|g| {
                self.commands
                    .iter()
                    .filter(named)
                    .find(|c| c.guild_id.as_deref() == Some(g))
            })
            .or_else(|| {
                self.commands
                    .iter()
                    .filter(named)
                    .find(|c| c.guild_id.is_none())
            })
    }
}

/// State shared by the server tasks and every `FakeDiscord` handle.
pub(crate) struct Inner {
    pub config: FakeConfig,
    pub addr: SocketAddr,
    pub started: Instant,
    pub ids: Snowflakes,
    pub next_connection: AtomicU64,
    state: Mutex<State>,
    /// Bumped after every change so waiters re-check instead of sleeping.
    changed: watch::Sender<u64>,
}

impl Inner {
    pub(crate) fn new(config: FakeConfig, addr: SocketAddr) -> Self {
        let mut channels = HashMap::new();
        let default_channel = FakeChannel::text(&config.channel_id, "general", &config.guild_id);
        channels.insert(default_channel.id.clone(), default_channel);
        let state = State {
            calls: Vec::new(),
            problems: Vec::new(),
            commands: Vec::new(),
            commands_answered: None,
            messages: Vec::new(),
            channels,
            interactions: HashMap::new(),
            tokens: HashMap::new(),
            nonces: HashMap::new(),
            faults: Vec::new(),
            limits: Vec::new(),
            gateway: GatewayState {
                session_id: "fake-session-0".to_owned(),
                ..GatewayState::default()
            },
        };
        Self {
            config,
            addr,
            started: Instant::now(),
            ids: Snowflakes::default(),
            next_connection: AtomicU64::new(1),
            state: Mutex::new(state),
            changed: watch::channel(0).0,
        }
    }

    /// Locks the state; a panic elsewhere (a failed assertion) must not wedge the fake.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wakes every waiter; call after each change.
    pub(crate) fn bump(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    pub(crate) fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// The bot's user object (READY, `/users/@me`, message authors).
    pub(crate) fn bot_user(&self) -> Value {
        json!({
            "id": self.config.app_id,
            "username": self.config.bot_name,
            "discriminator": "0",
            "global_name": null,
            "avatar": null,
            "bot": true,
        })
    }

    /// Records a problem the test should fail on (see `FakeDiscord::assert_clean`).
    pub(crate) fn problem(&self, state: &mut State, text: String) {
        eprintln!("fake discord: {text}");
        state.problems.push(text);
        self.bump();
    }
}
