//! CI builds: commits → build queue → runners → build → unit tests →
//! artifact, plus the developer's inner loop that produces the commits.
//!
//! The [`Pipeline`] is a state machine with its own events
//! ([`PipelineEvent`]), driven from outside: [`Pipeline::start`] returns the
//! first events, and each call to [`Pipeline::handle`] returns a [`Step`] —
//! the events to schedule next and, when a green build publishes one, an
//! [`Artifact`] that can start a deployment. The pipeline owns its random
//! streams, so it draws the same numbers whichever model embeds it.
//!
//! # Rules
//!
//! 1. **Commits** come from one source ([`CommitsConfig`]): a Poisson process
//!    (`commits_per_hour`), a fixed schedule of instants, or the
//!    development loop (rule 6). [`Pipeline::commit`] adds commits from
//!    outside. Each commit makes one build.
//! 2. **Queue**: a build takes an idle runner at once, else waits in one FIFO
//!    queue; with `queue_limit`, a commit finding that many builds waiting is
//!    rejected (never built).
//! 3. **Build**: compile for a `build` draw, then run unit tests for a
//!    `unit_tests` draw, on the same runner.
//! 4. **Verdict**: the tests fail with `test_failure_probability`; a red
//!    build stops there, publishing nothing. A green one publishes an artifact
//!    when `deploy_on_green`. Either way the runner takes the next queued build.
//! 5. **Draws**: a commit's build time, test time and verdict are drawn when
//!    it lands, each from its own stream, so comparing runner counts or queue
//!    limits on one seed builds the same commits (common random numbers).
//! 6. **Development loop** ([`DevLoopConfig`]): each developer waits an edit
//!    interval, saves, rebuilds incrementally, applies the change by hot
//!    reload (or a restart), runs local unit tests, sees the result, and
//!    begins again; every `edits_per_commit`-th cycle ends with a commit to CI.
//!
//! With Poisson commits, `c` runners, exponential build times and no test
//! time, rules 1–3 are an M/M/c queue; `tests/pipeline_matches_theory.rs`
//! checks the queue wait against Erlang C.
//!
//! # Outputs
//!
//! [`Pipeline::builds`] keeps one [`BuildRecord`] per build (memory grows with
//! commits, which a run counts in hundreds, not millions);
//! [`Pipeline::summary`] gives the report's [`PipelineSummary`];
//! [`PipelineMetrics`] exports counters and gauges (`builds_total{outcome}`,
//! `build_duration_seconds`, …) into a [`Recorder`](sim_core::record::Recorder)
//! before each scrape; [`Pipeline::last_build_seconds`] reads the build time directly.
//!
//! # Example: embedding the pipeline in a model
//!
//! ```
//! use sim_core::{Context, Dist, Model, SimDuration, SimTime, Simulation};
//! use sim_models::pipeline::{CommitsConfig, Pipeline, PipelineConfig, PipelineEvent};
//!
//! /// A model that only runs the pipeline and counts deployable artifacts.
//! struct Ci { pipeline: Pipeline, artifacts: u64 }
//!
//! impl Model for Ci {
//!     type Event = PipelineEvent;
//!     fn init(&mut self, cx: &mut Context<'_, PipelineEvent>) {
//!         for (at, event) in self.pipeline.start(cx.now()) {
//!             cx.schedule_at(at, event).expect("never in the past");
//!         }
//!     }
//!     fn handle(&mut self, cx: &mut Context<'_, PipelineEvent>, event: PipelineEvent) {
//!         let step = self.pipeline.handle(cx.now(), event);
//!         for (at, event) in step.schedule {
//!             cx.schedule_at(at, event).expect("never in the past");
//!         }
//!         // The World starts a deployment here.
//!         self.artifacts += u64::from(step.published.is_some());
//!     }
//! }
//!
//! let config = PipelineConfig {
//!     commits: CommitsConfig::Poisson { commits_per_hour: 6.0 },
//!     runners: 2,
//!     build: Dist::constant(300.0).unwrap(),     // 5 min
//!     unit_tests: Dist::constant(120.0).unwrap(), // 2 min
//!     test_failure_probability: 0.0,
//!     ..PipelineConfig::default()
//! };
//! let seed = 7;
//! let ci = Ci { pipeline: Pipeline::new(&config, seed).unwrap(), artifacts: 0 };
//! let mut sim = Simulation::new(ci, seed);
//! sim.run_for(SimDuration::from_hours(8));
//!
//! let summary = sim.model().pipeline.summary(sim.now());
//! assert_eq!(summary.green, sim.model().artifacts);
//! assert!((30..=70).contains(&summary.commits), "{summary:?}"); // about 48
//! // Every green build takes at least its 7 minutes on the runner.
//! assert!(summary.lead_time_mean_s.unwrap() >= 420.0);
//! ```

mod build;
mod config;
mod dev_loop;
mod event;
mod machine;
mod metrics;
mod summary;
#[cfg(test)]
mod test_driver;

pub use build::{BuildRecord, BuildStatus, CommitOrigin};
pub use config::{CommitsConfig, DevLoopConfig, PipelineConfig};
pub use dev_loop::DevLoopStats;
pub use event::{Artifact, PipelineEvent, Step};
pub use machine::Pipeline;
pub use metrics::PipelineMetrics;
pub use summary::PipelineSummary;
