//! The scenario-file type of a rolling update: Kubernetes'
//! `Deployment.spec.strategy.rollingUpdate`, `minReadySeconds` and
//! `progressDeadlineSeconds` with their defaults, plus this architecture's
//! rollback policy.
//!
//! Kubernetes itself never rolls back: past the progress deadline it only
//! sets the Deployment's `Progressing` condition to `False` with reason
//! `ProgressDeadlineExceeded`. Rolling back is the deploy controller's
//! policy, chosen by [`RollbackOnConfig`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sim_core::SimDuration;

use super::rolling_math::{
    DEFAULT_MAX_SURGE, DEFAULT_MAX_UNAVAILABLE, IntOrPercent, both_zero_problem,
    resolve_surge_unavailable,
};
use crate::error::{Problem, Result, field_path};

/// A rolling update (`RollingUpdateDeployment` and its neighbours).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RollingUpdateConfig {
    /// Pods allowed above the desired count (`maxSurge`, default `"25%"`,
    /// rounded up).
    pub max_surge: IntOrPercent,
    /// Pods allowed below the desired count (`maxUnavailable`, default
    /// `"25%"`, rounded down; a percentage at most 100; not 0 with
    /// `max_surge` 0).
    pub max_unavailable: IntOrPercent,
    /// How long a new pod must be ready, without crashing, before it counts
    /// as available (`minReadySeconds`, default 0).
    #[schemars(with = "String")]
    pub min_ready: SimDuration,
    /// How long the rollout may go without progress before it is failed
    /// (`progressDeadlineSeconds`, default 600 s; must exceed `min_ready`).
    #[schemars(with = "String")]
    pub progress_deadline: SimDuration,
    /// When the deploy controller rolls back.
    pub rollback_on: RollbackOnConfig,
}

impl Default for RollingUpdateConfig {
    fn default() -> Self {
        RollingUpdateConfig {
            max_surge: DEFAULT_MAX_SURGE,
            max_unavailable: DEFAULT_MAX_UNAVAILABLE,
            min_ready: SimDuration::ZERO,
            progress_deadline: SimDuration::from_secs(600),
            rollback_on: RollbackOnConfig::default(),
        }
    }
}

/// What makes the deploy controller undo a rolling update. Kubernetes alone
/// is all `false`/`None`; the defaults are this architecture's automated
/// rollback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RollbackOnConfig {
    /// Roll back when the progress deadline passes (default true).
    pub progress_deadline: bool,
    /// Roll back when new pods keep failing their readiness or liveness
    /// probes (default true).
    pub failing_health_checks: bool,
    /// Roll back when this alert fires during the rollout or within
    /// `alert_window` of its start, even once it completed (a bake time;
    /// default none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    /// How long after a rollout starts `alert` still rolls it back (default 15 min).
    #[schemars(with = "String")]
    pub alert_window: SimDuration,
}

impl Default for RollbackOnConfig {
    fn default() -> Self {
        RollbackOnConfig {
            progress_deadline: true,
            failing_health_checks: true,
            alert: None,
            alert_window: SimDuration::from_mins(15),
        }
    }
}

impl RollingUpdateConfig {
    /// `(surge, unavailable)` for `replicas` desired pods
    /// ([`resolve_surge_unavailable`]).
    pub fn resolve(&self, replicas: u32) -> Result<(u32, u32)> {
        resolve_surge_unavailable(replicas, self.max_surge, self.max_unavailable)
    }

    /// Every problem, each path prefixed with `prefix`, as the API server
    /// validates a Deployment (plus a non-empty alert name).
    pub fn problems(&self, prefix: &str) -> Vec<Problem> {
        let mut out = Vec::new();
        if let IntOrPercent::Percent(p) = self.max_unavailable
            && p > 100
        {
            out.push(Problem::new(
                field_path(prefix, "max_unavailable"),
                format!("must not be greater than 100% (got {p}%)"),
            ));
        }
        out.extend(both_zero_problem(
            prefix,
            self.max_surge,
            self.max_unavailable,
        ));
        if self.progress_deadline <= self.min_ready {
            out.push(Problem::new(
                field_path(prefix, "progress_deadline"),
                format!(
                    "must be greater than min_ready ({}) (got {})",
                    self.min_ready, self.progress_deadline
                ),
            ));
        }
        if let Some(alert) = &self.rollback_on.alert
            && alert.trim().is_empty()
        {
            out.push(Problem::new(
                field_path(prefix, "rollback_on.alert"),
                "must name an alert (or be left out)",
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_kubernetes() {
        let c = RollingUpdateConfig::default();
        assert_eq!(c.max_surge, IntOrPercent::Percent(25));
        assert_eq!(c.max_unavailable, IntOrPercent::Percent(25));
        assert_eq!(c.min_ready, SimDuration::ZERO);
        assert_eq!(c.progress_deadline, SimDuration::from_secs(600));
        assert_eq!(c.resolve(10).unwrap(), (3, 2));
        assert!(c.problems("").is_empty());
        let empty: RollingUpdateConfig = serde_yaml_ng::from_str("{}").unwrap();
        assert_eq!(empty, c);
    }

    #[test]
    fn parses_counts_percentages_and_durations() {
        let yaml = "
max_surge: 1
max_unavailable: 0%
min_ready: 10s
progress_deadline: 5m
rollback_on: {progress_deadline: false, alert: HighErrorRate}
";
        let c: RollingUpdateConfig = serde_yaml_ng::from_str(yaml).unwrap();
        assert_eq!(c.max_surge, IntOrPercent::Int(1));
        assert_eq!(c.max_unavailable, IntOrPercent::Percent(0));
        assert_eq!(c.min_ready, SimDuration::from_secs(10));
        assert!(!c.rollback_on.progress_deadline && c.rollback_on.failing_health_checks);
        assert_eq!(c.rollback_on.alert.as_deref(), Some("HighErrorRate"));
        assert!(c.problems("").is_empty());
        assert_eq!(c.resolve(4).unwrap(), (1, 0));
        assert!(serde_yaml_ng::from_str::<RollingUpdateConfig>("max_surge: 25").is_ok());
        assert!(serde_yaml_ng::from_str::<RollingUpdateConfig>("maxSurge: 1").is_err());
    }

    #[test]
    fn validation_names_each_bad_field() {
        let c = RollingUpdateConfig {
            max_surge: IntOrPercent::Int(0),
            max_unavailable: IntOrPercent::Percent(0),
            min_ready: SimDuration::from_mins(10),
            progress_deadline: SimDuration::from_mins(10),
            rollback_on: RollbackOnConfig {
                alert: Some(" ".into()),
                ..RollbackOnConfig::default()
            },
        };
        let paths: Vec<String> = c.problems("rollout").into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                "rollout.max_unavailable",
                "rollout.progress_deadline",
                "rollout.rollback_on.alert"
            ]
        );
        let over = RollingUpdateConfig {
            max_unavailable: IntOrPercent::Percent(150),
            ..RollingUpdateConfig::default()
        };
        assert_eq!(over.problems("")[0].path, "max_unavailable");
        let surge_over = RollingUpdateConfig {
            max_surge: IntOrPercent::Percent(150),
            ..RollingUpdateConfig::default()
        };
        assert!(surge_over.problems("").is_empty());
    }
}
