//! [`PipelineSummary`]: the pipeline's numbers for the run report.

use serde::Serialize;
use sim_core::SimTime;

use super::build::BuildStatus;
use super::dev_loop::DevLoopStats;
use super::machine::Pipeline;

/// Counts, lead time, queue wait and runner utilisation at one instant.
///
/// Times are in seconds; a mean or quantile over no builds is `None` (JSON
/// `null`), never NaN.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PipelineSummary {
    /// Commits so far (one build each).
    pub commits: u64,
    /// Builds that passed their tests.
    pub green: u64,
    /// Builds whose tests failed.
    pub red: u64,
    /// Commits refused because the queue was full.
    pub rejected: u64,
    /// Builds waiting for a runner.
    pub queued: u64,
    /// Builds on a runner (compiling or testing).
    pub running: u64,
    /// Artifacts published (green builds with `deploy_on_green`).
    pub artifacts: u64,
    /// Mean lead time, commit → green (artifact published).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_time_mean_s: Option<f64>,
    /// 95th percentile of the lead time (nearest rank).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_time_p95_s: Option<f64>,
    /// Mean wait for a runner, over builds that got one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_wait_mean_s: Option<f64>,
    /// Mean runner time (build + tests) of finished builds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_time_mean_s: Option<f64>,
    /// Runner time worked ÷ (runners × time since start); `None` at the start instant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_utilisation: Option<f64>,
    /// The development loop's measurements, in that mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev_loop: Option<DevLoopStats>,
}

impl PipelineSummary {
    /// The summary of `pipeline` at `now`.
    pub fn of(pipeline: &Pipeline, now: SimTime) -> Self {
        let builds = pipeline.builds();
        let count = |s: BuildStatus| builds.iter().filter(|b| b.status == s).count() as u64;
        let green = count(BuildStatus::Green);
        let mut lead: Vec<f64> = builds
            .iter()
            .filter_map(|b| b.lead_time())
            .map(|d| d.as_secs_f64())
            .collect();
        lead.sort_by(f64::total_cmp);
        let waits = builds
            .iter()
            .filter_map(|b| b.queue_wait())
            .map(|d| d.as_secs_f64());
        let runs = builds
            .iter()
            .filter_map(|b| b.run_time())
            .map(|d| d.as_secs_f64());
        let capacity = pipeline
            .started_at()
            .map(|t| (now - t).as_secs_f64() * f64::from(pipeline.config().runners))
            .filter(|&c| c > 0.0);
        PipelineSummary {
            commits: pipeline.commits(),
            green,
            red: count(BuildStatus::Red),
            rejected: count(BuildStatus::Rejected),
            queued: count(BuildStatus::Queued),
            running: count(BuildStatus::Building) + count(BuildStatus::Testing),
            artifacts: if pipeline.config().deploy_on_green {
                green
            } else {
                0
            },
            lead_time_mean_s: mean(lead.iter().copied()),
            lead_time_p95_s: nearest_rank(&lead, 0.95),
            queue_wait_mean_s: mean(waits),
            run_time_mean_s: mean(runs),
            runner_utilisation: capacity.map(|c| pipeline.busy_runner_seconds(now) / c),
            dev_loop: pipeline.dev_loop_stats().copied(),
        }
    }
}

fn mean(xs: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, sum) = xs.fold((0u64, 0.0), |(n, s), x| (n + 1, s + x));
    (n > 0).then(|| sum / n as f64)
}

/// The nearest-rank `q`-quantile of sorted `xs`: the smallest value with at
/// least `q` of the observations at or below it.
fn nearest_rank(xs: &[f64], q: f64) -> Option<f64> {
    let rank = (q * xs.len() as f64).ceil() as usize;
    xs.get(rank.max(1) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let xs: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(nearest_rank(&xs, 0.95), Some(19.0));
        assert_eq!(nearest_rank(&xs, 0.5), Some(10.0));
        assert_eq!(nearest_rank(&[7.0], 0.95), Some(7.0));
        assert_eq!(nearest_rank(&[], 0.95), None);
        assert_eq!(mean([1.0, 2.0, 6.0].into_iter()), Some(3.0));
        assert_eq!(mean(std::iter::empty()), None);
    }
}
