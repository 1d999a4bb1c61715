//! Statistics for replications: a mergeable running summary, Student-t
//! confidence intervals, and the queueing-theory formulas validation tests
//! compare simulations against.
//!
//! Rules reproduced, with sources:
//! - running mean and variance by Welford's update (Welford 1962), so one pass
//!   is numerically stable even when observations share a large offset;
//! - partial summaries combined by the pairwise formula of Chan, Golub and
//!   LeVeque (1979), so per-thread or per-batch partials merge;
//! - the interval for the mean is `mean ± t_{(1+level)/2, n−1} · s/√n`, the
//!   textbook interval for independent replications (Law, *Simulation Modeling
//!   and Analysis*, §9.4);
//! - [`theory`] holds the steady-state waiting times of M/M/1, M/M/c (Erlang C
//!   through the Erlang B recursion) and M/D/1 (Pollaczek–Khinchine).
//!
//! # Non-finite observations
//!
//! A NaN or infinite observation would poison every later mean and interval.
//! [`Summary::push`] therefore never folds one in: it counts it in
//! [`Summary::non_finite`] and leaves the moments untouched, and
//! [`Summary::confidence_interval`] then refuses with an error, so a broken
//! replication cannot hide behind a plausible interval. Callers that want to
//! stop at the first bad value use [`Summary::try_push`] instead.
//!
//! ```
//! use sim_core::stats::Summary;
//!
//! let waits: Summary = [4.0, 5.0, 6.0, 5.0, 5.0].into_iter().collect();
//! let ci = waits.confidence_interval(0.95)?;
//! assert_eq!(ci.mean, 5.0);
//! assert!(ci.contains(5.5) && !ci.contains(7.0));
//! # Ok::<(), sim_core::Error>(())
//! ```

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::error::{Error, Result};

/// Running mean, variance, minimum and maximum of a stream of observations,
/// in constant memory, so replications can be summarised without keeping
/// their results, and mergeable so per-thread partials combine.
///
/// Serialises as `{count, mean, std_dev, min, max, non_finite}` — the numbers a
/// report reader wants — rather than its internal accumulators.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    count: u64,
    mean: f64,
    /// Sum of squared deviations from the mean (Welford's `M2`).
    m2: f64,
    /// Meaningful only when `count > 0`.
    min: f64,
    /// Meaningful only when `count > 0`.
    max: f64,
    non_finite: u64,
}

