//! The HPA's scenario-file types: `HorizontalPodAutoscaler.spec` with
//! Kubernetes' defaults, and their validation.
//!
//! `behavior` merges like the API server's defaulting: a direction that says
//! nothing gets the documented default rules, and a direction that names only
//! some fields keeps the defaults for the rest (a given `policies` list
//! replaces the default list as a whole).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sim_core::SimDuration;

use crate::error::{Problem, Result, ScenarioError, field_path};

/// Kubernetes rejects stabilization windows over one hour.
pub const MAX_STABILIZATION_WINDOW: SimDuration = SimDuration::from_hours(1);
/// Kubernetes rejects policy periods over 30 minutes.
pub const MAX_POLICY_PERIOD: SimDuration = SimDuration::from_mins(30);

/// One HorizontalPodAutoscaler: bounds, metric target and scaling behavior.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct HpaConfig {
    /// Whether the HPA acts (default true); `false` leaves replicas as set.
    pub enabled: bool,
    /// Fewest replicas the HPA will set (`minReplicas`, default 1).
    pub min_replicas: u32,
    /// Most replicas the HPA will set (`maxReplicas`; required by Kubernetes,
    /// 10 here so a bare `hpa: {}` is usable).
    pub max_replicas: u32,
    /// The per-pod metric and its target average.
    pub target: MetricTarget,
    /// No scaling while `|ratio − 1| ≤ tolerance` (default 0.1).
    pub tolerance: f64,
    /// How often the controller runs (`--horizontal-pod-autoscaler-sync-period`, 15 s).
    #[schemars(with = "String")]
    pub sync_period: SimDuration,
    /// For CPU: how long after a pod starts its readiness and samples are
    /// treated as start-up (`--horizontal-pod-autoscaler-cpu-initialization-period`, 5 min).
    #[schemars(with = "String")]
    pub cpu_initialization_period: SimDuration,
    /// For CPU: an unready pod whose readiness last changed within this long
    /// of its start has never been ready
    /// (`--horizontal-pod-autoscaler-initial-readiness-delay`, 30 s).
    #[schemars(with = "String")]
    pub initial_readiness_delay: SimDuration,
    /// For CPU: the span a usage sample averages over, ending at the sync; a
    /// sample whose window began before the pod became ready is set aside.
    /// 15 s ≈ metrics-server's default resolution.
    #[schemars(with = "String")]
    pub metric_window: SimDuration,
    /// `spec.behavior`: stabilization windows and rate limits per direction.
    pub behavior: BehaviorConfig,
}

impl Default for HpaConfig {
    fn default() -> Self {
        HpaConfig {
            enabled: true,
            min_replicas: 1,
            max_replicas: 10,
            target: MetricTarget::default(),
            tolerance: 0.1,
            sync_period: SimDuration::from_secs(15),
            cpu_initialization_period: SimDuration::from_mins(5),
            initial_readiness_delay: SimDuration::from_secs(30),
            metric_window: SimDuration::from_secs(15),
            behavior: BehaviorConfig::default(),
        }
    }
}

/// What the HPA averages over pods and the value it aims for.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum MetricTarget {
    /// `Resource` cpu, `Utilization` target: samples are percent of the pod's
    /// CPU request. Only this kind sets not-yet-ready pods aside.
    CpuUtilization {
        /// Target mean utilization, percent of request (`averageUtilization`).
        average_utilization_percent: f64,
    },
    /// A `Pods` metric with an `AverageValue` target: requests per second per pod.
    RequestsPerSecond {
        /// Target mean requests per second per pod (`averageValue`).
        average_value: f64,
    },
}

impl MetricTarget {
    /// The target average, in the samples' unit.
    pub fn value(&self) -> f64 {
        match *self {
            MetricTarget::CpuUtilization {
                average_utilization_percent,
            } => average_utilization_percent,
            MetricTarget::RequestsPerSecond { average_value } => average_value,
        }
    }

    /// Whether the CPU-only readiness rules apply.
    pub fn is_cpu(&self) -> bool {
        matches!(self, MetricTarget::CpuUtilization { .. })
    }
}

impl Default for MetricTarget {
    /// 80 % CPU, the `autoscaling/v1` default target.
    fn default() -> Self {
        MetricTarget::CpuUtilization {
            average_utilization_percent: 80.0,
        }
    }
}

/// `spec.behavior`: one set of rules per direction.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BehaviorConfig {
    /// Rules for adding pods (defaults: no window; max(+100 %, +4 pods) per 15 s).
    pub scale_up: ScalingRulesConfig,
    /// Rules for removing pods (defaults: 300 s window; −100 % per 15 s).
    pub scale_down: ScalingRulesConfig,
}

