//! Kayenta's `NetflixACAJudge` with its Mann–Whitney classifier, as a
//! [`Judge`] over two metrics: request latency and the failure indicator
//! of each request.
//!
//! # Rules reproduced
//!
//! Source: Kayenta's judge (`kayenta-judge`: `NetflixACAJudge.scala`,
//! `classifiers/metric/MannWhitneyClassifier.scala`,
//! `scorers/WeightedSumScorer.scala`,
//! `classifiers/score/ThresholdScoreClassifier.scala`) and its statistics
//! module (`kayenta-mannwhitney`), read in the spinnaker/spinnaker repository.
//!
//! 1. **Per-metric classification** (latency): no data on either side →
//!    *NoData*; the same values on both sides, or one value everywhere →
//!    *Pass*. Otherwise the Hodges–Lehmann shift of canary against baseline
//!    and its confidence interval are computed ([`hodges_lehmann`], at
//!    `confidence`, Kayenta's judge passes 0.98), and the metric is *High*
//!    when `lower > tolerance × |estimate|` (`tolerance` 0.25) **and** the
//!    effect size `mean(canary) / mean(baseline)` ≥ `allowed_increase`
//!    (`effectSize.allowedIncrease`, default 1.0). Otherwise *Pass*.
//!    Only *High* is checked: both metrics use Kayenta's `direction:
//!    increase` (a faster or more reliable canary never fails).
//! 2. **Scoring** (`WeightedSumScorer`, each metric its own group): a metric
//!    scores 100 unless *High*; a *NoData* metric scores 100, but if 50 % or
//!    more of the metrics are *NoData* the score is 0. The summary is the
//!    weighted mean, rounded to two decimals.
//! 3. **Score classification** (`ThresholdScoreClassifier`): *Pass* at
//!    ≥ `pass_score` (95), *Marginal* at ≥ `marginal_score` (75), else *Fail*.
//!
//! # Deviations
//!
//! - **Failure indicator.** Kayenta judges time series, not per-request
//!   0/1 values; its shift rule degenerates on them (the Hodges–Lehmann
//!   estimate of two mostly-zero samples is 0). The error metric is *High*
//!   when the two-sided Mann–Whitney test on the indicators is significant
//!   (`p < 1 − confidence`, [`mann_whitney_u_binary`]), the canary's error
//!   rate is the higher, and the rate ratio ≥ `allowed_increase`.
//! - **Effect size with a zero baseline**: Kayenta uses 1.0; here it is
//!   +∞ when the canary's mean is positive (so `allowed_increase` > 1 still
//!   catches errors appearing from none) and 1.0 when both are 0.
//! - **No outlier removal**: Kayenta drops values outside 3 × IQR before
//!   classifying; per-request latencies are not noisy scrape samples, and a
//!   tail regression is what a canary should catch.
//! - **Degenerate samples**: where Kayenta adds Gaussian noise (each side a
//!   single repeated value), the exact shift is used instead (see
//!   [`hodges_lehmann`]); no randomness.
//! - **Not modelled**: `direction: decrease/either`, `critical` metrics,
//!   `mustHaveData`, NaN strategies, groups with several metrics. Weights
//!   are normalized by their sum (Kayenta expects them to sum to 100).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::rank_test::{hodges_lehmann, mann_whitney_u, mann_whitney_u_binary};
use super::{Judge, Observations, Outcome, Verdict};
use crate::error::{Problem, Result, ScenarioError, field_path};

/// Parameters of the [`MannWhitneyJudge`], with Kayenta's defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MannWhitneyJudgeConfig {
    /// Confidence level of the test and interval, in (0, 1) (0.98, the value
    /// `NetflixACAJudge` passes to its classifier).
    pub confidence: f64,
    /// The interval must clear `tolerance × |shift|` to count (0.25).
    pub tolerance: f64,
    /// Smallest ratio of canary to baseline mean that can fail a metric
    /// (`effectSize.allowedIncrease`, 1.0).
    pub allowed_increase: f64,
    /// Weight of the latency metric (50); 0 leaves it out.
    pub latency_weight: f64,
    /// Weight of the error metric (50); 0 leaves it out.
    pub error_weight: f64,
    /// Lowest score that passes (95).
    pub pass_score: f64,
    /// Lowest score that is marginal rather than failing (75).
    pub marginal_score: f64,
}

impl Default for MannWhitneyJudgeConfig {
    fn default() -> Self {
        MannWhitneyJudgeConfig {
            confidence: 0.98,
            tolerance: 0.25,
            allowed_increase: 1.0,
            latency_weight: 50.0,
            error_weight: 50.0,
            pass_score: 95.0,
            marginal_score: 75.0,
        }
    }
}

