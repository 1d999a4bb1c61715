//! The canary strategy, with Flagger's semantics.
//!
//! 1. The canary (the new version) starts beside the primary with as many
//!    pods and no traffic; it must become available within the progress
//!    deadline.
//! 2. Traffic shifts through the weighted balancer to the first step's
//!    weight; every `interval` the judge rates the canary's requests of the
//!    interval against the primary's (the last primary interval with
//!    requests once the canary takes everything).
//! 3. A passing check moves to the next step; after the last step passes
//!    the canary is promoted. A check that does not pass counts as failed;
//!    at `threshold` failed checks the canary is rolled back: traffic
//!    returns to the primary and the canary's pods are removed (draining).
//!
//! So a canary failing every check is rolled back `interval × threshold`
//! after its analysis starts, and one passing every check is promoted
//! after `interval × steps`. Deviation: promotion keeps the canary's pods
//! as the new primary and removes the old ones, where Flagger copies the
//! canary's spec to the primary and rolls it; the end state is the same.

use sim_core::{Context, SimDuration};

use super::rollout::Phase;
use super::scaling::Pods;
use super::{DeployEvent, Event, World};
use crate::deploy::CanaryConfig;
use crate::deploy::judge::{Judge, Observations};
use crate::fleet::balancer::{BalancerPolicy, Weighted};

/// What one version served during the current analysis interval.
#[derive(Clone, Debug, Default)]
pub(crate) struct Interval {
    latencies_s: Vec<f64>,
    requests: u64,
    failed: u64,
}

impl Interval {
    fn observations(&self) -> Observations<'_> {
        Observations::new(&self.latencies_s, self.requests, self.failed)
    }
}

/// A canary's analysis state.
#[derive(Debug)]
pub(crate) struct CanaryState {
    judge: Box<dyn Judge>,
    steps: Vec<u32>,
    interval: SimDuration,
    threshold: u32,
    /// Index of the current step; `None` while the canary starts.
    step: Option<usize>,
    failed_checks: u32,
    promoted: bool,
    /// The primary's and the canary's requests this interval.
    baseline: Interval,
    canary: Interval,
    /// The primary's last interval with requests.
    last_baseline: Interval,
    /// The region's balancer, restored when the canary ends.
    saved_balancer: Option<Box<dyn BalancerPolicy>>,
}

impl CanaryState {
    pub(crate) fn new(config: &CanaryConfig) -> Self {
        CanaryState {
            judge: config.judge.build().expect("validated with the scenario"),
            steps: config.steps.clone(),
            interval: config.interval,
            threshold: config.threshold,
            step: None,
            failed_checks: 0,
            promoted: false,
            baseline: Interval::default(),
            canary: Interval::default(),
            last_baseline: Interval::default(),
            saved_balancer: None,
        }
    }
}

impl World {
    fn canary(&mut self, region: usize) -> Option<&mut CanaryState> {
        match &mut self.rollouts[region].as_mut()?.phase {
            Phase::Canary(c) => Some(c),
            _ => None,
        }
    }

    /// Starts the canary's pods with no traffic.
    pub(crate) fn start_canary(&mut self, cx: &mut Context<'_, Event>, region: usize) {
        let ro = self.rollouts[region].as_ref().expect("a rollout runs");
        let (target, desired) = (ro.target, ro.desired);
        let weights = self.canary_weights(region, 0);
        let balancer = std::mem::replace(&mut self.balancers[region], Box::new(weights));
        self.canary(region).expect("a canary").saved_balancer = Some(balancer);
        self.add_pods(cx, region, target, desired);
    }

    /// The balancer sending `percent` of traffic to the canary.
    fn canary_weights(&self, region: usize, percent: u32) -> Weighted {
        let ro = self.rollouts[region].as_ref().expect("a rollout runs");
        let mut weights = vec![0.0; self.versions.len()];
        weights[ro.other] = f64::from(100 - percent);
        weights[ro.target] = f64::from(percent);
        Weighted::new(weights)
    }

