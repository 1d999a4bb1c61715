//! One application instance (a pod): concurrency slots, a bounded wait
//! queue, a lifecycle (pending → starting → up → ready → terminating, or
//! crashed) and the resource
//! usage it accumulates.

use std::collections::VecDeque;

use sim_core::SimTime;

use crate::request::RequestId;

/// Where an instance is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// Created; the process is still starting (cold start).
    Starting,
    /// The process is up; not yet passed its readiness probe.
    Up,
    /// Passing readiness: the balancer may send it traffic.
    Ready,
    /// Crashed; waiting to be restarted.
    Crashed,
    /// Waiting for a free pod slot on a node.
    Pending,
    /// Removed from the balancer, finishing what it holds (draining).
    Terminating,
    /// Gone; its node slot is free again.
    Terminated,
}

impl Lifecycle {
    /// Whether the instance occupies a pod slot on a node.
    pub fn on_node(self) -> bool {
        !matches!(self, Lifecycle::Pending | Lifecycle::Terminated)
    }

    /// Whether the instance counts towards its region's replicas (not on its way out).
    pub fn counted(self) -> bool {
        !matches!(self, Lifecycle::Terminating | Lifecycle::Terminated)
    }
}

/// An instance's state.
#[derive(Clone, Debug)]
pub struct Instance {
    /// Index of the fleet region it runs in.
    pub region: usize,
    /// Index of the release version it runs.
    pub version: usize,
    /// Where it is in its life.
    pub lifecycle: Lifecycle,
    /// Whether the balancer routes to it. With readiness probes off this is
    /// true from creation, even before the process is up — as in Kubernetes.
    pub routable: bool,
    /// Requests being served now (at most one per slot).
    pub serving: Vec<RequestId>,
    /// Requests waiting for a slot, oldest first.
    pub queue: VecDeque<RequestId>,
    /// When it was (re)created; probes count from here.
    pub created_at: SimTime,
    /// Restarts so far (the lifecycle generation: events of an earlier life are ignored).
    pub restarts: u32,
    /// Busy slot-seconds accumulated up to `last_change` (CPU time when one
    /// slot keeps one core busy).
    pub busy_slot_seconds: f64,
    /// When `serving` last changed.
    pub last_change: SimTime,
    /// Requests it has started serving, ever (for per-pod request rates).
    pub served: u64,
    /// When `routable` (the pod's `Ready` condition) last changed; `None`
    /// before it started.
    pub readiness_changed_at: Option<SimTime>,
    /// Since when it has waited for a node, while pending.
    pub pending_since: Option<SimTime>,
    /// Crashes since it was last ready (the restart back-off doubles with each).
    pub crash_streak: u32,
}

impl Instance {
    /// A new instance created at `now`.
    pub fn new(region: usize, version: usize, now: SimTime, probes_gate_traffic: bool) -> Self {
        Instance {
            region,
            version,
            lifecycle: Lifecycle::Starting,
            routable: !probes_gate_traffic,
            serving: Vec::new(),
            queue: VecDeque::new(),
            created_at: now,
            restarts: 0,
            busy_slot_seconds: 0.0,
            last_change: now,
            served: 0,
            readiness_changed_at: None,
            pending_since: None,
            crash_streak: 0,
        }
    }

    /// Requests on this instance: in service plus waiting.
    pub fn outstanding(&self) -> usize {
        self.serving.len() + self.queue.len()
    }

    /// Sets whether the balancer routes to it, noting when that changed.
    pub fn set_routable(&mut self, routable: bool, now: SimTime) {
        if self.routable != routable || self.readiness_changed_at.is_none() {
            self.readiness_changed_at = Some(now);
        }
        self.routable = routable;
    }

    /// Brings the busy-time integral up to `now` before `serving` changes.
    pub fn account(&mut self, now: SimTime) {
        self.busy_slot_seconds +=
            self.serving.len() as f64 * (now - self.last_change).as_secs_f64();
        self.last_change = now;
    }
}
