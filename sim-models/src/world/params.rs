//! The world's fixed parameters, resolved from a scenario by `run.rs`.

use sim_core::{Dist, SimDuration};

use super::NodePool;

/// A release's runtime behaviour.
#[derive(Clone, Debug)]
pub struct Version {
    /// Its name.
    pub name: String,
    /// Service time in seconds for work factor 1.
    pub service: Dist,
    /// Probability that a served request fails.
    pub error_rate: f64,
    /// Multiplier on the CPU a request burns (the CPU metric, not latency).
    pub cpu_factor: f64,
    /// Memory leaked per second of uptime.
    pub leak_bytes_per_s: f64,
    /// Chance that a start crashes.
    pub crash_on_start: f64,
    /// From start to process up.
    pub startup: SimDuration,
}

/// A request class's runtime parameters.
#[derive(Clone, Debug)]
pub struct Class {
    /// Service-time multiplier.
    pub work_factor: f64,
    /// Bytes received per request.
    pub request_bytes: u64,
    /// Bytes sent per response.
    pub response_bytes: u64,
}

/// Fixed parameters of the fleet.
#[derive(Clone, Debug)]
pub struct FleetParams {
    /// Fleet region names.
    pub regions: Vec<String>,
    /// Concurrency slots per instance.
    pub slots: u32,
    /// Waiting requests allowed per instance.
    pub queue_limit: u32,
    /// Requests allowed to wait at a region's balancer when every instance is full.
    pub balancer_queue_limit: u32,
    /// Client timeout.
    pub request_timeout: SimDuration,
    /// Readiness probes gate traffic (`None`: probes off, routable at once).
    pub readiness: Option<Probe>,
    /// Delay before a crashed instance is restarted (Kubernetes' first back-off is 10 s).
    pub restart_delay: SimDuration,
    /// Memory at which an instance is OOM-killed.
    pub memory_limit_bytes: u64,
    /// Resident memory of an idle instance.
    pub base_memory_bytes: u64,
    /// Extra memory per request held (serving or queued).
    pub memory_per_request_bytes: u64,
    /// Log volume written per request served.
    pub log_bytes_per_request: u64,
    /// The release new instances run.
    pub current_version: usize,
    /// Node pools at time zero, per region.
    pub nodes: Vec<NodePool>,
}

/// The timing of a readiness probe.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    /// Before the first probe.
    pub initial_delay: SimDuration,
    /// Between probes.
    pub period: SimDuration,
    /// Consecutive successes needed.
    pub success_threshold: u32,
}