impl MannWhitneyJudgeConfig {
    /// Every problem, each path prefixed with `prefix`.
    pub fn problems(&self, prefix: &str) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut check = |name: &str, value: f64, ok: bool, rule: &str| {
            if !(value.is_finite() && ok) {
                out.push(Problem::new(
                    field_path(prefix, name),
                    format!("{rule} (got {value})"),
                ));
            }
        };
        let c = self.confidence;
        check("confidence", c, c > 0.0 && c < 1.0, "must be > 0 and < 1");
        check(
            "tolerance",
            self.tolerance,
            self.tolerance >= 0.0,
            "must be ≥ 0",
        );
        check(
            "allowed_increase",
            self.allowed_increase,
            self.allowed_increase >= 0.0,
            "must be ≥ 0",
        );
        check(
            "latency_weight",
            self.latency_weight,
            self.latency_weight >= 0.0,
            "must be ≥ 0",
        );
        check(
            "error_weight",
            self.error_weight,
            self.error_weight >= 0.0,
            "must be ≥ 0",
        );
        check(
            "pass_score",
            self.pass_score,
            (0.0..=100.0).contains(&self.pass_score),
            "must be between 0 and 100",
        );
        check(
            "marginal_score",
            self.marginal_score,
            (0.0..=self.pass_score.clamp(0.0, 100.0)).contains(&self.marginal_score),
            "must be between 0 and pass_score",
        );
        if self.latency_weight == 0.0 && self.error_weight == 0.0 {
            out.push(Problem::new(
                field_path(prefix, "error_weight"),
                "latency_weight and error_weight may not both be 0",
            ));
        }
        out
    }
}

/// Kayenta-style statistical comparison of canary and baseline (module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct MannWhitneyJudge {
    config: MannWhitneyJudgeConfig,
}

/// A metric's class, as Kayenta names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Pass,
    High,
    NoData,
}

impl MannWhitneyJudge {
    /// A judge with `config`'s parameters, if they are valid.
    pub fn new(config: &MannWhitneyJudgeConfig) -> Result<Self> {
        ScenarioError::check(config.problems(""))?;
        Ok(MannWhitneyJudge {
            config: config.clone(),
        })
    }

    /// The parameters in force.
    pub fn config(&self) -> &MannWhitneyJudgeConfig {
        &self.config
    }

    fn classify_latency(&self, baseline: &[f64], canary: &[f64]) -> (Class, String) {
        let c = &self.config;
        let (Some(hl), Some(mw)) = (
            hodges_lehmann(canary, baseline, c.confidence),
            mann_whitney_u(canary, baseline),
        ) else {
            return (
                Class::NoData,
                format!(
                    "latency: no data ({} canary, {} baseline values)",
                    canary.len(),
                    baseline.len()
                ),
            );
        };
        let (mut b, mut k) = (baseline.to_vec(), canary.to_vec());
        b.sort_by(f64::total_cmp);
        k.sort_by(f64::total_cmp);
        if b == k {
            return (Class::Pass, "latency: canary and baseline identical".into());
        }
        if b[0] == b[b.len() - 1] && k[0] == k[k.len() - 1] && b[0] == k[0] {
            return (Class::Pass, "latency: one value throughout".into());
        }
        let ratio = mean_ratio(mean(canary), mean(baseline));
        let high = hl.lower > c.tolerance * hl.estimate.abs() && ratio >= c.allowed_increase;
        let detail = format!(
            "shift {:+.2} ms ({:.0} % CI [{:+.2}, {:+.2}] ms), mean ratio {ratio:.3}, p = {:.3e}",
            hl.estimate * 1e3,
            c.confidence * 100.0,
            hl.lower * 1e3,
            hl.upper * 1e3,
            mw.p_value,
        );
        if high {
            (Class::High, format!("latency: high: {detail}"))
        } else {
            (Class::Pass, format!("latency: pass: {detail}"))
        }
    }

