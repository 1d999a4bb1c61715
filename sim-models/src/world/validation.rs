//! The request path against queueing theory: a fleet of c single-slot
//! instances behind a least-outstanding balancer with one FIFO line, fed by
//! Poisson arrivals with exponential service, is an M/M/c queue; its mean
//! wait must match Erlang C within the replication confidence interval.

use sim_core::replicate::replicate;
use sim_core::stats::Summary;
use sim_core::stats::theory::mmc_wait;
use sim_core::{Dist, SimDuration, SimTime, Simulation};

use crate::run::build_world;
use crate::scenario::{
    BalancerPolicyKind, FleetRegionConfig, Profile, RequestClass, RequestClassConfig,
    ScenarioConfig, TrafficPatternConfig, UserRegionConfig,
};

const SERVICE_MEAN_S: f64 = 0.1;

/// A scenario that is exactly M/M/c once the service time is exponential.
fn mmc_scenario(servers: u32, rho: f64) -> ScenarioConfig {
    let mut sc = ScenarioConfig::preset(Profile::Production);
    let lambda = rho * f64::from(servers) / SERVICE_MEAN_S;
    sc.workload.regions = vec![UserRegionConfig {
        name: "r".into(),
        rps: lambda,
        pattern: TrafficPatternConfig::Constant,
        spikes: vec![],
    }];
    sc.workload.classes = vec![RequestClassConfig {
        class: RequestClass::Read,
        fraction: 1.0,
        work_factor: 1.0,
        request_bytes: 0,
        response_bytes: 0,
    }];
    sc.fleet.regions = vec![FleetRegionConfig {
        name: "r".into(),
        instances: servers,
    }];
    sc.fleet.slots_per_instance = 1;
    // Replicas are set by hand here, not by the HPA.
    sc.fleet.autoscaling.enabled = false;
    sc.fleet.queue_limit = 0;
    sc.fleet.request_timeout = SimDuration::from_hours(10);
    sc.fleet.versions.truncate(1);
    sc.fleet.versions[0].error_rate = 0.0;
    sc.fleet.version = sc.fleet.versions[0].name.clone();
    sc.load_balancer.policy = BalancerPolicyKind::LeastOutstanding;
    sc.load_balancer.queue_limit = u32::MAX;
    sc.duration = SimDuration::from_hours(2);
    sc
}

/// Mean wait in line (latency minus mean service) of one replication.
fn simulated_wait(sc: &ScenarioConfig, seed: u64) -> f64 {
    let mut world = build_world(sc, seed).expect("valid scenario");
    world.versions[0].service = Dist::exponential(SERVICE_MEAN_S).expect("valid");
    let mut sim = Simulation::new(world, seed);
    sim.run_until(SimTime::ZERO + sc.duration);
    let world = sim.model();
    assert!(world.conserved());
    assert_eq!(
        world.totals().rejected + world.totals().timed_out + world.totals().failed,
        0
    );
    world.overall_latency().mean.as_secs_f64() - SERVICE_MEAN_S
}

#[test]
fn fleet_of_single_slot_instances_is_mmc() {
    for (servers, rho) in [(4, 0.5), (4, 0.85)] {
        let sc = mmc_scenario(servers, rho);
        let waits: Summary = replicate(16, 5, |seed| simulated_wait(&sc, seed))
            .into_iter()
            .collect();
        let ci = waits.confidence_interval(0.99).expect("16 replications");
        let lambda = rho * f64::from(servers) / SERVICE_MEAN_S;
        let theory = mmc_wait(servers, lambda, 1.0 / SERVICE_MEAN_S).expect("stable");
        println!("fleet M/M/{servers} ρ={rho}: theory {theory:.5} s, simulated {ci}");
        assert!(ci.contains(theory), "theory {theory} outside {ci}");
        assert!(ci.half_width < 0.15 * theory, "interval too wide: {ci}");
    }
}
