//! One build's record: where its commit came from, when it queued, ran and
//! finished, and how it ended.

use serde::Serialize;
use sim_core::{SimDuration, SimTime};

/// Where a build's status stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BuildStatus {
    /// Waiting for a free runner.
    Queued,
    /// Compiling on a runner.
    Building,
    /// Running its unit tests on a runner.
    Testing,
    /// Tests passed; an artifact was published if `deploy_on_green`.
    Green,
    /// Tests failed; the build stopped without an artifact.
    Red,
    /// The queue was full when the commit landed; never built.
    Rejected,
}

impl BuildStatus {
    /// Whether the build has ended (green, red or rejected).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            BuildStatus::Green | BuildStatus::Red | BuildStatus::Rejected
        )
    }

    /// The metric label: `queued`, `building`, `testing`, `green`, `red`, `rejected`.
    pub fn as_str(self) -> &'static str {
        match self {
            BuildStatus::Queued => "queued",
            BuildStatus::Building => "building",
            BuildStatus::Testing => "testing",
            BuildStatus::Green => "green",
            BuildStatus::Red => "red",
            BuildStatus::Rejected => "rejected",
        }
    }
}

/// Who made a build's commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitOrigin {
    /// The configured Poisson or scheduled commit source.
    Source,
    /// A developer of the development loop.
    Developer(u32),
    /// The driver, through [`Pipeline::commit`](super::Pipeline::commit).
    External,
}

/// One build (one per commit), for the run report.
///
/// Its compile time, test time and verdict are drawn when the commit lands,
/// so two configurations run on one seed build the same commits (common
/// random numbers); `build_time` and `test_time` are those draws.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuildRecord {
    /// The build number, from 0 in commit order.
    pub build: u64,
    /// The commit number, from 0.
    pub commit: u64,
    /// Who committed.
    pub origin: CommitOrigin,
    /// When the commit landed and the build was queued.
    pub committed_at: SimTime,
    /// When a runner took it.
    pub started_at: Option<SimTime>,
    /// When its unit tests started.
    pub tests_started_at: Option<SimTime>,
    /// When it turned green or red (or was rejected).
    pub finished_at: Option<SimTime>,
    /// Where it stands.
    pub status: BuildStatus,
    /// Its compile time.
    pub build_time: SimDuration,
    /// Its unit-test time.
    pub test_time: SimDuration,
    /// The drawn verdict, revealed when the tests end.
    #[serde(skip)]
    pub(super) tests_pass: bool,
}

impl BuildRecord {
    /// Time spent waiting for a runner, once it has one.
    pub fn queue_wait(&self) -> Option<SimDuration> {
        Some(self.started_at? - self.committed_at)
    }

    /// Time on the runner (build + tests), once finished.
    pub fn run_time(&self) -> Option<SimDuration> {
        Some(self.finished_at? - self.started_at?)
    }

    /// Lead time from commit to published artifact: set for green builds only.
    pub fn lead_time(&self) -> Option<SimDuration> {
        (self.status == BuildStatus::Green).then_some(self.finished_at? - self.committed_at)
    }
}
