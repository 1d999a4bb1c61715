//! The world's events: one enum per component family, wrapped by [`Event`]
//! with `From` impls so handlers match exhaustively.

use crate::pipeline::PipelineEvent;
use crate::request::RequestId;

/// Events of the traffic family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrafficEvent {
    /// The next request of a user region arrives.
    Arrival {
        /// User region index.
        region: u16,
    },
}

/// Events of the fleet family. `life` is the instance's restart count when
/// the event was scheduled; events from an earlier life are ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FleetEvent {
    /// A request's service on an instance ends.
    ServiceDone {
        /// Instance index.
        instance: u32,
        /// The instance's life.
        life: u32,
        /// The request.
        request: RequestId,
    },
    /// A request's client gives up.
    Timeout {
        /// The request.
        request: RequestId,
    },
    /// An instance's process finished its cold start.
    ProcessUp {
        /// Instance index.
        instance: u32,
        /// The instance's life.
        life: u32,
    },
    /// A readiness probe runs.
    ReadinessProbe {
        /// Instance index.
        instance: u32,
        /// The instance's life.
        life: u32,
        /// Consecutive successes so far.
        successes: u32,
    },
    /// An instance crashes (chaos, or a bad release).
    Crash {
        /// Instance index.
        instance: u32,
    },
    /// An instance's leaked memory reaches its limit.
    OutOfMemory {
        /// Instance index.
        instance: u32,
        /// The instance's life.
        life: u32,
    },
    /// The kubelet restarts a crashed instance.
    Restart {
        /// Instance index.
        instance: u32,
    },
    /// Set a region's replicas (an operator's or a controller's action).
    ScaleTo {
        /// Fleet region index.
        region: u16,
        /// Desired replicas.
        replicas: u32,
    },
    /// A node provisioned for a fleet region joins and accepts pods.
    NodeReady {
        /// Fleet region index.
        region: u16,
    },
    /// A terminating instance's grace period ends; what it still holds fails.
    TerminationDeadline {
        /// Instance index.
        instance: u32,
        /// The instance's life.
        life: u32,
    },
}

/// Events of the monitoring family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MonitorEvent {
    /// Sample every gauge and counter into its time series (then evaluate
    /// the alert rules that are due).
    Scrape,
    /// Alertmanager flushes the groups that are due.
    AlertFlush,
}

/// Events of the autoscaling family (one HPA per fleet region).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoscaleEvent {
    /// The metric window of the region's next sync opens.
    WindowStart {
        /// Fleet region index.
        region: u16,
    },
    /// The region's HPA runs.
    Sync {
        /// Fleet region index.
        region: u16,
    },
}

/// Events of the deployment family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeployEvent {
    /// Ship a release (a scheduled one, or a green build's artifact).
    Release {
        /// Version index.
        version: u16,
    },
    /// Reconcile a region's rollout.
    Reconcile {
        /// Fleet region index.
        region: u16,
        /// The deployment it belongs to; stale once another runs.
        record: u32,
    },
    /// A canary analysis interval ends.
    Analysis {
        /// Fleet region index.
        region: u16,
        /// The deployment it belongs to.
        record: u32,
    },
}

/// Everything that can happen in the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Traffic.
    Traffic(TrafficEvent),
    /// The app fleet.
    Fleet(FleetEvent),
    /// Monitoring.
    Monitor(MonitorEvent),
    /// Autoscaling.
    Autoscale(AutoscaleEvent),
    /// Deployments.
    Deploy(DeployEvent),
    /// CI builds and the development loop.
    Pipeline(PipelineEvent),
}

impl From<TrafficEvent> for Event {
    fn from(e: TrafficEvent) -> Self {
        Event::Traffic(e)
    }
}
impl From<FleetEvent> for Event {
    fn from(e: FleetEvent) -> Self {
        Event::Fleet(e)
    }
}
impl From<MonitorEvent> for Event {
    fn from(e: MonitorEvent) -> Self {
        Event::Monitor(e)
    }
}
impl From<AutoscaleEvent> for Event {
    fn from(e: AutoscaleEvent) -> Self {
        Event::Autoscale(e)
    }
}
impl From<DeployEvent> for Event {
    fn from(e: DeployEvent) -> Self {
        Event::Deploy(e)
    }
}
impl From<PipelineEvent> for Event {
    fn from(e: PipelineEvent) -> Self {
        Event::Pipeline(e)
    }
}
