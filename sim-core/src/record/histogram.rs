//! Latency histograms with a fixed memory footprint and a stated error.
//!
//! # Configuration
//!
//! An [HDR histogram](https://hdrhistogram.github.io/HdrHistogram/) in
//! nanoseconds, lowest discernible value 1 ns, highest trackable value
//! `u64::MAX` ns (every [`SimDuration`]), 2 significant digits, `u64` counts:
//!
//! - **Error.** HDR keeps 256 sub-buckets per power of two; a value `v ≥ 256 ns`
//!   lands in a bucket no wider than `v / 128`. A reported quantile is the top of
//!   the bucket holding the true order statistic `x`, capped at the exact
//!   maximum, so `x ≤ reported < x · (1 + 1/128)`: under 0.79 % too high, never
//!   too low. Values below 256 ns are exact. This is [`RELATIVE_ERROR`].
//! - **Memory.** 58 buckets × 128 sub-buckets × 8 bytes ≈ 58 KiB per histogram,
//!   allocated once at creation; recording never allocates. Three significant
//!   digits over the same range would cost 8× as much for an accuracy that the
//!   sampling noise of a simulation does not support.
//! - **No clamping.** The range covers every `u64`, so no value — zero or
//!   [`SimDuration::MAX`] — is clamped, lost, or makes recording panic.
//!
//! Count, sum, minimum and maximum are kept exactly beside the buckets, so the
//! mean, min and max in a [`LatencySummary`] carry no bucket error at all.

use std::fmt;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::time::SimDuration;

/// Significant decimal digits kept: 2 gives 256 sub-buckets per power of two.
const SIGNIFICANT_DIGITS: u8 = 2;

/// Upper bound on the relative error of a reported quantile: `1/128` (< 0.79 %).
///
/// A quantile is never reported below the true order statistic `x` and always
/// below `x · (1 + RELATIVE_ERROR)`; tests and validation bounds can use it.
pub const RELATIVE_ERROR: f64 = 1.0 / 128.0;

/// The distribution of one latency series, in bounded memory.
///
/// See the module docs for the configuration; in short, quantiles are within
/// [`RELATIVE_ERROR`] and the footprint is a constant ≈ 58 KiB however many
/// values are recorded.
#[derive(Clone)]
pub struct LatencyHistogram {
    buckets: Histogram<u64>,
    count: u64,
    sum_ns: u128,
    min_ns: u64,
    max_ns: u64,
}

/// The headline numbers of a latency distribution, for reports and JSON.
///
/// All fields are zero for an empty histogram. `mean`, `min` and `max` are
/// exact (mean rounded to the nanosecond); the percentiles are within
/// [`RELATIVE_ERROR`] above the true value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LatencySummary {
    /// How many values were recorded.
    pub count: u64,
    /// Arithmetic mean.
    pub mean: SimDuration,
    /// Smallest value.
    pub min: SimDuration,
    /// Median.
    pub p50: SimDuration,
    /// 95th percentile.
    pub p95: SimDuration,
    /// 99th percentile.
    pub p99: SimDuration,
    /// 99.9th percentile.
    pub p999: SimDuration,
    /// Largest value.
    pub max: SimDuration,
}

impl LatencyHistogram {
    /// An empty histogram; allocates its whole (fixed) bucket array now so that
    /// recording never does.
    pub fn new() -> Self {
        let buckets = Histogram::new_with_bounds(1, u64::MAX, SIGNIFICANT_DIGITS)
            .expect("1 ns ..= u64::MAX ns at 2 significant digits is a valid HDR configuration");
        LatencyHistogram {
            buckets,
            count: 0,
            sum_ns: 0,
            min_ns: u64::MAX,
            max_ns: 0,
        }
    }

    /// Adds one observation. O(1), allocation-free, and total: every duration
    /// is in range, so nothing is clamped.
    #[inline]
    pub fn record(&mut self, value: SimDuration) {
        let ns = value.as_nanos();
        // The range is all of u64, so the saturating variant never has to saturate.
        self.buckets.saturating_record(ns);
        self.count = self.count.saturating_add(1);
        self.sum_ns = self.sum_ns.saturating_add(u128::from(ns));
        self.min_ns = self.min_ns.min(ns);
        self.max_ns = self.max_ns.max(ns);
    }

