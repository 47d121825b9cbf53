//! Builders that inject interactions the way a Discord client would.
//!
//! Slash and autocomplete interactions are checked against the schema the bot registered
//! (option names, type codes, min/max, lengths, choices, required options), and clicks
//! against the stored message, because poise does not enforce the schema itself
//! (pitfall 5): a test that sends what no client would send tests nothing real.
//! `.unchecked()` skips these checks for tests of the bot's own validation.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::state::{
    FakeChannel, Inner, InteractionKind, InteractionRecord, InteractionRef, RegisteredCommand,
    State, CHANNEL_DM,
};
use super::FakeDiscord;

/// Why an interaction was not sent.
#[derive(Debug, thiserror::Error)]
pub enum InjectError {
    /// The test asked for something a real Discord client would never send.
    #[error("a real Discord client would never send this interaction: {0}")]
    Invalid(String),
    /// No gateway connection reached READY/RESUMED in time.
    #[error("no live gateway connection within {0:?} (did the bot start and identify?)")]
    NoGateway(Duration),
    /// The connection went away before the frame was written.
    #[error("the gateway connection closed before the dispatch was written")]
    ConnectionClosed,
    /// serenity would drop the frame as an unknown event (a bug in the fake or a raw dispatch).
    #[error("refusing to send a frame serenity would drop: {0}")]
    WouldBeDropped(String),
}

#[derive(Clone, Debug, PartialEq)]
enum OptionValue {
    Int(i64),
    Num(f64),
    Str(String),
    Bool(bool),
    User { id: String, name: String },
}

impl OptionValue {
    fn to_json(&self) -> Value {
        match self {
            Self::Int(v) => json!(v),
            Self::Num(v) => json!(v),
            Self::Str(v) => json!(v),
            Self::Bool(v) => json!(v),
            Self::User { id, .. } => json!(id),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Int(v) => format!("the integer {v}"),
            Self::Num(v) => format!("the number {v}"),
            Self::Str(v) => format!("the string {v:?}"),
            Self::Bool(v) => format!("the boolean {v}"),
            Self::User { id, .. } => format!("the user {id}"),
        }
    }

    /// The type code this value has when the schema does not say otherwise.
    fn natural_type(&self) -> u64 {
        match self {
            Self::Int(_) => 4,
            Self::Num(_) => 10,
            Self::Str(_) => 3,
            Self::Bool(_) => 5,
            Self::User { .. } => 6,
        }
    }

    fn fits(&self, type_code: u64) -> bool {
        match self {
            Self::Int(_) => matches!(type_code, 4 | 10),
            Self::Num(_) => type_code == 10,
            Self::Str(_) => type_code == 3,
            Self::Bool(_) => type_code == 5,
            Self::User { .. } => matches!(type_code, 6 | 9),
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Int(v) => Some(*v as f64),
            Self::Num(v) => Some(*v),
            _ => None,
        }
    }

    fn equals_json(&self, value: &Value) -> bool {
        match (self.as_f64(), self) {
            (Some(n), _) => value.as_f64() == Some(n),
            (None, Self::Str(s)) => value.as_str() == Some(s.as_str()),
            _ => false,
        }
    }
}

fn type_name(code: u64) -> &'static str {
    match code {
        1 => "SUB_COMMAND",
        2 => "SUB_COMMAND_GROUP",
        3 => "STRING",
        4 => "INTEGER",
        5 => "BOOLEAN",
        6 => "USER",
        7 => "CHANNEL",
        8 => "ROLE",
        9 => "MENTIONABLE",
        10 => "NUMBER",
        11 => "ATTACHMENT",
        _ => "unknown type",
    }
}

/// Who does the thing, and where.
#[derive(Clone, Debug)]
struct Actor {
    user_id: String,
    user_name: String,
    roles: Vec<String>,
    channel_id: Option<String>,
    locale: String,
    permissions: u64,
    dm: bool,
}

