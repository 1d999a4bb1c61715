//! Flagger's built-in metric checks as a [`Judge`].
//!
//! Rules reproduced (Flagger documentation, *Metrics Analysis*, "Builtin
//! metrics"; Flagger's analysis loop for "no values found"):
//!
//! 1. `request-success-rate`: percent of the canary's requests that did not
//!    fail; the check fails when it is **below** `thresholdRange.min`
//!    (example value 99). Equal passes.
//! 2. `request-duration`: the canary's p99 request duration; the check fails
//!    when it is **above** `thresholdRange.max` (example 500 ms). Equal passes.
//! 3. Only the canary is measured; the baseline is ignored.
//! 4. A query that returns no values is an error, and Flagger counts it as a
//!    failed check. Here an interval with no canary requests (or fewer than
//!    [`ThresholdJudgeConfig::min_requests`]) fails both checks with the
//!    reason "no values found", and a request-duration check without
//!    latencies fails alone.
//!
//! The verdict fails if any check fails (Flagger has no marginal class);
//! the score is the percent of checks passed.
//!
//! Deviation: Flagger's p99 comes from Prometheus' `histogram_quantile`,
//! interpolated inside histogram buckets; here it is the exact nearest-rank
//! p99 of the interval's latencies (the ⌈0.99 n⌉-th smallest).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sim_core::SimDuration;

use super::{Judge, Observations, Outcome, Verdict};
use crate::error::{Problem, Result, ScenarioError, field_path};

/// Limits of the [`ThresholdJudge`] (`analysis.metrics` with Flagger's
/// built-in `request-success-rate` and `request-duration`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ThresholdJudgeConfig {
    /// Lowest acceptable success rate, percent (`request-success-rate`
    /// `thresholdRange.min`, default 99).
    pub min_success_rate_percent: f64,
    /// Highest acceptable p99 request duration (`request-duration`
    /// `thresholdRange.max`, default 500 ms).
    #[schemars(with = "String")]
    pub max_p99_duration: SimDuration,
    /// Fewer canary requests than this in an interval count as "no values
    /// found", a failed check (default 0: any request at all is judged; an
    /// interval without requests always fails).
    pub min_requests: u64,
}

impl Default for ThresholdJudgeConfig {
    fn default() -> Self {
        ThresholdJudgeConfig {
            min_success_rate_percent: 99.0,
            max_p99_duration: SimDuration::from_millis(500),
            min_requests: 0,
        }
    }
}

impl ThresholdJudgeConfig {
    /// Every problem, each path prefixed with `prefix`.
    pub fn problems(&self, prefix: &str) -> Vec<Problem> {
        let mut out = Vec::new();
        let p = self.min_success_rate_percent;
        if !(p.is_finite() && (0.0..=100.0).contains(&p)) {
            out.push(Problem::new(
                field_path(prefix, "min_success_rate_percent"),
                format!("must be between 0 and 100 (got {p})"),
            ));
        }
        if self.max_p99_duration == SimDuration::ZERO {
            out.push(Problem::new(
                field_path(prefix, "max_p99_duration"),
                "must be > 0",
            ));
        }
        out
    }
}

/// Flagger's built-in checks (module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct ThresholdJudge {
    config: ThresholdJudgeConfig,
}

impl ThresholdJudge {
    /// A judge with `config`'s limits, if they are valid.
    pub fn new(config: &ThresholdJudgeConfig) -> Result<Self> {
        ScenarioError::check(config.problems(""))?;
        Ok(ThresholdJudge {
            config: config.clone(),
        })
    }

    /// The limits in force.
    pub fn config(&self) -> &ThresholdJudgeConfig {
        &self.config
    }
}

impl Judge for ThresholdJudge {
    fn name(&self) -> &'static str {
        "threshold"
    }

    fn judge(&mut self, _baseline: &Observations<'_>, canary: &Observations<'_>) -> Verdict {
        let c = &self.config;
        let min_requests = c.min_requests.max(1);
        if canary.requests < min_requests {
            return Verdict {
                score: 0.0,
                outcome: Outcome::Fail,
                reasons: vec![format!(
                    "no values found: {} canary requests in the interval (minimum {min_requests}); \
                     both checks fail",
                    canary.requests
                )],
            };
        }
        let mut passed = 0;
        let mut reasons = Vec::with_capacity(2);

        let rate = canary.success_rate_percent().unwrap_or(0.0);
        if rate >= c.min_success_rate_percent {
            passed += 1;
            reasons.push(format!(
                "request-success-rate {rate:.2} % ≥ {} %: pass",
                c.min_success_rate_percent
            ));
        } else {
            reasons.push(format!(
                "request-success-rate {rate:.2} % < {} %: fail",
                c.min_success_rate_percent
            ));
        }

        let limit_ms = c.max_p99_duration.as_secs_f64() * 1e3;
        match nearest_rank(canary.latencies_s, 0.99) {
            None => reasons.push("request-duration: no values found: fail".to_owned()),
            Some(p99) => {
                let p99_ms = p99 * 1e3;
                if p99_ms <= limit_ms {
                    passed += 1;
                    reasons.push(format!(
                        "request-duration p99 {p99_ms:.1} ms ≤ {limit_ms} ms: pass"
                    ));
                } else {
                    reasons.push(format!(
                        "request-duration p99 {p99_ms:.1} ms > {limit_ms} ms: fail"
                    ));
                }
            }
        }

        Verdict {
            score: 100.0 * f64::from(passed) / 2.0,
            outcome: if passed == 2 {
                Outcome::Pass
            } else {
                Outcome::Fail
            },
            reasons,
        }
    }
}

