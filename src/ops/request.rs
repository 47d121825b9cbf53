//! What a chat user asks for, before and after the engine has looked at it.

use std::{fmt, time::Instant};

use serde::{Deserialize, Serialize};

use super::{
    command::ScaleCommand,
    followup::{FollowUp, FollowUpError, RevertInput},
    surface::{Actor, Origin},
};
use crate::{
    cloud::CloudError,
    i18n::{self, Locale},
    scaling::{
        schedule::ScheduleInput, CdcInput, Current, IdleInput, Plan, ReplicaInput, RuleError,
        Target,
    },
    t,
};

/// The scaling commands. Their names (`Display`, [`CommandKind::name`], `FromStr`) are the
/// slash-command names: the variant names in kebab case.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumString,
)]
#[strum(serialize_all = "kebab-case")]
pub enum CommandKind {
    CdcScale,
    Replicas,
    Idle,
    /// `/scaling-schedule action:set|remove|clear`.
    ScalingSchedule,
}

impl CommandKind {
    pub const ALL: [CommandKind; 4] = [
        Self::CdcScale,
        Self::Replicas,
        Self::Idle,
        Self::ScalingSchedule,
    ];

    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Which API resource the command reads and changes (what a poll stream reads).
    /// Supersession is decided by the settings a change sets, not by the resource.
    pub fn resource(self) -> Resource {
        match self {
            Self::CdcScale => Resource::Cdc,
            // The service (and the service list) reports its `scalingSchedule`.
            Self::Replicas | Self::Idle | Self::ScalingSchedule => Resource::Service,
        }
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

/// Raw, unvalidated input as the user typed it, one variant per scaling command. Each
/// input type implements [`ScaleCommand`] in its command's module (`commands/`); this is the
/// only place that maps a request to its command.
#[derive(Debug, Clone, PartialEq)]
pub enum ScaleRequest {
    Cdc(CdcInput),
    Replicas(ReplicaInput),
    Idle(IdleInput),
    Schedule(ScheduleInput),
}

impl ScaleRequest {
    /// `/cdc-scale cores:` as typed.
    pub fn cdc(cores: i64) -> Self {
        Self::Cdc(CdcInput { cores })
    }

    /// The command this request is input to.
    pub fn command(&self) -> &dyn ScaleCommand {
        match self {
            Self::Cdc(input) => input,
            Self::Replicas(input) => input,
            Self::Idle(input) => input,
            Self::Schedule(input) => input,
        }
    }

    pub fn kind(&self) -> CommandKind {
        self.command().kind()
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

    /// A ClickPipes change planned against the service because the service was idle (its
    /// ClickPipes settings answer only while it runs): it wakes the service first.
    pub fn needs_wake(&self) -> bool {
        self.kind.resource() == Resource::Cdc && matches!(self.current, Current::Service(_))
    }
}

/// Why a request (or a click) was refused before anything was sent to the API.
///
/// `Display` is the English text, for logs; [`Rejection::user_message`] speaks the user's
/// language.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    #[error("{0}")]
    Invalid(#[from] RuleError),
    /// The policy does not let this actor run `command` on `service` in this channel.
    #[error("{}", self.user_message(Locale::EnUs))]
    Denied {
        command: CommandKind,
        /// The service's name as people know it.
        service: String,
    },
    /// Nothing matches what was typed; `aliases` are the configured ones, `closest` the
    /// known names nearest to what was typed, `listed` every known name when there are few;
    /// `skipped` counts services in the organization's list the bot could not understand
    /// (the one looked for may be among them).
    #[error("{}", self.user_message(Locale::EnUs))]
    UnknownService {
        typed: String,
        aliases: Vec<String>,
        closest: Vec<String>,
        listed: Vec<String>,
        skipped: usize,
    },
    /// A click from someone who is neither the requester nor a confirmer.
    #[error("{}", self.user_message(Locale::EnUs))]
    NotDecider,
    #[error("{}", .0.user_message())]
    Api(#[from] CloudError),
    #[error("{0}")]
    FollowUp(FollowUpError),
    #[error("The bot could not record this request (its database is unavailable), so nothing was sent. Try again in a minute.")]
    Unavailable,
    /// The same change is in flight already (on any instance): the request joins it and
    /// nothing is sent again.
    #[error("{}", self.user_message(Locale::EnUs))]
    AlreadyInFlight { id: OperationId, actor: String },
}

/// A service name from the API as inline code: no backticks, line breaks or mentions can
/// come out of it.
fn quoted_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '`' && *c != '@')
        .take(64)
        .collect();
    format!("`{clean}`")
}

impl Rejection {
    /// The explanation shown to the person who asked, in their language.
    pub fn user_message(&self, loc: Locale) -> String {
        match self {
            Self::Invalid(e) => e.user_message(loc),
            Self::Denied { command, service } => t!(
                loc,
                "denied",
                command = command.name(),
                service = service.as_str()
            ),
            Self::UnknownService {
                typed,
                aliases,
                closest,
                listed,
                skipped,
            } => {
                let mut out = if aliases.is_empty() {
                    t!(loc, "unknown-service", typed = typed.as_str())
                } else {
                    t!(
                        loc,
                        "unknown-service-aliases",
                        typed = typed.as_str(),
                        aliases = i18n::join(loc, aliases)
                    )
                };
                let quoted = |names: &[String]| -> String {
                    let names: Vec<String> = names.iter().map(|n| quoted_name(n)).collect();
                    i18n::join(loc, &names)
                };
                if !closest.is_empty() {
                    out.push(' ');
                    out.push_str(&t!(loc, "unknown-service-closest", names = quoted(closest)));
                }
                if !listed.is_empty() {
                    out.push(' ');
                    out.push_str(&t!(loc, "unknown-service-listed", names = quoted(listed)));
                }
                if *skipped > 0 {
                    out.push(' ');
                    out.push_str(&t!(loc, "listing-skipped-services", n = *skipped));
                }
                out
            }
            Self::NotDecider => t!(loc, "not-decider"),
            Self::Api(e) => e.user_message_in(loc),
            Self::FollowUp(e) => e.user_message(loc),
            Self::Unavailable => t!(loc, "store-unavailable"),
            Self::AlreadyInFlight { id, actor } => t!(
                loc,
                "already-in-flight",
                id = id.to_string(),
                actor = actor.as_str()
            ),
        }
    }
}