impl Actor {
    fn default_for(inner: &Inner) -> Self {
        let cfg = &inner.config;
        Self {
            user_id: cfg.user_id.clone(),
            user_name: cfg.user_name.clone(),
            roles: Vec::new(),
            channel_id: None,
            locale: "en-US".to_owned(),
            permissions: cfg.member_permissions,
            dm: false,
        }
    }
}

fn user_json(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "username": name,
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "public_flags": 0,
    })
}

/// The identity and place of one injected interaction.
#[derive(Clone, Copy)]
struct Target<'a> {
    id: &'a str,
    token: &'a str,
    kind: InteractionKind,
    channel_id: &'a str,
    guild_id: Option<&'a str>,
}

/// The fields every INTERACTION_CREATE carries (see NOTES: all of them are required or
/// recommended, e.g. permissions for poise's permission checks, pitfall 12).
fn base_payload(
    inner: &Inner,
    st: &State,
    target: &Target<'_>,
    actor: &Actor,
) -> Map<String, Value> {
    let cfg = &inner.config;
    let Target {
        id,
        token,
        kind,
        channel_id,
        guild_id,
    } = *target;
    let mut v = Map::new();
    v.insert("id".into(), json!(id));
    v.insert("application_id".into(), json!(cfg.app_id));
    v.insert("type".into(), json!(kind.code()));
    v.insert("token".into(), json!(token));
    v.insert("version".into(), json!(1));
    v.insert("locale".into(), json!(actor.locale));
    v.insert("entitlements".into(), json!([]));
    v.insert(
        "attachment_size_limit".into(),
        json!(cfg.attachment_size_limit),
    );
    v.insert(
        "app_permissions".into(),
        json!(st
            .bot_permissions(cfg.app_permissions, channel_id)
            .to_string()),
    );
    v.insert("channel_id".into(), json!(channel_id));
    let channel_kind = st.channels.get(channel_id).map_or(0, |c| c.kind);
    let channel_name = st
        .channels
        .get(channel_id)
        .map_or_else(String::new, |c| c.name.clone());
    match guild_id {
        Some(guild) => {
            v.insert("guild_id".into(), json!(guild));
            v.insert("guild_locale".into(), json!("en-US"));
            v.insert("context".into(), json!(0));
            v.insert("authorizing_integration_owners".into(), json!({"0": guild}));
            v.insert(
                "channel".into(),
                json!({"id": channel_id, "type": channel_kind, "name": channel_name, "guild_id": guild}),
            );
            v.insert(
                "member".into(),
                json!({
                    "user": user_json(&actor.user_id, &actor.user_name),
                    "roles": actor.roles,
                    "deaf": false,
                    "mute": false,
                    "flags": 0,
                    "pending": false,
                    "nick": null,
                    "avatar": null,
                    "premium_since": null,
                    "joined_at": "2024-01-01T00:00:00.000000Z",
                    "permissions": actor.permissions.to_string(),
                }),
            );
        }
        None => {
            v.insert("context".into(), json!(1));
            v.insert("user".into(), user_json(&actor.user_id, &actor.user_name));
        }
    }
    v
}

/// Picks the channel (and guild) the actor acts in, registering it if new.
fn place(inner: &Inner, st: &mut State, actor: &Actor) -> (String, Option<String>) {
    let cfg = &inner.config;
    if actor.dm {
        let existing = st
            .channels
            .values()
            .find(|c| {
                c.kind == CHANNEL_DM && c.recipient.as_ref().is_some_and(|r| r.0 == actor.user_id)
            })
            .map(|c| c.id.clone());
        let id = existing.unwrap_or_else(|| {
            let id = inner.ids.next();
            let mut channel = FakeChannel::text(&id, "", &cfg.guild_id);
            channel.kind = CHANNEL_DM;
            channel.guild_id = None;
            channel.recipient = Some((actor.user_id.clone(), actor.user_name.clone()));
            st.channels.insert(id.clone(), channel);
            id
        });
        return (id, None);
    }
    let id = actor
        .channel_id
        .clone()
        .unwrap_or_else(|| cfg.channel_id.clone());
    let guild = match st.channels.get(&id) {
        Some(channel) => channel.guild_id.clone(),
        None => {
            // A channel the test names exists in the fake's guild from then on.
            st.channels
                .insert(id.clone(), FakeChannel::text(&id, "channel", &cfg.guild_id));
            Some(cfg.guild_id.clone())
        }
    };
    (id, guild)
}

