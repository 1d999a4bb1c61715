//! The [`Pipeline`] state machine: commits queue FIFO for a pool of runners;
//! each build compiles, then runs its unit tests, then turns green (and
//! publishes an artifact) or red.

use std::collections::VecDeque;

use sim_core::{SimDuration, SimRng, SimTime};

use super::build::{BuildRecord, BuildStatus, CommitOrigin};
use super::config::{CommitsConfig, PipelineConfig};
use super::dev_loop::{DevLoop, DevLoopStats};
use super::event::{Artifact, PipelineEvent, Step};
use super::summary::PipelineSummary;
use crate::error::Result;

/// A CI pipeline driven from outside: the driver (the `World`, or a test's
/// small [`sim_core::Model`]) schedules the events the pipeline returns and
/// hands each back to [`handle`](Self::handle) at its time.
///
/// Random streams, all derived from the seed given to [`new`](Self::new):
/// `pipeline/commits` (Poisson gaps), `pipeline/build` and `pipeline/tests`
/// (durations), `pipeline/verdict` (test failures) and `pipeline/dev/{i}`
/// (developer `i`'s loop).
#[derive(Clone, Debug)]
pub struct Pipeline {
    config: PipelineConfig,
    /// Mean gap between Poisson commits in seconds; `None` for other sources.
    poisson_gap_s: Option<f64>,
    /// Scheduled commit instants, sorted, and the index of the next one.
    schedule: Vec<SimTime>,
    next_scheduled: usize,
    dev_loop: Option<DevLoop>,
    commits_rng: SimRng,
    build_rng: SimRng,
    tests_rng: SimRng,
    verdict_rng: SimRng,
    /// Builds waiting for a runner, oldest first.
    queue: VecDeque<u64>,
    /// Runners working on a build.
    busy: u32,
    /// Every build, indexed by build number.
    builds: Vec<BuildRecord>,
    started_at: Option<SimTime>,
    /// Runner-nanoseconds of work up to `busy_since`.
    busy_ns: u128,
    /// When `busy` last changed.
    busy_since: SimTime,
    /// The build that finished last (green or red).
    last_finished: Option<u64>,
    /// Build numbers in the order they ended (green, red or rejected).
    ended: Vec<u64>,
}

impl Pipeline {
    /// A validated pipeline with empty history, drawing from streams of `seed`.
    pub fn new(config: &PipelineConfig, seed: u64) -> Result<Self> {
        config.validate()?;
        let mut schedule = Vec::new();
        let mut poisson_gap_s = None;
        let mut dev_loop = None;
        match &config.commits {
            CommitsConfig::Poisson { commits_per_hour } => {
                poisson_gap_s = Some(3600.0 / commits_per_hour);
            }
            CommitsConfig::Schedule { at } => {
                schedule = at.clone();
                schedule.sort_unstable();
            }
            CommitsConfig::DevelopmentLoop(dev) => dev_loop = Some(DevLoop::new(dev, seed)),
        }
        Ok(Pipeline {
            config: config.clone(),
            poisson_gap_s,
            schedule,
            next_scheduled: 0,
            dev_loop,
            commits_rng: SimRng::stream(seed, "pipeline/commits"),
            build_rng: SimRng::stream(seed, "pipeline/build"),
            tests_rng: SimRng::stream(seed, "pipeline/tests"),
            verdict_rng: SimRng::stream(seed, "pipeline/verdict"),
            queue: VecDeque::new(),
            busy: 0,
            builds: Vec::new(),
            started_at: None,
            busy_ns: 0,
            busy_since: SimTime::ZERO,
            last_finished: None,
            ended: Vec::new(),
        })
    }

    /// Starts the pipeline at `now` and returns its first events to schedule:
    /// the first commit, or every developer's first edit. A disabled pipeline
    /// returns none.
    ///
    /// # Panics
    /// If called twice.
    pub fn start(&mut self, now: SimTime) -> Vec<(SimTime, PipelineEvent)> {
        assert!(self.started_at.is_none(), "Pipeline::start called twice");
        self.started_at = Some(now);
        self.busy_since = now;
        if !self.config.enabled {
            return Vec::new();
        }
        if let Some(gap) = self.poisson_gap() {
            return vec![(now + gap, PipelineEvent::Commit)];
        }
        if let Some(dev_loop) = &mut self.dev_loop {
            return dev_loop.start(now);
        }
        self.schedule
            .first()
            .map(|&at| (at.max(now), PipelineEvent::Commit))
            .into_iter()
            .collect()
    }

