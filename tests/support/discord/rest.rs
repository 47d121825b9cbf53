//! REST v10: one catch-all handler that records every call and answers from the store.
//!
//! Routes run synchronously under the state lock, so the store stays consistent and a
//! call is in the log (with its status) by the time its answer is written.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State as AxumState;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::faults::{bucket_hash, bucket_of, rate_limited_body, ActiveLimit, Fault, LimitScope};
use super::state::{
    now_timestamp, segments, Callback, FakeAttachment, FakeChannel, FakeMessage, Inner,
    InteractionKind, MessageOrigin, RecordedCall, RegisteredCommand, State, CHANNEL_DM,
    CHANNEL_PRIVATE_THREAD, CHANNEL_PUBLIC_THREAD, FLAG_EPHEMERAL, FLAG_LOADING,
    FLAG_SUPPRESS_EMBEDS, FLAG_SUPPRESS_NOTIFICATIONS, PERM_CREATE_PUBLIC_THREADS,
    PERM_SEND_MESSAGES, PERM_SEND_MESSAGES_IN_THREADS, PERM_VIEW_CHANNEL,
};

const API_PREFIX: &str = "/api/v10";

/// The fake's answer to one call.
struct Reply {
    status: u16,
    body: Option<Value>,
    known: bool,
}

impl Reply {
    fn json(body: Value) -> Self {
        Self {
            status: 200,
            body: Some(body),
            known: true,
        }
    }

    fn created(body: Value) -> Self {
        Self {
            status: 201,
            body: Some(body),
            known: true,
        }
    }

    fn no_content() -> Self {
        Self {
            status: 204,
            body: None,
            known: true,
        }
    }

    /// Discord's error shape: `{"message": .., "code": ..}`.
    fn error(status: u16, code: u64, message: &str) -> Self {
        Self {
            status,
            body: Some(json!({"message": message, "code": code})),
            known: true,
        }
    }

    /// 400 "Invalid Form Body" with Discord's nested per-field error.
    fn invalid_form(field: &str, message: &str) -> Self {
        Self {
            status: 400,
            body: Some(json!({
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {field: {"_errors": [{"code": "BASE_TYPE_INVALID", "message": message}]}},
            })),
            known: true,
        }
    }

    fn unknown_message() -> Self {
        Self::error(404, 10008, "Unknown Message")
    }

    fn unknown_channel() -> Self {
        Self::error(404, 10003, "Unknown Channel")
    }

    fn unknown_webhook() -> Self {
        Self::error(404, 10015, "Unknown Webhook")
    }

    fn unknown_interaction() -> Self {
        Self::error(404, 10062, "Unknown interaction")
    }

    fn unknown_route() -> Self {
        Self {
            status: 404,
            body: Some(json!({"message": "404: Not Found", "code": 0})),
            known: false,
        }
    }
}

/// Everything a route needs to know about the request.
struct Request<'a> {
    method: &'a Method,
    segments: Vec<&'a str>,
    query: Option<&'a str>,
    body: Option<&'a Value>,
    /// Files of a multipart body, checked against the payload's `attachments` already.
    files: &'a [FakeAttachment],
    at: Instant,
}

impl Request<'_> {
    fn body(&self) -> &Value {
        self.body.unwrap_or(&Value::Null)
    }
}

/// The axum fallback: every HTTP request that is not the gateway upgrade lands here.
pub(crate) async fn handle(
    AxumState(inner): AxumState<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = Instant::now();
    let full_path = uri.path();
    let api_path = full_path.strip_prefix(API_PREFIX);
    let parsed_body = parse_body(&headers, &body, inner.config.attachment_size_limit).await;
    let (body_json, files) = match parsed_body {
        Ok(Parsed { json, files }) => (Ok(json), files),
        Err(refusal) => (Err(refusal), Vec::new()),
    };

    let mut extra_headers: Vec<(&'static str, String)> = Vec::new();
    let mut late: Option<std::time::Duration> = None;
    let reply = {
        let mut state = inner.lock();
        let reply = match (&body_json, api_path) {
            (Err(BodyRefusal { why, reply }), _) => {
                inner.problem(
                    &mut state,
                    format!("{method} {full_path}: body refused: {why}"),
                );
                Reply::error(reply.0, reply.1, reply.2)
            }
            (Ok(_), _) if !is_bot_authorized(&headers) => {
                inner.problem(
                    &mut state,
                    format!("{method} {full_path}: no `Authorization: Bot ...` header"),
                );
                Reply::error(401, 0, "401: Unauthorized")
            }
            (Ok(_), None) => Reply::unknown_route(),
            (Ok(parsed), Some(path)) => match injected(&inner, &mut state, &method, path, at) {
                Injected::Answer(reply, headers) => {
                    extra_headers = headers;
                    reply
                }
                other => {
                    if let Injected::Late(d) = other {
                        late = Some(d);
                    }
                    let request = Request {
                        method: &method,
                        segments: segments(path),
                        query: uri.query(),
                        body: parsed.as_ref(),
                        files: &files,
                        at,
                    };
                    route(&inner, &mut state, &request)
                }
            },
        };
        if !reply.known {
            inner.problem(
                &mut state,
                format!("unknown REST call: {method} {full_path} (answered 404)"),
            );
        }
        let index = state.calls.len();
        state.calls.push(RecordedCall {
            index,
            method: method.to_string(),
            path: api_path.unwrap_or(full_path).to_owned(),
            query: uri.query().map(str::to_owned),
            body: match body_json {
                Ok(v) => v,
                Err(_) => Some(Value::String(String::from_utf8_lossy(&body).into_owned())),
            },
            files,
            status: reply.status,
            response: reply.body.clone(),
            known: reply.known,
            at,
        });
        reply
    };
    inner.bump();

    if let Some(delay) = late {
        // Carried out already; the client hears of it too late (or never).
        tokio::time::sleep(delay).await;
    }
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = Response::builder().status(status);
    for (name, value) in extra_headers {
        builder = builder.header(name, value);
    }
    let built = match reply.body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    };
    // A builder fed a valid status and a static header cannot fail.
    built.unwrap_or_else(|_| Response::new(Body::empty()))
}