/// Injects a slash command (type 2) or an autocomplete request (type 4).
///
/// Options are checked against the registered schema when `send` runs.
#[must_use = "call .send().await to inject the interaction"]
pub struct SlashBuilder<'a> {
    fake: &'a FakeDiscord,
    kind: InteractionKind,
    command: String,
    path: Vec<String>,
    options: Vec<(String, OptionValue)>,
    focused: Option<(String, String)>,
    actor: Actor,
    checked: bool,
}

impl<'a> SlashBuilder<'a> {
    pub(crate) fn new(fake: &'a FakeDiscord, kind: InteractionKind, command: &str) -> Self {
        Self {
            fake,
            kind,
            command: command.to_owned(),
            path: Vec::new(),
            options: Vec::new(),
            focused: None,
            actor: Actor::default_for(&fake.inner),
            checked: true,
        }
    }

    pub(crate) fn focus(mut self, option: &str, partial: &str) -> Self {
        self.focused = Some((option.to_owned(), partial.to_owned()));
        self
    }

    fn option(mut self, name: &str, value: OptionValue) -> Self {
        self.options.push((name.to_owned(), value));
        self
    }

    /// An INTEGER (or NUMBER) option.
    pub fn option_int(self, name: &str, value: i64) -> Self {
        self.option(name, OptionValue::Int(value))
    }

    /// A NUMBER option.
    pub fn option_num(self, name: &str, value: f64) -> Self {
        self.option(name, OptionValue::Num(value))
    }

    /// A STRING option.
    pub fn option_str(self, name: &str, value: &str) -> Self {
        self.option(name, OptionValue::Str(value.to_owned()))
    }

    /// A BOOLEAN option.
    pub fn option_bool(self, name: &str, value: bool) -> Self {
        self.option(name, OptionValue::Bool(value))
    }

    /// A USER option; the user is also put into `data.resolved.users`.
    pub fn option_user(self, name: &str, user_id: &str, user_name: &str) -> Self {
        self.option(
            name,
            OptionValue::User {
                id: user_id.to_owned(),
                name: user_name.to_owned(),
            },
        )
    }

    /// Descends into a subcommand group or subcommand; call once per level.
    pub fn subcommand(mut self, name: &str) -> Self {
        self.path.push(name.to_owned());
        self
    }

    /// The invoking user (default: the config's test user).
    pub fn user(mut self, id: &str, name: &str) -> Self {
        self.actor.user_id = id.to_owned();
        self.actor.user_name = name.to_owned();
        self
    }

    /// The invoking member's role ids.
    pub fn roles(mut self, roles: &[&str]) -> Self {
        self.actor.roles = roles.iter().map(|r| (*r).to_owned()).collect();
        self
    }

    /// The channel (or thread) the command is used in; unknown ids become text channels.
    pub fn channel(mut self, channel_id: &str) -> Self {
        self.actor.channel_id = Some(channel_id.to_owned());
        self
    }

    /// The user's client locale, e.g. "de".
    pub fn locale(mut self, locale: &str) -> Self {
        self.actor.locale = locale.to_owned();
        self
    }

    /// `member.permissions` (resolved channel permissions of the invoker).
    pub fn permissions(mut self, bits: u64) -> Self {
        self.actor.permissions = bits;
        self
    }

    /// Sends from a DM with the bot instead of the guild (global commands only).
    pub fn dm(mut self) -> Self {
        self.actor.dm = true;
        self
    }

    /// Skips the schema checks, to test what the bot does with values clients never send.
    pub fn unchecked(mut self) -> Self {
        self.checked = false;
        self
    }

    /// Sends the interaction; panics with the reason if it cannot be sent.
    pub async fn send(self) -> InteractionRef {
        let what = format!("/{}", self.command);
        match self.try_send().await {
            Ok(ix) => ix,
            Err(e) => panic!("fake discord: cannot send {what}: {e}"),
        }
    }