impl Summary {
    /// An empty summary, to push observations into.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one observation. A NaN or infinite value is not folded in but
    /// counted in [`non_finite`](Self::non_finite), which makes
    /// [`confidence_interval`](Self::confidence_interval) fail (see the module
    /// docs for why). Finite values beyond about ±1e154 can overflow the
    /// moments; the interval then refuses rather than report them.
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            self.non_finite += 1;
            return;
        }
        self.count += 1;
        if self.count == 1 {
            self.min = x;
            self.max = x;
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Adds one observation, or refuses a NaN or infinite one with an error and
    /// leaves the summary unchanged — for callers that want to stop at the
    /// first bad value rather than find out at the end.
    pub fn try_push(&mut self, x: f64) -> Result<()> {
        if !x.is_finite() {
            return Err(Error::invalid("observation", x, "must be a finite number"));
        }
        self.push(x);
        Ok(())
    }

    /// Folds another summary into this one, as if its observations had been
    /// pushed here, so partial summaries from threads or batches combine.
    ///
    /// Floating-point merging is not associative: to keep results identical
    /// whatever the thread count, merge partials in a fixed order (e.g. in
    /// replication order), not through a work-stealing `reduce`.
    pub fn merge(&mut self, other: &Summary) {
        self.non_finite += other.non_finite;
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            let non_finite = self.non_finite;
            *self = other.clone();
            self.non_finite = non_finite;
            return;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let count = self.count + other.count;
        let n = count as f64;
        let delta = other.mean - self.mean;
        self.mean += delta * (nb / n);
        self.m2 += other.m2 + delta * delta * (na * nb / n);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.count = count;
    }

    /// How many finite observations were folded in.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// How many NaN or infinite observations [`push`](Self::push) set aside;
    /// nonzero means some replication produced a broken value.
    pub fn non_finite(&self) -> u64 {
        self.non_finite
    }

    /// The mean of the observations; 0 when there are none (check
    /// [`count`](Self::count)), so reports never carry NaN.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The sample variance (divisor `n − 1`); 0 with fewer than two
    /// observations, so reports never carry NaN.
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            0.0
        } else {
            (self.m2 / (self.count - 1) as f64).max(0.0)
        }
    }

    /// The sample standard deviation, the square root of
    /// [`variance`](Self::variance).
    pub fn std_dev(&self) -> f64 {
        self.variance().sqrt()
    }

    /// The smallest observation, or `None` when there are none.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// The largest observation, or `None` when there are none.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// The Student-t confidence interval for the mean at `level` (e.g. 0.95),
    /// which says how far the replication mean may be from the true one.
    ///
    /// Fails when `level` is not strictly between 0 and 1, when fewer than two
    /// observations were pushed, when any observation was NaN or infinite, or
    /// when the observations are so large that the moments overflowed.
    pub fn confidence_interval(&self, level: f64) -> Result<ConfidenceInterval> {
        if !(level > 0.0 && level < 1.0) {
            return Err(Error::invalid(
                "level",
                level,
                "must be strictly between 0 and 1",
            ));
        }
        if self.non_finite > 0 {
            return Err(Error::invalid(
                "observations",
                format!("{} non-finite", self.non_finite),
                "a NaN or infinite observation was pushed; the interval would be meaningless",
            ));
        }
        if self.count < 2 {
            return Err(Error::invalid(
                "n",
                self.count,
                "an interval needs at least 2 observations",
            ));
        }
        let t = student_t_upper(level, (self.count - 1) as f64)?;
        let half_width = t * self.std_dev() / (self.count as f64).sqrt();
        if !(self.mean.is_finite() && half_width.is_finite()) {
            return Err(Error::invalid(
                "observations",
                format!("mean {}, half-width {half_width}", self.mean),
                "the observations are too large: the moments overflowed",
            ));
        }
        Ok(ConfidenceInterval {
            mean: self.mean,
            half_width,
            level,
            n: self.count,
        })
    }
}

/// The quantile `t_{(1+level)/2, freedom}`, computed from the lower tail
/// `(1−level)/2`, which keeps full precision when `level` is close to 1.
fn student_t_upper(level: f64, freedom: f64) -> Result<f64> {
    let t = StudentsT::new(0.0, 1.0, freedom)
        .map_err(|_| Error::invalid("n", freedom + 1.0, "gives invalid degrees of freedom"))?;
    let q = -t.inverse_cdf((1.0 - level) / 2.0);
    if q.is_finite() && q >= 0.0 {
        Ok(q)
    } else {
        Err(Error::invalid(
            "level",
            level,
            "is too close to 1 for a finite interval",
        ))
    }
}

impl Serialize for Summary {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Summary", 6)?;
        s.serialize_field("count", &self.count)?;
        s.serialize_field("mean", &self.mean())?;
        s.serialize_field("std_dev", &self.std_dev())?;
        s.serialize_field("min", &self.min())?;
        s.serialize_field("max", &self.max())?;
        s.serialize_field("non_finite", &self.non_finite)?;
        s.end()
    }
}

impl FromIterator<f64> for Summary {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut summary = Summary::new();
        summary.extend(iter);
        summary
    }
}

impl Extend<f64> for Summary {
    fn extend<I: IntoIterator<Item = f64>>(&mut self, iter: I) {
        for x in iter {
            self.push(x);
        }
    }
}

/// A Student-t interval for a mean, `mean ± half_width`, at a confidence
/// `level` from `n` observations: what a report prints instead of a bare mean.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct ConfidenceInterval {
    /// The sample mean, the interval's centre.
    pub mean: f64,
    /// `t_{(1+level)/2, n−1} · s/√n`.
    pub half_width: f64,
    /// The confidence level, e.g. 0.95.
    pub level: f64,
    /// How many observations the interval rests on.
    pub n: u64,
}

