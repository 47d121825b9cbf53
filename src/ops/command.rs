//! The one seam between the engine and the scaling commands. Each command implements
//! [`ScaleCommand`] for its input type in its own module under `commands/` (with its Discord
//! options and texts beside it); the engine calls these methods and matches on no command.

use std::fmt;

use super::request::CommandKind;
use crate::scaling::{Current, Limits, RuleError, Target};

/// What the engine needs from a scaling command's input.
pub trait ScaleCommand: fmt::Debug + Send + Sync {
    fn kind(&self) -> CommandKind;

    /// Every check that needs neither the API nor the store, run before the first call so
    /// that bad input costs nothing. Returns the target when the input alone decides it.
    fn precheck(&self, limits: &Limits) -> Result<Option<Target>, RuleError>;

    /// The target once the current configuration (of [`CommandKind::resource`]) is known;
    /// called only when [`ScaleCommand::precheck`] returned none.
    fn target(&self, current: &Current, limits: &Limits) -> Result<Target, RuleError>;
}
