//! Every request is accounted for, whatever the scenario: arrivals =
//! succeeded + failed + timed out + rejected + in flight, at the end of every
//! run, with instances crashing, restarting and being scaled up and down
//! (pending on node capacity, draining), and a release rolled out (rolling,
//! recreate or canary, crashing on start or not) along the way — and no NaN
//! anywhere in the report.

use proptest::prelude::*;
use sim_core::{SimDuration, SimTime, Simulation};
use sim_models::report::RunReport;
use sim_models::run::build_world;
use sim_models::scenario::{
    BalancerPolicyKind, DeploymentStrategy, FleetRegionConfig, Profile, ReleaseConfig,
    ScenarioConfig, TrafficPatternConfig, UserRegionConfig, VersionConfig,
};
use sim_models::world::{Event, FleetEvent};

#[derive(Debug, Clone)]
struct Params {
    instances: u32,
    slots: u32,
    queue_limit: u32,
    balancer_queue: u32,
    rps: f64,
    timeout_ms: u64,
    error_rate: f64,
    policy: BalancerPolicyKind,
    probes: bool,
    crashes: Vec<(u64, u32)>,
    scales: Vec<(u64, u32)>,
    minutes: u64,
    /// When v2 ships (s), how, and its chance to crash on start.
    release: Option<(u64, DeploymentStrategy, f64)>,
}

fn params() -> impl Strategy<Value = Params> {
    (
        (1u32..6, 1u32..5, 0u32..6, 0u32..20),
        (1.0f64..400.0, 20u64..3_000, 0.0f64..0.5),
        prop_oneof![
            Just(BalancerPolicyKind::RoundRobin),
            Just(BalancerPolicyKind::LeastOutstanding),
            Just(BalancerPolicyKind::Weighted)
        ],
        any::<bool>(),
        prop::collection::vec((0u64..300, 0u32..6), 0..5),
        (1u64..6, prop::collection::vec((0u64..300, 0u32..30), 0..4)),
        prop::option::of((
            1u64..60,
            prop_oneof![
                Just(DeploymentStrategy::Rolling),
                Just(DeploymentStrategy::Compose),
                Just(DeploymentStrategy::Canary)
            ],
            prop_oneof![Just(0.0), Just(0.5), Just(1.0)],
        )),
    )
        .prop_map(
            |(
                (instances, slots, queue_limit, balancer_queue),
                (rps, timeout_ms, error_rate),
                policy,
                probes,
                crashes,
                (minutes, scales),
                release,
            )| Params {
                instances,
                slots,
                queue_limit,
                balancer_queue,
                rps,
                timeout_ms,
                error_rate,
                policy,
                probes,
                crashes,
                scales,
                minutes,
                release,
            },
        )
}

fn scenario(p: &Params) -> ScenarioConfig {
    let mut sc = ScenarioConfig::preset(Profile::Production);
    sc.workload.regions = vec![UserRegionConfig {
        name: "us-east-1".into(),
        rps: p.rps,
        pattern: TrafficPatternConfig::Diurnal {
            peak_hour: 0.0,
            amplitude: 0.5,
        },
        spikes: vec![],
    }];
    sc.fleet.regions = vec![FleetRegionConfig {
        name: "us-east-1".into(),
        instances: p.instances,
    }];
    sc.fleet.slots_per_instance = p.slots;
    sc.fleet.queue_limit = p.queue_limit;
    sc.fleet.request_timeout = SimDuration::from_millis(p.timeout_ms);
    sc.fleet.versions.truncate(1);
    sc.fleet.versions[0].error_rate = p.error_rate;
    sc.fleet.version = sc.fleet.versions[0].name.clone();
    sc.fleet.readiness_probe.enabled = p.probes;
    sc.load_balancer.policy = p.policy;
    sc.load_balancer.weights = [(sc.fleet.version.clone(), 1.0)].into();
    sc.load_balancer.queue_limit = p.balancer_queue;
    sc.duration = SimDuration::from_mins(p.minutes);
    if let Some((at_s, strategy, crash)) = p.release {
        let v1 = &sc.fleet.versions[0];
        sc.fleet.versions.push(VersionConfig {
            error_rate: (p.error_rate * 2.0).min(1.0),
            crash_on_start_probability: crash,
            latency_factor: 1.3,
            ..VersionConfig::new("v2", v1.service_median, v1.service_p99)
        });
        sc.deployment.strategy = strategy;
        sc.deployment.canary.interval = SimDuration::from_secs(20);
        sc.deployment.releases = vec![ReleaseConfig {
            version: "v2".into(),
            at: Some(SimDuration::from_secs(at_s)),
        }];
    }
    sc
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_request_is_accounted_for(p in params(), seed in any::<u64>()) {
        let sc = scenario(&p);
        let world = build_world(&sc, seed).expect("valid scenario");
        let mut sim = Simulation::new(world, seed);
        for &(at_s, instance) in &p.crashes {
            let crash = Event::Fleet(FleetEvent::Crash { instance: instance % p.instances });
            sim.schedule_at(SimTime::ZERO + SimDuration::from_secs(at_s), crash).unwrap();
        }
        for &(at_s, replicas) in &p.scales {
            let scale = Event::Fleet(FleetEvent::ScaleTo { region: 0, replicas });
            sim.schedule_at(SimTime::ZERO + SimDuration::from_secs(at_s), scale).unwrap();
        }
        let end = SimTime::ZERO + sc.duration;
        // Check at an intermediate time too, not only at the end.
        sim.run_until(SimTime::ZERO + SimDuration::from_secs(30));
        prop_assert!(sim.model().conserved(), "seed {seed}: {:?}", sim.model());
        let summary = sim.run_until(end);
        let world = sim.model();
        prop_assert!(world.conserved(), "seed {seed}: {world:?}");
        let report = RunReport::new(&sc, seed, world, summary.now, sim.events_handled());
        prop_assert!(report.conservation.holds);
        let json = report.to_json();
        prop_assert!(!json.contains("null") && !json.contains("NaN"), "seed {seed}: {json}");
        let t = report.conservation.totals;
        prop_assert_eq!(report.overall.requests, t.succeeded + t.failed + t.timed_out + t.rejected);
        prop_assert!((0.0..=1.0).contains(&report.overall.availability));
    }
}