impl ConfidenceInterval {
    /// The interval's lower end.
    pub fn lower(&self) -> f64 {
        self.mean - self.half_width
    }

    /// The interval's upper end.
    pub fn upper(&self) -> f64 {
        self.mean + self.half_width
    }

    /// Whether `x` lies in the closed interval — how validation tests check a
    /// simulated mean against theory.
    pub fn contains(&self, x: f64) -> bool {
        self.lower() <= x && x <= self.upper()
    }

    /// The half-width relative to the mean's magnitude, for "run until the
    /// estimate is within 5 %" stopping rules. 0 when the half-width is 0;
    /// infinite when only the mean is 0 (never NaN).
    pub fn relative_half_width(&self) -> f64 {
        if self.half_width == 0.0 {
            0.0
        } else {
            self.half_width / self.mean.abs()
        }
    }
}

/// `12.35 ± 0.41 (95% CI, n=30)`: the half-width to two significant digits and
/// the mean to the same decimal place, unless a precision is given
/// (`{:.3}` prints both with three decimals).
impl fmt::Display for ConfidenceInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let decimals = f.precision().unwrap_or_else(|| {
            if self.half_width > 0.0 && self.half_width.is_finite() {
                let magnitude = self.half_width.log10().floor() as i32;
                (1 - magnitude).clamp(0, 15) as usize
            } else {
                6
            }
        });
        let percent = format!("{:.4}", self.level * 100.0);
        let percent = percent.trim_end_matches('0').trim_end_matches('.');
        write!(
            f,
            "{:.decimals$} ± {:.decimals$} ({percent}% CI, n={})",
            self.mean, self.half_width, self.n
        )
    }
}

/// Steady-state queueing formulas to validate simulations against.
pub mod theory;

#[cfg(test)]
mod tests {
    use super::theory::{erlang_c, md1_wait, mm1_wait, mmc_wait};
    use super::*;
    use crate::rng::SimRng;

    fn param_name<T: fmt::Debug>(r: Result<T>) -> &'static str {
        match r {
            Err(Error::InvalidParameter { name, .. }) => name,
            other => panic!("expected an InvalidParameter error, got {other:?}"),
        }
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    /// Two-pass mean and sample variance, the slow reference.
    fn two_pass(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
        (mean, ss / (n - 1.0))
    }