    /// Waits for the canary to be available, then starts the analysis;
    /// `true` once promoted.
    pub(crate) fn reconcile_canary(&mut self, cx: &mut Context<'_, Event>, region: usize) -> bool {
        let now = cx.now();
        let ro = self.rollouts[region].as_ref().expect("a rollout runs");
        let (target, desired, record) = (ro.target, ro.desired, ro.record);
        let min_ready = self.min_ready();
        let new = self.replicas_of(region, target);
        let available = self.available(region, Pods::Of(target), now, min_ready);
        self.track_progress(now, region, new, available);
        let c = self.canary(region).expect("a canary");
        if c.promoted {
            return true;
        }
        if c.step.is_none() && available >= desired {
            c.step = Some(0);
            let (first, interval) = (c.steps[0], c.interval);
            self.set_canary_weight(now, region, first);
            let ev = DeployEvent::Analysis {
                region: region as u16,
                record: record as u32,
            };
            cx.schedule_in(interval, ev.into());
        }
        false
    }

    fn set_canary_weight(&mut self, now: sim_core::SimTime, region: usize, percent: u32) {
        self.balancers[region] = Box::new(self.canary_weights(region, percent));
        self.note(now, region, format!("canary weight {percent} %"));
    }

    /// One analysis: judge the interval, then step, promote, or count a failure.
    pub(crate) fn analyse_canary(&mut self, cx: &mut Context<'_, Event>, region: usize) {
        let now = cx.now();
        let record = self.rollouts[region].as_ref().expect("runs").record;
        let c = self.canary(region).expect("a canary");
        if c.baseline.requests > 0 {
            c.last_baseline = std::mem::take(&mut c.baseline);
        }
        let baseline = &c.last_baseline;
        let verdict = c
            .judge
            .judge(&baseline.observations(), &c.canary.observations());
        c.canary = Interval::default();
        let step = c.step.expect("analysis runs after the start");
        let (steps, threshold, interval) = (c.steps.clone(), c.threshold, c.interval);
        if verdict.passed() {
            if step + 1 == steps.len() {
                c.promoted = true;
                self.note(
                    now,
                    region,
                    format!("check passed ({:.0}); promoted", verdict.score),
                );
                self.end_canary_traffic(region);
                let primary = Pods::NotOf(self.rollouts[region].as_ref().expect("runs").target);
                let n = self.count_replicas(region, primary);
                self.remove_pods(cx, region, primary, n);
                return self.reconcile(cx, region);
            }
            c.step = Some(step + 1);
            self.note(now, region, format!("check passed ({:.0})", verdict.score));
            self.set_canary_weight(now, region, steps[step + 1]);
        } else {
            c.failed_checks += 1;
            let failed = c.failed_checks;
            let why = verdict.reasons.first().cloned().unwrap_or_default();
            self.note(
                now,
                region,
                format!(
                    "check failed {failed}/{threshold} ({}): {why}",
                    verdict.outcome
                ),
            );
            if failed >= threshold {
                return self.roll_back(
                    cx,
                    region,
                    format!("canary analysis failed {failed} checks"),
                );
            }
        }
        let ev = DeployEvent::Analysis {
            region: region as u16,
            record: record as u32,
        };
        cx.schedule_in(interval, ev.into());
    }

    /// Gives the region its own balancer back.
    pub(crate) fn end_canary_traffic(&mut self, region: usize) {
        if let Some(balancer) = self.canary(region).and_then(|c| c.saved_balancer.take()) {
            self.balancers[region] = balancer;
        }
    }

    /// Counts an ended request toward the canary analysis, if one runs.
    pub(crate) fn observe_for_canary(
        &mut self,
        region: usize,
        version: Option<usize>,
        took: SimDuration,
        failed: bool,
    ) {
        let Some(ro) = self.rollouts[region].as_mut() else {
            return;
        };
        let (target, other) = (ro.target, ro.other);
        let Phase::Canary(c) = &mut ro.phase else {
            return;
        };
        let interval = match version {
            Some(v) if v == target => &mut c.canary,
            Some(v) if v == other => &mut c.baseline,
            _ => return,
        };
        interval.requests += 1;
        interval.failed += u64::from(failed);
        interval.latencies_s.push(took.as_secs_f64());
    }
}
