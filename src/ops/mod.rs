//! The operation engine, free of chat and HTTP types.
//!
//! submit -> (confirm) -> apply -> watch -> settle. [`Engine::prepare`] checks policy and
//! input, reads the current configuration and builds the plan before anything is sent;
//! [`Engine::launch`] runs the rest in the background and reports through a [`ChatSurface`].
mod command;
mod delivery;
pub mod digest;
pub mod engine;
pub mod episodes;
pub mod followup;
pub mod notices;
mod operation;
pub mod reminders;
pub mod request;
pub mod surface;
pub mod text;
pub mod watch;

pub use command::ScaleCommand;
pub use engine::{Engine, EngineSettings, InFlight, OperationHandle, Outcome, OutcomeKind, Phase};
pub use followup::{FollowUp, FollowUpError, RevertInput};
pub use reminders::Answer;
pub use request::{
    CommandKind, OperationId, Prepared, Rejection, Resource, ScaleRequest, ServiceRef, Submission,
};
pub use surface::{
    Actor, Ask, ButtonStyle, ChatSurface, ClickGuard, Decision, MessageRef, NoticeButton, Origin,
    ReminderPost, ThreadRef, Undeliverable,
};
pub use watch::{PollSettings, Window, WindowSource};