    /// Handles one of the pipeline's events at `now`.
    ///
    /// # Panics
    /// Before [`start`](Self::start), or on an event the pipeline did not
    /// schedule (a bug in the driver).
    pub fn handle(&mut self, now: SimTime, event: PipelineEvent) -> Step {
        assert!(self.started_at.is_some(), "Pipeline::handle before start");
        let mut step = Step::default();
        match event {
            PipelineEvent::Commit => {
                self.enqueue(now, CommitOrigin::Source, &mut step);
                self.schedule_next_commit(now, &mut step);
            }
            PipelineEvent::BuildDone { build } => {
                let record = self.record_mut(build, BuildStatus::Building);
                record.status = BuildStatus::Testing;
                record.tests_started_at = Some(now);
                let done = now + record.test_time;
                step.schedule
                    .push((done, PipelineEvent::TestsDone { build }));
            }
            PipelineEvent::TestsDone { build } => self.finish(now, build, &mut step),
            PipelineEvent::Edit { .. }
            | PipelineEvent::RebuildDone { .. }
            | PipelineEvent::Reloaded { .. }
            | PipelineEvent::LocalTestsDone { .. } => {
                let dev_loop = self
                    .dev_loop
                    .as_mut()
                    .expect("loop events come only from the development loop");
                let (next, commit) = dev_loop.handle(now, event);
                step.schedule.push(next);
                if commit {
                    let PipelineEvent::LocalTestsDone { developer } = event else {
                        unreachable!("only a finished cycle commits")
                    };
                    self.enqueue(now, CommitOrigin::Developer(developer), &mut step);
                }
            }
        }
        step
    }

    /// A commit lands now from outside the configured source (a scripted
    /// action, a user's verb). Ignored by a disabled pipeline.
    ///
    /// # Panics
    /// Before [`start`](Self::start).
    pub fn commit(&mut self, now: SimTime) -> Step {
        assert!(self.started_at.is_some(), "Pipeline::commit before start");
        let mut step = Step::default();
        if self.config.enabled {
            self.enqueue(now, CommitOrigin::External, &mut step);
        }
        step
    }

    /// The configuration.
    pub fn config(&self) -> &PipelineConfig {
        &self.config
    }

    /// Every build so far, by build number (one per commit, rejected ones included).
    pub fn builds(&self) -> &[BuildRecord] {
        &self.builds
    }

    /// Build numbers in the order the builds ended (green, red or
    /// rejected), for exporting only what is new.
    pub fn ended(&self) -> &[u64] {
        &self.ended
    }

    /// Commits so far.
    pub fn commits(&self) -> u64 {
        self.builds.len() as u64
    }

    /// Builds waiting for a runner.
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// Runners working on a build.
    pub fn busy_runners(&self) -> u32 {
        self.busy
    }

    /// The runner time (build + tests) of the build that finished last, in
    /// seconds: the "build time" a monitoring scrape reads.
    pub fn last_build_seconds(&self) -> Option<f64> {
        let build = &self.builds[self.last_finished? as usize];
        build.run_time().map(|d| d.as_secs_f64())
    }

    /// What the development loop measured, in development-loop mode.
    pub fn dev_loop_stats(&self) -> Option<&DevLoopStats> {
        self.dev_loop.as_ref().map(DevLoop::stats)
    }

    /// Runner time worked from the start up to `now`, in runner-seconds.
    pub fn busy_runner_seconds(&self, now: SimTime) -> f64 {
        let open = u128::from(self.busy) * u128::from((now - self.busy_since).as_nanos());
        (self.busy_ns + open) as f64 / 1e9
    }

    /// When [`start`](Self::start) was called.
    pub fn started_at(&self) -> Option<SimTime> {
        self.started_at
    }

    /// The summary at `now` (counts, lead and queue times, utilisation).
    pub fn summary(&self, now: SimTime) -> PipelineSummary {
        PipelineSummary::of(self, now)
    }

    fn schedule_next_commit(&mut self, now: SimTime, step: &mut Step) {
        if let Some(gap) = self.poisson_gap() {
            step.schedule.push((now + gap, PipelineEvent::Commit));
        } else {
            assert!(
                self.next_scheduled < self.schedule.len(),
                "a Commit event the pipeline did not schedule"
            );
            self.next_scheduled += 1;
            if let Some(&at) = self.schedule.get(self.next_scheduled) {
                step.schedule.push((at.max(now), PipelineEvent::Commit));
            }
        }
    }

