//! The Mann–Whitney U test (Wilcoxon rank-sum test) and the Hodges–Lehmann
//! shift estimate with its confidence interval: the statistics behind
//! [`MannWhitneyJudge`](super::MannWhitneyJudge).
//!
//! [`mann_whitney_u`] reproduces SciPy's
//! `scipy.stats.mannwhitneyu(x, y, alternative="two-sided", method="auto",
//! use_continuity=True)`: midranks for ties; the normal approximation with
//! the tie-corrected variance and a continuity correction; the exact null
//! distribution when SciPy's `auto` would use it (no ties and one sample of
//! at most 8).
//!
//! [`hodges_lehmann`] reproduces Kayenta's `kayenta-mannwhitney` (itself R's
//! `wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE)`): the
//! shift `μ` at which the asymptotic statistic of `x − μ` against `y` is 0
//! is the estimate, and the shifts at which it equals `±z₁₋α/₂` bound the
//! interval.

use statrs::function::erf::{erfc, erfc_inv};

/// How [`MannWhitney::p_value`] was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PValueMethod {
    /// From the exact null distribution of U (no ties, a sample of ≤ 8).
    Exact,
    /// From the normal approximation (ties or two samples larger than 8).
    Asymptotic,
}

/// The result of a two-sided Mann–Whitney U test of `x` against `y`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MannWhitney {
    /// Size of `x`.
    pub n1: usize,
    /// Size of `y`.
    pub n2: usize,
    /// U of `x`: pairs with `x > y`, plus half the tied pairs (SciPy's `statistic`).
    pub u1: f64,
    /// U of `y`: `n1 · n2 − u1`.
    pub u2: f64,
    /// The standardized statistic SciPy uses for the two-sided test:
    /// `(max(u1, u2) − n1·n2/2 − 0.5) / σ`, σ with the tie correction; `−∞`
    /// when every observation is tied.
    pub z: f64,
    /// Two-sided p-value from the normal approximation with continuity
    /// correction (SciPy `method="asymptotic"`).
    pub p_asymptotic: f64,
    /// Two-sided p-value as SciPy's `method="auto"` gives it: exact when
    /// [`method`](Self::method) says so, else [`p_asymptotic`](Self::p_asymptotic).
    pub p_value: f64,
    /// Which method gave `p_value`.
    pub method: PValueMethod,
}

/// Two-sided Mann–Whitney U test of `x` against `y` (see the module docs);
/// `None` if either sample is empty or holds a NaN (SciPy raises then).
///
/// The exact p-value is computed when SciPy's `auto` would choose it and
/// `C(n1 + n2, min(n1, n2))` fits in 127 bits; past that (a sample of ≤ 8
/// against one of about 200 000) the asymptotic value is used.
///
/// ```
/// use sim_models::deploy::judge::mann_whitney_u;
///
/// let mw = mann_whitney_u(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).unwrap();
/// assert_eq!(mw.u1, 0.0);
/// assert!((mw.p_value - 0.1).abs() < 1e-12); // 2 × 1/C(6, 3)
/// ```
pub fn mann_whitney_u(x: &[f64], y: &[f64]) -> Option<MannWhitney> {
    let xs = sorted(x)?;
    let ys = sorted(y)?;
    let RankSum { r1, tie_term } = rank_sum(&xs, 0.0, &ys);
    let n1 = xs.len() as f64;
    Some(from_u(
        xs.len(),
        ys.len(),
        r1 - n1 * (n1 + 1.0) / 2.0,
        tie_term,
    ))
}

