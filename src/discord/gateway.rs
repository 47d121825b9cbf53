//! The Discord gateway session as `/readyz` reports it.
//!
//! serenity 0.12.5 gets the session back by itself, and this module does not second-guess it
//! (`tests/discord_gateway.rs` checks each case against the fake Discord): after a close with
//! 1000, 4000 or 4008, a connection dropped without a close frame (1006), op 7 RECONNECT or
//! op 9 `d:true` it opens a new connection and RESUMEs (Discord replays what was missed);
//! after 4007, 4009 or op 9 `d:false` it IDENTIFYs afresh, and so after a heartbeat that got
//! no ACK by the next one (it first waits about 5 s for its old shard). Only 4004 (the token),
//! 4013 and 4014 (intents) are fatal: serenity stops the client, and the bot stops with a
//! sentence saying what to fix ([`refusal`]) instead of trying again.
//!
//! The state is the stage serenity publishes for its shard in the shard manager, so `/readyz`
//! says what serenity knows (it publishes nothing while it waits out a missed ACK).
//! Operations never wait on the gateway: they watch the Cloud API and post over REST, so
//! follow-ups keep coming while the session is down.

use std::sync::{Arc, Mutex, PoisonError};

use serenity::all::{ConnectionStage, GatewayError, ShardManager};

/// What `/readyz` says about the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayState {
    /// The session is up: interactions arrive.
    Connected,
    /// No session right now: serenity's shard is at this stage of (re)connecting, or `None`
    /// while no shard runs (serenity is restarting it).
    Connecting(Option<ConnectionStage>),
    /// Discord refused the session for good (why, and what to fix); the client stopped.
    Refused(String),
    /// The bot was shut down.
    Stopped,
}

impl GatewayState {
    pub fn is_connected(&self) -> bool {
        matches!(self, Self::Connected)
    }

    /// The state in a few words, for `/readyz`.
    pub fn describe(&self) -> String {
        match self {
            Self::Connected => "connected".to_owned(),
            Self::Connecting(Some(stage)) => {
                format!("not connected: serenity's shard is {stage}")
            }
            Self::Connecting(None) => {
                "not connected: no shard running, serenity is restarting it".to_owned()
            }
            Self::Refused(why) => format!("Discord refused the session: {why}; the bot stopped"),
            Self::Stopped => "the bot stopped".to_owned(),
        }
    }
}

/// The live gateway state; cheap to clone.
#[derive(Debug, Clone)]
pub struct GatewayStatus {
    shards: Option<Arc<ShardManager>>,
    /// Set when the client ended (refused or stopped), or by [`GatewayStatus::fixed`]; it
    /// wins over the shard manager.
    settled: Arc<Mutex<Option<GatewayState>>>,
}

impl GatewayStatus {
    pub(crate) fn of(shards: Arc<ShardManager>) -> Self {
        Self {
            shards: Some(shards),
            settled: Arc::default(),
        }
    }

    /// A status that says `state` until [`GatewayStatus::set`] changes it (no client behind
    /// it: for tests of the HTTP endpoint).
    pub fn fixed(state: GatewayState) -> Self {
        Self {
            shards: None,
            settled: Arc::new(Mutex::new(Some(state))),
        }
    }

    /// From now on the state is `state`, whatever the shard manager says.
    pub fn set(&self, state: GatewayState) {
        *self.settled.lock().unwrap_or_else(PoisonError::into_inner) = Some(state);
    }

    pub async fn current(&self) -> GatewayState {
        let settled = self
            .settled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(state) = settled {
            return state;
        }
        let Some(shards) = &self.shards else {
            return GatewayState::Connecting(None);
        };
        // One shard (the bot never shards); while serenity restarts it, it has none.
        let stage = shards.runners.lock().await.values().next().map(|r| r.stage);
        match stage {
            Some(ConnectionStage::Connected) => GatewayState::Connected,
            other => GatewayState::Connecting(other),
        }
    }
}

/// What a fatal gateway error means for the operator, or `None` when it is not one Discord
/// sends for good.
pub fn refusal(error: &serenity::Error) -> Option<String> {
    let serenity::Error::Gateway(e) = error else {
        return None;
    };
    Some(match e {
        GatewayError::InvalidAuthentication => "close code 4004, authentication failed: the bot \
             token is wrong or was reset (Developer Portal > Bot > Reset Token, then set \
             DISCORD_TOKEN)"
            .to_owned(),
        GatewayError::DisallowedGatewayIntents => "close code 4014, disallowed intents: the bot \
             asked for a privileged intent the application may not use (Developer Portal > Bot \
             > Privileged Gateway Intents)"
            .to_owned(),
        GatewayError::InvalidGatewayIntents => {
            "close code 4013, invalid intents: the bot sent an intents value Discord does not \
             know"
                .to_owned()
        }
        _ => return None,
    })
}
