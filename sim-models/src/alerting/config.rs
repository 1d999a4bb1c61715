//! The scenario's `monitoring.alerting` section: rule groups shaped like a
//! Prometheus rule file, and an Alertmanager route with one receiver.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sim_core::{Dist, SimDuration, SimRng};

use super::Labels;
use crate::error::{Format, Problem, Result, ScenarioError};

/// Alert rules and where their notifications go.
///
/// ```yaml
/// evaluation_interval: 15s
/// groups:
///   - name: availability
///     rules:
///       - alert: HighErrorRatio
///         expr: sum(rate(requests_total{outcome="failed"}[5m])) / sum(rate(requests_total[5m])) > 0.05
///         for: 2m
///         labels: {severity: page}
/// alertmanager:
///   group_by: [alertname]
///   receiver: {kind: email, to: oncall@example.org, delivery_delay: 30s}
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AlertingConfig {
    /// How often a group without its own `interval` is evaluated
    /// (Prometheus' `global.evaluation_interval`, default 1m). Rules read the
    /// latest scrape, so an interval shorter than the scrape interval only
    /// re-reads the same samples.
    #[schemars(with = "String")]
    pub evaluation_interval: SimDuration,
    /// The rule groups: a Prometheus rule file's `groups` list.
    pub groups: Vec<RuleGroupConfig>,
    /// Grouping, timing and the receiver of notifications.
    pub alertmanager: AlertmanagerConfig,
}

impl Default for AlertingConfig {
    fn default() -> Self {
        AlertingConfig {
            evaluation_interval: SimDuration::from_mins(1),
            groups: Vec::new(),
            alertmanager: AlertmanagerConfig::default(),
        }
    }
}

/// A Prometheus rule file: `groups: [...]`, nothing else.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFileConfig {
    /// The rule groups.
    pub groups: Vec<RuleGroupConfig>,
}

impl RuleFileConfig {
    /// Reads a Prometheus rule file from YAML. A wrong type or an unsupported
    /// field names its path (`groups[0].rules[1].record: …`); expressions are
    /// checked later, by [`AlertingConfig::problems`] or [`Alerting::new`](super::Alerting::new).
    pub fn from_yaml(text: &str) -> Result<RuleFileConfig> {
        let value = serde_yaml_ng::from_str::<serde_json::Value>(text).map_err(|e| {
            let at = e.location();
            ScenarioError::Syntax {
                file: None,
                format: Format::Yaml,
                line: at.as_ref().map(|l| l.line()),
                column: at.as_ref().map(|l| l.column()),
                message: e.to_string(),
            }
        })?;
        Self::from_value(value)
    }

    /// Reads an already-parsed rule file (YAML, JSON or a Python dict).
    pub fn from_value(value: serde_json::Value) -> Result<RuleFileConfig> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            ScenarioError::invalid(vec![Problem::new(path, e.into_inner().to_string())])
        })
    }
}

/// One rule group (`groups[i]` of a rule file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleGroupConfig {
    /// The group's name, unique among the groups.
    pub name: String,
    /// How often the group is evaluated; the global `evaluation_interval` if unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub interval: Option<SimDuration>,
    /// Labels added to every alert of the group (a rule's own labels win).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: Labels,
    /// The alerting rules, evaluated in order.
    pub rules: Vec<RuleConfig>,
}

/// One alerting rule (`groups[i].rules[j]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// The alert's name (`alertname` label); required.
    #[serde(default)]
    #[schemars(required)]
    pub alert: String,
    /// Recording rules are not supported; present only to refuse them clearly.
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub record: Option<String>,
    /// The condition, in the PromQL subset of [`expr`](super::expr): a vector
    /// compared with a number.
    pub expr: String,
    /// How long the condition must hold before the alert fires (default 0: at once).
    #[serde(rename = "for", default, skip_serializing_if = "is_zero")]
    #[schemars(with = "Option<String>")]
    pub hold: SimDuration,
    /// How long a firing alert keeps firing after the condition stops (default 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(with = "Option<String>")]
    pub keep_firing_for: SimDuration,
    /// Labels added to the alert; values may use `{{ $labels.x }}` and `{{ $value }}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: Labels,
    /// Informational text (summary, description, runbook), templated like `labels`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: Labels,
}

fn is_zero(d: &SimDuration) -> bool {
    *d == SimDuration::ZERO
}

/// Alertmanager's route (one, the root) and its receiver.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AlertmanagerConfig {
    /// Labels whose values split alerts into notification groups; `[...]`
    /// groups by every label. Empty (Alertmanager's default): one group for all.
    pub group_by: Vec<String>,
    /// How long a new group waits before its first notification (30s).
    #[schemars(with = "String")]
    pub group_wait: SimDuration,
    /// How long after a group's last flush it may notify about changes (5m).
    #[schemars(with = "String")]
    pub group_interval: SimDuration,
    /// How long before an unchanged, still-firing group is notified again (4h).
    #[schemars(with = "String")]
    pub repeat_interval: SimDuration,
    /// Where notifications go.
    pub receiver: ReceiverConfig,
}

impl Default for AlertmanagerConfig {
    fn default() -> Self {
        AlertmanagerConfig {
            group_by: Vec::new(),
            group_wait: SimDuration::from_secs(30),
            group_interval: SimDuration::from_mins(5),
            repeat_interval: SimDuration::from_hours(4),
            receiver: ReceiverConfig::default(),
        }
    }
}