/// [`mann_whitney_u`] of two samples of 0/1 indicators given by counts:
/// `x` holds `ones_x` ones among `n_x` values, `y` `ones_y` among `n_y`.
/// Computed from the counts in constant time and memory; `None` if a
/// sample is empty or has more ones than values.
pub fn mann_whitney_u_binary(ones_x: u64, n_x: u64, ones_y: u64, n_y: u64) -> Option<MannWhitney> {
    if n_x == 0 || n_y == 0 || ones_x > n_x || ones_y > n_y {
        return None;
    }
    let (a, n1, b, n2) = (ones_x as f64, n_x as f64, ones_y as f64, n_y as f64);
    // Pairs with x > y (a one against a zero) plus half the tied pairs.
    let u1 = a * (n2 - b) + 0.5 * (a * b + (n1 - a) * (n2 - b));
    let (t0, t1) = ((n1 - a) + (n2 - b), a + b);
    let tie_term = t0 * t0 * t0 - t0 + t1 * t1 * t1 - t1;
    let n_x = usize::try_from(n_x).ok()?;
    let n_y = usize::try_from(n_y).ok()?;
    Some(from_u(n_x, n_y, u1, tie_term))
}

/// The test's result from U of `x`, the sizes and `Σ (t³ − t)` over ties.
fn from_u(n_x: usize, n_y: usize, u1: f64, tie_term: f64) -> MannWhitney {
    let (n1, n2) = (n_x as f64, n_y as f64);
    let u2 = n1 * n2 - u1;
    let u = u1.max(u2);
    let z = (u - n1 * n2 / 2.0 - 0.5) / sigma(n1, n2, tie_term);
    let p_asymptotic = (2.0 * normal_sf(z)).clamp(0.0, 1.0);
    let exact = if tie_term == 0.0 && (n_x <= 8 || n_y <= 8) {
        // No ties: U is a whole number.
        exact_cdf(n_x, n_y, u1.min(u2) as u64).map(|cdf| (2.0 * cdf).min(1.0))
    } else {
        None
    };
    MannWhitney {
        n1: n_x,
        n2: n_y,
        u1,
        u2,
        z,
        p_asymptotic,
        p_value: exact.unwrap_or(p_asymptotic),
        method: if exact.is_some() {
            PValueMethod::Exact
        } else {
            PValueMethod::Asymptotic
        },
    }
}

/// A Hodges–Lehmann estimate of the shift of `x` against `y`, with its
/// confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShiftEstimate {
    /// The shift `μ` that makes `x − μ` and `y` look alike (≈ the median of
    /// the pairwise differences `xᵢ − yⱼ`).
    pub estimate: f64,
    /// Lower end of the confidence interval.
    pub lower: f64,
    /// Upper end of the confidence interval.
    pub upper: f64,
}

/// The Hodges–Lehmann shift of `x` against `y` and its `confidence`
/// interval, by Kayenta's asymptotic root finding (module docs); `None` if
/// either sample is empty or holds a NaN, or `confidence` is not in (0, 1).
///
/// Each root is found by bisection on `[min x − max y, max x − min y]` to
/// 10⁻¹² of the larger end (Kayenta uses Brent's method; both stop at the
/// same step of the piecewise-constant statistic). When each sample is a
/// single repeated value, the statistic is undefined (Kayenta adds tiny
/// Gaussian noise); here the estimate and both ends are that one difference,
/// which is what the exact (distribution-free) interval gives.
pub fn hodges_lehmann(x: &[f64], y: &[f64], confidence: f64) -> Option<ShiftEstimate> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let xs = sorted(x)?;
    let ys = sorted(y)?;
    let (x_min, x_max) = (xs[0], xs[xs.len() - 1]);
    let (y_min, y_max) = (ys[0], ys[ys.len() - 1]);
    if x_min == x_max && y_min == y_max {
        let d = x_min - y_min;
        return Some(ShiftEstimate {
            estimate: d,
            lower: d,
            upper: d,
        });
    }
    let (mu_min, mu_max) = (x_min - y_max, x_max - y_min);
    let resolution = 1e-12 * mu_min.abs().max(mu_max.abs());
    // z₁₋α/₂ = Φ⁻¹(1 − α/2) = √2 · erfc⁻¹(α).
    let z = std::f64::consts::SQRT_2 * erfc_inv(1.0 - confidence);
    let root = |quantile: f64| -> f64 {
        let f = |mu: f64| wilcoxon_diff(&xs, &ys, mu) - quantile;
        let (mut lo, mut hi) = (mu_min, mu_max);
        let (f_lo, f_hi) = (f(lo), f(hi));
        if f_lo <= 0.0 {
            return lo;
        }
        if f_hi >= 0.0 {
            return hi;
        }
        // f is positive at `lo` and negative at `hi`: halve until the
        // bracket is a 1e-12 fraction of the data's scale (or adjacent floats).
        loop {
            let mid = lo + (hi - lo) / 2.0;
            if hi - lo <= resolution || mid <= lo || mid >= hi {
                return mid;
            }
            let v = f(mid);
            if v == 0.0 {
                return mid;
            }
            if v > 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    };
    Some(ShiftEstimate {
        estimate: root(0.0),
        lower: root(z),
        upper: root(-z),
    })
}

