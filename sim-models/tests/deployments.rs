//! Deployments against the documented behaviour: a rolling update with
//! readiness probes and draining fails no request (and does without
//! probes); Flagger's timing for failing and passing canaries; automated
//! rollback of a crash-looping release; a recreate has downtime.

use std::ops::ControlFlow;

use sim_core::SimDuration;
use sim_models::report::{DeploymentReport, RunReport};
use sim_models::run::run_scenario;
use sim_models::scenario::{
    DeploymentStrategy, Profile, ReleaseConfig, ScenarioConfig, VersionConfig,
};
use sim_models::world::DeploymentOutcome;

/// Production, 12 pods, HPA off, error-free v1 and a v2 released at 5 min;
/// no rollback on alerts (the downtime of a recreate would fire one).
fn scenario(strategy: DeploymentStrategy, v2: VersionConfig) -> ScenarioConfig {
    let mut sc = ScenarioConfig::preset(Profile::Production);
    sc.duration = SimDuration::from_mins(20);
    sc.fleet.autoscaling.enabled = false;
    let v1 = VersionConfig::new(
        "v1",
        SimDuration::from_millis(20),
        SimDuration::from_millis(200),
    );
    sc.fleet.versions = vec![v1, v2];
    sc.fleet.version = "v1".into();
    sc.deployment.strategy = strategy;
    sc.deployment.rolling.rollback_on.alert = None;
    sc.deployment.releases = vec![ReleaseConfig {
        version: "v2".into(),
        at: Some(SimDuration::from_mins(5)),
    }];
    sc
}

fn good() -> VersionConfig {
    VersionConfig::new(
        "v2",
        SimDuration::from_millis(20),
        SimDuration::from_millis(200),
    )
}

fn bad() -> VersionConfig {
    VersionConfig {
        error_rate: 0.05,
        latency_factor: 1.5,
        ..good()
    }
}

fn run(sc: &ScenarioConfig) -> (RunReport, DeploymentReport) {
    let (report, _) = run_scenario(sc, 11, |_| ControlFlow::Continue(())).unwrap();
    assert!(report.conservation.holds);
    assert_eq!(report.deployments.len(), 1, "{:?}", report.deployments);
    let d = report.deployments[0].clone();
    (report, d)
}

/// Seconds from the deployment's start to its first timeline entry containing `what`.
fn when(d: &DeploymentReport, what: &str) -> f64 {
    let x = &d.deployment;
    let e = x
        .timeline
        .iter()
        .find(|e| e.event.contains(what))
        .unwrap_or_else(|| panic!("no `{what}` in {:?}", x.timeline));
    (e.at - x.started).as_secs_f64()
}

#[test]
fn a_rolling_update_with_probes_and_draining_fails_no_request() {
    let (report, d) = run(&scenario(DeploymentStrategy::Rolling, good()));
    assert_eq!(d.deployment.outcome, DeploymentOutcome::Completed);
    assert_eq!(d.downtime_failed_requests, 0);
    let o = &report.overall;
    assert_eq!((o.failed, o.timed_out, o.rejected), (0, 0, 0));
    assert!(d.blast_radius.requests > 0);
    assert_eq!(d.blast_radius.failed, 0);
}

#[test]
fn the_same_rollout_without_readiness_probes_fails_requests() {
    let mut sc = scenario(DeploymentStrategy::Rolling, good());
    sc.fleet.readiness_probe.enabled = false;
    let (report, d) = run(&sc);
    // New pods take traffic during their 10 s cold start: connection refused.
    assert!(d.downtime_failed_requests > 0, "{d:?}");
    assert_eq!(report.overall.failed, d.downtime_failed_requests);
}

#[test]
fn a_recreate_has_downtime() {
    let (_, d) = run(&scenario(DeploymentStrategy::Compose, good()));
    assert_eq!(d.deployment.outcome, DeploymentOutcome::Completed);
    assert!(d.downtime_failed_requests > 1000, "{d:?}");
}