    fn normal(rng: &mut SimRng) -> f64 {
        // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
        let (u1, u2) = (1.0 - rng.uniform(), rng.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    #[test]
    fn welford_matches_two_pass_even_with_a_large_offset() {
        let mut rng = SimRng::from_u64(3);
        // A naive Σx² − n·mean² loses every digit at this offset.
        let xs: Vec<f64> = (0..1000).map(|_| 1e9 + rng.uniform()).collect();
        let s: Summary = xs.iter().copied().collect();
        let (mean, var) = two_pass(&xs);
        assert_eq!(s.count(), 1000);
        assert!(close(s.mean(), mean, 1e-15), "{} vs {mean}", s.mean());
        assert!(close(s.variance(), var, 1e-6), "{} vs {var}", s.variance());
        assert!(close(s.std_dev(), var.sqrt(), 1e-6));
        assert_eq!(s.min(), xs.iter().copied().reduce(f64::min));
        assert_eq!(s.max(), xs.iter().copied().reduce(f64::max));
    }

    #[test]
    fn small_summaries_are_nan_free() {
        let empty = Summary::new();
        assert_eq!(
            (empty.count(), empty.mean(), empty.variance()),
            (0, 0.0, 0.0)
        );
        assert_eq!((empty.min(), empty.max()), (None, None));
        let one: Summary = [-3.5].into_iter().collect();
        assert_eq!(
            (one.mean(), one.variance(), one.std_dev()),
            (-3.5, 0.0, 0.0)
        );
        assert_eq!((one.min(), one.max()), (Some(-3.5), Some(-3.5)));
    }

    #[test]
    fn merge_equals_pushing_everything_at_every_split() {
        let mut rng = SimRng::from_u64(11);
        let xs: Vec<f64> = (0..50).map(|_| rng.exp(3.0) - 1.0).collect();
        let all: Summary = xs.iter().copied().collect();
        for split in 0..=xs.len() {
            let mut left: Summary = xs[..split].iter().copied().collect();
            let right: Summary = xs[split..].iter().copied().collect();
            left.merge(&right);
            assert_eq!(left.count(), all.count(), "split {split}");
            assert!(close(left.mean(), all.mean(), 1e-12), "split {split}");
            assert!(
                close(left.variance(), all.variance(), 1e-12),
                "split {split}"
            );
            assert_eq!(
                (left.min(), left.max()),
                (all.min(), all.max()),
                "split {split}"
            );
        }
    }

    #[test]
    fn non_finite_observations_are_set_aside_and_block_the_interval() {
        let mut s: Summary = [1.0, 2.0, 3.0].into_iter().collect();
        let clean = s.clone();
        s.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
        assert_eq!(s.non_finite(), 3);
        assert_eq!((s.count(), s.mean(), s.variance()), (3, 2.0, 1.0));
        assert_eq!((s.min(), s.max()), (Some(1.0), Some(3.0)));
        assert_eq!(param_name(s.confidence_interval(0.95)), "observations");
        assert!(clean.confidence_interval(0.95).is_ok());

        // Merging carries the count along, from either side.
        let mut merged = clean.clone();
        merged.merge(&s);
        assert_eq!(merged.non_finite(), 3);
        let mut bad_empty = Summary::new();
        bad_empty.push(f64::NAN);
        bad_empty.merge(&clean);
        assert_eq!((bad_empty.non_finite(), bad_empty.count()), (1, 3));

        let mut strict = clean.clone();
        assert_eq!(param_name(strict.try_push(f64::NAN)), "observation");
        assert_eq!(
            strict, clean,
            "a refused value leaves the summary unchanged"
        );
        strict.try_push(4.0).unwrap();
        assert_eq!(strict.count(), 4);
    }

    #[test]
    fn t_quantiles_match_published_tables() {
        // (level, n, t_{(1+level)/2, n−1}) from standard t tables.
        let table = [
            (0.95, 2, 12.706_204_736),
            (0.95, 30, 2.045_229_642),
            (0.90, 10, 1.833_112_933),
            (0.99, 5, 4.604_094_871),
            (0.95, 1001, 1.962_339_286),
        ];
        for (level, n, t) in table {
            let got = student_t_upper(level, (n - 1) as f64).unwrap();
            assert!(close(got, t, 1e-6), "level {level}, n {n}: {got} vs {t}");
        }
        // Close to 1, the lower-tail form still gives a finite, large quantile.
        let extreme = student_t_upper(1.0 - 1e-15, 100.0).unwrap();
        assert!(extreme.is_finite() && extreme > 8.0, "{extreme}");
    }

    #[test]
    fn interval_is_mean_plus_minus_t_s_over_root_n() {
        let s: Summary = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
            .into_iter()
            .collect();
        let ci = s.confidence_interval(0.95).unwrap();
        // mean 5, s² = 32/7, t_{0.975,7} = 2.364624252.
        let expected = 2.364_624_252 * (32.0_f64 / 7.0).sqrt() / 8.0_f64.sqrt();
        assert_eq!((ci.mean, ci.level, ci.n), (5.0, 0.95, 8));
        assert!(
            close(ci.half_width, expected, 1e-8),
            "{} vs {expected}",
            ci.half_width
        );
        assert!(close(ci.lower(), 5.0 - expected, 1e-8));
        assert!(close(ci.upper(), 5.0 + expected, 1e-8));
        assert!(ci.contains(ci.lower()) && ci.contains(ci.upper()) && ci.contains(5.0));
        assert!(!ci.contains(ci.upper() + 1e-9) && !ci.contains(ci.lower() - 1e-9));
        assert!(close(ci.relative_half_width(), expected / 5.0, 1e-8));
        let wider = s.confidence_interval(0.99).unwrap();
        assert!(wider.half_width > ci.half_width);
    }

    #[test]
    fn bad_levels_and_too_few_observations_are_refused() {
        let s: Summary = [1.0, 2.0, 3.0].into_iter().collect();
        for level in [0.0, 1.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
            assert_eq!(
                param_name(s.confidence_interval(level)),
                "level",
                "level {level}"
            );
        }
        assert_eq!(param_name(Summary::new().confidence_interval(0.95)), "n");
        let one: Summary = [1.0].into_iter().collect();
        assert_eq!(param_name(one.confidence_interval(0.95)), "n");
    }

    #[test]
    fn overflowing_moments_are_refused_not_nan() {
        let s: Summary = [f64::MAX, -f64::MAX, f64::MAX].into_iter().collect();
        assert_eq!(param_name(s.confidence_interval(0.95)), "observations");
    }

    #[test]
    fn identical_observations_give_a_zero_width_interval() {
        let s: Summary = std::iter::repeat_n(0.1, 10).collect();
        let ci = s.confidence_interval(0.95).unwrap();
        assert_eq!(ci.half_width, 0.0);
        assert_eq!(ci.relative_half_width(), 0.0);
        let zero = ConfidenceInterval {
            mean: 0.0,
            half_width: 1.0,
            level: 0.95,
            n: 5,
        };
        assert_eq!(zero.relative_half_width(), f64::INFINITY);
    }

    #[test]
    fn intervals_cover_the_true_mean_at_their_level() {
        // 2000 intervals of n = 10 normal draws. A z interval (1.96) would cover
        // only ≈ 91.8 %; the t interval must cover 95 % within 3 binomial σ (1.5 %).
        let mut rng = SimRng::stream(2024, "stats/coverage");
        let trials = 2000;
        let covered = (0..trials)
            .filter(|_| {
                let s: Summary = (0..10).map(|_| 7.0 + 2.0 * normal(&mut rng)).collect();
                s.confidence_interval(0.95).unwrap().contains(7.0)
            })
            .count();
        let coverage = covered as f64 / f64::from(trials);
        assert!((coverage - 0.95).abs() < 0.015, "coverage {coverage}");
    }

    #[test]
    fn display_rounds_to_the_half_width() {
        let ci = ConfidenceInterval {
            mean: 12.3456,
            half_width: 0.4123,
            level: 0.95,
            n: 30,
        };
        assert_eq!(ci.to_string(), "12.35 ± 0.41 (95% CI, n=30)");
        assert_eq!(format!("{ci:.1}"), "12.3 ± 0.4 (95% CI, n=30)");
        let big = ConfidenceInterval {
            mean: 1234.4,
            half_width: 56.7,
            level: 0.999,
            n: 8,
        };
        assert_eq!(big.to_string(), "1234 ± 57 (99.9% CI, n=8)");
    }

    #[test]
    fn summary_serialises_its_statistics() {
        let s: Summary = [1.0, 3.0].into_iter().collect();
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "count": 2, "mean": 2.0, "std_dev": 2.0_f64.sqrt(),
                "min": 1.0, "max": 3.0, "non_finite": 0
            })
        );
        let empty = serde_json::to_value(Summary::new()).unwrap();
        assert_eq!(empty["min"], serde_json::Value::Null);
    }

    /// The textbook Erlang C: `(a^c/c!)·c/(c−a) / (Σ_{k<c} a^k/k! + (a^c/c!)·c/(c−a))`.
    fn erlang_c_textbook(c: u32, a: f64) -> f64 {
        let factorial = |k: u32| (1..=k).map(f64::from).product::<f64>();
        let sum: f64 = (0..c).map(|k| a.powi(k as i32) / factorial(k)).sum();
        let top = a.powi(c as i32) / factorial(c) * f64::from(c) / (f64::from(c) - a);
        top / (sum + top)
    }

    #[test]
    fn erlang_c_matches_hand_and_textbook_values() {
        assert!(close(erlang_c(2, 1.0).unwrap(), 1.0 / 3.0, 1e-14));
        // c = 4, a = 3: Σ = 1 + 3 + 4.5 + 4.5 = 13, top = 81/24 · 4 = 13.5.
        assert!(close(erlang_c(4, 3.0).unwrap(), 13.5 / 26.5, 1e-14));
        for a in [0.5, 1.0, 2.0, 3.5, 3.99] {
            let (got, want) = (erlang_c(4, a).unwrap(), erlang_c_textbook(4, a));
            assert!(close(got, want, 1e-12), "a {a}: {got} vs {want}");
        }
        // One server: an arrival waits exactly when the server is busy, P = ρ.
        assert!(close(erlang_c(1, 0.7).unwrap(), 0.7, 1e-14));
        assert_eq!(erlang_c(3, 0.0).unwrap(), 0.0);
    }

    #[test]
    fn erlang_c_stays_finite_for_many_servers() {
        // The textbook form overflows here (950^1000); compare in log space.
        let (c, a) = (1000_u32, 950.0_f64);
        let mut log_terms: Vec<f64> = Vec::new();
        let mut log_term = 0.0; // ln(a^k / k!)
        for k in 0..c {
            if k > 0 {
                log_term += a.ln() - f64::from(k).ln();
            }
            log_terms.push(log_term);
        }
        let log_top =
            log_term + a.ln() - f64::from(c).ln() + (f64::from(c) / (f64::from(c) - a)).ln();
        let peak = log_terms.iter().copied().fold(log_top, f64::max);
        let sum: f64 = log_terms.iter().map(|t| (t - peak).exp()).sum();
        let top = (log_top - peak).exp();
        let want = top / (sum + top);
        let got = erlang_c(c, a).unwrap();
        assert!(got > 0.0 && got < 1.0);
        assert!(close(got, want, 1e-9), "{got} vs {want}");
    }

    #[test]
    fn waiting_times_match_hand_values() {
        assert!(close(mm1_wait(0.9, 1.0).unwrap(), 9.0, 1e-12));
        assert!(close(mm1_wait(1.0, 2.0).unwrap(), 0.5, 1e-12));
        assert!(close(md1_wait(0.9, 1.0).unwrap(), 4.5, 1e-12));
        assert_eq!(mm1_wait(0.0, 1.0).unwrap(), 0.0);
        // M/M/2 with λ = 1, μ = 1: C = 1/3, Wq = (1/3)/(2 − 1).
        assert!(close(mmc_wait(2, 1.0, 1.0).unwrap(), 1.0 / 3.0, 1e-14));
        // M/M/4 with λ = 6, μ = 2 (a = 3): Wq = (13.5/26.5)/(8 − 6).
        assert!(close(
            mmc_wait(4, 6.0, 2.0).unwrap(),
            13.5 / 26.5 / 2.0,
            1e-14
        ));
        // One server reduces M/M/c to M/M/1.
        assert!(close(
            mmc_wait(1, 0.8, 1.25).unwrap(),
            mm1_wait(0.8, 1.25).unwrap(),
            1e-14
        ));
    }

    #[test]
    fn theory_refuses_unstable_or_malformed_queues() {
        assert_eq!(param_name(mm1_wait(1.0, 1.0)), "utilisation");
        assert_eq!(param_name(mm1_wait(2.0, 1.0)), "utilisation");
        assert_eq!(param_name(md1_wait(1.0, 1.0)), "utilisation");
        assert_eq!(param_name(mmc_wait(2, 2.0, 1.0)), "utilisation");
        assert_eq!(param_name(mm1_wait(-0.1, 1.0)), "lambda");
        assert_eq!(param_name(mm1_wait(f64::NAN, 1.0)), "lambda");
        assert_eq!(param_name(md1_wait(f64::INFINITY, 1.0)), "lambda");
        assert_eq!(param_name(mm1_wait(0.5, 0.0)), "mu");
        assert_eq!(param_name(md1_wait(0.5, -1.0)), "mu");
        assert_eq!(param_name(mmc_wait(2, 0.5, f64::NAN)), "mu");
        assert_eq!(param_name(mmc_wait(0, 0.5, 1.0)), "c");
        assert_eq!(param_name(erlang_c(0, 0.5)), "servers");
        assert_eq!(param_name(erlang_c(2, 2.0)), "offered_load_erlangs");
        assert_eq!(param_name(erlang_c(2, -1.0)), "offered_load_erlangs");
        assert_eq!(param_name(erlang_c(2, f64::NAN)), "offered_load_erlangs");
    }
}
