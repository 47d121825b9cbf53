//! The JSON gateway at `/`: HELLO, IDENTIFY -> READY, heartbeat -> ACK, RESUME -> RESUMED,
//! and dispatches with increasing `s`. Text frames only, no compression.
//!
//! Faults, as Discord shows them ([`GatewayFault`] and the `FakeDiscord` methods): a close with
//! any code (4007 and 4009 also end the session, so a RESUME after them is answered op 9
//! `d:false`), a connection dropped without a close frame (1006), op 7 RECONNECT, op 9
//! INVALID_SESSION (resumable or not), heartbeats left unACKed, new connections refused, and a
//! login (IDENTIFY or RESUME) answered with a fatal close such as 4004.
//!
//! Every frame is parsed with serenity's own `GatewayEvent` before it is written, because
//! serenity silently drops a dispatch it cannot parse (pitfall 3).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State as AxumState;
use axum::response::{IntoResponse as _, Response};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use serenity::model::event::{Event, GatewayEvent};
use tokio::sync::mpsc;

use super::state::{GatewayFault, Inner, LiveConnection, Outbound};

/// Close codes after which Discord does not let the session be resumed.
const SESSION_ENDING_CLOSES: [u16; 2] = [4007, 4009];

/// Upgrades `GET /?v=10` to the gateway connection (refused while the gateway is unreachable).
pub(crate) async fn upgrade(
    AxumState(inner): AxumState<Arc<Inner>>,
    ws: WebSocketUpgrade,
) -> Response {
    if inner.lock().gateway.fault == GatewayFault::Unreachable {
        inner.lock().gateway.stats.refused_connections += 1;
        inner.bump();
        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    ws.on_upgrade(move |socket| run(inner, socket))
}

/// A fresh session id, so a RESUME of an ended session is refused.
pub(crate) fn new_session(gateway: &mut super::state::GatewayState) {
    gateway.sessions += 1;
    gateway.session_id = format!("fake-session-{}", gateway.sessions);
}

/// `Ok` when serenity's shard would accept `text` as the frame it is meant to be.
pub(crate) fn check_frame(text: &str) -> Result<(), String> {
    let event: GatewayEvent = serde_json::from_str(text)
        .map_err(|e| format!("serenity cannot parse the frame at all: {e}"))?;
    if let GatewayEvent::Dispatch(_, Event::Unknown(unknown)) = &event {
        return Err(format!(
            "serenity would silently drop this {} dispatch as an unknown event: {}",
            unknown.kind,
            explain_unknown(&unknown.kind, &unknown.value)
        ));
    }
    Ok(())
}

/// Re-parses the payload as the concrete type to surface serde's precise error.
fn explain_unknown(kind: &str, data: &Value) -> String {
    fn why<T: DeserializeOwned>(data: &Value) -> String {
        match serde_json::from_value::<T>(data.clone()) {
            Err(e) => e.to_string(),
            Ok(_) => "the payload parses on its own; check the event name".to_owned(),
        }
    }
    match kind {
        "READY" => why::<serenity::model::gateway::Ready>(data),
        "INTERACTION_CREATE" => why::<serenity::model::application::Interaction>(data),
        "RESUMED" => why::<serenity::model::event::ResumedEvent>(data),
        other => format!("serenity 0.12.5 has no event named {other}"),
    }
}

async fn run(inner: Arc<Inner>, mut socket: WebSocket) {
    let conn_id = inner.next_connection.fetch_add(1, Ordering::Relaxed);
    inner.lock().gateway.stats.connections += 1;
    inner.bump();

    let (tx, mut rx) = mpsc::unbounded_channel();
    let interval_ms = inner.config.heartbeat_interval.as_millis() as u64;
    let hello = json!({"op": 10, "d": {"heartbeat_interval": interval_ms}, "s": null, "t": null});
    let mut open = write_checked(&inner, &mut socket, hello.to_string()).await;
    while open {
        tokio::select! {
            incoming = socket.recv() => {
                open = match incoming {
                    Some(Ok(Message::Text(text))) => {
                        on_frame(&inner, &mut socket, conn_id, &tx, text.as_str()).await
                    }
                    Some(Ok(Message::Binary(_))) => {
                        let mut st = inner.lock();
                        inner.problem(&mut st, "the bot sent a binary gateway frame".to_owned());
                        true
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => true,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => false,
                };
            }
            Some(out) = rx.recv() => open = on_outbound(&inner, &mut socket, out).await,
        }
    }

    {
        let mut st = inner.lock();
        if st.gateway.live.as_ref().is_some_and(|l| l.id == conn_id) {
            st.gateway.live = None;
            st.gateway.stats.live = false;
        }
    }
    inner.bump();
}

/// Handles one frame from the bot; returns false when the connection should end.
async fn on_frame(
    inner: &Inner,
    socket: &mut WebSocket,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outbound>,
    text: &str,
) -> bool {
    let frame: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let mut st = inner.lock();
            inner.problem(
                &mut st,
                format!("unparseable gateway frame from the bot: {e}"),
            );
            return true;
        }
    };
    match frame["op"].as_u64() {
        Some(1) => {
            let silent = {
                let mut st = inner.lock();
                st.gateway.stats.heartbeats += 1;
                let silent = st.gateway.fault == GatewayFault::SilentHeartbeats;
                if silent {
                    st.gateway.stats.unacked_heartbeats += 1;
                }
                silent
            };
            inner.bump();
            if silent {
                return true;
            }
            write_checked(inner, socket, json!({"op": 11}).to_string()).await
        }
        Some(2 | 6) if login_refusal(inner).is_some() => {
            let code = login_refusal(inner).unwrap_or(4004);
            close(inner, socket, code).await;
            false
        }
        Some(2) => {
            let mut identify = frame["d"].clone();
            if identify.get("token").is_some() {
                identify["token"] = json!("<redacted>");
            }
            let text = {
                let mut st = inner.lock();
                new_session(&mut st.gateway);
                // A fresh session starts at 1 (pitfall 9).
                st.gateway.seq = 1;
                st.gateway.stats.identifies += 1;
                let ready = json!({
                    "v": 10,
                    "user": inner.bot_user(),
                    "guilds": [],
                    "session_id": st.gateway.session_id,
                    "resume_gateway_url": inner.ws_url(),
                    "application": {"id": inner.config.app_id, "flags": 0},
                    "shard": identify.get("shard").cloned().unwrap_or(json!([0, 1])),
                });
                st.gateway.stats.last_identify = Some(identify);
                json!({"op": 0, "s": 1, "t": "READY", "d": ready}).to_string()
            };
            go_live(inner, socket, conn_id, tx, text, false).await
        }
        Some(6) => {
            let session_ok = {
                let st = inner.lock();
                frame["d"]["session_id"].as_str() == Some(st.gateway.session_id.as_str())
            };
            if !session_ok {
                // Not resumable: serenity answers with a fresh IDENTIFY.
                return write_checked(inner, socket, json!({"op": 9, "d": false}).to_string())
                    .await;
            }
            let text = {
                let mut st = inner.lock();
                st.gateway.seq += 1;
                json!({"op": 0, "s": st.gateway.seq, "t": "RESUMED", "d": {}}).to_string()
            };
            go_live(inner, socket, conn_id, tx, text, true).await
        }
        Some(op) => {
            inner.lock().gateway.stats.other_ops.push(op);
            inner.bump();
            true
        }
        None => {
            let mut st = inner.lock();
            inner.problem(&mut st, format!("gateway frame without op: {text}"));
            true
        }
    }
}