/// The nearest-rank `q` quantile (the ⌈q·n⌉-th smallest value), `None` for
/// an empty sample.
fn nearest_rank(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let n = values.len();
    let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
    let mut v = values.to_vec();
    let (_, kth, _) = v.select_nth_unstable_by(rank - 1, f64::total_cmp);
    Some(*kth)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge() -> ThresholdJudge {
        ThresholdJudge::new(&ThresholdJudgeConfig::default()).unwrap()
    }

    /// `n` latencies: `slow` of them at `slow_s`, the rest at 50 ms.
    fn latencies(n: usize, slow: usize, slow_s: f64) -> Vec<f64> {
        (0..n)
            .map(|i| if i < slow { slow_s } else { 0.05 })
            .collect()
    }

    #[test]
    fn healthy_canary_passes_both_checks() {
        let lat = latencies(1000, 10, 0.4);
        let v = judge().judge(&Observations::default(), &Observations::new(&lat, 1000, 10));
        // 99.0 % success equals the minimum: pass. p99 is the 990th value.
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        assert_eq!(v.score, 100.0);
    }

    #[test]
    fn each_check_fails_on_its_own() {
        let lat = latencies(1000, 0, 0.0);
        let v = judge().judge(&Observations::default(), &Observations::new(&lat, 1000, 11));
        assert_eq!((v.outcome, v.score), (Outcome::Fail, 50.0), "{v:?}");
        assert!(v.reasons[0].contains("fail"));

        // 11 of 1000 slow: 989 fast, so the 990th smallest (the p99) is slow.
        let lat = latencies(1000, 11, 0.6);
        let v = judge().judge(&Observations::default(), &Observations::new(&lat, 1000, 0));
        assert_eq!((v.outcome, v.score), (Outcome::Fail, 50.0), "{v:?}");
        assert!(v.reasons[1].contains("> 500 ms"));

        // 10 of 1000 slow: the 990th smallest is still fast.
        let lat = latencies(1000, 10, 0.6);
        let v = judge().judge(&Observations::default(), &Observations::new(&lat, 1000, 0));
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
    }

    #[test]
    fn p99_equal_to_the_limit_passes() {
        let lat = vec![0.5; 100];
        let v = judge().judge(&Observations::default(), &Observations::new(&lat, 100, 0));
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
    }

    #[test]
    fn no_values_found_is_a_failed_check() {
        let v = judge().judge(&Observations::default(), &Observations::default());
        assert_eq!((v.outcome, v.score), (Outcome::Fail, 0.0));
        assert!(v.reasons[0].starts_with("no values found"));

        let strict = ThresholdJudgeConfig {
            min_requests: 50,
            ..ThresholdJudgeConfig::default()
        };
        let lat = latencies(49, 0, 0.0);
        let v = ThresholdJudge::new(&strict)
            .unwrap()
            .judge(&Observations::default(), &Observations::new(&lat, 49, 0));
        assert_eq!(v.outcome, Outcome::Fail);

        // Requests but no latencies: only the duration check lacks values.
        let v = judge().judge(&Observations::default(), &Observations::new(&[], 10, 0));
        assert_eq!((v.outcome, v.score), (Outcome::Fail, 50.0));
        assert!(v.reasons[1].contains("no values found"));
    }

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        assert_eq!(nearest_rank(&v, 0.99), Some(99.0));
        assert_eq!(nearest_rank(&v, 0.5), Some(50.0));
        assert_eq!(nearest_rank(&[7.0], 0.99), Some(7.0));
        assert_eq!(nearest_rank(&[], 0.99), None);
    }

    #[test]
    fn config_parses_and_validates() {
        let c: ThresholdJudgeConfig = serde_yaml_ng::from_str(
            "min_success_rate_percent: 99.5\nmax_p99_duration: 250ms\nmin_requests: 20\n",
        )
        .unwrap();
        assert_eq!(c.max_p99_duration, SimDuration::from_millis(250));
        assert!(ThresholdJudge::new(&c).is_ok());
        assert!(serde_yaml_ng::from_str::<ThresholdJudgeConfig>("max_p99: 1s").is_err());
        let bad = ThresholdJudgeConfig {
            min_success_rate_percent: 101.0,
            max_p99_duration: SimDuration::ZERO,
            min_requests: 0,
        };
        let paths: Vec<String> = bad.problems("judge").into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            ["judge.min_success_rate_percent", "judge.max_p99_duration"]
        );
    }
}