    fn classify_errors(
        &self,
        baseline: &Observations<'_>,
        canary: &Observations<'_>,
    ) -> (Class, String) {
        let c = &self.config;
        let (fc, fb) = (
            canary.failed.min(canary.requests),
            baseline.failed.min(baseline.requests),
        );
        let Some(mw) = mann_whitney_u_binary(fc, canary.requests, fb, baseline.requests) else {
            return (
                Class::NoData,
                format!(
                    "errors: no data ({} canary, {} baseline requests)",
                    canary.requests, baseline.requests
                ),
            );
        };
        let rate_c = fc as f64 / canary.requests as f64;
        let rate_b = fb as f64 / baseline.requests as f64;
        let ratio = mean_ratio(rate_c, rate_b);
        let high =
            mw.p_value < 1.0 - c.confidence && rate_c > rate_b && ratio >= c.allowed_increase;
        let detail = format!(
            "error rate {:.3} % vs {:.3} %, ratio {ratio:.3}, p = {:.3e}",
            rate_c * 100.0,
            rate_b * 100.0,
            mw.p_value
        );
        if high {
            (Class::High, format!("errors: high: {detail}"))
        } else {
            (Class::Pass, format!("errors: pass: {detail}"))
        }
    }
}

impl Judge for MannWhitneyJudge {
    fn name(&self) -> &'static str {
        "mann_whitney"
    }

    fn judge(&mut self, baseline: &Observations<'_>, canary: &Observations<'_>) -> Verdict {
        let c = &self.config;
        let mut metrics = Vec::with_capacity(2);
        if c.latency_weight > 0.0 {
            let (class, reason) = self.classify_latency(baseline.latencies_s, canary.latencies_s);
            metrics.push((c.latency_weight, class, reason));
        }
        if c.error_weight > 0.0 {
            let (class, reason) = self.classify_errors(baseline, canary);
            metrics.push((c.error_weight, class, reason));
        }
        let mut reasons: Vec<String> = metrics.iter().map(|m| m.2.clone()).collect();
        let no_data = metrics.iter().filter(|m| m.1 == Class::NoData).count();
        let score = if 2 * no_data >= metrics.len() {
            reasons.push("50 % or more of the metrics returned no data: score 0".into());
            0.0
        } else {
            let total: f64 = metrics.iter().map(|m| m.0).sum();
            let passed: f64 = metrics
                .iter()
                .filter(|m| m.1 != Class::High)
                .map(|m| m.0)
                .sum();
            (100.0 * passed / total * 100.0).round() / 100.0
        };
        let outcome = if score >= c.pass_score {
            Outcome::Pass
        } else if score >= c.marginal_score {
            Outcome::Marginal
        } else {
            Outcome::Fail
        };
        Verdict {
            score,
            outcome,
            reasons,
        }
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// `canary / baseline`, +∞ for a positive canary over a zero baseline and
/// 1.0 when both are 0 (module docs, "Deviations").
fn mean_ratio(canary: f64, baseline: f64) -> f64 {
    if baseline != 0.0 {
        canary / baseline
    } else if canary > 0.0 {
        f64::INFINITY
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge() -> MannWhitneyJudge {
        MannWhitneyJudge::new(&MannWhitneyJudgeConfig::default()).unwrap()
    }

    /// A deterministic latency sample: `n` values spread over
    /// `[base, base + spread)` in a scrambled order.
    fn sample(n: u32, base: f64, spread: f64) -> Vec<f64> {
        (0..n)
            .map(|i| base + spread * f64::from(i * 37 % n) / f64::from(n))
            .collect()
    }

    #[test]
    fn same_distribution_passes() {
        let b = sample(400, 0.05, 0.1);
        let k = sample(300, 0.05, 0.1);
        let v = judge().judge(
            &Observations::new(&b, 400, 4),
            &Observations::new(&k, 300, 3),
        );
        assert_eq!((v.outcome, v.score), (Outcome::Pass, 100.0), "{v:?}");
        assert_eq!(v.reasons.len(), 2);
    }

    #[test]
    fn slower_canary_fails_latency() {
        let b = sample(400, 0.05, 0.1);
        let k = sample(300, 0.08, 0.1);
        let v = judge().judge(
            &Observations::new(&b, 400, 0),
            &Observations::new(&k, 300, 0),
        );
        assert_eq!((v.outcome, v.score), (Outcome::Fail, 50.0), "{v:?}");
        assert!(v.reasons[0].starts_with("latency: high"), "{v:?}");
    }

    #[test]
    fn faster_canary_passes() {
        let b = sample(400, 0.08, 0.1);
        let k = sample(300, 0.05, 0.1);
        let v = judge().judge(
            &Observations::new(&b, 400, 0),
            &Observations::new(&k, 300, 0),
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
    }

    #[test]
    fn allowed_increase_tolerates_small_slowdowns() {
        let b = sample(400, 0.05, 0.1);
        let k = sample(300, 0.06, 0.1); // mean ratio 0.11 / 0.10 = 1.1
        let lenient = MannWhitneyJudgeConfig {
            allowed_increase: 1.2,
            ..MannWhitneyJudgeConfig::default()
        };
        let obs = (Observations::new(&b, 400, 0), Observations::new(&k, 300, 0));
        assert_eq!(judge().judge(&obs.0, &obs.1).outcome, Outcome::Fail);
        let v = MannWhitneyJudge::new(&lenient)
            .unwrap()
            .judge(&obs.0, &obs.1);
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
    }

    #[test]
    fn error_rate_increase_fails_errors() {
        let b = sample(200, 0.05, 0.1);
        // 1 % of baseline requests fail, 5 % of the canary's.
        let v = judge().judge(
            &Observations::new(&b, 2000, 20),
            &Observations::new(&b, 1000, 50),
        );
        assert_eq!((v.outcome, v.score), (Outcome::Fail, 50.0), "{v:?}");
        assert!(v.reasons[1].starts_with("errors: high"), "{v:?}");
        // 1.2 % against 1 % on these counts is not significant.
        let v = judge().judge(
            &Observations::new(&b, 2000, 20),
            &Observations::new(&b, 1000, 12),
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
    }

    #[test]
    fn weights_make_a_marginal_band() {
        let b = sample(400, 0.05, 0.1);
        let cfg = MannWhitneyJudgeConfig {
            latency_weight: 80.0,
            error_weight: 20.0,
            ..MannWhitneyJudgeConfig::default()
        };
        let v = MannWhitneyJudge::new(&cfg).unwrap().judge(
            &Observations::new(&b, 2000, 20),
            &Observations::new(&b, 1000, 50),
        );
        assert_eq!((v.outcome, v.score), (Outcome::Marginal, 80.0), "{v:?}");
    }

    #[test]
    fn no_data_on_half_the_metrics_fails() {
        let b = sample(100, 0.05, 0.1);
        let v = judge().judge(&Observations::new(&b, 100, 0), &Observations::default());
        assert_eq!((v.outcome, v.score), (Outcome::Fail, 0.0), "{v:?}");
        // Latencies but no request counts: the error metric has no data.
        let v = judge().judge(&Observations::new(&b, 0, 0), &Observations::new(&b, 0, 0));
        assert_eq!(v.score, 0.0);
        // With the error metric left out, latency alone decides.
        let latency_only = MannWhitneyJudgeConfig {
            error_weight: 0.0,
            ..MannWhitneyJudgeConfig::default()
        };
        let v = MannWhitneyJudge::new(&latency_only)
            .unwrap()
            .judge(&Observations::new(&b, 0, 0), &Observations::new(&b, 0, 0));
        assert_eq!((v.outcome, v.score), (Outcome::Pass, 100.0), "{v:?}");
    }

    #[test]
    fn judges_large_intervals() {
        // 20 000 requests a side (≈ 330 req/s for a minute) with a 2 % shift.
        let b = sample(20_000, 0.05, 0.1);
        let k: Vec<f64> = sample(20_000, 0.05, 0.1).iter().map(|v| v * 1.02).collect();
        let v = judge().judge(
            &Observations::new(&b, 20_000, 10),
            &Observations::new(&k, 20_000, 10),
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        let v = judge().judge(
            &Observations::new(&b, 20_000, 10),
            &Observations::new(&b, 20_000, 10),
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
    }

    #[test]
    fn constant_samples_are_judged_without_noise() {
        let (b, k) = ([0.1; 50], [0.2; 50]);
        let v = judge().judge(&Observations::new(&b, 50, 0), &Observations::new(&k, 50, 0));
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        let v = judge().judge(&Observations::new(&k, 50, 0), &Observations::new(&k, 50, 0));
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
    }

    #[test]
    fn config_validation_names_fields() {
        let bad = MannWhitneyJudgeConfig {
            confidence: 1.0,
            tolerance: -0.1,
            latency_weight: 0.0,
            error_weight: 0.0,
            pass_score: 90.0,
            marginal_score: 95.0,
            ..MannWhitneyJudgeConfig::default()
        };
        let paths: Vec<String> = bad.problems("j").into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                "j.confidence",
                "j.tolerance",
                "j.marginal_score",
                "j.error_weight"
            ]
        );
        let c: MannWhitneyJudgeConfig = serde_json::from_str(r#"{"confidence": 0.95}"#).unwrap();
        assert_eq!(c.tolerance, 0.25);
        assert!(serde_json::from_str::<MannWhitneyJudgeConfig>(r#"{"alpha": 0.05}"#).is_err());
    }
}
