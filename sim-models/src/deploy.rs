//! Deployments: the pure parts of rolling and canary releases, for the
//! rollout controllers in the world to call.
//!
//! - [`rolling_math`]: Kubernetes' `RollingUpdate` arithmetic
//!   ([`resolve_surge_unavailable`], [`IntOrPercent`]).
//! - [`RollingUpdateConfig`]: a rolling update as a scenario writes it, with
//!   Kubernetes' defaults and this architecture's rollback policy.
//! - [`CanaryConfig`]: a canary release's steps, analysis interval and
//!   failed-check threshold (Flagger's semantics), and its [`JudgeConfig`].
//! - [`judge`]: the canary analysis, a [`Judge`] trait with a Flagger-style
//!   [`ThresholdJudge`](judge::ThresholdJudge) and a Kayenta-style
//!   [`MannWhitneyJudge`](judge::MannWhitneyJudge); each file's docs state
//!   the rules it reproduces and where it deviates.
//!
//! ```
//! use sim_models::deploy::judge::{Observations, Outcome};
//! use sim_models::deploy::{CanaryConfig, RollingUpdateConfig};
//!
//! // Rolling update of 8 replicas with the defaults: 2 extra, 2 missing.
//! assert_eq!(RollingUpdateConfig::default().resolve(8).unwrap(), (2, 2));
//!
//! // A canary with the default threshold judge (Flagger's built-in checks).
//! let canary: CanaryConfig = serde_yaml_ng::from_str("steps: [10, 50, 100]").unwrap();
//! let mut judge = canary.judge.build().unwrap();
//! let latencies = vec![0.120; 1000];
//! // 2 % of the canary's requests failed: below the 99 % success rate.
//! let verdict = judge.judge(
//!     &Observations::default(),
//!     &Observations::new(&latencies, 1000, 20),
//! );
//! assert_eq!(verdict.outcome, Outcome::Fail);
//! assert_eq!(canary.earliest_rollback().to_string(), "5m");
//! ```

mod canary_config;
pub mod judge;
mod rolling_config;
pub mod rolling_math;

pub use canary_config::{CanaryConfig, JudgeConfig};
pub use judge::{Judge, Observations, Outcome, Verdict};
pub use rolling_config::{RollbackOnConfig, RollingUpdateConfig};
pub use rolling_math::{IntOrPercent, resolve_surge_unavailable};
