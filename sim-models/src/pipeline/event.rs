//! What passes between the pipeline and whoever drives it: the pipeline's
//! own events, the [`Step`] each one produces, and the [`Artifact`] a green
//! build publishes.

use serde::Serialize;
use sim_core::SimTime;

/// The pipeline's events. The driver schedules what [`Step::schedule`] lists
/// and hands each event back to [`Pipeline::handle`](super::Pipeline::handle)
/// at its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PipelineEvent {
    /// The commit source's next commit lands (Poisson arrival or scheduled instant).
    Commit,
    /// A build's compile step ends; its unit tests start.
    BuildDone {
        /// The build.
        build: u64,
    },
    /// A build's unit tests end: the build turns green or red and frees its runner.
    TestsDone {
        /// The build.
        build: u64,
    },
    /// A developer saves an edit; the incremental rebuild starts.
    Edit {
        /// The developer.
        developer: u32,
    },
    /// A developer's incremental rebuild ends; the change is being applied.
    RebuildDone {
        /// The developer.
        developer: u32,
    },
    /// The change is live (hot-reloaded or restarted); local unit tests start.
    Reloaded {
        /// The developer.
        developer: u32,
    },
    /// A developer's local unit tests end: one edit cycle is complete.
    LocalTestsDone {
        /// The developer.
        developer: u32,
    },
}

/// A green build's output, ready to deploy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Artifact {
    /// The build that produced it.
    pub build: u64,
    /// The commit it was built from.
    pub commit: u64,
    /// When it was published: the end of the build's unit tests.
    pub published_at: SimTime,
}

/// What one call to the pipeline produced: events for the driver to
/// schedule, and an artifact when a green build was published (with
/// `deploy_on_green`) — the cue to start a deployment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use = "the events must be scheduled or the pipeline stalls"]
pub struct Step {
    /// Events to schedule, each at its time (never before the call's `now`).
    pub schedule: Vec<(SimTime, PipelineEvent)>,
    /// The artifact published by this event, if any.
    pub published: Option<Artifact>,
}
