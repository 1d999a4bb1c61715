//! The [`Hpa`] controller: one call to [`Hpa::sync`] per sync period.

use std::fmt;

use serde::Serialize;
use sim_core::{SimDuration, SimTime};

use super::behavior::{Behavior, Limit};
use super::config::{Direction, HpaConfig, ScalingRules};
use super::replicas::{
    Hold, MetricRecommendation, PodCounts, PodSample, ReadinessTimings, recommend,
};
use crate::error::Result;

/// Why a sync ended with its replica count, for the run report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The target has 0 replicas: Kubernetes leaves it alone.
    AutoscalingDisabled,
    /// The count was below `min_replicas`; raised without other rules.
    BelowMinReplicas,
    /// The count was above `max_replicas`; lowered without other rules.
    AboveMaxReplicas,
    /// No pod had a usable sample; the sync was skipped.
    NoMetrics,
    /// The usage ratio was within tolerance of 1.
    WithinTolerance,
    /// Counting missing or not-ready pods cancelled the change.
    DampenedByMissingOrNotReady,
    /// The scale-up window held the count at its lowest recent recommendation.
    ScaleUpStabilized,
    /// The scale-down window held the count at its highest recent recommendation.
    ScaleDownStabilized,
    /// A scale-up policy capped the change.
    ScaleUpLimitedByPolicy,
    /// A scale-down policy capped the change.
    ScaleDownLimitedByPolicy,
    /// Scaling up is disabled (`select_policy: disabled`).
    ScaleUpDisabled,
    /// Scaling down is disabled (`select_policy: disabled`).
    ScaleDownDisabled,
    /// Capped at `max_replicas`.
    TooManyReplicas,
    /// Raised to `min_replicas`.
    TooFewReplicas,
    /// The recommendation was applied as computed.
    DesiredWithinRange,
}

impl Reason {
    /// A short human phrase, e.g. `"within tolerance"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::AutoscalingDisabled => "autoscaling disabled (0 replicas)",
            Reason::BelowMinReplicas => "below min replicas",
            Reason::AboveMaxReplicas => "above max replicas",
            Reason::NoMetrics => "no metrics",
            Reason::WithinTolerance => "within tolerance",
            Reason::DampenedByMissingOrNotReady => "dampened by missing or not-ready pods",
            Reason::ScaleUpStabilized => "scale up stabilized",
            Reason::ScaleDownStabilized => "scale down stabilized",
            Reason::ScaleUpLimitedByPolicy => "scale up limited by policy",
            Reason::ScaleDownLimitedByPolicy => "scale down limited by policy",
            Reason::ScaleUpDisabled => "scale up disabled",
            Reason::ScaleDownDisabled => "scale down disabled",
            Reason::TooManyReplicas => "capped at max replicas",
            Reason::TooFewReplicas => "raised to min replicas",
            Reason::DesiredWithinRange => "desired within range",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one sync.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Decision {
    /// The replica count the workload should now have.
    pub desired_replicas: u32,
    /// The count the sync started from.
    pub current_replicas: u32,
    /// The raw recommendation from the metric (before stabilization,
    /// policies and bounds).
    pub recommendation: u32,
    /// The recommendation after the stabilization windows.
    pub stabilized: u32,
    /// The counted pods' mean metric, as the HPA status reports it.
    pub metric_value: Option<f64>,
    /// `metric_value / target`.
    pub usage_ratio: Option<f64>,
    /// Why the count is what it is.
    pub reason: Reason,
}

impl Decision {
    /// Whether the sync changes the replica count.
    pub fn rescales(&self) -> bool {
        self.desired_replicas != self.current_replicas
    }
}

/// A HorizontalPodAutoscaler for one workload: deterministic, driven by the
/// simulation's clock, with the history Kubernetes' controller keeps.
#[derive(Clone, Debug)]
pub struct Hpa {
    config: HpaConfig,
    timings: ReadinessTimings,
    behavior: Behavior,
    last_sync: Option<SimTime>,
}

impl Hpa {
    /// A validated HPA with empty history.
    pub fn new(config: &HpaConfig) -> Result<Self> {
        config.validate()?;
        Ok(Hpa {
            timings: ReadinessTimings {
                cpu_initialization_period: config.cpu_initialization_period,
                initial_readiness_delay: config.initial_readiness_delay,
                metric_window: config.metric_window,
            },
            behavior: Behavior::new(
                config.behavior.scale_up.resolve(Direction::Up),
                config.behavior.scale_down.resolve(Direction::Down),
            ),
            config: config.clone(),
            last_sync: None,
        })
    }

    /// The configuration it runs.
    pub fn config(&self) -> &HpaConfig {
        &self.config
    }

    /// How often the simulation should call [`Hpa::sync`].
    pub fn sync_period(&self) -> SimDuration {
        self.config.sync_period
    }

    /// The resolved scale-up rules.
    pub fn scale_up_rules(&self) -> &ScalingRules {
        self.behavior.scale_up()
    }

    /// The resolved scale-down rules.
    pub fn scale_down_rules(&self) -> &ScalingRules {
        self.behavior.scale_down()
    }

    /// Records held: (recommendations, scale-up events, scale-down events).
    pub fn history_len(&self) -> (usize, usize, usize) {
        self.behavior.history_len()
    }

