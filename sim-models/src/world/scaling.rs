//! Scaling the fleet: the verb `scale_to` that an autoscaler (or a user)
//! acts through, node capacity with cluster-autoscaler-like provisioning,
//! and graceful termination.
//!
//! Rules reproduced (Kubernetes): a new pod waits as *pending* until a node
//! has a free slot, then cold-starts and must pass readiness before it
//! takes traffic. Scaling down removes pods in the ReplicaSet's order —
//! pending first, then not ready, then the newest — and a removed pod leaves
//! the balancer at once, finishes what it holds, and is killed when its
//! termination grace period (30 s by default) runs out.

use serde::Serialize;
use sim_core::{Context, SimDuration, SimTime};

use super::{Event, FleetEvent, InstanceMetrics, World};
use crate::fleet::instance::{Instance, Lifecycle};

/// Kubernetes' default `terminationGracePeriodSeconds`.
pub const TERMINATION_GRACE: SimDuration = SimDuration::from_secs(30);

/// The nodes of one fleet region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodePool {
    /// Nodes accepting pods.
    pub ready: u32,
    /// Nodes asked for and not yet ready.
    pub provisioning: u32,
    /// Pods one node holds.
    pub pods_per_node: u32,
    /// The most nodes the region may have.
    pub max: u32,
    /// From asking for a node to its accepting pods.
    pub provision_delay: SimDuration,
}

/// Which pods of a region an operation applies to, by release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pods {
    /// Every pod.
    All,
    /// Pods running this version.
    Of(usize),
    /// Pods running any other version.
    NotOf(usize),
}

impl Pods {
    /// Whether a pod running `version` is included.
    pub(crate) fn include(self, version: usize) -> bool {
        match self {
            Pods::All => true,
            Pods::Of(v) => version == v,
            Pods::NotOf(v) => version != v,
        }
    }
}

/// How long pods of one region waited for a node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct PendingTime {
    /// Pods that waited (and then started or were removed).
    pub pods: u64,
    /// Their waits added up, in seconds.
    pub total_seconds: f64,
    /// The longest single wait, in seconds.
    pub longest_seconds: f64,
}

impl PendingTime {
    /// Adds one pod's wait (a pod placed at once did not wait).
    pub fn record(&mut self, waited: SimDuration) {
        if waited == SimDuration::ZERO {
            return;
        }
        let s = waited.as_secs_f64();
        self.pods += 1;
        self.total_seconds += s;
        self.longest_seconds = self.longest_seconds.max(s);
    }
}

/// One change of a region's desired replicas, for the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScalingAction {
    /// When it was decided.
    pub time: SimTime,
    /// Fleet region.
    pub region: String,
    /// Replicas before.
    pub from: u32,
    /// Replicas asked for.
    pub to: u32,
    /// Why.
    pub reason: String,
}

impl World {
    /// Instances of `region` that count as replicas (pending, starting, up,
    /// ready or crashed; not those on their way out).
    pub fn replicas(&self, region: usize) -> u32 {
        self.count_replicas(region, Pods::All)
    }

    /// Replicas of `region` running `version`.
    pub fn replicas_of(&self, region: usize, version: usize) -> u32 {
        self.count_replicas(region, Pods::Of(version))
    }

    pub(crate) fn count_replicas(&self, region: usize, pods: Pods) -> u32 {
        self.instances
            .iter()
            .filter(|x| x.region == region && pods.include(x.version) && x.lifecycle.counted())
            .count() as u32
    }

    /// Sets the replicas of `region` to `desired`, recording why. During a
    /// rollout the rollout's desired count changes instead, and its
    /// controller adds or removes the pods.
    pub fn scale_to(
        &mut self,
        cx: &mut Context<'_, Event>,
        region: usize,
        desired: u32,
        reason: &str,
    ) {
        let current = self.replicas(region);
        if desired == current {
            return;
        }
        self.scaling.push(ScalingAction {
            time: cx.now(),
            region: self.params.regions[region].clone(),
            from: current,
            to: desired,
            reason: reason.to_owned(),
        });
        if self.rollout_resized(region, desired) {
            return;
        }
        if desired > current {
            self.add_pods(cx, region, self.current_version[region], desired - current);
        } else {
            self.remove_pods(cx, region, Pods::All, current - desired);
        }
    }

    /// Creates `n` pending pods of `version` in `region` and places what fits.
    pub(crate) fn add_pods(
        &mut self,
        cx: &mut Context<'_, Event>,
        region: usize,
        version: usize,
        n: u32,
    ) {
        for _ in 0..n {
            let i = self.instances.len();
            let mut inst = Instance::new(region, version, cx.now(), true);
            inst.lifecycle = Lifecycle::Pending;
            inst.routable = false;
            inst.pending_since = Some(cx.now());
            self.instances.push(inst);
            let m = InstanceMetrics::register(&mut self.recorder, &self.params.regions[region], i);
            self.metrics.instance.push(m);
        }
        self.place_pending(cx, region);
    }