    /// The gap to the next Poisson commit; `None` for other sources.
    fn poisson_gap(&mut self) -> Option<SimDuration> {
        let mean = self.poisson_gap_s?;
        Some(SimDuration::from_secs_f64(self.commits_rng.exp(mean)))
    }

    /// A commit lands: draw its build, then start it, queue it or reject it.
    fn enqueue(&mut self, now: SimTime, origin: CommitOrigin, step: &mut Step) {
        let number = self.builds.len() as u64;
        // Drawn whatever happens to the build, so every commit consumes the
        // same draws under any runner count or queue limit.
        let build_time = self.config.build.sample_duration(&mut self.build_rng);
        let test_time = self.config.unit_tests.sample_duration(&mut self.tests_rng);
        let tests_pass = self.verdict_rng.uniform() >= self.config.test_failure_probability;
        let full = self
            .config
            .queue_limit
            .is_some_and(|limit| self.queue.len() >= limit as usize);
        let idle = self.busy < self.config.runners;
        let status = match (idle, full) {
            (true, _) => BuildStatus::Building,
            (false, true) => BuildStatus::Rejected,
            (false, false) => BuildStatus::Queued,
        };
        self.builds.push(BuildRecord {
            build: number,
            commit: number,
            origin,
            committed_at: now,
            started_at: None,
            tests_started_at: None,
            finished_at: (status == BuildStatus::Rejected).then_some(now),
            status: BuildStatus::Queued,
            build_time,
            test_time,
            tests_pass,
        });
        match status {
            BuildStatus::Building => {
                self.set_busy(now, self.busy + 1);
                self.start_build(now, number, step);
            }
            BuildStatus::Queued => self.queue.push_back(number),
            _ => {
                self.builds[number as usize].status = BuildStatus::Rejected;
                self.ended.push(number);
            }
        }
    }

    /// A runner (already counted busy) takes queued build `build`.
    fn start_build(&mut self, now: SimTime, build: u64, step: &mut Step) {
        let record = self.record_mut(build, BuildStatus::Queued);
        record.status = BuildStatus::Building;
        record.started_at = Some(now);
        let done = now + record.build_time;
        step.schedule
            .push((done, PipelineEvent::BuildDone { build }));
    }

    /// Tests end: green or red; the runner takes the next queued build.
    fn finish(&mut self, now: SimTime, build: u64, step: &mut Step) {
        let deploy = self.config.deploy_on_green;
        let record = self.record_mut(build, BuildStatus::Testing);
        record.finished_at = Some(now);
        record.status = if record.tests_pass {
            BuildStatus::Green
        } else {
            BuildStatus::Red
        };
        if record.status == BuildStatus::Green && deploy {
            step.published = Some(Artifact {
                build,
                commit: record.commit,
                published_at: now,
            });
        }
        self.last_finished = Some(build);
        self.ended.push(build);
        match self.queue.pop_front() {
            Some(next) => self.start_build(now, next, step),
            None => self.set_busy(now, self.busy - 1),
        }
    }

    /// Build `build`, which must be in `expected`: anything else means the
    /// driver delivered an event the pipeline did not schedule.
    fn record_mut(&mut self, build: u64, expected: BuildStatus) -> &mut BuildRecord {
        let record = usize::try_from(build)
            .ok()
            .and_then(|i| self.builds.get_mut(i))
            .unwrap_or_else(|| panic!("event for unknown build {build}"));
        assert_eq!(record.status, expected, "build {build}: event out of order");
        record
    }

    fn set_busy(&mut self, now: SimTime, busy: u32) {
        debug_assert!(busy <= self.config.runners);
        self.busy_ns += u128::from(self.busy) * u128::from((now - self.busy_since).as_nanos());
        self.busy_since = now;
        self.busy = busy;
    }
}

#[cfg(test)]
mod tests {
    use sim_core::Dist;
    use sim_core::record::Recorder;

    use super::super::test_driver::run;
    use super::super::{CommitsConfig, PipelineMetrics};
    use super::*;