    /// Sends the interaction; returns after the frame was written to the bot's socket.
    pub async fn try_send(self) -> Result<InteractionRef, InjectError> {
        let fake = self.fake;
        let inner = &fake.inner;
        let (reference, payload) = {
            let mut st = inner.lock();
            let (channel_id, guild_id) = place(inner, &mut st, &self.actor);
            let command = self.resolve_command(inner, &st, guild_id.as_deref())?;
            let options = self.build_options(&command.body)?;

            let id = inner.ids.next();
            let token = format!("tok-{id}");
            let target = Target {
                id: &id,
                token: &token,
                kind: self.kind,
                channel_id: &channel_id,
                guild_id: guild_id.as_deref(),
            };
            let mut payload = base_payload(inner, &st, &target, &self.actor);
            let mut data = json!({
                "id": command.id,
                "name": self.command,
                "type": 1,
                "options": options,
            });
            if let Some(guild) = &command.guild_id {
                data["guild_id"] = json!(guild);
            }
            let users: Map<String, Value> = self
                .options
                .iter()
                .filter_map(|(_, v)| match v {
                    OptionValue::User { id, name } => Some((id.clone(), user_json(id, name))),
                    _ => None,
                })
                .collect();
            if !users.is_empty() {
                data["resolved"] = json!({"users": users});
            }
            payload.insert("data".into(), data);
            register_interaction(&mut st, &target, &self.actor, None);
            let reference = (id, token, channel_id, guild_id);
            (reference, Value::Object(payload))
        };
        let (id, token, channel_id, guild_id) = reference;
        let sent_at = fake
            .dispatch("INTERACTION_CREATE", payload, Some(id.clone()))
            .await?;
        Ok(InteractionRef {
            id,
            token,
            kind: self.kind,
            name: self.command,
            channel_id,
            guild_id,
            user_id: self.actor.user_id,
            sent_at,
        })
    }

    fn resolve_command(
        &self,
        inner: &Inner,
        st: &State,
        guild_id: Option<&str>,
    ) -> Result<RegisteredCommand, InjectError> {
        if let Some(command) = st.command(&self.command, guild_id) {
            return Ok(command.clone());
        }
        if !self.checked {
            return Ok(RegisteredCommand {
                id: inner.ids.next(),
                guild_id: None,
                body: json!({"name": self.command, "type": 1, "options": []}),
            });
        }
        let mut known: Vec<String> = st
            .commands
            .iter()
            .filter_map(|c| c.body["name"].as_str().map(|n| format!("/{n}")))
            .collect();
        known.sort();
        known.dedup();
        let scope = if guild_id.is_some() {
            "this guild"
        } else {
            "DMs (no global command)"
        };
        Err(InjectError::Invalid(format!(
            "/{} is not registered for {scope}; registered: [{}]",
            self.command,
            known.join(", ")
        )))
    }

