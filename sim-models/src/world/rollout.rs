//! Rollouts: how a release replaces the pods of a region.
//!
//! # Rules reproduced
//!
//! **Rolling update** — Kubernetes' deployment controller
//! (`pkg/controller/deployment/rolling.go`), reconciled every second while a
//! rollout runs (Kubernetes reacts to watch events within milliseconds; a
//! second per step is immaterial at rollout time scales):
//! 1. New pods: scale the new version up to
//!    `min(desired + surge − all pods, desired − new pods)`.
//! 2. Old pods: with `min_available = desired − unavailable` and
//!    `max_scaled_down = all pods − min_available − unavailable new pods`,
//!    first remove old pods that are not available, then old pods while
//!    more than `min_available` pods are available.
//! 3. A pod is available once ready for `min_ready` (without readiness
//!    probes a pod is ready as soon as it starts, as in Kubernetes); readiness
//!    gates traffic and a removed pod drains (grace period 30 s).
//! 4. Progress is a change of new pods or available new pods; no progress
//!    for `progress_deadline` is `ProgressDeadlineExceeded`.
//!
//! **Recreate** (`strategy: compose`, a Compose-like restart): every old
//! pod goes; once none is left, the new ones start.
//!
//! **Automated rollback** (this architecture's policy; Kubernetes itself
//! only reports): on the progress deadline, on failing health checks (a new
//! pod crashing three times in a row), or when a named alert fires during
//! the rollout. The rollback is a rolling update back to the old version.
//!
//! The canary strategy is in `canary.rs`. While a rollout runs, the
//! region's HPA holds (Kubernetes would scale both ReplicaSets
//! proportionally); a replica change asked for meanwhile becomes the
//! rollout's desired count.

use sim_core::{Context, SimDuration, SimTime};

use super::canary::CanaryState;
use super::deployment::{Deployment, DeploymentOutcome, Rollback, TimelineEntry};
use super::scaling::Pods;
use super::{DeployEvent, Event, World};
use crate::deploy::{CanaryConfig, RollingUpdateConfig};
use crate::scenario::DeploymentStrategy;

/// How often a running rollout is reconciled.
const RECONCILE_PERIOD: SimDuration = SimDuration::from_secs(1);

/// Crashes in a row of a new pod that count as failing health checks.
const FAILING_HEALTH_CHECKS: u32 = 3;

/// How releases reach the fleet.
#[derive(Clone, Debug)]
pub struct DeployPolicy {
    /// Rolling, canary or a Compose-like recreate.
    pub strategy: DeploymentStrategy,
    /// Surge, unavailability, deadlines and rollback rules (also used by a
    /// canary's rollback and initialisation deadline).
    pub rolling: RollingUpdateConfig,
    /// Steps, interval, threshold and judge of a canary.
    pub canary: CanaryConfig,
}

/// Where a rollout is.
#[derive(Debug)]
pub(crate) enum Phase {
    /// Replacing pods under surge and unavailability limits.
    Rolling,
    /// Recreate: waiting for every old pod to be gone.
    Stopping,
    /// Recreate: the new pods are starting.
    Starting,
    /// A canary beside the primary.
    Canary(Box<CanaryState>),
    /// Undone; waiting for the last pod of the abandoned version to go.
    Draining {
        /// The abandoned version.
        version: usize,
    },
}

/// A rollout running in one region.
#[derive(Debug)]
pub(crate) struct Rollout {
    /// Index into `World::deployments`.
    pub(crate) record: usize,
    /// The version the controller drives the region to.
    pub(crate) target: usize,
    /// The version it replaces.
    pub(crate) other: usize,
    pub(crate) desired: u32,
    pub(crate) phase: Phase,
    /// (new pods, available new pods) at the last progress.
    progress: (u32, u32),
    last_progress: SimTime,
}

impl Rollout {
    fn new(
        record: usize,
        target: usize,
        other: usize,
        desired: u32,
        phase: Phase,
        now: SimTime,
    ) -> Self {
        Rollout {
            record,
            target,
            other,
            desired,
            phase,
            progress: (0, 0),
            last_progress: now,
        }
    }
}

impl World {
    /// Sets how releases are shipped; call before the run.
    pub fn set_deploy_policy(&mut self, policy: DeployPolicy) {
        self.deploy_policy = Some(policy);
    }

    /// Ships `version` to every fleet region: now, or after the rollout
    /// running there (the newest waiting release wins).
    pub(crate) fn release(&mut self, cx: &mut Context<'_, Event>, version: usize) {
        for region in 0..self.params.regions.len() {
            if self.rollouts[region].is_some() {
                self.queued_release[region] = Some(version);
            } else {
                self.start_rollout(cx, region, version);
            }
        }
    }