/// Kayenta's `wilcoxonDiff` without the quantile: the continuity-corrected,
/// tie-corrected standardized rank-sum statistic of `x − mu` against `y`.
/// Decreases (weakly) as `mu` grows.
fn wilcoxon_diff(xs: &[f64], ys: &[f64], mu: f64) -> f64 {
    let RankSum { r1, tie_term } = rank_sum(xs, mu, ys);
    let (n1, n2) = (xs.len() as f64, ys.len() as f64);
    let dz = r1 - n1 * (n1 + 1.0) / 2.0 - n1 * n2 / 2.0;
    let correction = 0.5
        * if dz > 0.0 {
            1.0
        } else if dz < 0.0 {
            -1.0
        } else {
            0.0
        };
    let s = sigma(n1, n2, tie_term);
    if s == 0.0 {
        // Every observation tied at this shift: no evidence either way.
        return 0.0;
    }
    (dz - correction) / s
}

/// Standard deviation of U under the null hypothesis, tie-corrected.
fn sigma(n1: f64, n2: f64, tie_term: f64) -> f64 {
    let n = n1 + n2;
    (n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0))))
        .max(0.0)
        .sqrt()
}

/// `P(Z > z)` for a standard normal `Z`.
fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// A sorted copy, or `None` if empty or holding a NaN.
fn sorted(v: &[f64]) -> Option<Vec<f64>> {
    if v.is_empty() || v.iter().any(|x| x.is_nan()) {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    Some(s)
}

struct RankSum {
    /// Sum of the midranks of the `x` values in the pooled sample.
    r1: f64,
    /// `Σ (t³ − t)` over groups of `t` tied values.
    tie_term: f64,
}

/// Ranks the pooled sample `{xᵢ − shift} ∪ {yⱼ}` by merging the two sorted
/// samples, in `O(n1 + n2)`.
fn rank_sum(xs: &[f64], shift: f64, ys: &[f64]) -> RankSum {
    let (mut i, mut j) = (0, 0);
    let mut below = 0.0_f64; // how many values rank below the current group
    let mut r1 = 0.0;
    let mut tie_term = 0.0;
    while i < xs.len() || j < ys.len() {
        let xv = xs.get(i).map(|x| x - shift);
        let yv = ys.get(j).copied();
        let v = match (xv, yv) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => unreachable!("loop condition"),
        };
        let mut cx = 0.0;
        while i < xs.len() && xs[i] - shift == v {
            cx += 1.0;
            i += 1;
        }
        let mut cy = 0.0;
        while j < ys.len() && ys[j] == v {
            cy += 1.0;
            j += 1;
        }
        let t = cx + cy;
        let midrank = below + (t + 1.0) / 2.0;
        r1 += cx * midrank;
        tie_term += t * t * t - t;
        below += t;
    }
    RankSum { r1, tie_term }
}