/// The receiver of notifications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReceiverConfig {
    /// Notifications are kept for the report only, delivered the moment they
    /// are sent (like a webhook to a log).
    Log {
        /// Whether resolved alerts are notified (default true, like Alertmanager's webhook).
        #[serde(default = "yes")]
        send_resolved: bool,
    },
    /// An email to an address, arriving after a delivery delay.
    Email {
        /// The address.
        to: String,
        /// Whether resolved alerts are notified (default false, as in
        /// Alertmanager's `email_config`).
        #[serde(default)]
        send_resolved: bool,
        /// From sending to arriving in the mailbox: a duration (`"30s"`) or a
        /// distribution in seconds (`{kind: log_normal, median: 5, p99: 60}`).
        #[serde(default)]
        delivery_delay: DelayConfig,
    },
}

fn yes() -> bool {
    true
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        ReceiverConfig::Log {
            send_resolved: true,
        }
    }
}

impl ReceiverConfig {
    /// Whether notifications list resolved alerts.
    pub fn send_resolved(&self) -> bool {
        match *self {
            ReceiverConfig::Log { send_resolved } | ReceiverConfig::Email { send_resolved, .. } => {
                send_resolved
            }
        }
    }
}

/// A delay: fixed, or drawn in seconds from a distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum DelayConfig {
    /// Always this long, e.g. `"30s"`.
    Fixed(#[schemars(with = "String")] SimDuration),
    /// Drawn from a distribution in seconds, clamped at zero.
    Random(#[schemars(with = "serde_json::Map<String, serde_json::Value>")] Dist),
}

impl Default for DelayConfig {
    fn default() -> Self {
        DelayConfig::Fixed(SimDuration::ZERO)
    }
}

impl DelayConfig {
    /// One delay; a fixed one draws nothing from `rng`.
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        match self {
            DelayConfig::Fixed(d) => *d,
            DelayConfig::Random(dist) => dist.sample_duration(rng),
        }
    }
}

impl AlertingConfig {
    /// The groups of a Prometheus rule file with the other settings at their defaults.
    pub fn from_rule_file(file: RuleFileConfig) -> AlertingConfig {
        AlertingConfig {
            groups: file.groups,
            ..AlertingConfig::default()
        }
    }

    /// Every problem, each path prefixed with `prefix` (the scenario uses
    /// `"monitoring.alerting"`): bad durations, names and label names,
    /// expressions that do not parse (with their column), unsupported
    /// templates, recording rules.
    pub fn problems(&self, prefix: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        super::engine::compile(self, prefix, &mut problems);
        problems
    }
}

/// Whether `name` is a valid Prometheus label name.
pub(crate) fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_prometheus_and_alertmanager_defaults() {
        let c: AlertingConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(c.evaluation_interval, SimDuration::from_mins(1));
        let am = &c.alertmanager;
        assert_eq!(am.group_wait, SimDuration::from_secs(30));
        assert_eq!(am.group_interval, SimDuration::from_mins(5));
        assert_eq!(am.repeat_interval, SimDuration::from_hours(4));
        assert!(am.group_by.is_empty());
        let email: ReceiverConfig =
            serde_json::from_str(r#"{"kind": "email", "to": "a@b.c"}"#).unwrap();
        assert!(
            !email.send_resolved(),
            "Alertmanager's email_config default"
        );
        assert!(ReceiverConfig::default().send_resolved());
    }

    #[test]
    fn delays_are_durations_or_distributions() {
        let fixed: DelayConfig = serde_json::from_str(r#""30s""#).unwrap();
        assert_eq!(fixed, DelayConfig::Fixed(SimDuration::from_secs(30)));
        let random: DelayConfig =
            serde_json::from_str(r#"{"kind": "exponential", "mean": 20}"#).unwrap();
        let mut rng = SimRng::from_u64(1);
        let a = random.sample(&mut rng);
        assert!(a > SimDuration::ZERO);
        assert_ne!(random.sample(&mut rng), a);
        assert!(
            serde_json::from_str::<DelayConfig>(r#"{"kind": "exponential", "mean": -1}"#).is_err()
        );
    }

    #[test]
    fn unknown_fields_are_refused_with_their_path() {
        let text = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        limit: 3\n";
        let err = RuleFileConfig::from_yaml(text).unwrap_err();
        let p = &err.problems()[0];
        assert_eq!(p.path, "groups[0].rules[0].limit");
        assert!(p.message.contains("unknown field `limit`"), "{}", p.message);
        let err = RuleFileConfig::from_yaml("groups: [}").unwrap_err();
        assert!(matches!(err, ScenarioError::Syntax { .. }), "{err}");
    }

    #[test]
    fn the_schema_lists_the_rule_fields() {
        let schema = serde_json::to_value(schemars::schema_for!(AlertingConfig)).unwrap();
        let rule = &schema["$defs"]["RuleConfig"]["properties"];
        for field in [
            "alert",
            "expr",
            "for",
            "keep_firing_for",
            "labels",
            "annotations",
        ] {
            assert!(rule.get(field).is_some(), "{field} missing from {rule}");
        }
        assert!(rule.get("record").is_none());
    }
}
