//! The CI pipeline against theory: with Poisson commits, `c` runners,
//! exponential build times and instant unit tests it is an M/M/c queue, so
//! the mean wait for a runner must match Erlang C; red builds must occur at
//! the configured rate (binomial interval); the development loop must commit
//! at its configured cadence; runs must be deterministic per seed; and bad
//! configs must be refused naming the field.

use sim_core::replicate::replicate;
use sim_core::stats::Summary;
use sim_core::stats::theory::mmc_wait;
use sim_core::{Context, Dist, Model, SimDuration, SimTime, Simulation};
use sim_models::pipeline::{
    Artifact, BuildRecord, BuildStatus, CommitsConfig, DevLoopConfig, Pipeline, PipelineConfig,
    PipelineEvent,
};

/// Drives a pipeline the way the World does; stops the commit source after
/// `commit_limit` commits so every build finishes and none is censored.
struct Driver {
    pipeline: Pipeline,
    commit_limit: u64,
    artifacts: Vec<Artifact>,
}

impl Model for Driver {
    type Event = PipelineEvent;

    fn init(&mut self, cx: &mut Context<'_, PipelineEvent>) {
        for (at, event) in self.pipeline.start(cx.now()) {
            cx.schedule_at(at, event).unwrap();
        }
    }

    fn handle(&mut self, cx: &mut Context<'_, PipelineEvent>, event: PipelineEvent) {
        let step = self.pipeline.handle(cx.now(), event);
        for (at, event) in step.schedule {
            if event == PipelineEvent::Commit && self.pipeline.commits() >= self.commit_limit {
                continue;
            }
            cx.schedule_at(at, event).unwrap();
        }
        self.artifacts.extend(step.published);
    }
}

/// Runs `commits` commits of `config` on `seed` to the end.
fn run(config: &PipelineConfig, commits: u64, seed: u64) -> Driver {
    let driver = Driver {
        pipeline: Pipeline::new(config, seed).unwrap(),
        commit_limit: commits,
        artifacts: Vec::new(),
    };
    let mut sim = Simulation::new(driver, seed);
    sim.run();
    sim.into_model()
}

/// Poisson commits at `lambda` per second, `runners` runners, exponential
/// builds of mean `build_mean_s`, no test time, no failures: M/M/c.
fn mmc(lambda: f64, runners: u32, build_mean_s: f64) -> PipelineConfig {
    PipelineConfig {
        commits: CommitsConfig::Poisson {
            commits_per_hour: lambda * 3600.0,
        },
        runners,
        build: Dist::exponential(build_mean_s).unwrap(),
        unit_tests: Dist::constant(0.0).unwrap(),
        test_failure_probability: 0.0,
        ..PipelineConfig::default()
    }
}

const REPLICATIONS: usize = 24;
const RUNNERS: u32 = 3;
/// Ten-minute builds.
const BUILD_MEAN_S: f64 = 600.0;

#[test]
fn queue_wait_matches_erlang_c() {
    for (rho, commits, seed) in [(0.5, 40_000, 21), (0.8, 100_000, 22)] {
        let mu = 1.0 / BUILD_MEAN_S;
        let lambda = rho * f64::from(RUNNERS) * mu;
        let config = mmc(lambda, RUNNERS, BUILD_MEAN_S);
        let runs = replicate(REPLICATIONS, seed, |s| {
            let driver = run(&config, commits, s);
            let builds = driver.pipeline.builds();
            assert_eq!(builds.len() as u64, commits);
            assert!(builds.iter().all(|b| b.status == BuildStatus::Green));
            assert_eq!(driver.artifacts.len() as u64, commits);
            // The first tenth is the warm-up from an empty queue.
            let measured = &builds[builds.len() / 10..];
            let wait = measured
                .iter()
                .map(|b| b.queue_wait().unwrap().as_secs_f64())
                .sum::<f64>()
                / measured.len() as f64;
            let end = builds.iter().filter_map(|b| b.finished_at).max().unwrap();
            let utilisation = driver.pipeline.summary(end).runner_utilisation.unwrap();
            (wait, utilisation)
        });
        let waits: Summary = runs.iter().map(|r| r.0).collect();
        let utilisation: Summary = runs.iter().map(|r| r.1).collect();
        let theory = mmc_wait(RUNNERS, lambda, mu).unwrap();
        let ci = waits.confidence_interval(0.99).unwrap();
        println!(
            "M/M/{RUNNERS} pipeline ρ={rho}: Erlang C Wq {theory:.1} s, simulated {ci}; utilisation {:.4}",
            utilisation.mean()
        );
        assert!(ci.contains(theory), "ρ={rho}: theory {theory} outside {ci}");
        assert!(
            ci.half_width < 0.1 * theory,
            "ρ={rho}: interval too wide: {ci}"
        );
        let u = utilisation.confidence_interval(0.99).unwrap();
        assert!((u.mean - rho).abs() < 0.01, "ρ={rho}: utilisation {u}");
    }
}

