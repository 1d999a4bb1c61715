//! The development loop: developers cycling edit → incremental rebuild →
//! hot reload (or restart) → local unit tests, committing every N edits.
//! See [`DevLoopConfig`] for the rules.

use serde::Serialize;
use sim_core::{SimDuration, SimRng, SimTime};

use super::config::DevLoopConfig;
use super::event::PipelineEvent;

/// What the development loop measured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct DevLoopStats {
    /// Edits saved.
    pub edits: u64,
    /// Edit cycles completed (local test result seen).
    pub cycles: u64,
    /// Changes applied by hot reload.
    pub hot_reloads: u64,
    /// Changes applied by restarting the process.
    pub restarts: u64,
    /// Commits the loop sent to CI.
    pub commits: u64,
    /// Sum over completed cycles of the feedback time (edit saved → local
    /// test result), in seconds.
    pub feedback_total_s: f64,
    /// The longest feedback time, in seconds.
    pub feedback_max_s: f64,
}

impl DevLoopStats {
    /// Mean feedback time (edit saved → local test result) in seconds; `None`
    /// before the first completed cycle.
    pub fn mean_feedback_s(&self) -> Option<f64> {
        (self.cycles > 0).then(|| self.feedback_total_s / self.cycles as f64)
    }
}

/// One developer's place in the loop.
#[derive(Clone, Debug)]
struct Developer {
    /// Draws of this developer only (`pipeline/dev/{index}`), so adding a
    /// developer leaves the others' draws alone.
    rng: SimRng,
    /// When the edit being processed was saved.
    edited_at: SimTime,
    /// Completed cycles since the last commit.
    edits_since_commit: u32,
}

/// The developers and what they measured.
#[derive(Clone, Debug)]
pub(super) struct DevLoop {
    config: DevLoopConfig,
    developers: Vec<Developer>,
    stats: DevLoopStats,
}

impl DevLoop {
    /// The loop of a validated config, drawing from streams `pipeline/dev/{i}` of `seed`.
    pub(super) fn new(config: &DevLoopConfig, seed: u64) -> Self {
        let developers = (0..config.developers)
            .map(|i| Developer {
                rng: SimRng::stream(seed, &format!("pipeline/dev/{i}")),
                edited_at: SimTime::ZERO,
                edits_since_commit: 0,
            })
            .collect();
        DevLoop {
            config: config.clone(),
            developers,
            stats: DevLoopStats::default(),
        }
    }

    pub(super) fn stats(&self) -> &DevLoopStats {
        &self.stats
    }

    /// Every developer's first edit, one edit interval after `now`.
    pub(super) fn start(&mut self, now: SimTime) -> Vec<(SimTime, PipelineEvent)> {
        (0..self.developers.len() as u32)
            .map(|d| {
                (
                    now + self.next_edit_in(d),
                    PipelineEvent::Edit { developer: d },
                )
            })
            .collect()
    }

    fn next_edit_in(&mut self, developer: u32) -> SimDuration {
        let rng = &mut self.developers[developer as usize].rng;
        self.config.edit_interval.sample_duration(rng)
    }

