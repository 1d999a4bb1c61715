//! Canary analysis: a [`Judge`] compares what the canary and the baseline
//! served during one analysis interval and returns a [`Verdict`].
//!
//! Two judges are built in:
//!
//! - [`ThresholdJudge`]: Flagger's built-in checks, request success rate and
//!   p99 request duration of the canary against fixed limits.
//! - [`MannWhitneyJudge`]: Kayenta's `NetflixACAJudge` with its Mann–Whitney
//!   classifier, comparing the canary's distribution to the baseline's.
//!
//! A rollout controller owns a `Box<dyn Judge>` (built from
//! [`JudgeConfig`](super::JudgeConfig)), calls [`Judge::judge`] once per
//! interval, and applies its own policy to the outcome (Flagger counts each
//! [`Outcome::Fail`] as a failed check; a Kayenta pipeline stops on `Fail`
//! and may hold on `Marginal`).
//!
//! **Extension point.** A later judge, e.g. one that scores the canary's
//! metric windows with the anomaly detector, is another implementation of
//! the trait (`judge/anomaly.rs`), takes its trained detector at
//! construction, and is added as a [`JudgeConfig`](super::JudgeConfig)
//! variant; controllers need no change.

use std::fmt;

use serde::{Deserialize, Serialize};

mod mann_whitney;
mod rank_test;
mod threshold;

pub use mann_whitney::{MannWhitneyJudge, MannWhitneyJudgeConfig};
pub use rank_test::{
    MannWhitney, PValueMethod, ShiftEstimate, hodges_lehmann, mann_whitney_u, mann_whitney_u_binary,
};
pub use threshold::{ThresholdJudge, ThresholdJudgeConfig};

/// What one version (canary or baseline) served during an analysis interval.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Observations<'a> {
    /// Latency of each request that completed in the interval, in seconds
    /// (failed requests included when they took time), in any order.
    pub latencies_s: &'a [f64],
    /// Requests answered in the interval, successful or not.
    pub requests: u64,
    /// Of those, the failed ones (5xx, timeouts).
    pub failed: u64,
}

impl<'a> Observations<'a> {
    /// Observations from latencies and counts.
    pub fn new(latencies_s: &'a [f64], requests: u64, failed: u64) -> Self {
        Observations {
            latencies_s,
            requests,
            failed,
        }
    }

    /// Percent of requests that succeeded; `None` without requests.
    pub fn success_rate_percent(&self) -> Option<f64> {
        (self.requests > 0).then(|| {
            let ok = self.requests.saturating_sub(self.failed);
            100.0 * ok as f64 / self.requests as f64
        })
    }
}

/// The verdict's class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The canary looks as good as required.
    Pass,
    /// Neither clearly good nor clearly bad (Kayenta's marginal band).
    Marginal,
    /// The canary is worse than allowed, or there was nothing to judge.
    Fail,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Pass => "pass",
            Outcome::Marginal => "marginal",
            Outcome::Fail => "fail",
        })
    }
}

/// A judge's decision about one interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// 0–100: the share (weighted, for Kayenta) of checks the canary passed.
    pub score: f64,
    /// The class of the score.
    pub outcome: Outcome,
    /// One line per check, in the judge's order (for the report and the log).
    pub reasons: Vec<String>,
}

impl Verdict {
    /// Whether the outcome is [`Outcome::Pass`].
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Pass
    }
}

/// Compares canary and baseline over one analysis interval.
///
/// Implementations must be deterministic: the same observations give the
/// same verdict (a judge that needs randomness takes a seeded generator at
/// construction). `&mut self` lets a judge keep history between intervals.
pub trait Judge: fmt::Debug + Send {
    /// A short name for reports, e.g. `"threshold"`.
    fn name(&self) -> &'static str;

    /// The verdict on `canary` (and, for comparative judges, `baseline`).
    fn judge(&mut self, baseline: &Observations<'_>, canary: &Observations<'_>) -> Verdict;
}