#[test]
fn red_builds_occur_at_the_failure_probability_and_publish_nothing() {
    let p = 0.2;
    let commits = 20_000;
    let config = PipelineConfig {
        test_failure_probability: p,
        ..mmc(1.0 / 600.0, 4, 300.0)
    };
    let driver = run(&config, commits, 5);
    let builds = driver.pipeline.builds();
    let red = builds
        .iter()
        .filter(|b| b.status == BuildStatus::Red)
        .count() as f64;
    let n = commits as f64;
    // 99 % normal-approximation interval of Binomial(n, p).
    let half_width = 2.576 * (n * p * (1.0 - p)).sqrt();
    println!(
        "red builds: {red} of {n}, expected {} ± {half_width:.0}",
        n * p
    );
    assert!((red - n * p).abs() < half_width, "{red} red of {n}");
    // Every red build ran its tests and published nothing; every green one published once.
    let published: Vec<u64> = driver.artifacts.iter().map(|a| a.build).collect();
    let green: Vec<u64> = builds
        .iter()
        .filter(|b| b.status == BuildStatus::Green)
        .map(|b| b.build)
        .collect();
    let mut sorted = published.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, green);
    for b in builds.iter().filter(|b| b.status == BuildStatus::Red) {
        assert_eq!(b.lead_time(), None);
        assert_eq!(b.run_time(), Some(b.build_time + b.test_time));
    }
    let summary = driver.pipeline.summary(SimTime::MAX);
    assert_eq!(summary.red as f64, red);
    assert_eq!(summary.artifacts, green.len() as u64);
}

#[test]
fn a_run_is_a_function_of_its_seed() {
    let config = PipelineConfig {
        runners: 2,
        queue_limit: Some(3),
        commits: CommitsConfig::Poisson {
            commits_per_hour: 20.0,
        },
        ..PipelineConfig::default()
    };
    let records = |seed| -> (Vec<BuildRecord>, Vec<Artifact>) {
        let d = run(&config, 500, seed);
        (d.pipeline.builds().to_vec(), d.artifacts)
    };
    let a = records(9);
    assert_eq!(a, records(9));
    assert_ne!(a.0, records(10).0);
    let statuses = |r: &[BuildRecord], s| r.iter().filter(|b| b.status == s).count();
    // The default configuration exercises every ending.
    for s in [BuildStatus::Green, BuildStatus::Red, BuildStatus::Rejected] {
        assert!(statuses(&a.0, s) > 0, "no {s:?} build");
    }
}

#[test]
fn more_runners_build_the_same_commits_sooner() {
    // Common random numbers: build times are drawn per commit, not per runner.
    let base = mmc(1.0 / 200.0, 1, 150.0);
    let one = run(&base, 2_000, 3);
    let four = run(&PipelineConfig { runners: 4, ..base }, 2_000, 3);
    let times = |d: &Driver| -> Vec<_> {
        d.pipeline
            .builds()
            .iter()
            .map(|b| (b.committed_at, b.build_time))
            .collect()
    };
    assert_eq!(times(&one), times(&four));
    let wait = |d: &Driver| d.pipeline.summary(SimTime::MAX).queue_wait_mean_s.unwrap();
    assert!(
        wait(&four) < wait(&one) / 10.0,
        "{} vs {}",
        wait(&four),
        wait(&one)
    );
}

