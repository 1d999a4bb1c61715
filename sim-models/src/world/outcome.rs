//! How requests end, and the totals kept for the conservation check.

/// How a request ended, from its client's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Answered without error.
    Succeeded,
    /// Answered with a server error, or the instance was not up / crashed.
    Failed,
    /// Not answered within the timeout.
    TimedOut,
    /// Refused at once: no routable instance, or its queue was full.
    Rejected,
}

impl Outcome {
    /// All outcomes, in report order.
    pub const ALL: [Outcome; 4] = [
        Outcome::Succeeded,
        Outcome::Failed,
        Outcome::TimedOut,
        Outcome::Rejected,
    ];

    /// The label value used in metrics and reports.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timed_out",
            Outcome::Rejected => "rejected",
        }
    }
}

/// Client-side totals, kept beside the metrics for the conservation check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    /// Requests that arrived.
    pub arrivals: u64,
    /// Answered without error.
    pub succeeded: u64,
    /// Answered with an error.
    pub failed: u64,
    /// Not answered in time.
    pub timed_out: u64,
    /// Refused at once.
    pub rejected: u64,
}
