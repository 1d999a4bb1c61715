//! The scenario-file types of the CI pipeline: where commits come from, the
//! runner pool, build and test durations, and the developer's edit loop.
//!
//! ```yaml
//! enabled: true
//! commits: {kind: poisson, commits_per_hour: 6}
//! runners: 2
//! queue_limit: 20
//! build: {kind: log_normal, median: 240, p99: 900}
//! unit_tests: {kind: log_normal, median: 90, p99: 400}
//! test_failure_probability: 0.1
//! deploy_on_green: true
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sim_core::dist::DistConfig;
use sim_core::{Dist, SimDuration, SimTime};

use crate::error::{Problem, Result, ScenarioError, field_path};

/// A CI pipeline: commits → build queue → runners → build → unit tests → artifact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    /// Whether the pipeline runs at all (default true, so that writing the
    /// section turns it on; a scenario that embeds it optionally decides
    /// whether it is present).
    pub enabled: bool,
    /// Where commits come from (default: Poisson, 4 per hour).
    pub commits: CommitsConfig,
    /// CI runners working in parallel, each on one build (default 2).
    pub runners: u32,
    /// Most builds waiting for a runner; a commit finding the queue full is
    /// rejected and never built. Absent (default): no limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_limit: Option<u32>,
    /// Compile and package time in seconds (default log-normal, median 4 min,
    /// p99 15 min (≈): CI vendors report median workflow times of a few minutes).
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub build: Dist,
    /// Unit-test time in seconds, after the build (default log-normal, median
    /// 90 s, p99 400 s (≈)).
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub unit_tests: Dist,
    /// Chance that a build's unit tests fail (default 0.1 (≈)). A red build
    /// stops there: it publishes no artifact.
    pub test_failure_probability: f64,
    /// Whether a green build publishes an artifact that can trigger a
    /// deployment (default true).
    pub deploy_on_green: bool,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            enabled: true,
            commits: CommitsConfig::default(),
            runners: 2,
            queue_limit: None,
            build: Dist::log_normal(240.0, 900.0).expect("a valid default"),
            unit_tests: Dist::log_normal(90.0, 400.0).expect("a valid default"),
            test_failure_probability: 0.1,
            deploy_on_green: true,
        }
    }
}

/// Where commits come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CommitsConfig {
    /// A team committing at random: a Poisson process (exponential gaps).
    Poisson {
        /// Mean commits per hour, > 0.
        commits_per_hour: f64,
    },
    /// Commits at fixed instants since the start of the run, e.g. `[10m, 1h]`
    /// (listed in any order; instants before the pipeline starts fire at its start).
    Schedule {
        /// The commit instants.
        #[schemars(with = "Vec<String>")]
        at: Vec<SimTime>,
    },
    /// Developers in the inner loop (edit → rebuild → reload → unit tests),
    /// each committing every `edits_per_commit` edits.
    DevelopmentLoop(DevLoopConfig),
}

impl Default for CommitsConfig {
    fn default() -> Self {
        CommitsConfig::Poisson {
            commits_per_hour: 4.0,
        }
    }
}

/// The developer's inner loop with hot reload.
///
/// Each developer cycles: wait `edit_interval` (reading, thinking, typing) →
/// save an edit → `incremental_rebuild` → the change is applied, by hot reload
/// in `reload` or by a process restart in `restart` → `local_tests` run → the
/// result is seen, and the next interval starts. Every `edits_per_commit`-th
/// cycle ends with a commit, which enters the CI pipeline. The loop is
/// closed: a developer does not edit again before seeing the last result, so
/// the time between commits is `edits_per_commit` × (edit interval +
/// rebuild + reload or restart + tests).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DevLoopConfig {
    /// Developers, each running the loop independently (default 1).
    pub developers: u32,
    /// Seconds from seeing one result to saving the next edit (default
    /// exponential, mean 120 s); its mean must be > 0.
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub edit_interval: Dist,
    /// Seconds of incremental rebuild after an edit (default log-normal,
    /// median 2 s, p99 15 s).
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub incremental_rebuild: Dist,
    /// Whether the rebuilt code is hot-reloaded into the running process
    /// (default true) rather than applied by a restart.
    pub hot_reload: bool,
    /// How long a hot reload takes to apply the change (default 500 ms).
    #[schemars(with = "String")]
    pub reload: SimDuration,
    /// How long a restart takes when hot reload is off (default 20 s).
    #[schemars(with = "String")]
    pub restart: SimDuration,
    /// Seconds of the local unit-test run after the change is applied
    /// (default log-normal, median 5 s, p99 30 s).
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub local_tests: Dist,
    /// Edits per commit (default 10, ≥ 1).
    pub edits_per_commit: u32,
}