    /// Builds `data.options`, checking each level against the schema.
    fn build_options(&self, command: &Value) -> Result<Vec<Value>, InjectError> {
        let invalid = InjectError::Invalid;
        let mut label = format!("/{}", self.command);
        if self.checked && command["type"].as_u64().is_some_and(|t| t != 1) {
            return Err(invalid(format!(
                "{label} is not a slash command (type {})",
                command["type"]
            )));
        }
        let mut schema = command["options"].as_array().cloned().unwrap_or_default();
        let mut levels = Vec::new();
        for name in &self.path {
            let found = schema
                .iter()
                .find(|o| {
                    o["name"].as_str() == Some(name) && matches!(o["type"].as_u64(), Some(1 | 2))
                })
                .cloned();
            let level_type = match (found, self.checked) {
                (Some(level), _) => {
                    let t = level["type"].as_u64().unwrap_or(1);
                    schema = level["options"].as_array().cloned().unwrap_or_default();
                    t
                }
                (None, false) => {
                    schema = Vec::new();
                    1
                }
                (None, true) => {
                    return Err(invalid(format!("{label} has no subcommand `{name}`")));
                }
            };
            levels.push((name.clone(), level_type));
            let _ = write!(label, " {name}");
        }
        if self.checked {
            let subcommands: Vec<&str> = schema
                .iter()
                .filter(|o| matches!(o["type"].as_u64(), Some(1 | 2)))
                .filter_map(|o| o["name"].as_str())
                .collect();
            if !subcommands.is_empty() {
                return Err(invalid(format!(
                    "{label} needs a subcommand (one of: {}); use .subcommand(..)",
                    subcommands.join(", ")
                )));
            }
            self.validate_leaf(&label, &schema).map_err(invalid)?;
        }

        let schema_type = |name: &str| {
            schema
                .iter()
                .find(|o| o["name"].as_str() == Some(name))
                .and_then(|o| o["type"].as_u64())
        };
        let mut leaf: Vec<Value> = self
            .options
            .iter()
            .map(|(name, value)| {
                let code = schema_type(name)
                    .filter(|t| value.fits(*t))
                    .unwrap_or_else(|| value.natural_type());
                json!({"name": name, "type": code, "value": value.to_json()})
            })
            .collect();
        if let Some((name, partial)) = &self.focused {
            // Discord sends what the user typed so far as a string, whatever the option type.
            let code = schema_type(name).unwrap_or(3);
            leaf.push(json!({"name": name, "type": code, "value": partial, "focused": true}));
        }
        for (name, level_type) in levels.into_iter().rev() {
            leaf = vec![json!({"name": name, "type": level_type, "options": leaf})];
        }
        Ok(leaf)
    }

    fn validate_leaf(&self, label: &str, schema: &[Value]) -> Result<(), String> {
        let names: Vec<&str> = schema.iter().filter_map(|o| o["name"].as_str()).collect();
        let find = |name: &str| schema.iter().find(|o| o["name"].as_str() == Some(name));
        for (i, (name, value)) in self.options.iter().enumerate() {
            if self.options[..i].iter().any(|(n, _)| n == name) {
                return Err(format!("option `{name}` of {label} is given twice"));
            }
            let Some(option) = find(name) else {
                return Err(format!(
                    "{label} has no option `{name}` (options: [{}])",
                    names.join(", ")
                ));
            };
            let code = option["type"].as_u64().unwrap_or(0);
            if !value.fits(code) {
                return Err(format!(
                    "option `{name}` of {label} is {} (type {code}), but the test gave {}",
                    type_name(code),
                    value.describe()
                ));
            }
            if let Some(choices) = option["choices"].as_array().filter(|c| !c.is_empty()) {
                if !choices.iter().any(|c| value.equals_json(&c["value"])) {
                    let allowed: Vec<String> =
                        choices.iter().map(|c| c["value"].to_string()).collect();
                    return Err(format!(
                        "option `{name}` of {label}: {} is not one of the registered choices [{}]",
                        value.describe(),
                        allowed.join(", ")
                    ));
                }
            }
            if let Some(n) = value.as_f64() {
                if let Some(min) = option["min_value"].as_f64().filter(|m| n < *m) {
                    return Err(format!(
                        "option `{name}` of {label}: {n} is below min_value {min}"
                    ));
                }
                if let Some(max) = option["max_value"].as_f64().filter(|m| n > *m) {
                    return Err(format!(
                        "option `{name}` of {label}: {n} is above max_value {max}"
                    ));
                }
            }
            if let OptionValue::Str(s) = value {
                let len = s.chars().count() as u64;
                if let Some(min) = option["min_length"].as_u64().filter(|m| len < *m) {
                    return Err(format!(
                        "option `{name}` of {label}: {len} characters, min_length is {min}"
                    ));
                }
                if let Some(max) = option["max_length"].as_u64().filter(|m| len > *m) {
                    return Err(format!(
                        "option `{name}` of {label}: {len} characters, max_length is {max}"
                    ));
                }
                if len > 6000 {
                    return Err(format!(
                        "option `{name}` of {label}: longer than Discord's 6000 characters"
                    ));
                }
            }
        }
        if let Some((name, _)) = &self.focused {
            let Some(option) = find(name) else {
                return Err(format!("{label} has no option `{name}` to autocomplete"));
            };
            if option["autocomplete"].as_bool() != Some(true) {
                return Err(format!(
                    "option `{name}` of {label} was not registered with autocomplete"
                ));
            }
            if self.options.iter().any(|(n, _)| n == name) {
                return Err(format!("option `{name}` is both focused and filled in"));
            }
        }
        if self.kind == InteractionKind::Command {
            for option in schema
                .iter()
                .filter(|o| o["required"].as_bool() == Some(true))
            {
                let name = option["name"].as_str().unwrap_or_default();
                if !self.options.iter().any(|(n, _)| n == name) {
                    return Err(format!("required option `{name}` of {label} is missing"));
                }
            }
        }
        Ok(())
    }
}