    fn secs(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    /// Commits at the given seconds; constant 60 s builds and 30 s tests.
    fn scripted(at: &[u64], runners: u32, failure: f64) -> PipelineConfig {
        PipelineConfig {
            commits: CommitsConfig::Schedule {
                at: at.iter().map(|&s| secs(s)).collect(),
            },
            runners,
            build: Dist::constant(60.0).unwrap(),
            unit_tests: Dist::constant(30.0).unwrap(),
            test_failure_probability: failure,
            ..PipelineConfig::default()
        }
    }

    #[test]
    fn builds_queue_fifo_for_free_runners() {
        // Three commits at once on two runners: the third waits for the first free runner.
        let sim = run(&scripted(&[100, 100, 100, 150], 2, 0.0), 1, SimTime::MAX);
        let p = &sim.model().pipeline;
        let started: Vec<_> = p.builds().iter().map(|b| b.started_at.unwrap()).collect();
        assert_eq!(started, [secs(100), secs(100), secs(190), secs(190)]);
        let b = &p.builds()[1];
        assert_eq!(b.tests_started_at, Some(secs(160)));
        assert_eq!(b.finished_at, Some(secs(190)));
        assert_eq!(b.status, BuildStatus::Green);
        assert_eq!(b.origin, CommitOrigin::Source);
        assert_eq!(p.builds()[3].queue_wait(), Some(SimDuration::from_secs(40)));
        let published: Vec<_> = sim
            .model()
            .artifacts
            .iter()
            .map(|a| (a.build, a.published_at))
            .collect();
        assert_eq!(
            published,
            [
                (0, secs(190)),
                (1, secs(190)),
                (2, secs(280)),
                (3, secs(280))
            ]
        );
        let s = p.summary(secs(280));
        assert_eq!((s.commits, s.green, s.red, s.artifacts), (4, 4, 0, 4));
        assert_eq!(s.queue_wait_mean_s, Some((0.0 + 0.0 + 90.0 + 40.0) / 4.0));
        assert_eq!(
            s.lead_time_mean_s,
            Some((90.0 + 90.0 + 180.0 + 130.0) / 4.0)
        );
        assert_eq!(s.lead_time_p95_s, Some(180.0));
        // 4 builds × 90 s of work over 2 runners × 280 s.
        assert_eq!(s.runner_utilisation, Some(360.0 / 560.0));
        assert_eq!(p.last_build_seconds(), Some(90.0));
        assert_eq!(p.ended(), [0, 1, 2, 3]);
    }

    #[test]
    fn failing_tests_stop_the_build_without_an_artifact() {
        let sim = run(&scripted(&[0, 10, 20], 1, 1.0), 2, SimTime::MAX);
        let p = &sim.model().pipeline;
        assert!(sim.model().artifacts.is_empty());
        for b in p.builds() {
            assert_eq!(b.status, BuildStatus::Red);
            assert_eq!(b.run_time(), Some(SimDuration::from_secs(90)));
            assert_eq!(b.lead_time(), None);
        }
        let s = p.summary(sim.now());
        assert_eq!((s.green, s.red, s.artifacts), (0, 3, 0));
        assert_eq!(s.lead_time_mean_s, None);
    }

    #[test]
    fn without_deploy_on_green_builds_pass_but_publish_nothing() {
        let config = PipelineConfig {
            deploy_on_green: false,
            ..scripted(&[0, 0], 2, 0.0)
        };
        let sim = run(&config, 3, SimTime::MAX);
        assert!(sim.model().artifacts.is_empty());
        let s = sim.model().pipeline.summary(sim.now());
        assert_eq!((s.green, s.artifacts), (2, 0));
    }

    #[test]
    fn a_full_queue_rejects_commits() {
        let config = PipelineConfig {
            queue_limit: Some(1),
            ..scripted(&[0, 0, 0, 0, 100], 1, 0.0)
        };
        let sim = run(&config, 4, SimTime::MAX);
        let p = &sim.model().pipeline;
        let status: Vec<_> = p.builds().iter().map(|b| b.status).collect();
        use BuildStatus::*;
        assert_eq!(status, [Green, Green, Rejected, Rejected, Green]);
        assert_eq!(p.builds()[2].finished_at, Some(secs(0)));
        assert_eq!(p.ended(), [2, 3, 0, 1, 4]);
        let s = p.summary(sim.now());
        assert_eq!((s.commits, s.rejected, s.green), (5, 2, 3));
    }

    #[test]
    fn in_flight_builds_are_counted_and_utilisation_accrues() {
        let sim = run(&scripted(&[0, 0, 0], 2, 0.0), 5, secs(75));
        let p = &sim.model().pipeline;
        let status: Vec<_> = p.builds().iter().map(|b| b.status).collect();
        use BuildStatus::*;
        assert_eq!(status, [Testing, Testing, Queued]);
        let s = p.summary(secs(75));
        assert_eq!((s.running, s.queued, s.green), (2, 1, 0));
        assert_eq!(s.runner_utilisation, Some(1.0));
        assert_eq!(p.last_build_seconds(), None);
        assert_eq!(p.summary(SimTime::ZERO).runner_utilisation, None);
    }

    #[test]
    fn external_commits_join_the_queue() {
        let mut p = Pipeline::new(&scripted(&[], 1, 0.0), 6).unwrap();
        assert!(p.start(SimTime::ZERO).is_empty());
        let step = p.commit(secs(5));
        assert_eq!(
            step.schedule,
            [(secs(65), PipelineEvent::BuildDone { build: 0 })]
        );
        assert_eq!(p.builds()[0].origin, CommitOrigin::External);
        let step = p.handle(secs(65), PipelineEvent::BuildDone { build: 0 });
        assert_eq!(
            step.schedule,
            [(secs(95), PipelineEvent::TestsDone { build: 0 })]
        );
        let step = p.handle(secs(95), PipelineEvent::TestsDone { build: 0 });
        assert!(step.schedule.is_empty());
        assert_eq!(
            step.published,
            Some(Artifact {
                build: 0,
                commit: 0,
                published_at: secs(95)
            })
        );
    }

    #[test]
    fn a_disabled_pipeline_does_nothing() {
        let config = PipelineConfig {
            enabled: false,
            ..PipelineConfig::default()
        };
        let mut p = Pipeline::new(&config, 7).unwrap();
        assert!(p.start(SimTime::ZERO).is_empty());
        assert_eq!(p.commit(secs(1)), Step::default());
        assert_eq!(p.commits(), 0);
    }

    #[test]
    fn scheduled_commits_before_the_start_fire_at_the_start() {
        let mut p = Pipeline::new(&scripted(&[30, 10, 200], 1, 0.0), 8).unwrap();
        assert_eq!(p.start(secs(20)), [(secs(20), PipelineEvent::Commit)]);
        let step = p.handle(secs(20), PipelineEvent::Commit);
        assert!(step.schedule.contains(&(secs(30), PipelineEvent::Commit)));
    }

    #[test]
    #[should_panic(expected = "event out of order")]
    fn an_event_the_pipeline_did_not_schedule_is_a_bug() {
        let mut p = Pipeline::new(&scripted(&[], 1, 0.0), 9).unwrap();
        let _ = p.start(SimTime::ZERO);
        let _ = p.commit(SimTime::ZERO);
        let _ = p.handle(secs(1), PipelineEvent::TestsDone { build: 0 });
    }

    #[test]
    fn invalid_configs_are_refused() {
        let config = PipelineConfig {
            runners: 0,
            ..PipelineConfig::default()
        };
        let err = Pipeline::new(&config, 1).unwrap_err();
        assert_eq!(err.problems()[0].path, "runners");
    }

    #[test]
    fn metrics_export_counts_each_build_once() {
        let mut rec = Recorder::new();
        let mut metrics = PipelineMetrics::register(&mut rec, &[("pipeline", "app")]);
        let config = PipelineConfig {
            queue_limit: Some(0),
            ..scripted(&[0, 0, 0], 1, 1.0)
        };
        let mut sim = run(&config, 10, secs(1));
        metrics.export(&sim.model().pipeline, &mut rec);
        sim.run();
        metrics.export(&sim.model().pipeline, &mut rec);
        metrics.export(&sim.model().pipeline, &mut rec);
        rec.sample(sim.now());
        let values: Vec<(String, f64)> = rec
            .series()
            .map(|s| (s.key().to_string(), *s.values().last().unwrap()))
            .collect();
        let expect = [
            (r#"commits_total{pipeline="app"}"#, 3.0),
            (r#"builds_total{outcome="green",pipeline="app"}"#, 0.0),
            (r#"builds_total{outcome="red",pipeline="app"}"#, 1.0),
            (r#"builds_total{outcome="rejected",pipeline="app"}"#, 2.0),
            (r#"build_duration_seconds{pipeline="app"}"#, 90.0),
            (r#"build_queue_length{pipeline="app"}"#, 0.0),
            (r#"build_runners_busy{pipeline="app"}"#, 0.0),
        ];
        let expect: Vec<(String, f64)> = expect.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        assert_eq!(values, expect);
    }
}