impl Default for DevLoopConfig {
    fn default() -> Self {
        DevLoopConfig {
            developers: 1,
            edit_interval: Dist::exponential(120.0).expect("a valid default"),
            incremental_rebuild: Dist::log_normal(2.0, 15.0).expect("a valid default"),
            hot_reload: true,
            reload: SimDuration::from_millis(500),
            restart: SimDuration::from_secs(20),
            local_tests: Dist::log_normal(5.0, 30.0).expect("a valid default"),
            edits_per_commit: 10,
        }
    }
}

impl DevLoopConfig {
    /// How long applying a change takes: `reload` with hot reload, else `restart`.
    pub fn apply_time(&self) -> SimDuration {
        if self.hot_reload {
            self.reload
        } else {
            self.restart
        }
    }

    /// The mean time of one edit cycle in seconds: edit interval + rebuild +
    /// reload or restart + local tests.
    pub fn mean_cycle_seconds(&self) -> f64 {
        self.edit_interval.mean()
            + self.incremental_rebuild.mean()
            + self.apply_time().as_secs_f64()
            + self.local_tests.mean()
    }
}

impl PipelineConfig {
    /// Checks the config and returns every problem, paths relative to the pipeline.
    pub fn validate(&self) -> Result<()> {
        ScenarioError::check(self.problems(""))
    }

    /// Every problem, each path prefixed with `prefix` (e.g. `"pipeline"`), so
    /// a scenario validator can embed the pipeline's rules.
    pub fn problems(&self, prefix: &str) -> Vec<Problem> {
        let at = |field: &str| field_path(prefix, field);
        let mut out = Vec::new();
        match &self.commits {
            CommitsConfig::Poisson { commits_per_hour } => {
                if !(commits_per_hour.is_finite() && *commits_per_hour > 0.0) {
                    out.push(Problem::new(
                        at("commits.commits_per_hour"),
                        format!("must be finite and > 0 (got {commits_per_hour})"),
                    ));
                }
            }
            CommitsConfig::Schedule { .. } => {}
            CommitsConfig::DevelopmentLoop(dev) => {
                if dev.developers == 0 {
                    out.push(Problem::new(
                        at("commits.developers"),
                        "must be ≥ 1 (got 0)",
                    ));
                }
                if dev.edits_per_commit == 0 {
                    out.push(Problem::new(
                        at("commits.edits_per_commit"),
                        "must be ≥ 1 (got 0)",
                    ));
                }
                duration_problems(&dev.edit_interval, &at("commits.edit_interval"), &mut out);
                if dev.edit_interval.mean() <= 0.0 {
                    // A zero-time loop would never let the clock advance.
                    out.push(Problem::new(
                        at("commits.edit_interval"),
                        "must have a mean > 0",
                    ));
                }
                duration_problems(
                    &dev.incremental_rebuild,
                    &at("commits.incremental_rebuild"),
                    &mut out,
                );
                duration_problems(&dev.local_tests, &at("commits.local_tests"), &mut out);
            }
        }
        if self.runners == 0 {
            out.push(Problem::new(at("runners"), "must be ≥ 1 (got 0)"));
        }
        duration_problems(&self.build, &at("build"), &mut out);
        duration_problems(&self.unit_tests, &at("unit_tests"), &mut out);
        let p = self.test_failure_probability;
        if !(0.0..=1.0).contains(&p) {
            out.push(Problem::new(
                at("test_failure_probability"),
                format!("must be between 0 and 1 (got {p})"),
            ));
        }
        out
    }
}