    fn start_rollout(&mut self, cx: &mut Context<'_, Event>, region: usize, version: usize) {
        let now = cx.now();
        let from = self.current_version[region];
        let Some(policy) = self.deploy_policy.clone() else {
            return;
        };
        if version == from {
            return; // already running it
        }
        let strategy = match policy.strategy {
            DeploymentStrategy::Rolling => "rolling",
            DeploymentStrategy::Compose => "recreate",
            DeploymentStrategy::Canary => "canary",
        };
        self.deployments.push(Deployment {
            region: self.params.regions[region].clone(),
            strategy,
            from: self.versions[from].name.clone(),
            to: self.versions[version].name.clone(),
            started: now,
            finished: None,
            outcome: DeploymentOutcome::InProgress,
            timeline: Vec::new(),
            rollback: None,
            from_index: from,
            to_index: version,
            region_index: region,
            at_start: self.snapshot(region, version),
            at_end: None,
        });
        let record = self.deployments.len() - 1;
        let phase = match policy.strategy {
            DeploymentStrategy::Rolling => Phase::Rolling,
            DeploymentStrategy::Compose => Phase::Stopping,
            DeploymentStrategy::Canary => Phase::Canary(Box::new(CanaryState::new(&policy.canary))),
        };
        let desired = self.replicas(region);
        self.rollouts[region] = Some(Rollout::new(record, version, from, desired, phase, now));
        self.note(
            now,
            region,
            format!("{strategy} of {} started", self.versions[version].name),
        );
        if policy.strategy == DeploymentStrategy::Canary {
            self.start_canary(cx, region);
        }
        self.reconcile(cx, region);
    }

    /// Adds a timeline entry (and an event-log line) to the region's rollout.
    pub(crate) fn note(&mut self, now: SimTime, region: usize, event: String) {
        let Some(ro) = &self.rollouts[region] else {
            return;
        };
        self.log.log(now, "deployment", |r| {
            r.field("region", self.params.regions[region].as_str())
                .field("event", event.as_str());
        });
        self.deployments[ro.record]
            .timeline
            .push(TimelineEntry { at: now, event });
    }

    /// One reconcile of the region's rollout; schedules the next.
    pub(crate) fn reconcile(&mut self, cx: &mut Context<'_, Event>, region: usize) {
        let now = cx.now();
        let Some(ro) = &self.rollouts[region] else {
            return;
        };
        let record = ro.record;
        let done = match ro.phase {
            Phase::Rolling => self.reconcile_rolling(cx, region),
            Phase::Stopping | Phase::Starting => self.reconcile_recreate(cx, region),
            Phase::Canary(_) => self.reconcile_canary(cx, region),
            Phase::Draining { version } => !self.on_node(region, Pods::Of(version)),
        };
        if done {
            return self.finish_rollout(cx, region);
        }
        if let Some(reason) = self.rollback_reason(now, region) {
            self.roll_back(cx, region, reason);
        }
        let tick = DeployEvent::Reconcile {
            region: region as u16,
            record: record as u32,
        };
        cx.schedule_in(RECONCILE_PERIOD, tick.into());
    }

    /// Rolling update steps 1–2; `true` once complete.
    fn reconcile_rolling(&mut self, cx: &mut Context<'_, Event>, region: usize) -> bool {
        let now = cx.now();
        let ro = self.rollouts[region].as_ref().expect("a rollout runs");
        let (target, desired) = (ro.target, ro.desired);
        let (surge, unavailable) = self
            .deploy_policy
            .as_ref()
            .expect("a rollout has a policy")
            .rolling
            .resolve(desired)
            .expect("validated with the scenario");
        let min_ready = self.min_ready();
        let new = self.replicas_of(region, target);
        let all = self.replicas(region);
        if new < desired && all < desired + surge {
            self.add_pods(
                cx,
                region,
                target,
                (desired + surge - all).min(desired - new),
            );
        } else if new > desired {
            self.remove_pods(cx, region, Pods::Of(target), new - desired);
        }
        let new = self.replicas_of(region, target);
        let all = self.replicas(region);
        let old = all - new;
        let new_available = self.available(region, Pods::Of(target), now, min_ready);
        if old > 0 {
            let min_available = desired.saturating_sub(unavailable);
            let max_scaled_down =
                i64::from(all) - i64::from(min_available) - i64::from(new - new_available);
            if max_scaled_down > 0 {
                let old_available = self.available(region, Pods::NotOf(target), now, min_ready);
                let cleanup = (max_scaled_down as u32).min(old - old_available);
                self.remove_pods(cx, region, Pods::NotOf(target), cleanup);
                let available = self.available(region, Pods::All, now, min_ready);
                if available > min_available {
                    let n = (old - cleanup).min(available - min_available);
                    self.remove_pods(cx, region, Pods::NotOf(target), n);
                }
            }
        }
        self.track_progress(now, region, new, new_available);
        let old = self.count_replicas(region, Pods::NotOf(target));
        new == desired && new_available == desired && old == 0
    }