#[test]
fn a_failing_canary_is_rolled_back_after_interval_times_threshold() {
    let sc = scenario(DeploymentStrategy::Canary, bad());
    let (interval, threshold) = (
        sc.deployment.canary.interval,
        sc.deployment.canary.threshold,
    );
    let (_, d) = run(&sc);
    assert_eq!(d.deployment.outcome, DeploymentOutcome::RolledBack);
    let analysis = when(&d, "canary weight 10 %");
    let rollback = when(&d, "rollback");
    assert_eq!(
        rollback - analysis,
        interval.as_secs_f64() * f64::from(threshold)
    );
    // Never past the first step: the canary saw about 10 % of traffic.
    assert!(
        !d.deployment
            .timeline
            .iter()
            .any(|e| e.event.contains("50 %"))
    );
}

#[test]
fn a_passing_canary_is_promoted_after_interval_times_steps() {
    let sc = scenario(DeploymentStrategy::Canary, good());
    let (interval, steps) = (
        sc.deployment.canary.interval,
        sc.deployment.canary.steps.len(),
    );
    let (_, d) = run(&sc);
    assert_eq!(d.deployment.outcome, DeploymentOutcome::Promoted);
    let promoted = when(&d, "promoted") - when(&d, "canary weight 10 %");
    assert!(promoted >= interval.as_secs_f64() * steps as f64);
    assert_eq!(promoted, interval.as_secs_f64() * steps as f64);
    for step in ["10 %", "50 %", "100 %"] {
        when(&d, step);
    }
}

#[test]
fn the_canary_limits_the_blast_radius_of_a_bad_release() {
    let (_, canary) = run(&scenario(DeploymentStrategy::Canary, bad()));
    let mut sc = scenario(DeploymentStrategy::Rolling, bad());
    sc.deployment.rolling.rollback_on.alert = Some("HighErrorRate".into());
    let (_, rolling) = run(&sc);
    // The rolling update completes in seconds; the production profile's
    // HighErrorRate alert (> 1 % for 2 min) then rolls it back.
    let reason = &rolling
        .deployment
        .rollback
        .as_ref()
        .expect("rolled back")
        .reason;
    assert!(reason.contains("alert HighErrorRate"), "{reason}");
    assert!(
        canary.blast_radius.failed * 3 < rolling.blast_radius.failed,
        "canary {:?} vs rolling {:?}",
        canary.blast_radius,
        rolling.blast_radius
    );
}

#[test]
fn a_crash_looping_release_is_rolled_back() {
    let crashing = VersionConfig {
        crash_on_start_probability: 1.0,
        ..good()
    };
    let (report, d) = run(&scenario(DeploymentStrategy::Rolling, crashing.clone()));
    assert_eq!(d.deployment.outcome, DeploymentOutcome::RolledBack);
    let reason = &d.deployment.rollback.as_ref().unwrap().reason;
    assert!(reason.contains("failing health checks"), "{reason}");
    // The old version never lost capacity: surge first, unavailable old pods kept.
    assert_eq!(report.overall.rejected, 0);

    // Without that rule, the progress deadline (600 s) rolls it back.
    let mut sc = scenario(DeploymentStrategy::Rolling, crashing);
    sc.deployment.rolling.rollback_on.failing_health_checks = false;
    let (_, d) = run(&sc);
    let rollback = d.deployment.rollback.expect("rolled back");
    assert!(
        rollback.reason.contains("progress deadline"),
        "{}",
        rollback.reason
    );
    let after = (rollback.at - d.deployment.started).as_secs_f64();
    assert!(
        (600.0..602.0).contains(&after),
        "rolled back after {after} s"
    );
}

#[test]
fn a_green_build_ships_the_next_release() {
    use sim_core::{Dist, SimTime};
    use sim_models::pipeline::{CommitsConfig, PipelineConfig};
    let mut sc = scenario(DeploymentStrategy::Rolling, good());
    sc.deployment.releases[0].at = None;
    // One commit at 1 min: 3 min of build, 1 min of tests, always green.
    sc.pipeline = PipelineConfig {
        commits: CommitsConfig::Schedule {
            at: vec![SimTime::ZERO + SimDuration::from_mins(1)],
        },
        build: Dist::constant(180.0).unwrap(),
        unit_tests: Dist::constant(60.0).unwrap(),
        test_failure_probability: 0.0,
        ..PipelineConfig::default()
    };
    let (report, d) = run(&sc);
    assert_eq!(d.deployment.started.as_secs_f64(), 300.0);
    assert_eq!(d.deployment.outcome, DeploymentOutcome::Completed);
    let ci = report.pipeline.expect("a pipeline ran");
    assert_eq!((ci.commits, ci.green, ci.artifacts), (1, 1, 1));
}
