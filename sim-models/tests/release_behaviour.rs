//! A release's behaviour parameters do what they say: latency and CPU
//! factors scale what is measured, a memory leak OOM-kills at the limit, and
//! a crash on start loops with Kubernetes' doubling back-off.

use std::ops::ControlFlow;

use sim_core::record::TimeSeries;
use sim_core::{SimDuration, SimTime, Simulation};
use sim_models::run::{build_world, run_scenario};
use sim_models::scenario::{Profile, ScenarioConfig};
use sim_models::world::{Event, FleetEvent, World};

/// Production, one region of 4 instances at light load, HPA off, verbose log.
fn scenario(minutes: u64) -> ScenarioConfig {
    let mut sc = ScenarioConfig::preset(Profile::Production);
    sc.duration = SimDuration::from_mins(minutes);
    sc.workload.regions[0].rps = 100.0;
    sc.fleet.regions[0].instances = 4;
    sc.fleet.autoscaling.enabled = false;
    sc.fleet.versions[0].error_rate = 0.0;
    sc.monitoring.verbose = true;
    sc
}

fn run(sc: &ScenarioConfig) -> World {
    run_scenario(sc, 5, |_| ControlFlow::Continue(()))
        .unwrap()
        .1
}

fn series<'a>(w: &'a World, name: &str, instance: &str) -> &'a TimeSeries {
    w.recorder()
        .series()
        .find(|s| s.key().name == name && s.key().label("instance") == Some(instance))
        .unwrap()
}

/// Seconds at which events of `kind` were logged for `instance`.
fn logged(w: &World, kind: &str, instance: usize) -> Vec<f64> {
    w.event_log()
        .records()
        .iter()
        .filter(|r| r.kind == kind && r.fields.get("instance") == Some(&instance.into()))
        .map(|r| r.time.as_secs_f64())
        .collect()
}

#[test]
fn latency_factor_scales_service_time() {
    let base = scenario(10);
    let mut slow = base.clone();
    slow.fleet.versions[0].latency_factor = 1.5;
    let (a, b) = (run(&base).overall_latency(), run(&slow).overall_latency());
    // Light load: latency is service time, whose median scales exactly.
    let ratio = b.p50.as_secs_f64() / a.p50.as_secs_f64();
    assert!((ratio - 1.5).abs() < 0.05, "p50 ratio {ratio}");
}

#[test]
fn cpu_factor_scales_cpu_but_not_latency() {
    let base = scenario(5);
    let mut hungry = base.clone();
    hungry.fleet.versions[0].cpu_factor = 2.0;
    let (a, b) = (run(&base), run(&hungry));
    assert_eq!(a.overall_latency(), b.overall_latency());
    let (ca, cb) = (
        series(&a, "instance_cpu_utilisation_ratio", "us-east-1/0"),
        series(&b, "instance_cpu_utilisation_ratio", "us-east-1/0"),
    );
    assert!(ca.values().iter().any(|&v| v > 0.0));
    for (x, y) in ca.values().iter().zip(cb.values()) {
        assert_eq!(2.0 * x, *y);
    }
}

#[test]
fn a_leak_oom_kills_at_the_memory_limit() {
    let mut sc = scenario(90);
    let r = &sc.fleet.resources;
    // Leak exactly the room between idle memory and the limit per hour.
    sc.fleet.versions[0].memory_leak_bytes_per_hour = r.memory_limit_bytes - r.base_memory_bytes;
    let w = run(&sc);
    let stopped = logged(&w, "oom_killed", 0);
    assert_eq!(stopped.first().copied(), Some(3600.0), "{stopped:?}");
    // Restarted 10 s later, cold start, then leaking again from zero.
    let mem = series(&w, "instance_memory_bytes", "us-east-1/0");
    let before = mem
        .points()
        .filter(|(t, _)| t.as_secs_f64() < 3600.0)
        .last()
        .unwrap()
        .1;
    assert!(before > 0.99 * sc.fleet.resources.memory_limit_bytes as f64);
    assert_eq!(w.instance(0).restarts, 1);
}

#[test]
fn a_crash_on_start_loops_with_doubling_back_off() {
    let mut sc = scenario(30);
    sc.fleet.versions[0].crash_on_start_probability = 1.0;
    sc.fleet.versions[0].startup_time = Some(SimDuration::from_secs(2));
    let mut sim = Simulation::new(build_world(&sc, 5).unwrap(), 5);
    let crash = Event::Fleet(FleetEvent::Crash { instance: 0 });
    sim.schedule_at(SimTime::ZERO + SimDuration::from_secs(100), crash)
        .unwrap();
    sim.run_until(SimTime::ZERO + sc.duration);
    let crashes = logged(sim.model(), "crash_on_start", 0);
    // Crash at 100 s; restarts after 10, 20, 40, 80, 160, then 300 s of
    // back-off, each start crashing 2 s in.
    let mut expected = Vec::new();
    let mut t = 100.0;
    for backoff in [10.0, 20.0, 40.0, 80.0, 160.0]
        .into_iter()
        .chain([300.0; 4])
    {
        t += backoff + 2.0;
        expected.push(t);
    }
    assert!(
        t < 1800.0 && t + 302.0 > 1800.0,
        "the run ends after the last one"
    );
    assert_eq!(crashes, expected);
}