#[test]
fn the_development_loop_commits_at_its_cadence() {
    // Exponential edit intervals (mean 100 s) and constant rest: a cycle is
    // 100 + 3 + 0.5 + 6.5 = 110 s on average, a commit every 4 cycles.
    let dev = DevLoopConfig {
        developers: 5,
        edit_interval: Dist::exponential(100.0).unwrap(),
        incremental_rebuild: Dist::constant(3.0).unwrap(),
        hot_reload: true,
        reload: SimDuration::from_millis(500),
        restart: SimDuration::from_secs(30),
        local_tests: Dist::constant(6.5).unwrap(),
        edits_per_commit: 4,
    };
    assert_eq!(dev.mean_cycle_seconds(), 110.0);
    let config = PipelineConfig {
        commits: CommitsConfig::DevelopmentLoop(dev.clone()),
        ..PipelineConfig::default()
    };
    let horizon = SimDuration::from_hours(200);
    let driver = Driver {
        pipeline: Pipeline::new(&config, 4).unwrap(),
        commit_limit: u64::MAX,
        artifacts: Vec::new(),
    };
    let mut sim = Simulation::new(driver, 4);
    sim.run_for(horizon);
    let pipeline = &sim.model().pipeline;
    // Renewal theory: a commit cycle of 4 edit cycles has mean 440 s and
    // variance 4 × 100² s²; over T the count has mean T/m and variance T·σ²/m³.
    let (t, m, var) = (horizon.as_secs_f64(), 440.0, 4.0 * 100.0 * 100.0);
    let developers = f64::from(dev.developers);
    let expected = developers * t / m;
    let sd = (developers * t * var / (m * m * m)).sqrt();
    let commits = pipeline.commits() as f64;
    println!("development loop: {commits} commits, expected {expected:.0} ± {sd:.1} (1 sd)");
    assert!((commits - expected).abs() < 4.0 * sd, "{commits} commits");
    let stats = pipeline.dev_loop_stats().unwrap();
    assert_eq!(stats.commits, pipeline.commits());
    // Feedback is rebuild + reload + tests: exactly 10 s here.
    let feedback = stats.mean_feedback_s().unwrap();
    assert!((feedback - 10.0).abs() < 1e-6, "{feedback}");
    assert_eq!(stats.restarts, 0);
}

#[test]
fn bad_configs_name_the_field() {
    let cases: [(&str, &str); 5] = [
        (r#"{"runners": 0}"#, "pipeline.runners"),
        (
            r#"{"commits": {"kind": "poisson", "commits_per_hour": 0}}"#,
            "pipeline.commits.commits_per_hour",
        ),
        (
            r#"{"test_failure_probability": 2}"#,
            "pipeline.test_failure_probability",
        ),
        (
            r#"{"build": {"kind": "constant", "value": -3}}"#,
            "pipeline.build",
        ),
        (
            r#"{"commits": {"kind": "development_loop", "edits_per_commit": 0}}"#,
            "pipeline.commits.edits_per_commit",
        ),
    ];
    for (json, path) in cases {
        let config: PipelineConfig = serde_json::from_str(json).unwrap();
        let problems = config.problems("pipeline");
        assert_eq!(problems.len(), 1, "{json}: {problems:?}");
        assert_eq!(problems[0].path, path, "{json}");
        assert!(Pipeline::new(&config, 1).is_err());
    }
    let e = serde_json::from_str::<PipelineConfig>(
        r#"{"unit_tests": {"kind": "uniform", "low": 5, "high": 1}}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("`high`"), "{e}");
}
