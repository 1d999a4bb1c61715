//! [`PipelineMetrics`]: the pipeline's series in a [`Recorder`], for the
//! monitoring scrape and alert rules.
//!
//! The pipeline itself never touches a recorder. The driver registers the
//! series once and calls [`PipelineMetrics::export`] before each
//! [`Recorder::sample`]; the export adds what changed since the last call to
//! the counters and sets the gauges:
//!
//! | series | kind | value |
//! |---|---|---|
//! | `commits_total` | counter | commits landed |
//! | `builds_total{outcome="green"\|"red"\|"rejected"}` | counter | builds ended |
//! | `build_duration_seconds` | gauge | runner time of the last finished build (0 before the first) |
//! | `build_queue_length` | gauge | builds waiting for a runner |
//! | `build_runners_busy` | gauge | runners working |

use sim_core::record::{CounterId, GaugeId, Recorder};

use super::build::BuildStatus;
use super::machine::Pipeline;

/// The ids of the pipeline's series and what was exported so far.
#[derive(Clone, Debug)]
pub struct PipelineMetrics {
    commits: CounterId,
    green: CounterId,
    red: CounterId,
    rejected: CounterId,
    last_build: GaugeId,
    queue: GaugeId,
    busy: GaugeId,
    /// Commits already counted.
    commits_exported: u64,
    /// Entries of [`Pipeline::ended`] already counted.
    ended_exported: usize,
}

impl PipelineMetrics {
    /// Registers the series, each with `labels` (e.g. `[("pipeline", "app")]`)
    /// added to its own.
    pub fn register(recorder: &mut Recorder, labels: &[(&str, &str)]) -> Self {
        let outcome = |recorder: &mut Recorder, status: BuildStatus| {
            let mut with = labels.to_vec();
            with.push(("outcome", status.as_str()));
            recorder.counter("builds_total", &with)
        };
        PipelineMetrics {
            commits: recorder.counter("commits_total", labels),
            green: outcome(recorder, BuildStatus::Green),
            red: outcome(recorder, BuildStatus::Red),
            rejected: outcome(recorder, BuildStatus::Rejected),
            last_build: recorder.gauge("build_duration_seconds", labels),
            queue: recorder.gauge("build_queue_length", labels),
            busy: recorder.gauge("build_runners_busy", labels),
            commits_exported: 0,
            ended_exported: 0,
        }
    }

    /// Brings the series up to date with `pipeline` (the one these metrics
    /// were always exported from).
    pub fn export(&mut self, pipeline: &Pipeline, recorder: &mut Recorder) {
        let commits = pipeline.commits();
        recorder.add(self.commits, (commits - self.commits_exported) as f64);
        self.commits_exported = commits;
        let ended = pipeline.ended();
        for &build in &ended[self.ended_exported..] {
            let id = match pipeline.builds()[build as usize].status {
                BuildStatus::Green => self.green,
                BuildStatus::Red => self.red,
                BuildStatus::Rejected => self.rejected,
                other => unreachable!("an ended build is {other:?}"),
            };
            recorder.inc(id);
        }
        self.ended_exported = ended.len();
        if let Some(seconds) = pipeline.last_build_seconds() {
            recorder.set(self.last_build, seconds);
        }
        recorder.set(self.queue, pipeline.queue_len() as f64);
        recorder.set(self.busy, f64::from(pipeline.busy_runners()));
    }
}