    /// Handles one loop event; returns the next event of that developer and
    /// whether the cycle ended with a commit.
    ///
    /// # Panics
    /// If `event` is not a loop event or names an unknown developer: a bug in
    /// the caller.
    pub(super) fn handle(
        &mut self,
        now: SimTime,
        event: PipelineEvent,
    ) -> ((SimTime, PipelineEvent), bool) {
        let config = &self.config;
        match event {
            PipelineEvent::Edit { developer } => {
                let dev = &mut self.developers[developer as usize];
                self.stats.edits += 1;
                dev.edited_at = now;
                let rebuild = config.incremental_rebuild.sample_duration(&mut dev.rng);
                (
                    (now + rebuild, PipelineEvent::RebuildDone { developer }),
                    false,
                )
            }
            PipelineEvent::RebuildDone { developer } => {
                if config.hot_reload {
                    self.stats.hot_reloads += 1;
                } else {
                    self.stats.restarts += 1;
                }
                let apply = config.apply_time();
                ((now + apply, PipelineEvent::Reloaded { developer }), false)
            }
            PipelineEvent::Reloaded { developer } => {
                let dev = &mut self.developers[developer as usize];
                let tests = config.local_tests.sample_duration(&mut dev.rng);
                (
                    (now + tests, PipelineEvent::LocalTestsDone { developer }),
                    false,
                )
            }
            PipelineEvent::LocalTestsDone { developer } => {
                let edits_per_commit = config.edits_per_commit;
                let dev = &mut self.developers[developer as usize];
                let feedback = (now - dev.edited_at).as_secs_f64();
                self.stats.cycles += 1;
                self.stats.feedback_total_s += feedback;
                self.stats.feedback_max_s = self.stats.feedback_max_s.max(feedback);
                dev.edits_since_commit += 1;
                let commit = dev.edits_since_commit >= edits_per_commit;
                if commit {
                    dev.edits_since_commit = 0;
                    self.stats.commits += 1;
                }
                let next = now + self.next_edit_in(developer);
                ((next, PipelineEvent::Edit { developer }), commit)
            }
            other => panic!("not a development-loop event: {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use sim_core::Dist;

    use super::super::test_driver::run;
    use super::super::{BuildStatus, CommitOrigin, CommitsConfig, PipelineConfig};
    use super::*;

    /// Constant timings: 60 s edit interval, 2 s rebuild, 7.5 s of local
    /// tests, 0.5 s hot reload or 20 s restart; a commit every 3 edits.
    fn dev_loop(developers: u32, hot_reload: bool) -> PipelineConfig {
        PipelineConfig {
            commits: CommitsConfig::DevelopmentLoop(DevLoopConfig {
                developers,
                edit_interval: Dist::constant(60.0).unwrap(),
                incremental_rebuild: Dist::constant(2.0).unwrap(),
                hot_reload,
                reload: SimDuration::from_millis(500),
                restart: SimDuration::from_secs(20),
                local_tests: Dist::constant(7.5).unwrap(),
                edits_per_commit: 3,
            }),
            build: Dist::constant(100.0).unwrap(),
            unit_tests: Dist::constant(20.0).unwrap(),
            test_failure_probability: 0.0,
            ..PipelineConfig::default()
        }
    }

    fn at_s(s: f64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs_f64(s)
    }

    #[test]
    fn commits_every_n_edit_cycles_with_hot_reload() {
        // One cycle: 60 + 2 + 0.5 + 7.5 = 70 s; a commit every 3 cycles.
        let sim = run(&dev_loop(1, true), 1, at_s(1000.0));
        let p = &sim.model().pipeline;
        let commits: Vec<_> = p.builds().iter().map(|b| b.committed_at).collect();
        assert_eq!(
            commits,
            [at_s(210.0), at_s(420.0), at_s(630.0), at_s(840.0)]
        );
        assert!(
            p.builds()
                .iter()
                .all(|b| b.origin == CommitOrigin::Developer(0))
        );
        // The commits go through CI: 120 s on a runner each.
        assert_eq!(p.builds()[0].finished_at, Some(at_s(330.0)));
        assert_eq!(p.builds()[0].status, BuildStatus::Green);
        assert_eq!(sim.model().artifacts.len(), 4);
        let stats = p.dev_loop_stats().unwrap();
        // Edits at 60, 130, …, 970, each seen through 10 s later; the next is due at 1040 s.
        assert_eq!((stats.edits, stats.cycles, stats.commits), (14, 14, 4));
        assert_eq!((stats.hot_reloads, stats.restarts), (14, 0));
        assert_eq!(stats.mean_feedback_s(), Some(10.0));
        assert_eq!(stats.feedback_max_s, 10.0);
    }

    #[test]
    fn restarts_lengthen_the_loop() {
        // One cycle: 60 + 2 + 20 + 7.5 = 89.5 s; a commit every 268.5 s.
        let sim = run(&dev_loop(1, false), 1, at_s(1000.0));
        let p = &sim.model().pipeline;
        let commits: Vec<_> = p.builds().iter().map(|b| b.committed_at).collect();
        assert_eq!(commits, [at_s(268.5), at_s(537.0), at_s(805.5)]);
        let stats = p.dev_loop_stats().unwrap();
        assert_eq!(stats.hot_reloads, 0);
        assert!(stats.restarts > 0);
        assert_eq!(stats.mean_feedback_s(), Some(29.5));
    }

    #[test]
    fn developers_loop_independently() {
        let sim = run(&dev_loop(3, true), 1, at_s(1000.0));
        let p = &sim.model().pipeline;
        assert_eq!(p.commits(), 12);
        for d in 0..3 {
            let mine = p
                .builds()
                .iter()
                .filter(|b| b.origin == CommitOrigin::Developer(d))
                .count();
            assert_eq!(mine, 4, "developer {d}");
        }
        assert_eq!(p.dev_loop_stats().unwrap().commits, 12);
    }
}
