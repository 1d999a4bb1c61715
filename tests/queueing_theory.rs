//! The engine against queueing theory: M/M/1, M/M/c (c = 4) and M/D/1 at
//! ρ = 0.5 and 0.9. Each case runs independent replications in parallel and
//! requires the theoretical mean wait in queue to lie inside the 99 % Student-t
//! confidence interval of the replication means.

use sim_core::classic::MultiServerQueue;
use sim_core::replicate::replicate;
use sim_core::stats::Summary;
use sim_core::stats::theory::{md1_wait, mm1_wait, mmc_wait};
use sim_core::{Dist, Simulation};

const REPLICATIONS: usize = 24;

/// Mean wait in queue of each replication of a c-server queue with Poisson
/// arrivals at rate `lambda` and the given service distribution.
fn simulated_waits(servers: u32, lambda: f64, service: Dist, customers: u64, seed: u64) -> Summary {
    let interarrival = Dist::exponential(1.0 / lambda).unwrap();
    replicate(REPLICATIONS, seed, |s| {
        let model = MultiServerQueue::new(
            servers,
            interarrival.clone(),
            service.clone(),
            customers,
            customers / 10,
            s,
        );
        let mut sim = Simulation::new(model, s);
        sim.run();
        let stats = sim.model().stats();
        assert_eq!(stats.arrived, customers);
        stats.mean_wait_s()
    })
    .into_iter()
    .collect()
}

fn check(name: &str, theory: f64, waits: Summary) {
    let ci = waits.confidence_interval(0.99).unwrap();
    println!("{name}: theory {theory:.4} s, simulated {ci}");
    assert!(ci.contains(theory), "{name}: theory {theory} outside {ci}");
    // The interval must be tight enough to mean something.
    assert!(
        ci.half_width < 0.1 * theory,
        "{name}: interval too wide: {ci}"
    );
}

/// Customers per replication: heavier load relaxes more slowly and needs longer runs.
fn customers(rho: f64) -> u64 {
    if rho > 0.8 { 200_000 } else { 40_000 }
}

#[test]
fn mm1_matches_theory() {
    for rho in [0.5, 0.9] {
        let waits = simulated_waits(1, rho, Dist::exponential(1.0).unwrap(), customers(rho), 11);
        check(
            &format!("M/M/1 ρ={rho}"),
            mm1_wait(rho, 1.0).unwrap(),
            waits,
        );
    }
}

#[test]
fn mmc_matches_erlang_c() {
    for rho in [0.5, 0.9] {
        let lambda = 4.0 * rho;
        let waits = simulated_waits(
            4,
            lambda,
            Dist::exponential(1.0).unwrap(),
            customers(rho),
            12,
        );
        check(
            &format!("M/M/4 ρ={rho}"),
            mmc_wait(4, lambda, 1.0).unwrap(),
            waits,
        );
    }
}

#[test]
fn md1_matches_pollaczek_khinchine() {
    for rho in [0.5, 0.9] {
        let waits = simulated_waits(1, rho, Dist::constant(1.0).unwrap(), customers(rho), 13);
        check(
            &format!("M/D/1 ρ={rho}"),
            md1_wait(rho, 1.0).unwrap(),
            waits,
        );
    }
}