/// `HPAScalingRules` as written: unset fields take the direction's default.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ScalingRulesConfig {
    /// How far back recommendations are considered (`stabilizationWindowSeconds`).
    #[schemars(with = "Option<String>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stabilization_window: Option<SimDuration>,
    /// Which policy wins when several apply (`selectPolicy`, default `max`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub select_policy: Option<SelectPolicy>,
    /// Rate limits; a non-empty list replaces the default list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<ScalingPolicy>>,
}

/// `selectPolicy`: which of several policies applies.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SelectPolicy {
    /// The policy allowing the largest change (Kubernetes' default).
    #[default]
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction at all.
    Disabled,
}

/// `HPAScalingPolicy`: at most `value` pods or percent of change per `period`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScalingPolicy {
    /// Whether `value` counts pods or percent of the replicas at the period's start.
    #[serde(rename = "type")]
    pub kind: PolicyKind,
    /// The allowed change (> 0).
    pub value: u32,
    /// The sliding window the change is summed over (`periodSeconds`, 0 < p ≤ 30 min).
    #[schemars(with = "String")]
    pub period: SimDuration,
}

impl ScalingPolicy {
    /// `value` pods per `period`.
    pub const fn pods(value: u32, period: SimDuration) -> Self {
        ScalingPolicy {
            kind: PolicyKind::Pods,
            value,
            period,
        }
    }

    /// `value` percent per `period`.
    pub const fn percent(value: u32, period: SimDuration) -> Self {
        ScalingPolicy {
            kind: PolicyKind::Percent,
            value,
            period,
        }
    }
}

/// The unit of a [`ScalingPolicy`]'s value.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// An absolute number of pods.
    Pods,
    /// A percentage of the replicas at the start of the period.
    Percent,
}

/// The direction a set of rules governs; its defaults differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Adding pods.
    Up,
    /// Removing pods.
    Down,
}

/// Rules for one direction with every default filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalingRules {
    /// How far back recommendations are considered.
    pub stabilization_window: SimDuration,
    /// Which policy wins.
    pub select_policy: SelectPolicy,
    /// The rate limits (never empty).
    pub policies: Vec<ScalingPolicy>,
}

impl ScalingRules {
    /// Kubernetes' documented default rules for `direction` ("Default Behavior").
    pub fn default_for(direction: Direction) -> Self {
        let fifteen = SimDuration::from_secs(15);
        match direction {
            Direction::Up => ScalingRules {
                stabilization_window: SimDuration::ZERO,
                select_policy: SelectPolicy::Max,
                policies: vec![
                    ScalingPolicy::percent(100, fifteen),
                    ScalingPolicy::pods(4, fifteen),
                ],
            },
            Direction::Down => ScalingRules {
                stabilization_window: SimDuration::from_secs(300),
                select_policy: SelectPolicy::Max,
                policies: vec![ScalingPolicy::percent(100, fifteen)],
            },
        }
    }

    /// The longest policy period: how long a scale event can matter.
    pub fn longest_period(&self) -> SimDuration {
        self.policies
            .iter()
            .map(|p| p.period)
            .max()
            .unwrap_or(SimDuration::ZERO)
    }
}

impl ScalingRulesConfig {
    /// These rules merged over the defaults of `direction`.
    pub fn resolve(&self, direction: Direction) -> ScalingRules {
        let default = ScalingRules::default_for(direction);
        ScalingRules {
            stabilization_window: self
                .stabilization_window
                .unwrap_or(default.stabilization_window),
            select_policy: self.select_policy.unwrap_or(default.select_policy),
            policies: match &self.policies {
                Some(p) if !p.is_empty() => p.clone(),
                _ => default.policies,
            },
        }
    }
}

impl HpaConfig {
    /// Checks the config and returns every problem, paths relative to the HPA.
    pub fn validate(&self) -> Result<()> {
        ScenarioError::check(self.problems(""))
    }