/// What the fault model does with a call before it is routed.
enum Injected {
    /// Nothing: route it.
    None,
    /// Route it, then hold the answer back this long.
    Late(std::time::Duration),
    /// Answer this instead of carrying it out.
    Answer(Reply, Vec<(&'static str, String)>),
}

/// Interaction callbacks and webhooks are not under the bot's global limit on Discord.
fn under_global_limit(path: &str) -> bool {
    !(path.starts_with("/interactions/") || path.starts_with("/webhooks/"))
}

fn rate_limited(bucket: &str, left: std::time::Duration, scope: LimitScope) -> Injected {
    let secs = left.as_secs_f64();
    let global = scope == LimitScope::Global;
    let mut headers = vec![
        ("retry-after", format!("{}", secs.ceil() as u64)),
        ("x-ratelimit-limit", "5".to_owned()),
        ("x-ratelimit-remaining", "0".to_owned()),
        ("x-ratelimit-reset-after", format!("{secs:.3}")),
        ("x-ratelimit-bucket", bucket_hash(bucket)),
        (
            "x-ratelimit-scope",
            if global { "global" } else { "user" }.to_owned(),
        ),
    ];
    if global {
        headers.push(("x-ratelimit-global", "true".to_owned()));
    }
    Injected::Answer(
        Reply {
            status: 429,
            body: Some(rate_limited_body(left, global)),
            known: true,
        },
        headers,
    )
}

/// Enforce announced rate limits, then fire the first matching injected fault.
fn injected(inner: &Inner, st: &mut State, method: &Method, path: &str, at: Instant) -> Injected {
    let bucket = bucket_of(method.as_str(), path);
    st.limits.retain(|l| l.until > at);
    let in_force = st
        .limits
        .iter()
        .filter(|l| match &l.bucket {
            Some(b) => *b == bucket,
            None => under_global_limit(path),
        })
        .map(|l| (l.until, l.bucket.is_none()))
        .max();
    if let Some((until, global)) = in_force {
        let left = until - at;
        inner.problem(
            st,
            format!(
                "{method} {path}: sent {:.0} ms before the {} rate limit ended",
                left.as_secs_f64() * 1000.0,
                if global { "global" } else { "route's" }
            ),
        );
        let scope = if global {
            LimitScope::Global
        } else {
            LimitScope::Route
        };
        return rate_limited(&bucket, left, scope);
    }
    let threads: Vec<String> = st
        .channels
        .values()
        .filter(|c| c.is_thread())
        .map(|c| c.id.clone())
        .collect();
    let Some(rule) = st
        .faults
        .iter_mut()
        .find(|r| r.matches(method.as_str(), path, |id| threads.iter().any(|t| t == id)))
    else {
        return Injected::None;
    };
    rule.times -= 1;
    let fault = rule.fault;
    st.faults.retain(|r| r.times > 0);
    match fault {
        Fault::RateLimited { retry_after, scope } => {
            st.limits.push(ActiveLimit {
                bucket: (scope == LimitScope::Route).then(|| bucket.clone()),
                until: at + retry_after,
            });
            rate_limited(&bucket, retry_after, scope)
        }
        Fault::Status(status) => Injected::Answer(
            Reply::error(status, 0, &format!("{status}: injected server error")),
            Vec::new(),
        ),
        Fault::Refused { status, code } => Injected::Answer(
            Reply::error(status, code, &format!("injected refusal {code}")),
            Vec::new(),
        ),
        Fault::LateAnswer(delay) => Injected::Late(delay),
    }
}

fn is_bot_authorized(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bot ") && v.len() > 4)
}

/// A request body as the routes see it.
struct Parsed {
    /// The JSON body, or a multipart body's `payload_json`; `None` for an empty body.
    json: Option<Value>,
    /// A multipart body's `files[n]` parts, in order, with their placeholder ids.
    files: Vec<FakeAttachment>,
}

/// Why a body was refused, and Discord's answer (status, code, message).
struct BodyRefusal {
    why: String,
    reply: (u16, u64, &'static str),
}

impl BodyRefusal {
    fn invalid(why: impl Into<String>) -> Self {
        Self {
            why: why.into(),
            reply: (400, 50035, "Invalid Form Body"),
        }
    }
}

/// Discord's limits on uploads: files per message, and bytes per request.
const MAX_FILES: usize = 10;
const MAX_REQUEST_BYTES: usize = 25 * 1024 * 1024;

async fn parse_body(
    headers: &HeaderMap,
    body: &Bytes,
    file_limit: u64,
) -> Result<Parsed, BodyRefusal> {
    if body.is_empty() {
        return Ok(Parsed {
            json: None,
            files: Vec::new(),
        });
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/") {
        return parse_multipart(content_type, body, file_limit).await;
    }
    serde_json::from_slice(body)
        .map(|json| Parsed {
            json: Some(json),
            files: Vec::new(),
        })
        .map_err(|e| BodyRefusal {
            why: format!("not JSON: {e}"),
            reply: (400, 50109, "The request body contains invalid JSON."),
        })
}

/// `multipart/form-data` as Discord reads a message with files: the JSON in `payload_json`,
/// each file in a `files[n]` part whose `n` is the `id` of an entry in the payload's
/// `attachments` (`data.attachments` in an interaction callback).
async fn parse_multipart(
    content_type: &str,
    body: &Bytes,
    file_limit: u64,
) -> Result<Parsed, BodyRefusal> {
    if !content_type.starts_with("multipart/form-data") {
        return Err(BodyRefusal::invalid(format!(
            "{content_type} is not multipart/form-data"
        )));
    }
    if body.len() > MAX_REQUEST_BYTES {
        return Err(BodyRefusal {
            why: format!("{} bytes in one request", body.len()),
            reply: (413, 40005, "Request entity too large"),
        });
    }
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| BodyRefusal::invalid(format!("no boundary: {e}")))?;
    let chunk = body.clone();
    let stream = futures::stream::once(async move { Ok::<_, std::convert::Infallible>(chunk) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut payload = None;
    let mut files = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(BodyRefusal::invalid(format!("unreadable multipart: {e}"))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let part_type = field.content_type().map(|m| m.essence_str().to_owned());
        let data = field
            .bytes()
            .await
            .map_err(|e| BodyRefusal::invalid(format!("part `{name}` unreadable: {e}")))?;
        if name == "payload_json" {
            let json: Value = serde_json::from_slice(&data).map_err(|e| BodyRefusal {
                why: format!("payload_json is not JSON: {e}"),
                reply: (400, 50109, "The request body contains invalid JSON."),
            })?;
            payload = Some(json);
        } else if let Some(n) = name
            .strip_prefix("files[")
            .and_then(|rest| rest.strip_suffix(']'))
            .filter(|n| n.parse::<u64>().is_ok())
        {
            let Some(filename) = filename.filter(|f| !f.is_empty()) else {
                return Err(BodyRefusal::invalid(format!(
                    "part `{name}` has no filename"
                )));
            };
            if data.len() as u64 > file_limit {
                return Err(BodyRefusal {
                    why: format!(
                        "`{filename}` has {} bytes, over the attachment size limit of {file_limit}",
                        data.len()
                    ),
                    reply: (413, 40005, "Request entity too large"),
                });
            }
            files.push(FakeAttachment {
                id: n.to_owned(),
                filename,
                description: None,
                content_type: part_type,
                data: data.to_vec(),
            });
        } else {
            return Err(BodyRefusal::invalid(format!(
                "unexpected multipart part `{name}` (Discord takes `payload_json` and `files[n]`)"
            )));
        }
    }
    let Some(json) = payload else {
        return Err(BodyRefusal::invalid(
            "a multipart body without `payload_json`",
        ));
    };
    if files.len() > MAX_FILES {
        return Err(BodyRefusal::invalid(format!(
            "{} files; a message takes at most {MAX_FILES}",
            files.len()
        )));
    }
    let entries = json["attachments"]
        .as_array()
        .or_else(|| json["data"]["attachments"].as_array())
        .cloned()
        .unwrap_or_default();
    let id_of = |e: &Value| match &e["id"] {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    };
    for file in &mut files {
        let Some(entry) = entries
            .iter()
            .find(|e| id_of(e).as_deref() == Some(&file.id))
        else {
            return Err(BodyRefusal::invalid(format!(
                "files[{}] has no entry with id {} in `attachments`",
                file.id, file.id
            )));
        };
        if let Some(named) = entry["filename"].as_str() {
            if named != file.filename {
                return Err(BodyRefusal::invalid(format!(
                    "files[{}] is `{}` but its attachments entry names `{named}`",
                    file.id, file.filename
                )));
            }
        }
        file.description = entry["description"].as_str().map(str::to_owned);
    }
    Ok(Parsed {
        json: Some(json),
        files,
    })
}

fn route(inner: &Inner, st: &mut State, req: &Request<'_>) -> Reply {
    let cfg = &inner.config;
    match (req.method.as_str(), req.segments.as_slice()) {
        ("GET", ["gateway"]) => Reply::json(json!({"url": inner.ws_url()})),
        ("GET", ["gateway", "bot"]) => Reply::json(json!({
            "url": inner.ws_url(),
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
        })),
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            let body = json!({
                "id": cfg.app_id,
                "name": cfg.bot_name,
                "icon": null,
                "description": "",
                "bot_public": false,
                "bot_require_code_grant": false,
                "verify_key": "00",
                "flags": 0,
                "owner": {"id": cfg.owner_id, "username": "owner", "discriminator": "0"},
            });
            checked::<serenity::model::application::CurrentApplicationInfo>(
                inner,
                st,
                "application info",
                body,
            )
        }
        ("GET", ["users", "@me"]) => checked::<serenity::model::user::CurrentUser>(
            inner,
            st,
            "current user",
            inner.bot_user(),
        ),
        ("PUT", ["applications", app, "commands"]) => register(inner, st, app, None, req),
        ("PUT", ["applications", app, "guilds", guild, "commands"]) => {
            register(inner, st, app, Some(guild), req)
        }
        ("GET", ["applications", app, "commands"]) => list_commands(inner, st, app, None),
        ("GET", ["applications", app, "guilds", guild, "commands"]) => {
            list_commands(inner, st, app, Some(guild))
        }
        ("POST", ["interactions", id, token, "callback"]) => callback(inner, st, id, token, req),
        (_, ["webhooks", app, token, "messages", "@original"]) => {
            original(inner, st, app, token, req)
        }
        ("POST", ["webhooks", app, token]) => followup(inner, st, app, token, req),
        (_, ["webhooks", app, token, "messages", message_id]) => {
            webhook_message(inner, st, app, token, message_id, req)
        }
        ("GET", ["channels", channel]) => match st.channels.get(*channel) {
            Some(ch) => {
                let body = ch.to_json(st.message_count_in(channel));
                checked::<serenity::model::channel::Channel>(inner, st, "channel", body)
            }
            None => Reply::unknown_channel(),
        },
        ("PATCH", ["channels", channel]) => edit_channel(inner, st, channel, req),
        ("GET", ["channels", channel, "messages"]) => list_messages(st, channel, req),
        ("POST", ["channels", channel, "messages"]) => {
            create_channel_message(inner, st, channel, req)
        }
        ("GET", ["channels", channel, "messages", message]) => {
            match st.message(message).filter(|m| m.channel_id == *channel) {
                Some(m) => message_reply(inner, st, m.to_json()),
                None => Reply::unknown_message(),
            }
        }
        ("PATCH", ["channels", channel, "messages", message]) => {
            edit_message(inner, st, channel, message, req)
        }
        ("DELETE", ["channels", channel, "messages", message]) => {
            let in_channel = st
                .message(message)
                .is_some_and(|m| m.channel_id == *channel);
            if in_channel && st.remove_message(message) {
                Reply::no_content()
            } else {
                Reply::unknown_message()
            }
        }
        ("POST", ["channels", channel, "messages", message, "threads"]) => {
            thread_from_message(inner, st, channel, message, req)
        }
        ("POST", ["channels", channel, "threads"]) => {
            thread_without_message(inner, st, channel, req)
        }
        ("POST", ["channels", channel, "typing"]) => known_channel(st, channel, Reply::no_content),
        (
            "PUT" | "DELETE",
            ["channels", channel, "messages", message, "reactions", _emoji, "@me"],
        ) => {
            if st
                .message(message)
                .is_some_and(|m| m.channel_id == *channel)
            {
                Reply::no_content()
            } else {
                Reply::unknown_message()
            }
        }
        ("PUT" | "DELETE", ["channels", channel, "thread-members", "@me"]) => {
            match st.channels.get(*channel) {
                Some(ch) if ch.is_thread() => Reply::no_content(),
                Some(_) => Reply::error(400, 50024, "Cannot execute action on this channel type"),
                None => Reply::unknown_channel(),
            }
        }
        _ => Reply::unknown_route(),
    }
}

/// Answers with `body` after checking that serenity can deserialize it as `T`.
///
/// A failure is a bug in the fake; it is listed as a problem so the test fails loudly
/// instead of the bot silently erroring.
fn checked<T: DeserializeOwned>(inner: &Inner, st: &mut State, what: &str, body: Value) -> Reply {
    self_check::<T>(inner, st, what, &body);
    Reply::json(body)
}

fn self_check<T: DeserializeOwned>(inner: &Inner, st: &mut State, what: &str, body: &Value) {
    if !inner.config.self_check {
        return;
    }
    if let Err(e) = serde_json::from_value::<T>(body.clone()) {
        inner.problem(
            st,
            format!(
                "fake bug: serenity cannot parse the {what} the fake answered: {e}; body: {body}"
            ),
        );
    }
}

fn message_reply(inner: &Inner, st: &mut State, body: Value) -> Reply {
    checked::<serenity::model::channel::Message>(inner, st, "message", body)
}

fn known_channel(st: &State, channel: &str, reply: impl FnOnce() -> Reply) -> Reply {
    if st.channels.contains_key(channel) {
        reply()
    } else {
        Reply::unknown_channel()
    }
}

// ---------------------------------------------------------------------------------------------
// Commands

fn register(
    inner: &Inner,
    st: &mut State,
    app: &str,
    guild: Option<&str>,
    req: &Request<'_>,
) -> Reply {
    if app != inner.config.app_id {
        return Reply::error(403, 50001, "Missing Access");
    }
    let Some(commands) = req.body().as_array() else {
        return Reply::invalid_form("_", "Expected an array of commands");
    };
    let mut answer = Vec::with_capacity(commands.len());
    let mut stored = Vec::with_capacity(commands.len());
    for command in commands {
        let Some(name) = command["name"].as_str() else {
            return Reply::invalid_form("name", "This field is required");
        };
        // Discord keeps a command's id when it is registered again under the same name.
        let id = st
            .commands
            .iter()
            .find(|c| c.guild_id.as_deref() == guild && c.body["name"].as_str() == Some(name))
            .map_or_else(|| inner.ids.next(), |c| c.id.clone());
        let mut reply = command.clone();
        reply["id"] = json!(id);
        reply["application_id"] = json!(inner.config.app_id);
        reply["version"] = json!(inner.ids.next());
        if reply["type"].is_null() {
            reply["type"] = json!(1);
        }
        if reply["description"].is_null() {
            reply["description"] = json!("");
        }
        if let Some(guild) = guild {
            reply["guild_id"] = json!(guild);
        }
        answer.push(reply);
        stored.push(RegisteredCommand {
            id,
            guild_id: guild.map(str::to_owned),
            body: command.clone(),
        });
    }
    st.commands.retain(|c| c.guild_id.as_deref() != guild);
    st.commands.extend(stored);
    st.commands_answered = Some(Instant::now());
    let body = Value::Array(answer);
    checked::<Vec<serenity::model::application::Command>>(inner, st, "commands", body)
}

fn list_commands(inner: &Inner, st: &mut State, app: &str, guild: Option<&str>) -> Reply {
    if app != inner.config.app_id {
        return Reply::error(403, 50001, "Missing Access");
    }
    let list: Vec<Value> = st
        .commands
        .iter()
        .filter(|c| c.guild_id.as_deref() == guild)
        .map(|c| {
            let mut v = c.body.clone();
            v["id"] = json!(c.id);
            v["application_id"] = json!(inner.config.app_id);
            v["version"] = json!(c.id);
            if v["type"].is_null() {
                v["type"] = json!(1);
            }
            v
        })
        .collect();
    Reply::json(Value::Array(list))
}

// ---------------------------------------------------------------------------------------------
// Message bodies

/// Discord's limits on a message body; a violation is a bot bug a test should see.
fn validate_message_body(body: &Value, require_something: bool) -> Result<(), Reply> {
    if let Some(content) = body["content"].as_str() {
        if content.chars().count() > 2000 {
            return Err(Reply::invalid_form(
                "content",
                "Must be 2000 or fewer in length.",
            ));
        }
    }
    let embeds = body["embeds"].as_array().map_or(&[][..], Vec::as_slice);
    if embeds.len() > 10 {
        return Err(Reply::invalid_form(
            "embeds",
            "Must be 10 or fewer in length.",
        ));
    }
    let mut embed_total = 0;
    for embed in embeds {
        for (field, max) in [("title", 256), ("description", 4096)] {
            let len = embed[field].as_str().map_or(0, |s| s.chars().count());
            if len > max {
                return Err(Reply::invalid_form(
                    &format!("embeds.{field}"),
                    &format!("Must be {max} or fewer in length."),
                ));
            }
            embed_total += len;
        }
        let fields = embed["fields"].as_array().map_or(&[][..], Vec::as_slice);
        if fields.len() > 25 {
            return Err(Reply::invalid_form(
                "embeds.fields",
                "Must be 25 or fewer in length.",
            ));
        }
        for f in fields {
            let name = f["name"].as_str().map_or(0, |s| s.chars().count());
            let value = f["value"].as_str().map_or(0, |s| s.chars().count());
            if name == 0 || name > 256 || value == 0 || value > 1024 {
                return Err(Reply::invalid_form(
                    "embeds.fields",
                    "Field names must be 1-256 and values 1-1024 characters.",
                ));
            }
            embed_total += name + value;
        }
        embed_total += embed["footer"]["text"]
            .as_str()
            .map_or(0, |s| s.chars().count());
        embed_total += embed["author"]["name"]
            .as_str()
            .map_or(0, |s| s.chars().count());
    }
    if embed_total > 6000 {
        return Err(Reply::invalid_form(
            "embeds",
            "Embed size exceeds maximum size of 6000",
        ));
    }
    let rows = body["components"].as_array().map_or(&[][..], Vec::as_slice);
    validate_components(rows)?;
    if require_something {
        let content_empty = body["content"].as_str().unwrap_or_default().is_empty();
        let stickers = body["sticker_ids"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        let files = body["attachments"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        if content_empty && embeds.is_empty() && rows.is_empty() && !stickers && !files {
            return Err(Reply::error(400, 50006, "Cannot send an empty message"));
        }
    }
    Ok(())
}

fn validate_components(rows: &[Value]) -> Result<(), Reply> {
    if rows.len() > 5 {
        return Err(Reply::invalid_form(
            "components",
            "Must be 5 or fewer in length.",
        ));
    }
    let mut custom_ids = Vec::new();
    for row in rows {
        if row["type"].as_u64() != Some(1) {
            return Err(Reply::invalid_form(
                "components",
                "Top-level components must be action rows (type 1).",
            ));
        }
        let items = row["components"].as_array().map_or(&[][..], Vec::as_slice);
        let has_select = items.iter().any(|c| c["type"].as_u64() != Some(2));
        if items.is_empty() || items.len() > 5 || (has_select && items.len() != 1) {
            return Err(Reply::invalid_form(
                "components.components",
                "An action row holds 1-5 buttons or exactly one select menu.",
            ));
        }
        for item in items {
            let link = item["style"].as_u64() == Some(5);
            match item["custom_id"].as_str() {
                Some(id) if !link => {
                    if id.is_empty() || id.chars().count() > 100 {
                        return Err(Reply::invalid_form(
                            "components.custom_id",
                            "Must be between 1 and 100 in length.",
                        ));
                    }
                    if custom_ids.contains(&id) {
                        return Err(Reply::invalid_form(
                            "components.custom_id",
                            "Component custom id cannot be duplicated",
                        ));
                    }
                    custom_ids.push(id);
                }
                None if !link => {
                    return Err(Reply::invalid_form(
                        "components.custom_id",
                        "A custom id is required",
                    ));
                }
                _ => {}
            }
            if item["label"]
                .as_str()
                .is_some_and(|l| l.chars().count() > 80)
            {
                return Err(Reply::invalid_form(
                    "components.label",
                    "Must be 80 or fewer in length.",
                ));
            }
            if let Some(options) = item["options"].as_array() {
                if options.is_empty() || options.len() > 25 {
                    return Err(Reply::invalid_form(
                        "components.options",
                        "Must be between 1 and 25 in length.",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Records an invalid body as a problem (it is almost always a bot bug) and answers it.
fn reject_body(inner: &Inner, st: &mut State, what: &str, reply: Reply) -> Reply {
    let detail = reply.body.clone().unwrap_or(Value::Null);
    inner.problem(st, format!("Discord would reject {what}: {detail}"));
    reply
}

struct NewMessage<'a> {
    channel_id: &'a str,
    origin: MessageOrigin,
    kind: u64,
    webhook: bool,
    /// Flags the sender may set on this kind of message.
    allowed_flags: u64,
    extra_flags: u64,
}

fn insert_message(
    inner: &Inner,
    st: &mut State,
    body: &Value,
    files: &[FakeAttachment],
    new: NewMessage<'_>,
) -> FakeMessage {
    let guild_id = st
        .channels
        .get(new.channel_id)
        .and_then(|c| c.guild_id.clone());
    let array = |key: &str| body[key].as_array().cloned().unwrap_or_default();
    let message = FakeMessage {
        id: inner.ids.next(),
        attachments: uploaded(inner, files),
        channel_id: new.channel_id.to_owned(),
        guild_id,
        author_id: inner.config.app_id.clone(),
        author_name: inner.config.bot_name.clone(),
        content: body["content"].as_str().unwrap_or_default().to_owned(),
        embeds: array("embeds"),
        components: array("components"),
        flags: (body["flags"].as_u64().unwrap_or(0) & new.allowed_flags) | new.extra_flags,
        origin: new.origin,
        kind: if body["message_reference"].is_object() {
            19
        } else {
            new.kind
        },
        webhook_id: new.webhook.then(|| inner.config.app_id.clone()),
        message_reference: body
            .get("message_reference")
            .filter(|r| r.is_object())
            .cloned(),
        timestamp: now_timestamp(),
        edited_timestamp: None,
        edits: 0,
        created_at: Instant::now(),
    };
    st.messages.push(message.clone());
    message
}

/// Uploaded files as a message keeps them: each with a snowflake of its own.
fn uploaded(inner: &Inner, files: &[FakeAttachment]) -> Vec<FakeAttachment> {
    files
        .iter()
        .map(|f| FakeAttachment {
            id: inner.ids.next(),
            ..f.clone()
        })
        .collect()
}

/// Applies an edit body: present fields replace, `null` clears; the loading flag goes away.
/// An `attachments` list keeps the existing attachments it names and adds the uploaded files
/// (API v10: whatever it does not list is removed).
fn apply_edit(inner: &Inner, message: &mut FakeMessage, body: &Value, files: &[FakeAttachment]) {
    if let Some(list) = body.get("attachments") {
        let named: Vec<String> = list
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| match &e["id"] {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect();
        message.attachments.retain(|a| named.contains(&a.id));
        message.attachments.extend(uploaded(inner, files));
    }
    if let Some(content) = body.get("content") {
        message.content = content.as_str().unwrap_or_default().to_owned();
    }
    for (key, target) in [
        ("embeds", &mut message.embeds),
        ("components", &mut message.components),
    ] {
        if let Some(value) = body.get(key) {
            *target = value.as_array().cloned().unwrap_or_default();
        }
    }
    if let Some(flags) = body["flags"].as_u64() {
        message.flags = (message.flags & !FLAG_SUPPRESS_EMBEDS) | (flags & FLAG_SUPPRESS_EMBEDS);
    }
    message.flags &= !FLAG_LOADING;
    message.edits += 1;
    message.edited_timestamp = Some(now_timestamp());
}

// ---------------------------------------------------------------------------------------------
// Interactions

fn callback(inner: &Inner, st: &mut State, id: &str, token: &str, req: &Request<'_>) -> Reply {
    let deadline = inner.config.interaction_deadline;
    let Some(record) = st.interactions.get(id).filter(|r| r.token == token) else {
        return Reply::unknown_interaction();
    };
    if !record.callbacks.is_empty() {
        return Reply::error(400, 40060, "Interaction has already been acknowledged.");
    }
    if record
        .sent_at
        .is_some_and(|sent| req.at.duration_since(sent) > deadline)
    {
        // Discord forgets interactions that were not answered in time (3 s).
        return Reply::unknown_interaction();
    }
    let kind = record.kind;
    let channel_id = record.channel_id.clone();
    let source = record.source_message_id.clone();
    let body = req.body();
    let Some(response_type) = body["type"].as_u64() else {
        return reject_body(
            inner,
            st,
            "a callback without `type`",
            Reply::invalid_form("type", "This field is required"),
        );
    };
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let allowed = match (kind, response_type) {
        (InteractionKind::Autocomplete, 8) => true,
        (InteractionKind::Autocomplete, _) | (_, 8) => false,
        (InteractionKind::Command, 4 | 5 | 9) => true,
        (InteractionKind::Component, 4..=7 | 9) => true,
        // A modal opened from a button may answer like the button would (no new modal).
        (InteractionKind::ModalSubmit, 4..=7) => true,
        _ => false,
    };
    if !allowed {
        return reject_body(
            inner,
            st,
            &format!("callback type {response_type} for a {kind:?} interaction"),
            Reply::invalid_form("type", "Interaction response type is not valid here"),
        );
    }

    let mut original = None;
    match response_type {
        4 => {
            if let Err(reply) = validate_message_body(&data, true) {
                return reject_body(inner, st, "a type 4 callback", reply);
            }
            let message = insert_message(
                inner,
                st,
                &data,
                req.files,
                NewMessage {
                    channel_id: &channel_id,
                    origin: MessageOrigin::Original {
                        interaction_id: id.to_owned(),
                    },
                    kind: if kind == InteractionKind::Command {
                        20
                    } else {
                        0
                    },
                    webhook: true,
                    allowed_flags: FLAG_EPHEMERAL
                        | FLAG_SUPPRESS_EMBEDS
                        | FLAG_SUPPRESS_NOTIFICATIONS,
                    extra_flags: 0,
                },
            );
            original = Some(message.id);
        }
        5 => {
            let message = insert_message(
                inner,
                st,
                &json!({"flags": data["flags"]}),
                &[],
                NewMessage {
                    channel_id: &channel_id,
                    origin: MessageOrigin::Original {
                        interaction_id: id.to_owned(),
                    },
                    kind: if kind == InteractionKind::Command {
                        20
                    } else {
                        0
                    },
                    webhook: true,
                    allowed_flags: FLAG_EPHEMERAL,
                    extra_flags: FLAG_LOADING,
                },
            );
            original = Some(message.id);
        }
        6 => original = source.clone(),
        7 => {
            if let Err(reply) = validate_message_body(&data, false) {
                return reject_body(inner, st, "a type 7 callback", reply);
            }
            let Some(message) = source.as_deref().and_then(|m| st.message_mut(m)) else {
                return Reply::unknown_message();
            };
            apply_edit(inner, message, &data, req.files);
            original = source.clone();
        }
        8 => {
            let choices = data["choices"].as_array().map_or(0, Vec::len);
            if choices > 25 {
                return reject_body(
                    inner,
                    st,
                    "an autocomplete answer",
                    Reply::invalid_form("data.choices", "Must be 25 or fewer in length."),
                );
            }
        }
        9 => {}
        other => {
            return reject_body(
                inner,
                st,
                &format!("callback type {other}"),
                Reply::invalid_form("type", "Value is not a valid interaction response type"),
            );
        }
    }

    if let Some(record) = st.interactions.get_mut(id) {
        record.callbacks.push(Callback {
            kind: response_type,
            data,
            at: req.at,
        });
        if original.is_some() {
            record.original_message_id = original;
        }
    }
    Reply::no_content()
}

/// Resolves the webhook part of the path to an interaction, as Discord does for its tokens.
fn webhook_interaction<'s>(
    inner: &Inner,
    st: &'s State,
    app: &str,
    token: &str,
) -> Result<&'s super::state::InteractionRecord, Reply> {
    if app != inner.config.app_id {
        return Err(Reply::unknown_webhook());
    }
    let record = st
        .interaction_by_token(token)
        .ok_or_else(Reply::unknown_webhook)?;
    // Discord's interaction tokens last 15 minutes; after that every webhook call with one is
    // refused like this.
    let outlived = record
        .sent_at
        .is_some_and(|sent| sent.elapsed() > inner.config.token_lifetime);
    if record.expired || outlived {
        return Err(Reply::error(401, 50027, "Invalid Webhook Token"));
    }
    Ok(record)
}

fn original(inner: &Inner, st: &mut State, app: &str, token: &str, req: &Request<'_>) -> Reply {
    let record = match webhook_interaction(inner, st, app, token) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    let Some(message_id) = record.original_message_id.clone() else {
        return Reply::unknown_message();
    };
    match req.method.as_str() {
        "GET" => match st.message(&message_id) {
            Some(m) => message_reply(inner, st, m.to_json()),
            None => Reply::unknown_message(),
        },
        "PATCH" => {
            if let Err(reply) = validate_message_body(req.body(), false) {
                return reject_body(inner, st, "an edit of @original", reply);
            }
            match st.message_mut(&message_id) {
                Some(m) => {
                    apply_edit(inner, m, req.body(), req.files);
                    let body = m.to_json();
                    message_reply(inner, st, body)
                }
                None => Reply::unknown_message(),
            }
        }
        "DELETE" => {
            if st.remove_message(&message_id) {
                if let Some(r) = st.interaction_by_token_mut(token) {
                    r.original_message_id = None;
                }
                Reply::no_content()
            } else {
                Reply::unknown_message()
            }
        }
        _ => Reply::error(405, 0, "405: Method Not Allowed"),
    }
}

fn followup(inner: &Inner, st: &mut State, app: &str, token: &str, req: &Request<'_>) -> Reply {
    let record = match webhook_interaction(inner, st, app, token) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    // Discord only accepts followups once the interaction has been answered.
    if record.callbacks.is_empty() {
        return Reply::unknown_webhook();
    }
    let interaction_id = record.id.clone();
    let channel_id = record.channel_id.clone();
    if let Err(reply) = validate_message_body(req.body(), true) {
        return reject_body(inner, st, "a followup", reply);
    }
    let message = insert_message(
        inner,
        st,
        req.body(),
        req.files,
        NewMessage {
            channel_id: &channel_id,
            origin: MessageOrigin::Followup {
                interaction_id: interaction_id.clone(),
            },
            kind: 0,
            webhook: true,
            allowed_flags: FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS,
            extra_flags: 0,
        },
    );
    if let Some(r) = st.interactions.get_mut(&interaction_id) {
        r.followup_ids.push(message.id.clone());
    }
    message_reply(inner, st, message.to_json())
}

fn webhook_message(
    inner: &Inner,
    st: &mut State,
    app: &str,
    token: &str,
    message_id: &str,
    req: &Request<'_>,
) -> Reply {
    let record = match webhook_interaction(inner, st, app, token) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    let owned = record.original_message_id.as_deref() == Some(message_id)
        || record.followup_ids.iter().any(|f| f == message_id);
    if !owned {
        return Reply::unknown_message();
    }
    match req.method.as_str() {
        "GET" => match st.message(message_id) {
            Some(m) => message_reply(inner, st, m.to_json()),
            None => Reply::unknown_message(),
        },
        "PATCH" => {
            if let Err(reply) = validate_message_body(req.body(), false) {
                return reject_body(inner, st, "an edit of a followup", reply);
            }
            match st.message_mut(message_id) {
                Some(m) => {
                    apply_edit(inner, m, req.body(), req.files);
                    let body = m.to_json();
                    message_reply(inner, st, body)
                }
                None => Reply::unknown_message(),
            }
        }
        "DELETE" => {
            if st.remove_message(message_id) {
                Reply::no_content()
            } else {
                Reply::unknown_message()
            }
        }
        _ => Reply::error(405, 0, "405: Method Not Allowed"),
    }
}

// ---------------------------------------------------------------------------------------------
// Channels, messages, threads

fn list_messages(st: &State, channel: &str, req: &Request<'_>) -> Reply {
    if !st.channels.contains_key(channel) {
        return Reply::unknown_channel();
    }
    let limit = query_param(req.query, "limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 100);
    // Newest first, like Discord.
    let list: Vec<Value> = st
        .messages
        .iter()
        .rev()
        .filter(|m| m.channel_id == channel && !m.is_ephemeral())
        .take(limit)
        .map(FakeMessage::to_json)
        .collect();
    Reply::json(Value::Array(list))
}

fn query_param<'q>(query: Option<&'q str>, key: &str) -> Option<&'q str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

fn create_channel_message(
    inner: &Inner,
    st: &mut State,
    channel: &str,
    req: &Request<'_>,
) -> Reply {
    let Some(ch) = st.channels.get(channel) else {
        return Reply::unknown_channel();
    };
    if ch.is_thread() && ch.locked {
        return Reply::error(400, 50083, "Thread is archived");
    }
    let send = if ch.is_thread() {
        PERM_SEND_MESSAGES_IN_THREADS
    } else {
        PERM_SEND_MESSAGES
    };
    if let Err(reply) = bot_may(inner, st, channel, send) {
        return reply;
    }
    if let Err(reply) = validate_message_body(req.body(), true) {
        return reject_body(
            inner,
            st,
            &format!("a message for channel {channel}"),
            reply,
        );
    }
    // With `enforce_nonce`, Discord answers a repeat of a nonce it saw from the same author in
    // the last few minutes with the message it already created.
    let nonce = req.body()["enforce_nonce"]
        .as_bool()
        .unwrap_or(false)
        .then(|| match &req.body()["nonce"] {
            Value::String(n) => Some(n.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .flatten()
        .map(|n| (channel.to_owned(), n));
    if let Some((id, at)) = nonce.as_ref().and_then(|k| st.nonces.get(k)) {
        if at.elapsed() < std::time::Duration::from_secs(5 * 60) {
            if let Some(existing) = st.message(id).cloned() {
                return message_reply(inner, st, existing.to_json());
            }
        }
    }
    // Posting in an archived (unlocked) thread unarchives it.
    if let Some(ch) = st.channels.get_mut(channel) {
        ch.archived = false;
    }
    let message = insert_message(
        inner,
        st,
        req.body(),
        req.files,
        NewMessage {
            channel_id: channel,
            origin: MessageOrigin::Channel,
            kind: 0,
            webhook: false,
            allowed_flags: FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS,
            extra_flags: 0,
        },
    );
    if let Some(key) = nonce {
        st.nonces.insert(key, (message.id.clone(), Instant::now()));
    }
    message_reply(inner, st, message.to_json())
}

/// Discord's answer when the bot lacks `needed` (or cannot even see `channel`) there.
fn bot_may(inner: &Inner, st: &State, channel: &str, needed: u64) -> Result<(), Reply> {
    let has = st.bot_permissions(inner.config.app_permissions, channel);
    if has & PERM_VIEW_CHANNEL == 0 {
        return Err(Reply::error(403, 50001, "Missing Access"));
    }
    if has & needed != needed {
        return Err(Reply::error(403, 50013, "Missing Permissions"));
    }
    Ok(())
}

fn edit_message(
    inner: &Inner,
    st: &mut State,
    channel: &str,
    message: &str,
    req: &Request<'_>,
) -> Reply {
    if let Err(reply) = bot_may(inner, st, channel, 0) {
        return reply;
    }
    if let Err(reply) = validate_message_body(req.body(), false) {
        return reject_body(inner, st, &format!("an edit of message {message}"), reply);
    }
    match st.message_mut(message).filter(|m| m.channel_id == channel) {
        Some(m) => {
            apply_edit(inner, m, req.body(), req.files);
            let body = m.to_json();
            message_reply(inner, st, body)
        }
        None => Reply::unknown_message(),
    }
}

fn thread_name(inner: &Inner, st: &mut State, body: &Value) -> Result<String, Reply> {
    match body["name"].as_str() {
        Some(name) if !name.is_empty() && name.chars().count() <= 100 => Ok(name.to_owned()),
        _ => Err(reject_body(
            inner,
            st,
            "a thread",
            Reply::invalid_form("name", "Must be between 1 and 100 in length."),
        )),
    }
}

fn insert_thread(inner: &Inner, st: &mut State, thread: FakeChannel) -> Reply {
    let body = thread.to_json(0);
    st.channels.insert(thread.id.clone(), thread);
    self_check::<serenity::model::channel::GuildChannel>(inner, st, "thread", &body);
    Reply::created(body)
}

fn thread_from_message(
    inner: &Inner,
    st: &mut State,
    channel: &str,
    message: &str,
    req: &Request<'_>,
) -> Reply {
    let parent = match st.channels.get(channel) {
        Some(ch) if ch.is_thread() || ch.kind == CHANNEL_DM => {
            return Reply::error(400, 50024, "Cannot execute action on this channel type");
        }
        Some(ch) => ch.clone(),
        None => return Reply::unknown_channel(),
    };
    match st.message(message) {
        Some(m) if m.channel_id == channel && m.is_ephemeral() => {
            return Reply::error(400, 50024, "Cannot execute action on this channel type");
        }
        Some(m) if m.channel_id == channel => {}
        _ => return Reply::unknown_message(),
    }
    if st.channels.contains_key(message) {
        return Reply::error(
            400,
            160004,
            "A thread has already been created for this message",
        );
    }
    if let Err(reply) = bot_may(inner, st, channel, PERM_CREATE_PUBLIC_THREADS) {
        return reply;
    }
    let name = match thread_name(inner, st, req.body()) {
        Ok(name) => name,
        Err(reply) => return reply,
    };
    let thread = FakeChannel {
        id: message.to_owned(),
        kind: CHANNEL_PUBLIC_THREAD,
        name,
        guild_id: parent.guild_id.clone(),
        parent_id: Some(parent.id.clone()),
        owner_id: Some(inner.config.app_id.clone()),
        starter_message_id: Some(message.to_owned()),
        auto_archive_duration: req.body()["auto_archive_duration"].as_u64().unwrap_or(1440),
        archived: false,
        locked: false,
        recipient: None,
        created_timestamp: now_timestamp(),
        bot_permissions: None,
    };
    insert_thread(inner, st, thread)
}

fn thread_without_message(
    inner: &Inner,
    st: &mut State,
    channel: &str,
    req: &Request<'_>,
) -> Reply {
    let parent = match st.channels.get(channel) {
        Some(ch) if ch.is_thread() || ch.kind == CHANNEL_DM => {
            return Reply::error(400, 50024, "Cannot execute action on this channel type");
        }
        Some(ch) => ch.clone(),
        None => return Reply::unknown_channel(),
    };
    let name = match thread_name(inner, st, req.body()) {
        Ok(name) => name,
        Err(reply) => return reply,
    };
    let kind = match req.body()["type"].as_u64() {
        Some(CHANNEL_PUBLIC_THREAD) => CHANNEL_PUBLIC_THREAD,
        // Discord's default for threads without a starter message is private.
        _ => CHANNEL_PRIVATE_THREAD,
    };
    let thread = FakeChannel {
        id: inner.ids.next(),
        kind,
        name,
        guild_id: parent.guild_id.clone(),
        parent_id: Some(parent.id.clone()),
        owner_id: Some(inner.config.app_id.clone()),
        starter_message_id: None,
        auto_archive_duration: req.body()["auto_archive_duration"].as_u64().unwrap_or(1440),
        archived: false,
        locked: false,
        recipient: None,
        created_timestamp: now_timestamp(),
        bot_permissions: None,
    };
    insert_thread(inner, st, thread)
}

fn edit_channel(inner: &Inner, st: &mut State, channel: &str, req: &Request<'_>) -> Reply {
    let body = req.body();
    let Some(ch) = st.channels.get_mut(channel) else {
        return Reply::unknown_channel();
    };
    if let Some(name) = body["name"].as_str() {
        ch.name = name.to_owned();
    }
    if ch.is_thread() {
        if let Some(archived) = body["archived"].as_bool() {
            ch.archived = archived;
        }
        if let Some(locked) = body["locked"].as_bool() {
            ch.locked = locked;
        }
        if let Some(duration) = body["auto_archive_duration"].as_u64() {
            ch.auto_archive_duration = duration;
        }
    }
    let ch = ch.clone();
    let json = ch.to_json(st.message_count_in(channel));
    checked::<serenity::model::channel::Channel>(inner, st, "channel", json)
}
