//! Scaling the fleet: new pods wait for node capacity, cold-start and pass
//! readiness before they take traffic; removed pods drain without failing
//! a request; node limits hold.

use sim_core::{SimDuration, SimTime, Simulation};
use sim_models::fleet::instance::Lifecycle;
use sim_models::run::build_world;
use sim_models::scenario::{Profile, ScenarioConfig};
use sim_models::world::{Event, FleetEvent, World};

fn production(instances: u32) -> ScenarioConfig {
    let mut sc = ScenarioConfig::preset(Profile::Production);
    sc.fleet.regions.truncate(1);
    sc.fleet.regions[0].instances = instances;
    // Replicas are set by hand here, not by the HPA.
    sc.fleet.autoscaling.enabled = false;
    sc.fleet.versions.truncate(1);
    sc.fleet.versions[0].error_rate = 0.0;
    sc.fleet.version = sc.fleet.versions[0].name.clone();
    sc
}

fn at(s: u64) -> SimTime {
    SimTime::ZERO + SimDuration::from_secs(s)
}

fn count(w: &World, state: Lifecycle) -> usize {
    (0..w.instance_count())
        .filter(|&i| w.instance(i).lifecycle == state)
        .count()
}

fn scale(sim: &mut Simulation<World>, when: u64, replicas: u32) {
    let ev = Event::Fleet(FleetEvent::ScaleTo {
        region: 0,
        replicas,
    });
    sim.schedule_at(at(when), ev).unwrap();
}

#[test]
fn scale_up_waits_for_nodes_cold_start_and_readiness() {
    let sc = production(8);
    let (ppn, initial, delay) = (
        sc.fleet.nodes.pods_per_node,
        sc.fleet.nodes.initial,
        sc.fleet.nodes.provision_delay,
    );
    assert_eq!(
        (ppn, initial),
        (4, 3),
        "test written for the production node defaults"
    );
    let mut sim = Simulation::new(build_world(&sc, 1).unwrap(), 1);
    scale(&mut sim, 60, 20);
    sim.run_until(at(61));
    let w = sim.model();
    assert_eq!(w.replicas(0), 20);
    // 12 pod slots on 3 nodes: 8 running + 4 new fit, 8 wait for 2 new nodes.
    assert_eq!(count(w, Lifecycle::Pending), 8);
    assert_eq!(w.node_pools()[0].provisioning, 2);
    assert_eq!(
        count(w, Lifecycle::Ready),
        8,
        "new pods take no traffic before readiness"
    );
    // After cold start and the first passing probe the 4 that fitted are ready.
    let ready_after = sc
        .fleet
        .cold_start
        .as_secs_f64()
        .max(sc.fleet.readiness_probe.period.as_secs_f64());
    sim.run_until(at(61 + ready_after.ceil() as u64 + 10));
    assert_eq!(count(sim.model(), Lifecycle::Ready), 12);
    // Nodes join after the provisioning delay; then the rest start.
    sim.run_until(at(60) + delay + SimDuration::from_secs(ready_after.ceil() as u64 + 11));
    let w = sim.model();
    assert_eq!(w.node_pools()[0].ready, 5);
    assert_eq!(count(w, Lifecycle::Ready), 20);
    assert!(w.conserved());
    assert_eq!(w.scaling_actions().len(), 1);
    assert_eq!(
        (w.scaling_actions()[0].from, w.scaling_actions()[0].to),
        (8, 20)
    );
}

#[test]
fn scale_down_drains_without_failing_requests() {
    let sc = production(12);
    let mut sim = Simulation::new(build_world(&sc, 2).unwrap(), 2);
    scale(&mut sim, 120, 6);
    sim.run_until(at(600));
    let w = sim.model();
    assert_eq!(w.replicas(0), 6);
    assert_eq!(count(w, Lifecycle::Terminated), 6);
    let t = w.totals();
    assert_eq!(
        (t.failed, t.timed_out, t.rejected),
        (0, 0, 0),
        "draining lost requests: {t:?}"
    );
    assert!(t.succeeded > 100_000);
    assert!(w.conserved());
}

#[test]
fn node_limit_leaves_pods_pending() {
    let mut sc = production(4);
    sc.fleet.nodes.max = 4; // 16 pods at most
    let mut sim = Simulation::new(build_world(&sc, 3).unwrap(), 3);
    scale(&mut sim, 10, 30);
    sim.run_until(at(900));
    let w = sim.model();
    assert_eq!(w.node_pools()[0].ready, 4);
    assert_eq!(count(w, Lifecycle::Ready), 16);
    assert_eq!(count(w, Lifecycle::Pending), 14);
}