    /// Every problem, each path prefixed with `prefix` (e.g. `"fleet.hpa"`),
    /// so a scenario validator can embed the HPA's rules.
    pub fn problems(&self, prefix: &str) -> Vec<Problem> {
        let at = |field: &str| field_path(prefix, field);
        let mut out = Vec::new();
        if self.min_replicas < 1 {
            out.push(Problem::new(at("min_replicas"), "must be ≥ 1 (got 0)"));
        }
        if self.max_replicas < self.min_replicas {
            out.push(Problem::new(
                at("max_replicas"),
                format!(
                    "must be ≥ min_replicas ({}) (got {})",
                    self.min_replicas, self.max_replicas
                ),
            ));
        }
        let target = self.target.value();
        if !(target.is_finite() && target > 0.0) {
            let field = match self.target {
                MetricTarget::CpuUtilization { .. } => "target.average_utilization_percent",
                MetricTarget::RequestsPerSecond { .. } => "target.average_value",
            };
            out.push(Problem::new(
                at(field),
                format!("must be finite and > 0 (got {target})"),
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            out.push(Problem::new(
                at("tolerance"),
                format!("must be finite and ≥ 0 (got {})", self.tolerance),
            ));
        }
        if self.sync_period == SimDuration::ZERO {
            out.push(Problem::new(at("sync_period"), "must be > 0"));
        }
        for (name, rules) in [
            ("scale_up", &self.behavior.scale_up),
            ("scale_down", &self.behavior.scale_down),
        ] {
            let base = format!("behavior.{name}");
            if let Some(w) = rules.stabilization_window
                && w > MAX_STABILIZATION_WINDOW
            {
                out.push(Problem::new(
                    at(&format!("{base}.stabilization_window")),
                    format!("must be ≤ 1h (got {w})"),
                ));
            }
            if let Some(policies) = &rules.policies {
                if policies.is_empty() {
                    out.push(Problem::new(
                        at(&format!("{base}.policies")),
                        "must list at least one policy (omit it for the defaults)",
                    ));
                }
                for (i, p) in policies.iter().enumerate() {
                    if p.value == 0 {
                        out.push(Problem::new(
                            at(&format!("{base}.policies[{i}].value")),
                            "must be > 0",
                        ));
                    }
                    if p.period == SimDuration::ZERO || p.period > MAX_POLICY_PERIOD {
                        out.push(Problem::new(
                            at(&format!("{base}.policies[{i}].period")),
                            format!("must be > 0 and ≤ 30m (got {})", p.period),
                        ));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_behavior() {
        let up = BehaviorConfig::default().scale_up.resolve(Direction::Up);
        assert_eq!(up.stabilization_window, SimDuration::ZERO);
        assert_eq!(up.select_policy, SelectPolicy::Max);
        assert_eq!(
            up.policies,
            vec![
                ScalingPolicy::percent(100, SimDuration::from_secs(15)),
                ScalingPolicy::pods(4, SimDuration::from_secs(15)),
            ]
        );
        let down = BehaviorConfig::default()
            .scale_down
            .resolve(Direction::Down);
        assert_eq!(down.stabilization_window, SimDuration::from_secs(300));
        assert_eq!(
            down.policies,
            vec![ScalingPolicy::percent(100, SimDuration::from_secs(15))]
        );
    }

    #[test]
    fn partial_rules_keep_the_other_defaults() {
        let json = r#"{"scale_down": {"select_policy": "disabled"}}"#;
        let b: BehaviorConfig = serde_json::from_str(json).unwrap();
        let down = b.scale_down.resolve(Direction::Down);
        assert_eq!(down.select_policy, SelectPolicy::Disabled);
        assert_eq!(down.stabilization_window, SimDuration::from_secs(300));
        assert_eq!(down.policies.len(), 1);
    }

    #[test]
    fn parses_durations_and_policy_types() {
        let json = r#"{
            "min_replicas": 2, "max_replicas": 20,
            "target": {"kind": "requests_per_second", "average_value": 50},
            "sync_period": "30s",
            "behavior": {"scale_down": {"stabilization_window": "1m",
                "policies": [{"type": "pods", "value": 1, "period": "60s"}]}}
        }"#;
        let c: HpaConfig = serde_json::from_str(json).unwrap();
        assert_eq!(c.sync_period, SimDuration::from_secs(30));
        assert_eq!(c.target.value(), 50.0);
        let down = c.behavior.scale_down.resolve(Direction::Down);
        assert_eq!(
            down.policies,
            vec![ScalingPolicy::pods(1, SimDuration::from_secs(60))]
        );
        assert_eq!(c.tolerance, 0.1);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_str::<HpaConfig>(r#"{"max_replica": 3}"#).is_err());
        let bad_target = r#"{"target": {"kind": "cpu_utilization",
            "average_utilization_percent": 50, "average_value": 3}}"#;
        assert!(serde_json::from_str::<HpaConfig>(bad_target).is_err());
    }

    #[test]
    fn validation_names_each_bad_field() {
        let mut c = HpaConfig {
            min_replicas: 0,
            tolerance: -1.0,
            ..HpaConfig::default()
        };
        c.behavior.scale_up.policies = Some(vec![ScalingPolicy::pods(0, SimDuration::ZERO)]);
        c.behavior.scale_down.stabilization_window = Some(SimDuration::from_hours(2));
        let paths: Vec<String> = c.problems("hpa").into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                "hpa.min_replicas",
                "hpa.tolerance",
                "hpa.behavior.scale_up.policies[0].value",
                "hpa.behavior.scale_up.policies[0].period",
                "hpa.behavior.scale_down.stabilization_window",
            ]
        );
        let c = HpaConfig {
            min_replicas: 5,
            max_replicas: 4,
            ..HpaConfig::default()
        };
        let err = c.validate().unwrap_err();
        assert_eq!(err.problems()[0].path, "max_replicas");
    }
}
