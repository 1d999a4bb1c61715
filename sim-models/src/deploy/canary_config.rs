//! The scenario-file types of a canary release: traffic steps, analysis
//! interval, failed-check threshold and the judge, with Flagger's names and
//! semantics (Flagger documentation, *Canary analysis*: `analysis.interval`,
//! `analysis.threshold`, `analysis.stepWeights`).
//!
//! The controller that runs the analysis lives in the world; these types
//! only describe and validate it. Its intended reading, as in Flagger:
//! every `interval` the judge rates the canary; each failing verdict is a
//! failed check; at `threshold` failed checks (counted over the whole
//! analysis, not only consecutive ones) the canary is rolled back; after a
//! passing interval at a step the traffic moves to the next step, and
//! passing at the last step (100 %) promotes. So a healthy canary needs at
//! least `interval × steps` to promote, and a broken one is rolled back
//! after `interval × threshold`
//! ([`CanaryConfig::earliest_rollback`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sim_core::SimDuration;

use super::judge::{
    Judge, MannWhitneyJudge, MannWhitneyJudgeConfig, ThresholdJudge, ThresholdJudgeConfig,
};
use crate::error::{Problem, Result, ScenarioError, field_path};

/// A canary release's analysis (Flagger's `Canary.spec.analysis`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CanaryConfig {
    /// Percent of traffic sent to the canary at each step (`stepWeights`);
    /// strictly increasing, each in (0, 100], the last 100. Default
    /// `[10, 50, 100]`, this architecture's steps.
    pub steps: Vec<u32>,
    /// Time between analyses (`interval`, default 1 min, Flagger's default).
    #[schemars(with = "String")]
    pub interval: SimDuration,
    /// Failed checks before rollback (`threshold`, ≥ 1; default 5, the value
    /// of Flagger's documented examples).
    pub threshold: u32,
    /// Who rates each interval.
    pub judge: JudgeConfig,
}

impl Default for CanaryConfig {
    fn default() -> Self {
        CanaryConfig {
            steps: vec![10, 50, 100],
            interval: SimDuration::from_mins(1),
            threshold: 5,
            judge: JudgeConfig::default(),
        }
    }
}

impl CanaryConfig {
    /// The soonest a canary failing every check is rolled back after its
    /// analysis starts: `interval × threshold`.
    pub fn earliest_rollback(&self) -> SimDuration {
        self.interval.saturating_mul(u64::from(self.threshold))
    }

    /// The soonest a canary passing every check is promoted: one interval
    /// per step, `interval × steps`.
    pub fn earliest_promotion(&self) -> SimDuration {
        self.interval.saturating_mul(self.steps.len() as u64)
    }

    /// Checks the config and returns every problem, paths relative to it.
    pub fn validate(&self) -> Result<()> {
        ScenarioError::check(self.problems(""))
    }

    /// Every problem, each path prefixed with `prefix` (e.g.
    /// `"deployments[1].canary"`).
    pub fn problems(&self, prefix: &str) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.steps.is_empty() {
            out.push(Problem::new(
                field_path(prefix, "steps"),
                "must list at least one step (the last must be 100)",
            ));
        }
        let mut previous = 0;
        for (i, &step) in self.steps.iter().enumerate() {
            let at = field_path(prefix, &format!("steps[{i}]"));
            if step == 0 || step > 100 {
                out.push(Problem::new(
                    at,
                    format!("must be between 1 and 100 (got {step})"),
                ));
            } else if i > 0 && step <= previous {
                out.push(Problem::new(
                    at,
                    format!("must be greater than the step before ({previous}) (got {step})"),
                ));
            }
            previous = step;
        }
        if let Some(&last) = self.steps.last()
            && last != 100
            && (1..=100).contains(&last)
        {
            out.push(Problem::new(
                field_path(prefix, &format!("steps[{}]", self.steps.len() - 1)),
                format!("the last step must be 100 (got {last})"),
            ));
        }
        if self.interval == SimDuration::ZERO {
            out.push(Problem::new(field_path(prefix, "interval"), "must be > 0"));
        }
        if self.threshold == 0 {
            out.push(Problem::new(
                field_path(prefix, "threshold"),
                "must be ≥ 1 (got 0)",
            ));
        }
        out.extend(self.judge.problems(&field_path(prefix, "judge")));
        out
    }
}

/// Which judge rates the canary, with its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JudgeConfig {
    /// Flagger's built-in checks: success rate and p99 latency limits.
    Threshold(ThresholdJudgeConfig),
    /// Kayenta's statistical comparison with the baseline.
    MannWhitney(MannWhitneyJudgeConfig),
}

impl Default for JudgeConfig {
    /// Flagger's built-in checks with their documented limits.
    fn default() -> Self {
        JudgeConfig::Threshold(ThresholdJudgeConfig::default())
    }
}

