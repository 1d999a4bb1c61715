//! Deployments in the report: the timeline and outcome of each, its blast
//! radius (requests the new version served, and those it failed) and the
//! downtime it caused (requests that failed during it for reasons other
//! than a release's own error rate: refused by a pod not yet up, lost with a
//! killed pod, rejected, timed out).

use serde::Serialize;

use crate::world::{Deployment, Outcome, World};

/// One deployment and what it cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeploymentReport {
    /// The record: strategy, versions, timeline, outcome, rollback.
    #[serde(flatten)]
    pub deployment: Deployment,
    /// What the new version touched.
    pub blast_radius: BlastRadius,
    /// Requests that failed during the deployment for reasons other than a
    /// release's own errors (counted to its end, or to the end of the run).
    pub downtime_failed_requests: u64,
}

/// Requests the new version served, from the start of the deployment until
/// it was gone (a rollback) or the end of the run (it stayed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BlastRadius {
    /// Requests it answered, failed or timed out.
    pub requests: u64,
    /// Of those, the ones that failed or timed out.
    pub failed: u64,
}

impl DeploymentReport {
    /// The report of `d` as of the world's counters now.
    pub fn new(d: &Deployment, world: &World) -> Self {
        let (start, end) = d.counters(world);
        let served = |s: [u64; 4]| s.iter().sum::<u64>() - s[Outcome::Rejected as usize];
        let failed = |s: [u64; 4]| s[Outcome::Failed as usize] + s[Outcome::TimedOut as usize];
        let infra = |s: &crate::world::CounterSnapshot| s.unsuccessful - s.release_errors;
        DeploymentReport {
            deployment: d.clone(),
            blast_radius: BlastRadius {
                requests: served(end.new_version) - served(start.new_version),
                failed: failed(end.new_version) - failed(start.new_version),
            },
            downtime_failed_requests: infra(&end) - infra(&start),
        }
    }
}