/// `P(U ≤ d)` under the null hypothesis without ties, for samples of `n1`
/// and `n2`, when `C(n1 + n2, min)` fits in 127 bits.
///
/// The number of arrangements with `U = u` is the coefficient of `qᵘ` in
/// the Gaussian binomial `[n1 + n2 choose k]_q = ∏ᵢ₌₁..ₖ (1 − q^(m+i)) /
/// (1 − qⁱ)` (`k = min`, `m = max`); only the coefficients up to `d` are
/// needed, and each factor is applied exactly in integers.
fn exact_cdf(n1: usize, n2: usize, d: u64) -> Option<f64> {
    let (k, m) = (n1.min(n2) as u64, n1.max(n2) as u64);
    let mut total: u128 = 1;
    for i in 1..=k {
        // C(m + i, i) = C(m + i − 1, i − 1) · (m + i) / i, exact at each step.
        total = total.checked_mul(u128::from(m + i))? / u128::from(i);
    }
    if total > i128::MAX as u128 {
        return None;
    }
    let d = usize::try_from(d.min(k * m)).ok()?;
    let mut coef = vec![0_i128; d + 1];
    coef[0] = 1;
    for i in 1..=k as usize {
        let top = m as usize + i;
        for u in (top..=d).rev() {
            coef[u] -= coef[u - top];
        }
        for u in i..=d {
            coef[u] += coef[u - i];
        }
    }
    let below: i128 = coef.iter().sum();
    Some(below as f64 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_rel(got: f64, want: f64, tol: f64, what: &str) {
        let err = if want == 0.0 {
            got.abs()
        } else {
            ((got - want) / want).abs()
        };
        assert!(
            err <= tol,
            "{what}: got {got:e}, want {want:e} (rel err {err:e})"
        );
    }

    /// Reference values from SciPy 1.17.1 (NumPy 2.4.6, CPython 3.11.7), one
    /// line per call:
    /// `r = scipy.stats.mannwhitneyu(x, y, alternative="two-sided",
    /// method=M, use_continuity=True)` for `M = "asymptotic"` and `M = "auto"`,
    /// printed with `repr(float(r.statistic))` and `repr(float(r.pvalue))`.
    struct Case {
        name: &'static str,
        x: &'static [f64],
        y: &'static [f64],
        u1: f64,
        p_asymptotic: f64,
        p_auto: f64,
        exact: bool,
    }

    const CASES: &[Case] = &[
        Case {
            name: "small, no ties (auto → exact)",
            x: &[0.12, 0.35, 0.08, 0.41, 0.27],
            y: &[0.55, 0.31, 0.62, 0.48, 0.29, 0.71],
            u1: 4.0,
            p_asymptotic: 0.05523425371806383,
            p_auto: 0.05194805194805195,
            exact: true,
        },
        Case {
            name: "heavy ties",
            x: &[1., 2., 2., 3., 3., 3., 4., 4., 5., 5., 5., 5.],
            y: &[2., 3., 3., 4., 4., 4., 4., 5., 5., 6., 6., 6., 7., 7., 8.],
            u1: 49.0,
            p_asymptotic: 0.04477606989268875,
            p_auto: 0.04477606989268875,
            exact: false,
        },
        Case {
            name: "unequal sizes 4 vs 30 (auto → exact)",
            x: &[0.5, 2.5, 4.5, 9.5],
            y: &[
                1., 2., 3., 4., 5., 6., 7., 8., 9., 10., 11., 12., 13., 14., 15., 16., 17., 18.,
                19., 20., 21., 22., 23., 24., 25., 26., 27., 28., 29., 30.,
            ],
            u1: 15.0,
            p_asymptotic: 0.017377341558679423,
            p_auto: 0.012722097636708644,
            exact: true,
        },
        Case {
            name: "identical samples",
            x: &[0.1, 0.2, 0.2, 0.3, 0.5, 0.8, 0.8, 1.3, 2.1],
            y: &[0.1, 0.2, 0.2, 0.3, 0.5, 0.8, 0.8, 1.3, 2.1],
            u1: 40.5,
            p_asymptotic: 1.0,
            p_auto: 1.0,
            exact: false,
        },
        Case {
            name: "fully separated, 20 vs 25",
            x: &[
                1., 2., 3., 4., 5., 6., 7., 8., 9., 10., 11., 12., 13., 14., 15., 16., 17., 18.,
                19., 20.,
            ],
            y: &[
                21., 22., 23., 24., 25., 26., 27., 28., 29., 30., 31., 32., 33., 34., 35., 36.,
                37., 38., 39., 40., 41., 42., 43., 44., 45.,
            ],
            u1: 0.0,
            p_asymptotic: 1.205252299499121e-08,
            p_auto: 1.205252299499121e-08,
            exact: false,
        },
        Case {
            name: "fully separated, 3 vs 4 (auto → exact)",
            x: &[10.0, 11.0, 12.0],
            y: &[1.0, 2.0, 3.0, 4.0],
            u1: 12.0,
            p_asymptotic: 0.05182992721790968,
            p_auto: 0.05714285714285714,
            exact: true,
        },
        Case {
            name: "every value tied",
            x: &[1.0, 1.0, 1.0],
            y: &[1.0, 1.0],
            u1: 3.0,
            p_asymptotic: 1.0,
            p_auto: 1.0,
            exact: false,
        },
        Case {
            name: "one observation against eleven (auto → exact)",
            x: &[0.25],
            y: &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1],
            u1: 2.0,
            p_asymptotic: 0.384820773523065,
            p_auto: 0.5,
            exact: true,
        },
        Case {
            name: "latency-like, 12 vs 14, no ties",
            x: &[
                0.101, 0.132, 0.093, 0.245, 0.118, 0.187, 0.155, 0.099, 0.301, 0.142, 0.127, 0.166,
            ],
            y: &[
                0.121, 0.153, 0.112, 0.274, 0.139, 0.205, 0.181, 0.117, 0.334, 0.168, 0.149, 0.192,
                0.221, 0.097,
            ],
            u1: 66.0,
            p_asymptotic: 0.3680655063054846,
            p_auto: 0.3680655063054846,
            exact: false,
        },
    ];

    /// `x = [1.0] * 7 + [0.0] * 193`, `y = [1.0] * 2 + [0.0] * 298`: failure
    /// indicators, SciPy as above: U1 30850.0, p 0.019763620391749923.
    #[test]
    fn binary_indicators_match_scipy() {
        let x: Vec<f64> = [vec![1.0; 7], vec![0.0; 193]].concat();
        let y: Vec<f64> = [vec![1.0; 2], vec![0.0; 298]].concat();
        let mw = mann_whitney_u(&x, &y).unwrap();
        assert_eq!(mw.u1, 30850.0);
        assert_rel(mw.p_value, 0.019763620391749923, 1e-9, "binary p");
        assert_eq!(mw.method, PValueMethod::Asymptotic);
        let from_counts = mann_whitney_u_binary(7, 200, 2, 300).unwrap();
        assert_eq!(from_counts.u1, mw.u1);
        assert_rel(
            from_counts.p_value,
            mw.p_value,
            1e-12,
            "binary p from counts",
        );
        assert!(mann_whitney_u_binary(3, 2, 0, 5).is_none());
        // One value each, different: no ties, so exact (p = 2 × 1/2 = 1).
        let tiny = mann_whitney_u_binary(1, 1, 0, 1).unwrap();
        assert_eq!((tiny.method, tiny.p_value), (PValueMethod::Exact, 1.0));
    }

    /// SciPy `method="exact"` on the 20-vs-25 separated case gives
    /// 6.309405358074168e-13 (= 2 / C(45, 20)); `auto` does not use it.
    #[test]
    fn exact_distribution_of_large_samples() {
        let p = 2.0 * exact_cdf(20, 25, 0).unwrap();
        assert_rel(p, 6.309405358074168e-13, 1e-12, "exact p");
        // The whole distribution sums to 1, and is symmetric.
        assert_eq!(exact_cdf(5, 6, 30), Some(1.0));
        let halves = exact_cdf(5, 6, 14).unwrap() + exact_cdf(5, 6, 15).unwrap();
        assert!((halves - 1.0).abs() < 1e-15);
    }

    #[test]
    fn empty_or_nan_samples_give_none() {
        assert!(mann_whitney_u(&[], &[1.0]).is_none());
        assert!(mann_whitney_u(&[1.0, f64::NAN], &[1.0]).is_none());
        assert!(hodges_lehmann(&[1.0], &[], 0.95).is_none());
        assert!(hodges_lehmann(&[1.0], &[2.0], 1.0).is_none());
    }

    /// The median of all pairwise differences `xᵢ − yⱼ`: the textbook
    /// Hodges–Lehmann estimator, which the asymptotic root approximates.
    fn median_of_differences(x: &[f64], y: &[f64]) -> f64 {
        let mut d: Vec<f64> = x
            .iter()
            .flat_map(|a| y.iter().map(move |b| a - b))
            .collect();
        d.sort_by(f64::total_cmp);
        let n = d.len();
        if n % 2 == 1 {
            d[n / 2]
        } else {
            (d[n / 2 - 1] + d[n / 2]) / 2.0
        }
    }

    #[test]
    fn hodges_lehmann_finds_the_shift() {
        let y: Vec<f64> = (0..40)
            .map(|i| 0.1 + 0.013 * f64::from(i * 7 % 40))
            .collect();
        let x: Vec<f64> = y.iter().map(|v| v + 0.2).collect();
        let hl = hodges_lehmann(&x, &y, 0.98).unwrap();
        // A pure shift: the pairwise-difference median is exactly 0.2, and
        // the root lies on the same step of the statistic.
        assert!((median_of_differences(&x, &y) - 0.2).abs() < 1e-12);
        assert!((hl.estimate - 0.2).abs() < 0.013, "{hl:?}");
        assert!(hl.lower < hl.estimate && hl.estimate < hl.upper, "{hl:?}");
        assert!(
            hl.lower > 0.0,
            "a 0.2 shift of 40 samples is significant: {hl:?}"
        );
        // A wider confidence gives a wider interval.
        let wide = hodges_lehmann(&x, &y, 0.999).unwrap();
        assert!(wide.lower <= hl.lower && wide.upper >= hl.upper);
        // The same sample against itself: no shift, an interval around 0.
        let same = hodges_lehmann(&y, &y, 0.98).unwrap();
        assert!(same.estimate.abs() < 1e-9 && same.lower < 0.0 && same.upper > 0.0);
    }

    #[test]
    fn hodges_lehmann_tracks_the_median_difference_with_ties() {
        let x = CASES[1].x;
        let y = CASES[1].y;
        let hl = hodges_lehmann(x, y, 0.95).unwrap();
        let md = median_of_differences(x, y);
        assert!((hl.estimate - md).abs() <= 1.0, "{hl:?} vs median {md}");
        assert!(hl.lower <= hl.estimate && hl.estimate <= hl.upper);
    }

    #[test]
    fn constant_samples_give_their_difference() {
        let hl = hodges_lehmann(&[0.3; 5], &[0.1; 7], 0.98).unwrap();
        let d = 0.3 - 0.1;
        assert_eq!((hl.estimate, hl.lower, hl.upper), (d, d, d));
    }

    #[test]
    fn matches_scipy() {
        for c in CASES {
            let name = c.name;
            let mw = mann_whitney_u(c.x, c.y).unwrap();
            assert_eq!(mw.u1, c.u1, "{name}: u1");
            assert_eq!(mw.u1 + mw.u2, (c.x.len() * c.y.len()) as f64);
            assert_rel(
                mw.p_asymptotic,
                c.p_asymptotic,
                1e-9,
                &format!("{name}: asymptotic p"),
            );
            assert_rel(mw.p_value, c.p_auto, 1e-9, &format!("{name}: auto p"));
            assert_eq!(mw.method == PValueMethod::Exact, c.exact, "{name}: method");
            // Swapping the samples swaps U and keeps p.
            let swapped = mann_whitney_u(c.y, c.x).unwrap();
            assert_eq!(swapped.u1, mw.u2, "{name}: swapped u");
            assert_rel(
                swapped.p_value,
                mw.p_value,
                1e-12,
                &format!("{name}: swapped p"),
            );
        }
    }
}
