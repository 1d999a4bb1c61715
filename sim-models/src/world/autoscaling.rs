//! The HPA controller loop: one [`Hpa`] per fleet region, synced every
//! sync period with per-pod samples measured from the instances, acting
//! through [`World::scale_to`].
//!
//! A pod's sample averages over the `metric_window` ending at the sync, as
//! metrics-server's does: the world snapshots every pod's counters when the
//! window opens (`WindowStart`) and differences them at the sync. CPU is the
//! busy fraction of the pod's slots, in percent of its request (one slot is
//! one request's worth of CPU); requests per second counts requests the pod
//! started serving. A pod younger than the window is averaged over its own
//! life. Pods without a process (pending, starting, crashed) have no sample:
//! they have no metrics endpoint yet.

use sim_core::{Context, SimTime};

use super::{AutoscaleEvent, Event, World};
use crate::autoscale::{Decision, Hpa, HpaConfig, MetricTarget, PodSample};
use crate::error::Result;
use crate::fleet::instance::Lifecycle;

/// One region's HPA and the counters at the opening of its metric window.
#[derive(Clone, Debug)]
pub(crate) struct RegionAutoscaler {
    hpa: Hpa,
    window_opened: SimTime,
    /// Per instance index: (busy slot-seconds, requests served) at `window_opened`.
    baseline: Vec<(f64, u64)>,
}

impl World {
    /// Puts an HPA with `config` on every fleet region; call before the run.
    pub fn enable_autoscaling(&mut self, config: &HpaConfig) -> Result<()> {
        let hpa = Hpa::new(config)?;
        self.autoscalers = (0..self.params.regions.len())
            .map(|_| RegionAutoscaler {
                hpa: hpa.clone(),
                window_opened: SimTime::ZERO,
                baseline: Vec::new(),
            })
            .collect();
        Ok(())
    }

    /// Schedules every region's first window and sync, one sync period in.
    pub(crate) fn start_autoscalers(&mut self, cx: &mut Context<'_, Event>) {
        for region in 0..self.autoscalers.len() {
            self.schedule_hpa(cx, region, SimTime::ZERO);
        }
    }

    fn schedule_hpa(&mut self, cx: &mut Context<'_, Event>, region: usize, last: SimTime) {
        let config = self.autoscalers[region].hpa.config();
        let sync = last + config.sync_period;
        // Validation keeps the window within one period.
        let opens = last + config.sync_period.saturating_sub(config.metric_window);
        let region = region as u16;
        cx.schedule_at(opens, AutoscaleEvent::WindowStart { region }.into())
            .expect("the window opens after the last sync");
        cx.schedule_at(sync, AutoscaleEvent::Sync { region }.into())
            .expect("syncs move forward");
    }

    pub(crate) fn handle_autoscale(&mut self, cx: &mut Context<'_, Event>, event: AutoscaleEvent) {
        match event {
            AutoscaleEvent::WindowStart { region } => self.open_window(cx.now(), region as usize),
            AutoscaleEvent::Sync { region } => self.hpa_sync(cx, region as usize),
        }
    }

    fn open_window(&mut self, now: SimTime, region: usize) {
        let a = &mut self.autoscalers[region];
        a.window_opened = now;
        a.baseline.resize(self.instances.len(), (0.0, 0));
        for (i, inst) in self.instances.iter_mut().enumerate() {
            if inst.region == region {
                inst.account(now);
                a.baseline[i] = (inst.busy_slot_seconds, inst.served);
            }
        }
    }

    /// What the metrics pipeline reports for instance `i` at `now`.
    fn pod_sample(&mut self, now: SimTime, region: usize, i: usize) -> PodSample {
        let slots = f64::from(self.params.slots);
        let a = &self.autoscalers[region];
        let inst = &mut self.instances[i];
        if inst.lifecycle == Lifecycle::Pending {
            return PodSample::pending();
        }
        inst.account(now);
        let has_process = matches!(inst.lifecycle, Lifecycle::Up | Lifecycle::Ready);
        let (busy0, served0) = a.baseline.get(i).copied().unwrap_or((0.0, 0));
        let opened = a.window_opened.max(inst.created_at);
        let seconds = (now - opened).as_secs_f64();
        let metric = (has_process && seconds > 0.0).then(|| match a.hpa.config().target {
            MetricTarget::CpuUtilization { .. } => {
                let cpu_factor = self.versions[inst.version].cpu_factor;
                100.0 * cpu_factor * (inst.busy_slot_seconds - busy0) / (slots * seconds)
            }
            MetricTarget::RequestsPerSecond { .. } => (inst.served - served0) as f64 / seconds,
        });
        PodSample {
            started_at: Some(inst.created_at),
            ready: inst.routable,
            readiness_changed_at: inst.readiness_changed_at,
            metric,
        }
    }

    fn hpa_sync(&mut self, cx: &mut Context<'_, Event>, region: usize) {
        let now = cx.now();
        if self.rollout_running(region) {
            // Holds during a rollout (see `rollout.rs`).
            return self.schedule_hpa(cx, region, now);
        }
        let pods: Vec<PodSample> = (0..self.instances.len())
            .filter(|&i| {
                self.instances[i].region == region && self.instances[i].lifecycle.counted()
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|i| self.pod_sample(now, region, i))
            .collect();
        let current = pods.len() as u32;
        let decision = self.autoscalers[region].hpa.sync(now, current, &pods);
        self.log.log(now, "hpa_sync", |r| {
            r.field("region", self.params.regions[region].as_str())
                .field("current", decision.current_replicas)
                .field("desired", decision.desired_replicas)
                .field("reason", decision.reason.as_str());
        });
        if decision.rescales() {
            let why = self.describe(region, &decision);
            self.scale_to(cx, region, decision.desired_replicas, &why);
        }
        self.schedule_hpa(cx, region, now);
    }

    /// E.g. `"hpa: desired within range (cpu 93.1 % / target 70 %)"`.
    fn describe(&self, region: usize, d: &Decision) -> String {
        let target = self.autoscalers[region].hpa.config().target;
        let metric = match (d.metric_value, target) {
            (Some(v), MetricTarget::CpuUtilization { .. }) => {
                format!(" (cpu {v:.1} % / target {} %)", target.value())
            }
            (Some(v), MetricTarget::RequestsPerSecond { .. }) => {
                format!(" ({v:.1} req/s per pod / target {})", target.value())
            }
            (None, _) => String::new(),
        };
        format!("hpa: {}{metric}", d.reason)
    }

    /// The autoscaler's bounds `(min, max)` if the fleet autoscales.
    pub fn autoscaling_bounds(&self) -> Option<(u32, u32)> {
        self.autoscalers.first().map(|a| {
            let c = a.hpa.config();
            (c.min_replicas, c.max_replicas)
        })
    }
}
