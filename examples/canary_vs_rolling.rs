//! The same release shipped by rolling update and by canary, on the same
//! seed: a bad one (5 % errors, +50 % latency) and a good one. Prints a
//! comparison and checks that the canary's blast radius is the smaller and
//! that the good release goes through both ways.
//!
//! `cargo run --release --example canary_vs_rolling [-- --minutes 40]`

use std::ops::ControlFlow;

use sim_core::SimDuration;
use sim_models::report::DeploymentReport;
use sim_models::run::run_scenario;
use sim_models::scenario::{DeploymentStrategy, ScenarioConfig};
use sim_models::world::DeploymentOutcome;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let minutes = match std::env::args().skip_while(|a| a != "--minutes").nth(1) {
        Some(m) => m.parse::<u64>().map_err(|e| format!("--minutes: {e}"))?,
        None => 40,
    };
    if minutes < 30 {
        return Err("--minutes: at least 30, so the release (at 20 min) can finish".into());
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/bad-release.yaml");
    let mut base = ScenarioConfig::from_path(path)?;
    base.duration = SimDuration::from_mins(minutes);

    println!(
        "{:<5} {:<8} {:<12} {:>12} {:>10} {:>9} {:>11}",
        "v2", "strategy", "outcome", "blast reqs", "failed", "downtime", "all failed"
    );
    let mut results = Vec::new();
    for (label, error_rate, latency_factor) in [("bad", 0.05, 1.5), ("good", 0.001, 1.0)] {
        for strategy in [DeploymentStrategy::Rolling, DeploymentStrategy::Canary] {
            let mut sc = base.clone();
            sc.deployment.strategy = strategy;
            sc.fleet.versions[1].error_rate = error_rate;
            sc.fleet.versions[1].latency_factor = latency_factor;
            let (report, _) = run_scenario(&sc, sc.seed, |_| ControlFlow::Continue(()))?;
            let d: DeploymentReport = report.deployments[0].clone();
            let o = &report.overall;
            println!(
                "{label:<5} {:<8} {:<12} {:>12} {:>10} {:>9} {:>11}",
                d.deployment.strategy,
                format!("{:?}", d.deployment.outcome),
                d.blast_radius.requests,
                d.blast_radius.failed,
                d.downtime_failed_requests,
                o.failed + o.timed_out + o.rejected,
            );
            results.push((label, strategy, d));
        }
    }
    let find = |label: &str, strategy: DeploymentStrategy| {
        &results
            .iter()
            .find(|(l, s, _)| *l == label && *s == strategy)
            .expect("ran")
            .2
    };
    let (rolling, canary) = (
        find("bad", DeploymentStrategy::Rolling),
        find("bad", DeploymentStrategy::Canary),
    );
    assert!(
        canary.blast_radius.failed < rolling.blast_radius.failed
            && canary.blast_radius.requests < rolling.blast_radius.requests,
        "the canary must limit the bad release's blast radius"
    );
    assert_eq!(canary.deployment.outcome, DeploymentOutcome::RolledBack);
    assert_eq!(
        find("good", DeploymentStrategy::Rolling).deployment.outcome,
        DeploymentOutcome::Completed
    );
    assert_eq!(
        find("good", DeploymentStrategy::Canary).deployment.outcome,
        DeploymentOutcome::Promoted
    );
    println!(
        "the canary cut the bad release's failed requests {:.0}×",
        rolling.blast_radius.failed as f64 / canary.blast_radius.failed.max(1) as f64
    );
    Ok(())
}
