//! Building a [`World`] from a validated scenario and running it.

use std::ops::ControlFlow;

use sim_core::record::EventLog;
use sim_core::{Dist, Progress, SimDuration, SimTime, Simulation};

use crate::fleet::balancer;
use crate::fleet::instance::Instance;
use crate::report::RunReport;
use crate::scenario::{ScenarioConfig, TrafficPatternConfig};
use crate::traffic::{ArrivalProcess, RateProfile, RequestMix, Trace};
use crate::world::{Class, DeployPolicy, FleetParams, NodePool, Probe, Version, World};

/// Restart back-off after a crash: Kubernetes' first CrashLoopBackOff delay.
const RESTART_DELAY: SimDuration = SimDuration::from_secs(10);

/// Why a scenario could not be turned into a world.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The scenario breaks its own rules (a hand-built `ScenarioConfig` that
    /// never went through loading is checked here too).
    #[error(transparent)]
    Scenario(#[from] crate::error::ScenarioError),
    /// A parameter is outside what the model accepts.
    #[error("{path}: {reason}")]
    Invalid {
        /// The field path.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

fn invalid(path: impl Into<String>, reason: impl ToString) -> BuildError {
    BuildError::Invalid {
        path: path.into(),
        reason: reason.to_string(),
    }
}

/// Builds the world a scenario describes. Trace paths are used as they are
/// (`scenario::load_path` has already made them relative to the scenario file).
pub fn build_world(sc: &ScenarioConfig, seed: u64) -> Result<World, BuildError> {
    sc.validate()?;
    let fleet = &sc.fleet;
    let versions = fleet
        .versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let service = Dist::log_normal(
                v.service_median.as_secs_f64() * v.latency_factor,
                v.service_p99.as_secs_f64() * v.latency_factor,
            )
            .map_err(|e| invalid(format!("fleet.versions[{i}]"), e))?;
            Ok(Version {
                name: v.name.clone(),
                service,
                error_rate: v.error_rate,
                cpu_factor: v.cpu_factor,
                leak_bytes_per_s: v.memory_leak_bytes_per_hour as f64 / 3600.0,
                crash_on_start: v.crash_on_start_probability,
                startup: v.startup_time.unwrap_or(fleet.cold_start),
            })
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    let current = fleet
        .versions
        .iter()
        .position(|v| v.name == fleet.version)
        .ok_or_else(|| {
            invalid(
                "fleet.version",
                format!("{:?} is not among fleet.versions", fleet.version),
            )
        })?;
    let regions: Vec<String> = fleet.regions.iter().map(|r| r.name.clone()).collect();
    let classes = sc
        .workload
        .classes
        .iter()
        .map(|c| Class {
            work_factor: c.work_factor,
            request_bytes: c.request_bytes,
            response_bytes: c.response_bytes,
        })
        .collect();
    let mix = RequestMix::new(&sc.workload.classes).map_err(|e| invalid("workload.classes", e))?;

    let mut arrivals = Vec::new();
    let mut route = Vec::new();
    for (i, region) in sc.workload.regions.iter().enumerate() {
        let trace = match &region.pattern {
            TrafficPatternConfig::Trace { file } => Some(
                Trace::from_path(file)
                    .map_err(|e| invalid(format!("workload.regions[{i}].pattern.file"), e))?,
            ),
            _ => None,
        };
        let rate = RateProfile::from_config(region, trace.as_ref())
            .map_err(|e| invalid(format!("workload.regions[{i}]"), e))?;
        arrivals.push(ArrivalProcess::new(rate));
        // Users go to the fleet region of the same name, else to the first one.
        route.push(regions.iter().position(|r| *r == region.name).unwrap_or(0));
    }
    let user_regions: Vec<String> = sc.workload.regions.iter().map(|r| r.name.clone()).collect();

    let probe = &fleet.readiness_probe;
    let readiness = probe.enabled.then_some(Probe {
        initial_delay: probe.initial_delay,
        period: probe.period,
        success_threshold: probe.success_threshold.max(1),
    });
    let params = FleetParams {
        regions: regions.clone(),
        slots: fleet.slots_per_instance,
        queue_limit: fleet.queue_limit,
        balancer_queue_limit: sc.load_balancer.queue_limit,
        request_timeout: fleet.request_timeout,
        readiness,
        restart_delay: RESTART_DELAY,
        memory_limit_bytes: fleet.resources.memory_limit_bytes,
        base_memory_bytes: fleet.resources.base_memory_bytes,
        memory_per_request_bytes: fleet.resources.memory_per_request_bytes,
        log_bytes_per_request: fleet.resources.log_bytes_per_request,
        current_version: current,
        nodes: vec![
            NodePool {
                ready: fleet.nodes.initial,
                provisioning: 0,
                pods_per_node: fleet.nodes.pods_per_node,
                max: fleet.nodes.max,
                provision_delay: fleet.nodes.provision_delay,
            };
            regions.len()
        ],
    };
    let instances = fleet
        .regions
        .iter()
        .enumerate()
        .flat_map(|(r, region)| (0..region.instances).map(move |_| r))
        .map(|r| Instance::new(r, current, SimTime::ZERO, readiness.is_some()))
        .collect();
    let weights: Vec<f64> = fleet
        .versions
        .iter()
        .map(|v| {
            sc.load_balancer
                .weights
                .get(&v.name)
                .copied()
                .unwrap_or(0.0)
        })
        .collect();
    let balancers = regions
        .iter()
        .map(|_| balancer::policy(sc.load_balancer.policy, weights.clone()))
        .collect();
    let log = if sc.monitoring.verbose {
        EventLog::bounded(1_000_000)
    } else {
        EventLog::disabled()
    };
    let mut world = World::new(
        seed,
        versions,
        classes,
        params,
        route,
        arrivals,
        &user_regions,
        mix,
        instances,
        balancers,
        log,
        sc.monitoring.scrape_interval,
    );
    if fleet.autoscaling.enabled {
        world.enable_autoscaling(&fleet.autoscaling)?;
    }
    if sc.monitoring.prometheus && !sc.monitoring.alerting.groups.is_empty() {
        world.enable_alerting(&sc.monitoring.alerting)?;
    }
    let d = &sc.deployment;
    world.set_deploy_policy(DeployPolicy {
        strategy: d.strategy,
        rolling: d.rolling.clone(),
        canary: d.canary.clone(),
    });
    let version_index = |name: &str| {
        fleet
            .versions
            .iter()
            .position(|v| v.name == name)
            .expect("validated: releases name known versions")
    };
    let mut shipped_by_ci = Vec::new();
    for r in &d.releases {
        match r.at {
            Some(at) => world.schedule_release(SimTime::ZERO + at, version_index(&r.version)),
            None => shipped_by_ci.push(version_index(&r.version)),
        }
    }
    if sc.pipeline.enabled {
        world.enable_pipeline(&sc.pipeline, seed, shipped_by_ci)?;
    }
    Ok(world)
}

/// Runs a scenario for its duration and returns the report and the world
/// (for metrics and the event log). `progress` is called every 2^16 events
/// with the fraction of simulated time done; returning `Break` stops early.
pub fn run_scenario(
    sc: &ScenarioConfig,
    seed: u64,
    mut progress: impl FnMut(f64) -> ControlFlow<()> + Send + 'static,
) -> Result<(RunReport, World), BuildError> {
    let world = build_world(sc, seed)?;
    let mut sim = Simulation::new(world, seed);
    let horizon = SimTime::ZERO + sc.duration;
    let total = sc.duration.as_secs_f64().max(f64::MIN_POSITIVE);
    sim.set_progress_hook(1 << 16, move |p: &Progress| {
        progress(p.now.as_secs_f64() / total)
    });
    let summary = sim.run_until(horizon);
    let events = sim.events_handled();
    let world = sim.into_model();
    let report = RunReport::new(sc, seed, &world, summary.now, events);
    Ok((report, world))
}