/// Writes READY or RESUMED, then makes this connection the one dispatches go to.
///
/// `resumes` is counted only here, so a test that saw the counter move can send at once.
async fn go_live(
    inner: &Inner,
    socket: &mut WebSocket,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outbound>,
    text: String,
    resumed: bool,
) -> bool {
    if !write_checked(inner, socket, text).await {
        return false;
    }
    {
        let mut st = inner.lock();
        st.gateway.live = Some(LiveConnection {
            id: conn_id,
            tx: tx.clone(),
        });
        st.gateway.stats.live = true;
        st.gateway.stats.dispatches += 1;
        if resumed {
            st.gateway.stats.resumes += 1;
        }
    }
    inner.bump();
    true
}

async fn on_outbound(inner: &Inner, socket: &mut WebSocket, out: Outbound) -> bool {
    match out {
        Outbound::Dispatch {
            event,
            data,
            interaction_id,
            written,
        } => {
            let (text, at) = {
                let mut st = inner.lock();
                st.gateway.seq += 1;
                st.gateway.stats.dispatches += 1;
                let text = json!({"op": 0, "s": st.gateway.seq, "t": event, "d": data}).to_string();
                // Stamped after serializing, right before the write: the latency origin.
                let at = Instant::now();
                if let Some(record) = interaction_id
                    .as_deref()
                    .and_then(|id| st.interactions.get_mut(id))
                {
                    record.sent_at = Some(at);
                }
                (text, at)
            };
            let ok = socket.send(Message::Text(text.into())).await.is_ok();
            if ok {
                let _ = written.send(at);
            }
            inner.bump();
            ok
        }
        Outbound::Raw(text) => write_checked(inner, socket, text).await,
        Outbound::Close(code) => {
            close(inner, socket, code).await;
            false
        }
        Outbound::Drop => {
            // Returning drops the socket: no close frame, the TCP connection just ends.
            inner.lock().gateway.stats.closed_by_fake.push(None);
            inner.bump();
            false
        }
    }
}

/// The close code a login is answered with right now, if logins are refused.
fn login_refusal(inner: &Inner) -> Option<u16> {
    match inner.lock().gateway.fault {
        GatewayFault::CloseOnLogin(code) => Some(code),
        _ => None,
    }
}

/// Sends a close frame with `code`; the caller then ends the connection.
async fn close(inner: &Inner, socket: &mut WebSocket, code: u16) {
    {
        let mut st = inner.lock();
        st.gateway.stats.closed_by_fake.push(Some(code));
        if SESSION_ENDING_CLOSES.contains(&code) {
            new_session(&mut st.gateway);
        }
    }
    inner.bump();
    let frame = CloseFrame {
        code,
        reason: "closed by the test".into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// Writes a frame the fake generated itself, refusing (and reporting) one serenity would drop.
async fn write_checked(inner: &Inner, socket: &mut WebSocket, text: String) -> bool {
    if let Err(why) = check_frame(&text) {
        let mut st = inner.lock();
        inner.problem(
            &mut st,
            format!("fake bug: refused to send gateway frame {text}: {why}"),
        );
        return true;
    }
    socket.send(Message::Text(text.into())).await.is_ok()
}