    /// One controller sync at `now`: the workload has `current_replicas`
    /// and `pods` are its pods' samples. Records the recommendation and, if
    /// the count changes, the scale event, so the caller must apply
    /// `desired_replicas`.
    ///
    /// # Panics
    /// If `now` is earlier than the previous sync.
    pub fn sync(&mut self, now: SimTime, current_replicas: u32, pods: &[PodSample]) -> Decision {
        let m = recommend(
            &self.config.target,
            self.config.tolerance,
            current_replicas,
            pods,
            now,
            &self.timings,
        );
        self.decide(now, current_replicas, m)
    }

    /// The behavior half of a sync, for a raw `recommendation` computed
    /// elsewhere (several metrics, a predictive model): stabilization, rate
    /// limits and bounds, with the same history as [`Hpa::sync`].
    pub fn sync_recommendation(
        &mut self,
        now: SimTime,
        current_replicas: u32,
        recommendation: u32,
    ) -> Decision {
        let m = MetricRecommendation {
            replicas: recommendation,
            metric_value: None,
            usage_ratio: None,
            hold: None,
            pods: PodCounts::default(),
        };
        self.decide(now, current_replicas, m)
    }

    fn decide(&mut self, now: SimTime, current: u32, m: MetricRecommendation) -> Decision {
        if let Some(last) = self.last_sync {
            assert!(now >= last, "HPA sync at {now:?} after one at {last:?}");
        }
        self.last_sync = Some(now);
        self.behavior.prune(now);
        let (min, max) = (self.config.min_replicas, self.config.max_replicas);
        let mut decision = Decision {
            desired_replicas: current,
            current_replicas: current,
            recommendation: m.replicas,
            stabilized: m.replicas,
            metric_value: m.metric_value,
            usage_ratio: m.usage_ratio,
            reason: Reason::DesiredWithinRange,
        };
        // The controller's checks before it looks at metrics.
        let early = if current == 0 {
            Some((0, Reason::AutoscalingDisabled))
        } else if current > max {
            Some((max, Reason::AboveMaxReplicas))
        } else if current < min {
            Some((min, Reason::BelowMinReplicas))
        } else if m.hold == Some(Hold::NoMetrics) {
            Some((current, Reason::NoMetrics))
        } else {
            None
        };
        if let Some((desired, reason)) = early {
            decision.desired_replicas = desired;
            decision.reason = reason;
            self.behavior.record_scale(now, current, desired);
            return decision;
        }

        let stabilized = self.behavior.stabilize(now, current, m.replicas);
        let (desired, limit) = self.behavior.limit(now, current, stabilized, min, max);
        self.behavior.record_scale(now, current, desired);
        decision.stabilized = stabilized;
        decision.desired_replicas = desired;
        decision.reason = match limit {
            Some(Limit::ScaleUpRate) => Reason::ScaleUpLimitedByPolicy,
            Some(Limit::ScaleDownRate) => Reason::ScaleDownLimitedByPolicy,
            Some(Limit::ScaleUpDisabled) => Reason::ScaleUpDisabled,
            Some(Limit::ScaleDownDisabled) => Reason::ScaleDownDisabled,
            Some(Limit::MaxReplicas) => Reason::TooManyReplicas,
            Some(Limit::MinReplicas) => Reason::TooFewReplicas,
            None if stabilized != m.replicas => {
                if m.replicas >= current {
                    Reason::ScaleUpStabilized
                } else {
                    Reason::ScaleDownStabilized
                }
            }
            None => match m.hold {
                Some(Hold::WithinTolerance) => Reason::WithinTolerance,
                Some(Hold::Dampened) => Reason::DampenedByMissingOrNotReady,
                _ => Reason::DesiredWithinRange,
            },
        };
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    #[test]
    fn out_of_range_counts_are_corrected_first() {
        let mut hpa = Hpa::new(&HpaConfig {
            min_replicas: 2,
            max_replicas: 5,
            ..HpaConfig::default()
        })
        .unwrap();
        let d = hpa.sync_recommendation(secs(0), 1, 1);
        assert_eq!(
            (d.desired_replicas, d.reason),
            (2, Reason::BelowMinReplicas)
        );
        let d = hpa.sync_recommendation(secs(15), 9, 9);
        assert_eq!(
            (d.desired_replicas, d.reason),
            (5, Reason::AboveMaxReplicas)
        );
        let d = hpa.sync_recommendation(secs(30), 0, 3);
        assert_eq!(
            (d.desired_replicas, d.reason),
            (0, Reason::AutoscalingDisabled)
        );
    }

    #[test]
    fn no_metrics_keeps_the_count_and_records_nothing() {
        let mut hpa = Hpa::new(&HpaConfig::default()).unwrap();
        let d = hpa.sync(secs(0), 3, &[PodSample::pending(); 3]);
        assert_eq!((d.desired_replicas, d.reason), (3, Reason::NoMetrics));
        assert_eq!(hpa.history_len(), (0, 0, 0));
    }

    #[test]
    #[should_panic(expected = "HPA sync at")]
    fn time_must_not_go_backwards() {
        let mut hpa = Hpa::new(&HpaConfig::default()).unwrap();
        hpa.sync_recommendation(secs(30), 2, 2);
        hpa.sync_recommendation(secs(15), 2, 2);
    }

    #[test]
    fn invalid_config_is_refused() {
        let bad = HpaConfig {
            min_replicas: 0,
            ..HpaConfig::default()
        };
        assert!(Hpa::new(&bad).is_err());
    }
}
