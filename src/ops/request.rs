//! What a chat user asks for, before and after the engine has looked at it.

use std::{fmt, time::Instant};

use serde::{Deserialize, Serialize};

use super::{
    followup::{FollowUp, FollowUpError, RevertInput},
    surface::{Actor, Origin},
};
use crate::{
    cloud::CloudError,
    scaling::{Current, IdleInput, Plan, ReplicaInput, RuleError, Target},
};

/// The scaling commands. Their names are the slash-command names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CommandKind {
    CdcScale,
    Replicas,
    Idle,
}

impl CommandKind {
    pub const ALL: [CommandKind; 3] = [Self::CdcScale, Self::Replicas, Self::Idle];

    pub fn name(self) -> &'static str {
        match self {
            Self::CdcScale => "cdc-scale",
            Self::Replicas => "replicas",
            Self::Idle => "idle",
        }
    }

    /// Which API resource the command changes; operations on one resource supersede each other.
    pub fn resource(self) -> Resource {
        match self {
            Self::CdcScale => Resource::Cdc,
            Self::Replicas | Self::Idle => Resource::Service,
        }
    }
}

impl fmt::Display for CommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The API resource a poll stream reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Resource {
    /// `GET …/clickpipesCdcScaling`
    Cdc,
    /// `GET …/services/{id}`
    Service,
}

/// Raw, unvalidated input as the user typed it.
#[derive(Debug, Clone, PartialEq)]
pub enum ScaleRequest {
    Cdc { cores: i64 },
    Replicas(ReplicaInput),
    Idle(IdleInput),
}

impl ScaleRequest {
    pub fn kind(&self) -> CommandKind {
        match self {
            Self::Cdc { .. } => CommandKind::CdcScale,
            Self::Replicas(_) => CommandKind::Replicas,
            Self::Idle(_) => CommandKind::Idle,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Submission {
    /// Alias, service name or id, as typed.
    pub service: String,
    pub request: ScaleRequest,
    pub actor: Actor,
    pub origin: Origin,
    /// `revert:` / `for:` / `reason:`, for the commands that take them.
    pub revert: RevertInput,
}

/// A service as the engine knows it: its id, the name people use, and config flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRef {
    pub id: String,
    pub name: String,
    pub customer_facing: bool,
}

/// Operation number, unique within the process (and, with a store, across restarts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OperationId(pub u64);

impl fmt::Display for OperationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A validated, planned request, ready to launch.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: CommandKind,
    pub service: ServiceRef,
    pub current: Current,
    pub target: Target,
    pub plan: Plan,
    pub actor: Actor,
    pub origin: Origin,
    /// An operation on the same resource still in flight: this one will supersede it, so the
    /// request is sent even when the API still shows the target as current.
    pub supersedes: Option<OperationId>,
    /// What to do once the change is confirmed.
    pub followup: FollowUp,
    /// Agreed already (a reminder's Scale down / Revert now click): no confirmation step.
    pub confirmed_by: Option<Actor>,
    pub prepared_at: Instant,
}

impl Prepared {
    pub fn is_noop(&self) -> bool {
        self.plan.is_noop() && self.supersedes.is_none()
    }
}

/// Why a request was refused before anything was sent to the API.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    #[error("{0}")]
    Invalid(#[from] RuleError),
    #[error("{0}")]
    Denied(String),
    #[error("{0}")]
    UnknownService(String),
    #[error("{}", .0.user_message())]
    Api(#[from] CloudError),
    #[error("{0}")]
    FollowUp(FollowUpError),
    #[error("The bot could not record this request (its database is unavailable), so nothing was sent. Try again in a minute.")]
    Unavailable,
}