    /// Terminates `n` of `pods` in `region`, in the ReplicaSet's order.
    pub(crate) fn remove_pods(
        &mut self,
        cx: &mut Context<'_, Event>,
        region: usize,
        pods: Pods,
        n: u32,
    ) {
        for i in self
            .removal_order(region, pods)
            .into_iter()
            .take(n as usize)
        {
            self.terminate(cx, i);
        }
    }

    /// The ReplicaSet's order for removing pods: pending, then not ready, then newest.
    fn removal_order(&self, region: usize, pods: Pods) -> Vec<usize> {
        let mut candidates: Vec<usize> = (0..self.instances.len())
            .filter(|&i| {
                let x = &self.instances[i];
                x.region == region && x.lifecycle.counted() && pods.include(x.version)
            })
            .collect();
        let rank = |x: &Instance| match x.lifecycle {
            Lifecycle::Pending => 0,
            Lifecycle::Ready => 2,
            _ => 1,
        };
        candidates.sort_by_key(|&i| (rank(&self.instances[i]), std::cmp::Reverse(i)));
        candidates
    }

    /// Starts pending instances on free node slots, and asks for nodes for
    /// those that do not fit.
    pub(crate) fn place_pending(&mut self, cx: &mut Context<'_, Event>, region: usize) {
        let pool = self.nodes[region];
        let used = self
            .instances
            .iter()
            .filter(|x| x.region == region && x.lifecycle.on_node())
            .count() as u32;
        let mut free = (pool.ready * pool.pods_per_node).saturating_sub(used);
        let mut waiting = 0;
        for i in 0..self.instances.len() {
            let inst = &self.instances[i];
            if inst.region != region || inst.lifecycle != Lifecycle::Pending {
                continue;
            }
            if free > 0 {
                free -= 1;
                self.boot(cx, i);
            } else {
                waiting += 1;
            }
        }
        let coming = pool.provisioning * pool.pods_per_node;
        if waiting > coming {
            let needed = (waiting - coming).div_ceil(pool.pods_per_node);
            let allowed = pool.max.saturating_sub(pool.ready + pool.provisioning);
            for _ in 0..needed.min(allowed) {
                self.nodes[region].provisioning += 1;
                cx.schedule_in(
                    pool.provision_delay,
                    FleetEvent::NodeReady {
                        region: region as u16,
                    }
                    .into(),
                );
            }
        }
    }

    pub(crate) fn node_ready(&mut self, cx: &mut Context<'_, Event>, region: usize) {
        let pool = &mut self.nodes[region];
        pool.provisioning -= 1;
        pool.ready += 1;
        self.place_pending(cx, region);
    }

    /// Removes instance `i`: out of the balancer now, gone once drained or
    /// when the grace period ends.
    fn terminate(&mut self, cx: &mut Context<'_, Event>, i: usize) {
        let inst = &mut self.instances[i];
        let region = inst.region;
        match inst.lifecycle {
            Lifecycle::Pending => {
                inst.lifecycle = Lifecycle::Terminated;
                if let Some(since) = inst.pending_since.take() {
                    self.pending[region].record(cx.now() - since);
                }
            }
            Lifecycle::Crashed => {
                // Its restart is void: the restart handler only boots crashed instances.
                inst.lifecycle = Lifecycle::Terminated;
                self.place_pending(cx, region);
            }
            _ => {
                inst.lifecycle = Lifecycle::Terminating;
                inst.set_routable(false, cx.now());
                let deadline = FleetEvent::TerminationDeadline {
                    instance: i as u32,
                    life: inst.restarts,
                };
                cx.schedule_in(TERMINATION_GRACE, deadline.into());
                self.refresh_routable(region);
                self.finish_draining(cx, i);
            }
        }
    }

    /// A terminating instance that holds nothing more is gone.
    pub(crate) fn finish_draining(&mut self, cx: &mut Context<'_, Event>, i: usize) {
        let inst = &mut self.instances[i];
        if inst.lifecycle == Lifecycle::Terminating && inst.outstanding() == 0 {
            inst.account(cx.now());
            inst.lifecycle = Lifecycle::Terminated;
            inst.restarts += 1;
            let region = inst.region;
            self.place_pending(cx, region);
        }
    }

    /// Pod waits for nodes per fleet region, counting pods still pending at `now`.
    pub fn pending_time(&self, now: SimTime) -> Vec<PendingTime> {
        let mut out = self.pending.clone();
        for inst in &self.instances {
            if let Some(since) = inst.pending_since {
                out[inst.region].record(now - since);
            }
        }
        out
    }

    /// The node pools, per fleet region.
    pub fn node_pools(&self) -> &[NodePool] {
        &self.nodes
    }

    /// Every change of desired replicas so far.
    pub fn scaling_actions(&self) -> &[ScalingAction] {
        &self.scaling
    }
}