/// A duration distribution must not be centred below zero: its draws are
/// clamped at zero, so a negative one would silently mean "instant".
fn duration_problems(dist: &Dist, path: &str, out: &mut Vec<Problem>) {
    let negative = match *dist.config() {
        DistConfig::Constant { value } => value < 0.0,
        DistConfig::Uniform { low, .. } => low < 0.0,
        DistConfig::Normal { mean, .. } => mean < 0.0,
        DistConfig::Exponential { .. } | DistConfig::LogNormal { .. } => false,
    };
    if negative {
        out.push(Problem::new(
            path,
            format!(
                "durations in seconds must not be negative (got {:?})",
                dist.config()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(c: &PipelineConfig) -> Vec<String> {
        c.problems("pipeline").into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn defaults_are_valid_and_an_empty_section_gives_them() {
        let c: PipelineConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(c, PipelineConfig::default());
        assert!(c.validate().is_ok());
        assert!(c.enabled && c.deploy_on_green);
        let dev = DevLoopConfig::default();
        assert!(
            (dev.mean_cycle_seconds()
                - (120.0 + dev.incremental_rebuild.mean() + 0.5 + dev.local_tests.mean()))
            .abs()
                < 1e-9
        );
    }

    #[test]
    fn parses_each_commit_source() {
        let c: PipelineConfig = serde_json::from_str(
            r#"{"commits": {"kind": "poisson", "commits_per_hour": 6},
                "runners": 3, "queue_limit": 5,
                "build": {"kind": "exponential", "mean": 300},
                "unit_tests": {"kind": "constant", "value": 0},
                "test_failure_probability": 0.25, "deploy_on_green": false}"#,
        )
        .unwrap();
        assert_eq!(
            c.commits,
            CommitsConfig::Poisson {
                commits_per_hour: 6.0
            }
        );
        assert_eq!((c.runners, c.queue_limit), (3, Some(5)));
        assert_eq!(c.build.mean(), 300.0);
        let s: CommitsConfig =
            serde_json::from_str(r#"{"kind": "schedule", "at": ["10m", "1h30m"]}"#).unwrap();
        let CommitsConfig::Schedule { at } = s else {
            panic!("{s:?}")
        };
        assert_eq!(
            at,
            [
                SimTime::ZERO + SimDuration::from_mins(10),
                SimTime::ZERO + SimDuration::from_mins(90)
            ]
        );
        let d: CommitsConfig = serde_json::from_str(
            r#"{"kind": "development_loop", "developers": 3, "hot_reload": false,
                "restart": "15s", "edits_per_commit": 4}"#,
        )
        .unwrap();
        let CommitsConfig::DevelopmentLoop(dev) = d else {
            panic!("{d:?}")
        };
        assert_eq!((dev.developers, dev.edits_per_commit), (3, 4));
        assert_eq!(dev.apply_time(), SimDuration::from_secs(15));
    }

    #[test]
    fn round_trips_through_json() {
        let c = PipelineConfig {
            commits: CommitsConfig::DevelopmentLoop(DevLoopConfig::default()),
            queue_limit: Some(3),
            ..PipelineConfig::default()
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<PipelineConfig>(&json).unwrap(), c);
    }

    #[test]
    fn unknown_fields_and_bad_distributions_are_refused() {
        assert!(serde_json::from_str::<PipelineConfig>(r#"{"runner": 3}"#).is_err());
        let e = serde_json::from_str::<CommitsConfig>(
            r#"{"kind": "poisson", "commits_per_hour": 1, "burst": 2}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("burst"), "{e}");
        assert!(
            serde_json::from_str::<CommitsConfig>(r#"{"kind": "development_loop", "devs": 2}"#)
                .is_err()
        );
        let e = serde_json::from_str::<PipelineConfig>(
            r#"{"build": {"kind": "exponential", "mean": -1}}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("`mean`"), "{e}");
    }

    #[test]
    fn validation_names_each_bad_field() {
        let c = PipelineConfig {
            commits: CommitsConfig::Poisson {
                commits_per_hour: f64::NAN,
            },
            runners: 0,
            build: Dist::constant(-5.0).unwrap(),
            unit_tests: Dist::normal(-1.0, 1.0).unwrap(),
            test_failure_probability: 1.5,
            ..PipelineConfig::default()
        };
        assert_eq!(
            paths(&c),
            [
                "pipeline.commits.commits_per_hour",
                "pipeline.runners",
                "pipeline.build",
                "pipeline.unit_tests",
                "pipeline.test_failure_probability",
            ]
        );
        let c = PipelineConfig {
            commits: CommitsConfig::DevelopmentLoop(DevLoopConfig {
                developers: 0,
                edits_per_commit: 0,
                edit_interval: Dist::constant(0.0).unwrap(),
                incremental_rebuild: Dist::uniform(-2.0, 1.0).unwrap(),
                ..DevLoopConfig::default()
            }),
            test_failure_probability: -0.1,
            ..PipelineConfig::default()
        };
        assert_eq!(
            paths(&c),
            [
                "pipeline.commits.developers",
                "pipeline.commits.edits_per_commit",
                "pipeline.commits.edit_interval",
                "pipeline.commits.incremental_rebuild",
                "pipeline.test_failure_probability",
            ]
        );
        let err = PipelineConfig {
            runners: 0,
            ..PipelineConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.problems()[0].path, "runners");
        assert!(err.to_string().contains("runners: must be ≥ 1"), "{err}");
    }

    #[test]
    fn the_json_schema_names_the_fields() {
        let schema = serde_json::to_string(&schemars::schema_for!(PipelineConfig)).unwrap();
        for field in [
            "commits_per_hour",
            "edits_per_commit",
            "queue_limit",
            "hot_reload",
        ] {
            assert!(schema.contains(field), "{field} missing from {schema}");
        }
    }
}