/// Makes the interaction known before its dispatch, so an instant callback finds it.
fn register_interaction(
    st: &mut State,
    target: &Target<'_>,
    actor: &Actor,
    source_message_id: Option<String>,
) {
    st.tokens
        .insert(target.token.to_owned(), target.id.to_owned());
    st.interactions.insert(
        target.id.to_owned(),
        InteractionRecord {
            id: target.id.to_owned(),
            token: target.token.to_owned(),
            kind: target.kind,
            channel_id: target.channel_id.to_owned(),
            guild_id: target.guild_id.map(str::to_owned),
            user_id: actor.user_id.clone(),
            sent_at: None,
            callbacks: Vec::new(),
            original_message_id: None,
            followup_ids: Vec::new(),
            source_message_id,
            expired: false,
        },
    );
}

/// Injects a component interaction (type 3): a button click or a string-select choice.
///
/// The payload carries the stored message, so serenity's collectors (which filter on the
/// message id) see the same message the bot got back when it sent it (pitfall 15).
#[must_use = "call .send().await to inject the click"]
pub struct ClickBuilder<'a> {
    fake: &'a FakeDiscord,
    message_id: String,
    custom_id: String,
    values: Option<Vec<String>>,
    actor: Actor,
    checked: bool,
}

impl<'a> ClickBuilder<'a> {
    pub(crate) fn new(fake: &'a FakeDiscord, message_id: &str, custom_id: &str) -> Self {
        Self {
            fake,
            message_id: message_id.to_owned(),
            custom_id: custom_id.to_owned(),
            values: None,
            actor: Actor::default_for(&fake.inner),
            checked: true,
        }
    }

    /// The clicking user (default: the config's test user).
    pub fn user(mut self, id: &str, name: &str) -> Self {
        self.actor.user_id = id.to_owned();
        self.actor.user_name = name.to_owned();
        self
    }

    /// The clicking member's role ids.
    pub fn roles(mut self, roles: &[&str]) -> Self {
        self.actor.roles = roles.iter().map(|r| (*r).to_owned()).collect();
        self
    }

    /// `member.permissions` of the clicking user.
    pub fn permissions(mut self, bits: u64) -> Self {
        self.actor.permissions = bits;
        self
    }

    pub fn locale(mut self, locale: &str) -> Self {
        self.actor.locale = locale.to_owned();
        self
    }

    /// The chosen values of a string select menu.
    pub fn values(mut self, values: &[&str]) -> Self {
        self.values = Some(values.iter().map(|v| (*v).to_owned()).collect());
        self
    }

    /// Skips the checks against the stored message (disabled buttons, unknown ids...).
    pub fn unchecked(mut self) -> Self {
        self.checked = false;
        self
    }

    /// Sends the click; panics with the reason if it cannot be sent.
    pub async fn send(self) -> InteractionRef {
        let what = format!(
            "a click on `{}` of message {}",
            self.custom_id, self.message_id
        );
        match self.try_send().await {
            Ok(ix) => ix,
            Err(e) => panic!("fake discord: cannot send {what}: {e}"),
        }
    }

