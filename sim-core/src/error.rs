//! Errors of the engine: every one says what was wrong and what was expected.

use crate::time::SimTime;

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `sim-core`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An event was scheduled before the current time; the engine never reorders the past.
    #[error("cannot schedule an event at {at} because the simulation is already at {now}")]
    ScheduleInPast {
        /// When the event was asked for.
        at: SimTime,
        /// The simulation's current time.
        now: SimTime,
    },
    /// A human duration string could not be read.
    #[error(transparent)]
    Duration(#[from] DurationParseError),
    /// A distribution or statistic got a parameter outside its domain.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// The parameter's name, e.g. `rate`.
        name: &'static str,
        /// The offending value, as text.
        value: String,
        /// What the parameter must satisfy.
        reason: &'static str,
    },
    /// Writing results (CSV, JSON, event log) failed.
    #[error("could not write {what}: {reason}")]
    Output {
        /// What was being written.
        what: &'static str,
        /// The underlying I/O or encoding error.
        reason: String,
    },
}

impl Error {
    /// Shorthand for [`Error::InvalidParameter`].
    pub fn invalid(name: &'static str, value: impl ToString, reason: &'static str) -> Self {
        Error::InvalidParameter {
            name,
            value: value.to_string(),
            reason,
        }
    }
}

/// A duration string that is not of the form `250ms`, `15s` or `1h30m`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid duration {input:?}: {reason}; expected forms like \"250ms\", \"15s\" or \"1h30m\""
)]
pub struct DurationParseError {
    /// The text that was given.
    pub input: String,
    /// What was wrong with it.
    pub reason: String,
}