    /// Recreate: all old pods go, then the new ones start; `true` once all are available.
    fn reconcile_recreate(&mut self, cx: &mut Context<'_, Event>, region: usize) -> bool {
        let now = cx.now();
        let ro = self.rollouts[region].as_ref().expect("a rollout runs");
        let (target, desired) = (ro.target, ro.desired);
        let stopping = matches!(ro.phase, Phase::Stopping);
        if stopping {
            let old = self.count_replicas(region, Pods::NotOf(target));
            self.remove_pods(cx, region, Pods::NotOf(target), old);
            if self.on_node(region, Pods::NotOf(target)) {
                return false;
            }
            self.rollouts[region].as_mut().expect("runs").phase = Phase::Starting;
            self.note(now, region, "old pods gone; starting new ones".into());
            let new = self.replicas_of(region, target);
            self.add_pods(cx, region, target, desired.saturating_sub(new));
        }
        let new = self.replicas_of(region, target);
        let available = self.available(region, Pods::Of(target), now, self.min_ready());
        self.track_progress(now, region, new, available);
        available >= desired
    }

    pub(crate) fn track_progress(&mut self, now: SimTime, region: usize, new: u32, available: u32) {
        let ro = self.rollouts[region].as_mut().expect("a rollout runs");
        if (new, available) != ro.progress {
            ro.progress = (new, available);
            ro.last_progress = now;
        }
    }

    /// Why the region's rollout must be undone now, if it must.
    fn rollback_reason(&self, now: SimTime, region: usize) -> Option<String> {
        let ro = self.rollouts[region].as_ref()?;
        if matches!(ro.phase, Phase::Draining { .. }) || self.is_rollback(region) {
            return None;
        }
        let policy = &self.deploy_policy.as_ref()?.rolling;
        let rules = &policy.rollback_on;
        let target = ro.target;
        if rules.progress_deadline && now - ro.last_progress >= policy.progress_deadline {
            return Some(format!(
                "progress deadline exceeded (no progress for {})",
                policy.progress_deadline
            ));
        }
        if rules.failing_health_checks
            && self.instances.iter().any(|x| {
                x.region == region
                    && x.version == target
                    && x.lifecycle.counted()
                    && x.crash_streak >= FAILING_HEALTH_CHECKS
            })
        {
            return Some(format!(
                "failing health checks (a new pod crashed {FAILING_HEALTH_CHECKS} times in a row)"
            ));
        }
        let alert = rules.alert.as_deref()?;
        self.firing_since(alert, self.deployments[ro.record].started)
            .then(|| format!("alert {alert} fired"))
    }

    /// Whether alert `alert` fired at or after `since` and still fires.
    fn firing_since(&self, alert: &str, since: SimTime) -> bool {
        self.alerts().iter().any(|a| {
            a.alertname == alert && a.fired_at.is_some_and(|t| t >= since) && a.ended_at.is_none()
        })
    }

    /// Whether the region's rollout is already a rollback.
    fn is_rollback(&self, region: usize) -> bool {
        self.rollouts[region]
            .as_ref()
            .is_some_and(|ro| self.deployments[ro.record].rollback.is_some())
    }

    /// Undoes the region's rollout: back to the old version.
    pub(crate) fn roll_back(&mut self, cx: &mut Context<'_, Event>, region: usize, reason: String) {
        let now = cx.now();
        let ro = self.rollouts[region].as_mut().expect("a rollout runs");
        let record = ro.record;
        let abandoned = ro.target;
        let canary = matches!(ro.phase, Phase::Canary(_));
        ro.target = ro.other;
        ro.other = abandoned;
        ro.last_progress = now;
        ro.progress = (0, 0);
        ro.phase = if canary {
            Phase::Draining { version: abandoned }
        } else {
            Phase::Rolling
        };
        self.deployments[record].rollback = Some(Rollback {
            at: now,
            reason: reason.clone(),
        });
        self.note(now, region, format!("rollback: {reason}"));
        if canary {
            self.end_canary_traffic(region);
            let n = self.replicas_of(region, abandoned);
            self.remove_pods(cx, region, Pods::Of(abandoned), n);
        }
    }