    /// Forgets every observation but keeps the allocation, so a histogram
    /// can measure one scrape window after another.
    pub fn reset(&mut self) {
        self.buckets.reset();
        self.count = 0;
        self.sum_ns = 0;
        self.min_ns = u64::MAX;
        self.max_ns = 0;
    }

    /// Adds every observation of `other`, e.g. to pool replications of one scenario.
    pub fn merge(&mut self, other: &LatencyHistogram) {
        self.buckets
            .add(&other.buckets)
            .expect("histograms of the same configuration always merge");
        self.count = self.count.saturating_add(other.count);
        self.sum_ns = self.sum_ns.saturating_add(other.sum_ns);
        self.min_ns = self.min_ns.min(other.min_ns);
        self.max_ns = self.max_ns.max(other.max_ns);
    }

    /// How many values were recorded.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether nothing was recorded (then every statistic is zero).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The value at quantile `q` (`0.5` is the median), within [`RELATIVE_ERROR`]
    /// above the true order statistic. `q` is clamped to `[0, 1]` (NaN reads
    /// as 0); an empty histogram gives zero.
    pub fn quantile(&self, q: f64) -> SimDuration {
        if self.count == 0 {
            return SimDuration::ZERO;
        }
        let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
        let mut ns = self.buckets.value_at_quantile(q);
        // HDR computes a bucket's top as `bottom + width - 1` with a saturating
        // add, which makes the top of the last bucket `u64::MAX - 1`; no other
        // bucket can end there (tops are `k·2^b - 1` with b ≥ 1 above 255 ns).
        if ns == u64::MAX - 1 {
            ns = u64::MAX;
        }
        // Bucket edges can lie beyond the data; the exact extremes are tighter.
        let ns = ns.clamp(self.min_ns, self.max_ns);
        SimDuration::from_nanos(ns)
    }

    /// Count, exact mean/min/max and the usual percentiles, for reports.
    pub fn summary(&self) -> LatencySummary {
        if self.count == 0 {
            return LatencySummary::default();
        }
        let count = u128::from(self.count);
        let mean = (self.sum_ns + count / 2) / count;
        LatencySummary {
            count: self.count,
            mean: SimDuration::from_nanos(u64::try_from(mean).unwrap_or(u64::MAX)),
            min: SimDuration::from_nanos(self.min_ns),
            p50: self.quantile(0.5),
            p95: self.quantile(0.95),
            p99: self.quantile(0.99),
            p999: self.quantile(0.999),
            max: SimDuration::from_nanos(self.max_ns),
        }
    }

    /// Bytes held by the bucket array: constant for the histogram's life, so a
    /// model can budget memory per latency series.
    pub fn memory_bytes(&self) -> usize {
        self.buckets.distinct_values() * size_of::<u64>()
    }
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for LatencyHistogram {
    /// Shows the summary rather than thousands of bucket counts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LatencyHistogram")
            .field(&self.summary())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reset_forgets_everything() {
        let mut h = LatencyHistogram::new();
        h.record(SimDuration::from_millis(5));
        h.reset();
        assert!(h.is_empty());
        h.record(SimDuration::from_millis(1));
        assert_eq!(h.summary().max, SimDuration::from_millis(1));
        assert_eq!(h.summary().count, 1);
    }

    use super::*;

    fn us(n: u64) -> SimDuration {
        SimDuration::from_micros(n)
    }

    /// The `ceil(q·n)`-th smallest value: the order statistic HDR's quantile targets.
    fn exact_quantile(sorted: &[u64], q: f64) -> u64 {
        let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
        sorted[rank - 1]
    }

    fn assert_within_error(sorted: &[u64], h: &LatencyHistogram) {
        for q in [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0] {
            let exact = exact_quantile(sorted, q) as f64;
            let got = h.quantile(q).as_nanos() as f64;
            assert!(
                got >= exact && got <= exact * (1.0 + RELATIVE_ERROR),
                "q={q}: got {got} ns, exact {exact} ns"
            );
        }
    }

    #[test]
    fn quantiles_of_1_to_100k_us_are_within_the_stated_error() {
        let mut h = LatencyHistogram::new();
        let sample: Vec<u64> = (1..=100_000).map(|n| n * 1_000).collect();
        for &ns in &sample {
            h.record(SimDuration::from_nanos(ns));
        }
        assert_within_error(&sample, &h);
        // The bound is tight, not vacuous: p50 of 1..=100k µs is 50 ms exactly,
        // and the histogram reports the top of its bucket, visibly above it.
        assert!(h.quantile(0.5) > us(50_000));
    }

    #[test]
    fn quantiles_of_a_skewed_sample_are_within_the_stated_error() {
        // Heavy-tailed values over nine decades, from a fixed integer recurrence.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut sample = Vec::new();
        let mut h = LatencyHistogram::new();
        for _ in 0..50_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let ns = (x >> (x % 40 + 24)).max(1);
            sample.push(ns);
            h.record(SimDuration::from_nanos(ns));
        }
        sample.sort_unstable();
        assert_within_error(&sample, &h);
    }