    /// Clicks, and clicks again (as a user would) until the bot answers one click.
    ///
    /// A collector only sees clicks that arrive after it is polled for the first time,
    /// and that moment is invisible on the wire: the bot may still be between reading its
    /// message and starting the collector when the test clicks. Each attempt waits
    /// `per_attempt` for a callback. Panics if none is answered within `timeout`.
    pub async fn send_until_answered(
        self,
        per_attempt: Duration,
        timeout: Duration,
    ) -> InteractionRef {
        let deadline = Instant::now() + timeout;
        loop {
            let attempt = ClickBuilder {
                fake: self.fake,
                message_id: self.message_id.clone(),
                custom_id: self.custom_id.clone(),
                values: self.values.clone(),
                actor: self.actor.clone(),
                checked: self.checked,
            };
            let ix = attempt.send().await;
            let left = deadline.saturating_duration_since(Instant::now());
            let answered = self
                .fake
                .poll_until(per_attempt.min(left), |st| {
                    st.interactions
                        .get(&ix.id)
                        .is_some_and(|r| !r.callbacks.is_empty())
                        .then_some(())
                })
                .await;
            if answered.is_some() {
                return ix;
            }
            if Instant::now() >= deadline {
                panic!(
                    "fake discord: no click on `{}` was answered within {timeout:?}\n{}",
                    self.custom_id,
                    self.fake.report()
                );
            }
        }
    }

    /// Sends the click; returns after the frame was written to the bot's socket.
    pub async fn try_send(self) -> Result<InteractionRef, InjectError> {
        let fake = self.fake;
        let inner = &fake.inner;
        let (id, token, channel_id, guild_id, payload) = {
            let mut st = inner.lock();
            let Some(message) = st.message(&self.message_id).cloned() else {
                return Err(InjectError::Invalid(format!(
                    "there is no message {} in the fake's store",
                    self.message_id
                )));
            };
            let component = message.component(&self.custom_id).cloned();
            let component_type = component
                .as_ref()
                .and_then(|c| c["type"].as_u64())
                .unwrap_or(if self.values.is_some() { 3 } else { 2 });
            if self.checked {
                self.validate(&st, &message, component.as_ref())
                    .map_err(InjectError::Invalid)?;
            }
            let channel_id = message.channel_id.clone();
            let guild_id = message.guild_id.clone();
            let id = inner.ids.next();
            let token = format!("tok-{id}");
            let target = Target {
                id: &id,
                token: &token,
                kind: InteractionKind::Component,
                channel_id: &channel_id,
                guild_id: guild_id.as_deref(),
            };
            let mut payload = base_payload(inner, &st, &target, &self.actor);
            let mut data = json!({"custom_id": self.custom_id, "component_type": component_type});
            if component_type != 2 {
                data["values"] = json!(self.values.clone().unwrap_or_default());
            }
            payload.insert("data".into(), data);
            payload.insert("message".into(), message.to_json());
            register_interaction(&mut st, &target, &self.actor, Some(message.id.clone()));
            (id, token, channel_id, guild_id, Value::Object(payload))
        };
        let sent_at = fake
            .dispatch("INTERACTION_CREATE", payload, Some(id.clone()))
            .await?;
        Ok(InteractionRef {
            id,
            token,
            kind: InteractionKind::Component,
            name: self.custom_id,
            channel_id,
            guild_id,
            user_id: self.actor.user_id,
            sent_at,
        })
    }