    fn finish_rollout(&mut self, cx: &mut Context<'_, Event>, region: usize) {
        let now = cx.now();
        let ro = self.rollouts[region].as_ref().expect("a rollout runs");
        let (record, target, abandoned) = (ro.record, ro.target, ro.other);
        let promoted = matches!(ro.phase, Phase::Canary(_));
        let rolled_back = self.deployments[record].rollback.is_some();
        if rolled_back && self.on_node(region, Pods::Of(abandoned)) {
            // Wait for the abandoned version's last pod, so its requests count.
            self.rollouts[region].as_mut().expect("runs").phase =
                Phase::Draining { version: abandoned };
            let tick = DeployEvent::Reconcile {
                region: region as u16,
                record: record as u32,
            };
            cx.schedule_in(RECONCILE_PERIOD, tick.into());
            return;
        }
        let outcome = if rolled_back {
            DeploymentOutcome::RolledBack
        } else if promoted {
            DeploymentOutcome::Promoted
        } else {
            DeploymentOutcome::Completed
        };
        self.note(now, region, format!("finished: {outcome:?}").to_lowercase());
        self.rollouts[region] = None;
        self.current_version[region] = target;
        // A completed rollout stays watched for its alert (bake time).
        self.watched[region] = (!rolled_back).then_some(record);
        let at_end = rolled_back.then(|| self.snapshot(region, abandoned));
        let d = &mut self.deployments[record];
        (d.finished, d.outcome, d.at_end) = (Some(now), outcome, at_end);
        if let Some(next) = self.queued_release[region].take() {
            self.start_rollout(cx, region, next);
        }
    }

    /// After an alert evaluation: a completed rollout whose alert fires
    /// within the alert window is rolled back.
    pub(crate) fn watch_completed_rollouts(&mut self, cx: &mut Context<'_, Event>) {
        let now = cx.now();
        let Some(rules) = self
            .deploy_policy
            .as_ref()
            .map(|p| p.rolling.rollback_on.clone())
        else {
            return;
        };
        let Some(alert) = rules.alert else {
            return;
        };
        for region in 0..self.watched.len() {
            let Some(record) = self.watched[region] else {
                continue;
            };
            let d = &self.deployments[record];
            if now - d.started > rules.alert_window || self.rollouts[region].is_some() {
                self.watched[region] = None;
                continue;
            }
            if !self.firing_since(&alert, d.started) {
                continue;
            }
            self.watched[region] = None;
            let (from, to) = (d.from_index, d.to_index);
            let desired = self.replicas(region);
            let d = &mut self.deployments[record];
            (d.finished, d.outcome) = (None, DeploymentOutcome::InProgress);
            d.rollback = Some(Rollback {
                at: now,
                reason: format!("alert {alert} fired after the rollout"),
            });
            self.rollouts[region] =
                Some(Rollout::new(record, from, to, desired, Phase::Rolling, now));
            self.note(
                now,
                region,
                format!("rollback: alert {alert} fired after the rollout"),
            );
            self.reconcile(cx, region);
        }
    }

    /// A rollout-driven replica change: `true` if a rollout took it.
    pub(crate) fn rollout_resized(&mut self, region: usize, desired: u32) -> bool {
        let Some(ro) = self.rollouts[region].as_mut() else {
            return false;
        };
        ro.desired = desired;
        true
    }

    /// Whether a rollout runs in `region` (the HPA holds meanwhile).
    pub fn rollout_running(&self, region: usize) -> bool {
        self.rollouts[region].is_some()
    }

    pub(crate) fn min_ready(&self) -> SimDuration {
        self.deploy_policy
            .as_ref()
            .map_or(SimDuration::ZERO, |p| p.rolling.min_ready)
    }

    /// Available `pods` of `region`: ready for at least `min_ready`.
    pub(crate) fn available(
        &self,
        region: usize,
        pods: Pods,
        now: SimTime,
        min_ready: SimDuration,
    ) -> u32 {
        self.instances
            .iter()
            .filter(|x| {
                x.region == region
                    && x.routable
                    && x.lifecycle.counted()
                    && pods.include(x.version)
                    && x.readiness_changed_at.is_some_and(|t| now - t >= min_ready)
            })
            .count() as u32
    }

    /// Whether one of `pods` still holds a node slot (draining included).
    fn on_node(&self, region: usize, pods: Pods) -> bool {
        self.instances
            .iter()
            .any(|x| x.region == region && pods.include(x.version) && x.lifecycle.on_node())
    }

    pub(crate) fn handle_deploy(&mut self, cx: &mut Context<'_, Event>, event: DeployEvent) {
        match event {
            DeployEvent::Release { version } => self.release(cx, version as usize),
            DeployEvent::Reconcile { region, record } => {
                let region = region as usize;
                if self.rollouts[region]
                    .as_ref()
                    .is_some_and(|ro| ro.record == record as usize)
                {
                    self.reconcile(cx, region);
                }
            }
            DeployEvent::Analysis { region, record } => {
                let region = region as usize;
                if self.rollouts[region]
                    .as_ref()
                    .is_some_and(|ro| ro.record == record as usize)
                {
                    self.analyse_canary(cx, region);
                }
            }
        }
    }
}
