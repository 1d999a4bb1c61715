//! The record of one deployment, for the report: its timeline, how it
//! ended, and counter snapshots from which the blast radius and downtime
//! are computed.

use serde::Serialize;
use sim_core::SimTime;

use super::World;
use crate::world::Outcome;

/// How a deployment ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentOutcome {
    /// Still rolling (or draining) when the run ended.
    InProgress,
    /// The new version replaced the old one (rolling update, recreate).
    Completed,
    /// The canary passed every step and replaced the primary.
    Promoted,
    /// Undone: the old version serves again.
    RolledBack,
}

/// One entry of a deployment's timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// When.
    pub at: SimTime,
    /// What happened, e.g. `"canary weight 50 %"`.
    pub event: String,
}

/// Why and when a deployment was undone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rollback {
    /// When the controller decided.
    pub at: SimTime,
    /// Why (progress deadline, failing health checks, an alert, the canary analysis).
    pub reason: String,
}

/// Counters of a region at one moment, for differences over a deployment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    /// Outcomes of requests served by the new version (in `Outcome::ALL` order).
    pub new_version: [u64; 4],
    /// Requests of any version that did not succeed.
    pub unsuccessful: u64,
    /// Of those, failures drawn from a release's own error rate.
    pub release_errors: u64,
}

/// One release reaching one region.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deployment {
    /// Fleet region.
    pub region: String,
    /// `rolling`, `recreate` or `canary`.
    pub strategy: &'static str,
    /// The version it replaced.
    pub from: String,
    /// The version it shipped.
    pub to: String,
    /// When it started.
    pub started: SimTime,
    /// When it ended (the last pod of the losing version gone, for a rollback).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished: Option<SimTime>,
    /// How it ended.
    pub outcome: DeploymentOutcome,
    /// What happened, in order.
    pub timeline: Vec<TimelineEntry>,
    /// Set if it was undone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback: Option<Rollback>,
    #[serde(skip)]
    pub(crate) from_index: usize,
    #[serde(skip)]
    pub(crate) to_index: usize,
    #[serde(skip)]
    pub(crate) region_index: usize,
    #[serde(skip)]
    pub(crate) at_start: CounterSnapshot,
    /// Taken when a rolled-back version is gone; a version that stays counts to the end.
    #[serde(skip)]
    pub(crate) at_end: Option<CounterSnapshot>,
}

impl Deployment {
    /// The counters at the start and at the end (or `now`).
    pub fn counters(&self, world: &World) -> (CounterSnapshot, CounterSnapshot) {
        let end = self
            .at_end
            .unwrap_or_else(|| world.snapshot(self.region_index, self.to_index));
        (self.at_start, end)
    }
}

impl World {
    /// The counters of `region` now, with `version` as the new one.
    pub(crate) fn snapshot(&self, region: usize, version: usize) -> CounterSnapshot {
        let mut s = CounterSnapshot {
            release_errors: self.release_errors[region],
            ..CounterSnapshot::default()
        };
        for (r, v, counts) in self.outcome_counts() {
            if r != region {
                continue;
            }
            if v == Some(version) {
                s.new_version = counts;
            }
            s.unsuccessful += counts.iter().sum::<u64>() - counts[Outcome::Succeeded as usize];
        }
        s
    }

    /// Every deployment so far, in start order.
    pub fn deployments(&self) -> &[Deployment] {
        &self.deployments
    }
}