    fn validate(
        &self,
        st: &State,
        message: &super::state::FakeMessage,
        component: Option<&Value>,
    ) -> Result<(), String> {
        let Some(component) = component else {
            return Err(format!(
                "message {} has no component with custom_id `{}` (it has: {:?})",
                message.id,
                self.custom_id,
                message.custom_ids()
            ));
        };
        if component["disabled"].as_bool() == Some(true) {
            return Err(format!("`{}` is disabled", self.custom_id));
        }
        if message.is_ephemeral() {
            let owner = match &message.origin {
                super::state::MessageOrigin::Original { interaction_id }
                | super::state::MessageOrigin::Followup { interaction_id } => st
                    .interactions
                    .get(interaction_id)
                    .map(|r| r.user_id.clone()),
                super::state::MessageOrigin::Channel => None,
            };
            if owner.is_some_and(|o| o != self.actor.user_id) {
                return Err(format!(
                    "message {} is ephemeral and only its own user can see it",
                    message.id
                ));
            }
        }
        match component["type"].as_u64() {
            Some(2) if self.values.is_some() => {
                Err(format!("`{}` is a button; buttons carry no values", self.custom_id))
            }
            Some(2) => Ok(()),
            Some(3) => {
                let values = self.values.clone().unwrap_or_default();
                let min = component["min_values"].as_u64().unwrap_or(1) as usize;
                let max = component["max_values"].as_u64().unwrap_or(1) as usize;
                if values.len() < min || values.len() > max {
                    return Err(format!(
                        "select `{}` takes {min}..={max} values, the test chose {}",
                        self.custom_id,
                        values.len()
                    ));
                }
                let options: Vec<&str> = component["options"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o["value"].as_str())
                    .collect();
                match values.iter().find(|v| !options.contains(&v.as_str())) {
                    Some(bad) => Err(format!(
                        "select `{}` has no option {bad:?} (options: {options:?})",
                        self.custom_id
                    )),
                    None => Ok(()),
                }
            }
            other => Err(format!(
                "component type {other:?} is not supported by the fake (buttons and string selects are)"
            )),
        }
    }
}

/// Submits the modal that the bot opened in answer to `opened_by` (a type 9 callback), with
/// text input values by custom id: the INTERACTION_CREATE of type 5 Discord sends then.
pub async fn submit_modal(
    fake: &FakeDiscord,
    opened_by: &InteractionRef,
    roles: &[&str],
    fields: &[(&str, &str)],
) -> Result<InteractionRef, InjectError> {
    let inner = &fake.inner;
    let (id, token, channel_id, guild_id, custom_id, actor, payload) = {
        let mut st = inner.lock();
        let Some(opener) = st.interactions.get(&opened_by.id).cloned() else {
            return Err(InjectError::Invalid(format!(
                "interaction {} is unknown",
                opened_by.id
            )));
        };
        let Some(modal) = opener.callbacks.iter().find(|c| c.kind == 9).cloned() else {
            return Err(InjectError::Invalid(format!(
                "the bot did not answer interaction {} with a modal",
                opened_by.id
            )));
        };
        let custom_id = modal.data["custom_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let inputs: Vec<String> = modal.data["components"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
            .filter_map(|c| c["custom_id"].as_str().map(str::to_owned))
            .collect();
        if let Some((bad, _)) = fields.iter().find(|(f, _)| !inputs.iter().any(|i| i == f)) {
            return Err(InjectError::Invalid(format!(
                "the modal has no field `{bad}` (it has {inputs:?})"
            )));
        }
        let mut actor = Actor::default_for(inner);
        actor.user_id = opener.user_id.clone();
        actor.roles = roles.iter().map(|r| (*r).to_owned()).collect();
        let id = inner.ids.next();
        let token = format!("tok-{id}");
        let channel_id = opener.channel_id.clone();
        let guild_id = opener.guild_id.clone();
        let target = Target {
            id: &id,
            token: &token,
            kind: InteractionKind::ModalSubmit,
            channel_id: &channel_id,
            guild_id: guild_id.as_deref(),
        };
        let mut payload = base_payload(inner, &st, &target, &actor);
        let rows: Vec<Value> = fields
            .iter()
            .map(|(f, v)| {
                json!({"type": 1, "components": [{"type": 4, "custom_id": f, "value": v}]})
            })
            .collect();
        payload.insert(
            "data".into(),
            json!({"custom_id": custom_id, "components": rows}),
        );
        register_interaction(&mut st, &target, &actor, opener.source_message_id.clone());
        (
            id,
            token,
            channel_id,
            guild_id,
            custom_id,
            actor,
            Value::Object(payload),
        )
    };
    let sent_at = fake
        .dispatch("INTERACTION_CREATE", payload, Some(id.clone()))
        .await?;
    Ok(InteractionRef {
        id,
        token,
        kind: InteractionKind::ModalSubmit,
        name: custom_id,
        channel_id,
        guild_id,
        user_id: actor.user_id,
        sent_at,
    })
}
