//! Same scenario + seed ⇒ byte-identical report JSON and event log; each
//! shipped scenario runs with its request accounting intact.

use std::ops::ControlFlow;

use sim_core::SimDuration;
use sim_models::run::run_scenario;
use sim_models::scenario::ScenarioConfig;

fn scenario(name: &str, minutes: u64) -> ScenarioConfig {
    let path = format!("{}/../scenarios/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let mut sc = ScenarioConfig::from_path(&path).expect("shipped scenarios load");
    sc.duration = SimDuration::from_mins(minutes);
    sc
}

fn run(sc: &ScenarioConfig, seed: u64) -> (String, Vec<u8>) {
    let (report, world) = run_scenario(sc, seed, |_| ControlFlow::Continue(())).expect("runs");
    let mut log = Vec::new();
    world
        .event_log()
        .write_ndjson(&mut log)
        .expect("writes to memory");
    let mut metrics = Vec::new();
    world
        .recorder()
        .write_csv(&mut metrics)
        .expect("writes to memory");
    log.extend(metrics);
    (report.to_json(), log)
}

#[test]
fn same_seed_same_bytes() {
    let sc = scenario("production", 3);
    let (a, a_out) = run(&sc, 9);
    let (b, b_out) = run(&sc, 9);
    assert_eq!(a, b);
    assert_eq!(a_out, b_out);
    let (c, _) = run(&sc, 10);
    assert_ne!(a, c, "a different seed must change the run");
}

/// Through a canary rollout and its rollback too.
#[test]
fn same_seed_same_bytes_through_a_deployment() {
    let mut sc = scenario("bad-release", 30);
    sc.deployment.releases[0].at = Some(SimDuration::from_mins(2));
    let (a, a_out) = run(&sc, 4);
    assert!(a.contains("rolled_back"), "{a}");
    assert_eq!((a, a_out), run(&sc, 4));
}

#[test]
fn every_shipped_scenario_runs() {
    for name in ["development", "production", "experimental", "bad-release"] {
        let sc = scenario(name, 2);
        let (report, world) =
            run_scenario(&sc, sc.seed, |_| ControlFlow::Continue(())).expect("runs");
        assert!(report.conservation.holds, "{name}");
        assert!(
            report.conservation.totals.arrivals > 0,
            "{name}: no traffic"
        );
        assert!(
            report.overall.availability > 0.95,
            "{name}: {}",
            report.to_table()
        );
        let instances: u32 = sc.fleet.regions.iter().map(|r| r.instances).sum();
        if name == "development" {
            assert_eq!(instances, 1);
            assert_eq!(sc.database.replicas, 0);
        }
        assert!(world.recorder().series().count() > 0);
    }
}

#[test]
fn a_hand_built_invalid_scenario_is_an_error_not_a_panic() {
    let mut sc = scenario("production", 1);
    sc.fleet.regions.clear();
    sc.workload.regions[0].rps = f64::NAN;
    let err = run_scenario(&sc, 1, |_| ControlFlow::Continue(()))
        .expect_err("invalid")
        .to_string();
    assert!(
        err.contains("fleet.regions") && err.contains("workload.regions[0].rps"),
        "{err}"
    );
}