impl JudgeConfig {
    /// Every problem, each path prefixed with `prefix`.
    pub fn problems(&self, prefix: &str) -> Vec<Problem> {
        match self {
            JudgeConfig::Threshold(c) => c.problems(prefix),
            JudgeConfig::MannWhitney(c) => c.problems(prefix),
        }
    }

    /// The judge this config describes, if the config is valid.
    pub fn build(&self) -> Result<Box<dyn Judge>> {
        Ok(match self {
            JudgeConfig::Threshold(c) => Box::new(ThresholdJudge::new(c)?),
            JudgeConfig::MannWhitney(c) => Box::new(MannWhitneyJudge::new(c)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::judge::{Observations, Outcome};

    #[test]
    fn defaults_are_flaggers_and_the_architectures() {
        let c = CanaryConfig::default();
        assert_eq!(c.steps, [10, 50, 100]);
        assert_eq!(c.interval, SimDuration::from_secs(60));
        assert_eq!(c.threshold, 5);
        assert_eq!(c.earliest_rollback(), SimDuration::from_mins(5));
        assert_eq!(c.earliest_promotion(), SimDuration::from_mins(3));
        assert!(c.validate().is_ok());
        let judge = c.judge.build().unwrap();
        assert_eq!(judge.name(), "threshold");
    }

    #[test]
    fn parses_a_yaml_canary_with_a_statistical_judge() {
        let yaml = "
steps: [5, 25, 100]
interval: 30s
threshold: 3
judge:
  kind: mann_whitney
  confidence: 0.95
  error_weight: 0
";
        let c: CanaryConfig = serde_yaml_ng::from_str(yaml).unwrap();
        assert_eq!(c.interval, SimDuration::from_secs(30));
        let JudgeConfig::MannWhitney(j) = &c.judge else {
            panic!("{c:?}");
        };
        assert_eq!(
            (j.confidence, j.error_weight, j.tolerance),
            (0.95, 0.0, 0.25)
        );
        let mut judge = c.judge.build().unwrap();
        assert_eq!(judge.name(), "mann_whitney");
        let lat = [0.1, 0.2, 0.3];
        let obs = Observations::new(&lat, 3, 0);
        assert_eq!(judge.judge(&obs, &obs).outcome, Outcome::Pass);
        // Round trip.
        let back: CanaryConfig =
            serde_yaml_ng::from_str(&serde_yaml_ng::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn json_schemas_name_the_judges_and_int_or_percent() {
        let canary = serde_json::to_string(&schemars::schema_for!(CanaryConfig)).unwrap();
        assert!(canary.contains("mann_whitney") && canary.contains("threshold"));
        let rolling =
            serde_json::to_string(&schemars::schema_for!(crate::deploy::RollingUpdateConfig))
                .unwrap();
        assert!(rolling.contains("IntOrPercent") && rolling.contains("^[0-9]+%$"));
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_yaml_ng::from_str::<CanaryConfig>("step_weight: 10").is_err());
        let bad_judge = "judge: {kind: threshold, confidence: 0.9}";
        assert!(serde_yaml_ng::from_str::<CanaryConfig>(bad_judge).is_err());
        assert!(serde_yaml_ng::from_str::<CanaryConfig>("judge: {kind: anomaly}").is_err());
    }

    #[test]
    fn validation_names_each_bad_field() {
        let c = CanaryConfig {
            steps: vec![0, 50, 40, 90],
            interval: SimDuration::ZERO,
            threshold: 0,
            judge: JudgeConfig::Threshold(ThresholdJudgeConfig {
                min_success_rate_percent: -1.0,
                ..ThresholdJudgeConfig::default()
            }),
        };
        let problems = c.problems("deployments[1].canary");
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "deployments[1].canary.steps[0]",
                "deployments[1].canary.steps[2]",
                "deployments[1].canary.steps[3]",
                "deployments[1].canary.interval",
                "deployments[1].canary.threshold",
                "deployments[1].canary.judge.min_success_rate_percent",
            ]
        );
        assert_eq!(
            problems[0].to_string(),
            "deployments[1].canary.steps[0]: must be between 1 and 100 (got 0)"
        );
        let empty = CanaryConfig {
            steps: vec![],
            ..CanaryConfig::default()
        };
        assert_eq!(empty.validate().unwrap_err().problems()[0].path, "steps");
        let over = CanaryConfig {
            steps: vec![50, 120],
            ..CanaryConfig::default()
        };
        assert_eq!(over.problems("").len(), 1);
        assert!(
            CanaryConfig {
                steps: vec![100],
                ..CanaryConfig::default()
            }
            .validate()
            .is_ok()
        );
    }
}