    #[test]
    fn summary_has_exact_mean_min_max() {
        let mut h = LatencyHistogram::new();
        for v in [us(1_001), us(2_003), us(3_005)] {
            h.record(v);
        }
        let s = h.summary();
        assert_eq!(s.count, 3);
        assert_eq!(s.mean, us(2_003));
        assert_eq!(s.min, us(1_001));
        assert_eq!(s.max, us(3_005));
        assert!(s.p50 >= us(2_003) && s.p50 <= s.max);
        assert_eq!(s.p999, us(3_005), "capped at the exact maximum");
    }

    #[test]
    fn empty_histogram_reports_zeros() {
        let h = LatencyHistogram::new();
        assert!(h.is_empty());
        assert_eq!(h.summary(), LatencySummary::default());
        assert_eq!(h.quantile(0.99), SimDuration::ZERO);
    }

    #[test]
    fn extreme_values_and_quantiles_do_not_panic_or_clamp() {
        let mut h = LatencyHistogram::new();
        h.record(SimDuration::ZERO);
        h.record(SimDuration::MAX);
        h.record(SimDuration::from_nanos(u64::MAX - 1));
        assert_eq!(h.quantile(0.0), SimDuration::ZERO);
        assert_eq!(
            h.quantile(0.5),
            SimDuration::MAX,
            "top bucket reported at its top"
        );
        assert_eq!(h.quantile(1.0), SimDuration::MAX);
        assert_eq!(h.quantile(f64::NAN), SimDuration::ZERO);
        assert_eq!(h.quantile(-3.0), SimDuration::ZERO);
        assert_eq!(h.quantile(7.0), SimDuration::MAX);
        let s = h.summary();
        assert_eq!(
            (s.count, s.min, s.max),
            (3, SimDuration::ZERO, SimDuration::MAX)
        );
        // Mean of (0 + MAX + MAX-1) / 3, rounded: no overflow in the sum.
        assert_eq!(
            s.mean.as_nanos(),
            ((2 * u128::from(u64::MAX) - 1 + 1) / 3) as u64
        );
    }

    #[test]
    fn memory_does_not_grow_with_observations() {
        let mut h = LatencyHistogram::new();
        for i in 0..10 {
            h.record(us(i));
        }
        let after_ten = h.memory_bytes();
        let mut x: u64 = 1;
        for _ in 0..1_000_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            h.record(SimDuration::from_nanos(x));
        }
        assert_eq!(h.memory_bytes(), after_ten);
        assert_eq!(h.len(), 1_000_010);
        // The documented footprint: 58 buckets × 128 sub-buckets × 8 bytes.
        assert_eq!(after_ten, 58 * 128 * 8);
    }

    #[test]
    fn merge_equals_recording_everything_in_one() {
        let (mut a, mut b, mut all) = (
            LatencyHistogram::new(),
            LatencyHistogram::new(),
            LatencyHistogram::new(),
        );
        for i in 1..=1_000 {
            let v = us(i * 37 % 1_009);
            if i % 3 == 0 { &mut a } else { &mut b }.record(v);
            all.record(v);
        }
        a.merge(&b);
        assert_eq!(a.summary(), all.summary());
    }
}
