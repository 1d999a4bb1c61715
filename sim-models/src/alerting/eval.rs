//! Evaluating an expression against the sampled series of a [`Recorder`] at
//! one instant.
//!
//! - An instant selector takes each matching series' latest sample at or
//!   before `now`; a series with no sample in the last [`LOOKBACK`] (Prometheus'
//!   default `--query.lookback-delta`) is absent.
//! - `increase(s[w])` is the counter's rise from the latest sample at or
//!   before `now − w` (or the series' first sample, if it began inside the
//!   window) to the latest sample at or before `now`, summing the rises between
//!   consecutive samples so a counter reset counts as a restart from zero;
//!   `rate` divides that by `w`. Prometheus instead takes the samples inside the
//!   window and extrapolates to its edges; when scrapes fall on the window's
//!   edges, as they do when the evaluation and window are multiples of the
//!   scrape interval, both give the same number for a steadily rising counter.
//!   A series with fewer than two samples in reach, or whose latest sample is
//!   older than the window, is absent.
//! - Every output drops the metric name; aggregations keep the `by` labels (or
//!   all but the `without` ones); `/` pairs elements with identical label sets
//!   and drops the unmatched ones (division by zero gives ±Inf or NaN, as in PromQL).

use std::collections::BTreeMap;

use sim_core::record::{Recorder, TimeSeries};
use sim_core::{SimDuration, SimTime};

use super::Labels;
use super::expr::{AggOp, AlertExpr, Grouping, RangeFunc, Selector, VectorExpr};

/// How far back an instant selector looks for a sample (Prometheus' default).
pub const LOOKBACK: SimDuration = SimDuration::from_mins(5);

/// An instant vector: output labels → value, in label order.
pub type Vector = BTreeMap<Labels, f64>;

impl AlertExpr {
    /// The elements of the vector that pass the comparison at `now`.
    pub fn eval(&self, now: SimTime, recorder: &Recorder) -> Vector {
        let mut out = self.vector.eval(now, recorder);
        out.retain(|_, v| self.op.holds(*v, self.threshold));
        out
    }
}

impl VectorExpr {
    /// The vector's value at `now`.
    pub fn eval(&self, now: SimTime, recorder: &Recorder) -> Vector {
        match self {
            VectorExpr::Selector(sel) => matching(sel, recorder)
                .filter_map(|s| Some((labels_of(s), latest(s, now)?)))
                .collect(),
            VectorExpr::Range {
                func,
                selector,
                window,
            } => matching(selector, recorder)
                .filter_map(|s| {
                    let rise = increase(s, now, *window)?;
                    let v = match func {
                        RangeFunc::Increase => rise,
                        RangeFunc::Rate => rise / window.as_secs_f64(),
                    };
                    Some((labels_of(s), v))
                })
                .collect(),
            VectorExpr::Aggregate {
                op,
                grouping,
                inner,
            } => aggregate(*op, grouping, inner.eval(now, recorder)),
            VectorExpr::Divide(left, right) => {
                let right = right.eval(now, recorder);
                left.eval(now, recorder)
                    .into_iter()
                    .filter_map(|(labels, l)| {
                        let r = *right.get(&labels)?;
                        Some((labels, l / r))
                    })
                    .collect()
            }
        }
    }
}

fn matching<'a>(sel: &'a Selector, recorder: &'a Recorder) -> impl Iterator<Item = &'a TimeSeries> {
    recorder.series().filter(move |s| {
        let key = s.key();
        key.name == sel.metric
            && sel
                .matchers
                .iter()
                .all(|m| m.accepts(key.label(&m.label).unwrap_or("")))
    })
}

fn labels_of(series: &TimeSeries) -> Labels {
    series.key().labels.iter().cloned().collect()
}

/// Index of the latest sample at or before `t`.
fn at_or_before(series: &TimeSeries, t: SimTime) -> Option<usize> {
    series.times().partition_point(|&x| x <= t).checked_sub(1)
}

fn latest(series: &TimeSeries, now: SimTime) -> Option<f64> {
    let i = at_or_before(series, now)?;
    (now - series.times()[i] <= LOOKBACK).then(|| series.values()[i])
}

fn increase(series: &TimeSeries, now: SimTime, window: SimDuration) -> Option<f64> {
    let last = at_or_before(series, now)?;
    if now - series.times()[last] >= window {
        return None; // stale: nothing sampled inside the window
    }
    let start = SimTime::from_nanos(now.as_nanos().saturating_sub(window.as_nanos()));
    let first = at_or_before(series, start).unwrap_or(0);
    if first >= last {
        return None;
    }
    let values = &series.values()[first..=last];
    Some(
        values
            .windows(2)
            .map(|w| if w[1] >= w[0] { w[1] - w[0] } else { w[1] })
            .sum(),
    )
}

fn aggregate(op: AggOp, grouping: &Grouping, input: Vector) -> Vector {
    // (sum, count, min, max) per output label set.
    let mut acc: BTreeMap<Labels, (f64, f64, f64, f64)> = BTreeMap::new();
    for (labels, v) in input {
        let key: Labels = match grouping {
            Grouping::By(keep) => labels
                .into_iter()
                .filter(|(k, _)| keep.contains(k))
                .collect(),
            Grouping::Without(drop) => labels
                .into_iter()
                .filter(|(k, _)| !drop.contains(k))
                .collect(),
        };
        let e = acc
            .entry(key)
            .or_insert((0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY));
        e.0 += v;
        e.1 += 1.0;
        // Like Prometheus, min and max skip NaN unless every value is NaN.
        if v < e.2 || e.2.is_nan() || (e.1 == 1.0 && v.is_nan()) {
            e.2 = v;
        }
        if v > e.3 || e.3.is_nan() || (e.1 == 1.0 && v.is_nan()) {
            e.3 = v;
        }
    }
    acc.into_iter()
        .map(|(k, (sum, count, min, max))| {
            let v = match op {
                AggOp::Sum => sum,
                AggOp::Avg => sum / count,
                AggOp::Min => min,
                AggOp::Max => max,
                AggOp::Count => count,
            };
            (k, v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::parse::parse_alert_expr;

    fn t(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn vector(text: &str, now: SimTime, rec: &Recorder) -> Vector {
        parse_alert_expr(&format!("{text} > -Inf"))
            .unwrap()
            .vector
            .eval(now, rec)
    }

    #[test]
    fn selectors_take_the_latest_sample_within_the_lookback() {
        let mut rec = Recorder::new();
        let eu = rec.gauge("cpu_utilisation_ratio", &[("region", "eu")]);
        let us = rec.gauge("cpu_utilisation_ratio", &[("region", "us")]);
        rec.set(eu, 0.5);
        rec.set(us, 0.7);
        rec.sample(t(0));
        rec.set(eu, 0.9);
        rec.sample(t(15));
        let v = vector(r#"cpu_utilisation_ratio{region!="us"}"#, t(20), &rec);
        assert_eq!(v, Vector::from([(labels(&[("region", "eu")]), 0.9)]));
        assert_eq!(vector("cpu_utilisation_ratio", t(10), &rec).len(), 2);
        assert!(
            vector("cpu_utilisation_ratio", t(15 + 301), &rec).is_empty(),
            "stale"
        );
        assert!(vector("other", t(15), &rec).is_empty());
    }

    #[test]
    fn rate_and_increase_match_a_hand_computation() {
        let mut rec = Recorder::new();
        let c = rec.counter("requests_total", &[("region", "eu")]);
        // 0, 100, 250, 450, 700 at 0, 60, 120, 180, 240 s.
        for (i, add) in [0.0, 100.0, 150.0, 200.0, 250.0].into_iter().enumerate() {
            rec.add(c, add);
            rec.sample(t(60 * i as u64));
        }
        let key = labels(&[("region", "eu")]);
        // Window 2m at 240 s: from the sample at 120 s (250) to 700.
        assert_eq!(
            vector("increase(requests_total[2m])", t(240), &rec)[&key],
            450.0
        );
        assert_eq!(
            vector("rate(requests_total[2m])", t(240), &rec)[&key],
            450.0 / 120.0
        );
        // Evaluated between scrapes: latest sample at 180 s, base at or before 70 s (60 s).
        assert_eq!(
            vector("increase(requests_total[2m])", t(190), &rec)[&key],
            350.0
        );
        // The series began inside the window: from its first sample.
        assert_eq!(
            vector("increase(requests_total[10m])", t(240), &rec)[&key],
            700.0
        );
        // One sample is not enough.
        assert!(vector("rate(requests_total[1m])", t(0), &rec).is_empty());
        // Nothing sampled inside the window: absent.
        assert!(vector("rate(requests_total[1m])", t(400), &rec).is_empty());
    }

    #[test]
    fn a_counter_reset_counts_as_a_restart_from_zero() {
        let mut rec = Recorder::new();
        let g = rec.gauge("restarts_total", &[]);
        for (i, v) in [10.0, 30.0, 5.0, 15.0].into_iter().enumerate() {
            rec.set(g, v);
            rec.sample(t(10 * i as u64));
        }
        assert_eq!(
            vector("increase(restarts_total[30s])", t(30), &rec)[&Labels::new()],
            20.0 + 5.0 + 10.0
        );
    }

    #[test]
    fn aggregations_group_by_and_without() {
        let mut rec = Recorder::new();
        for (region, instance, v) in [("eu", "a", 0.2), ("eu", "b", 0.6), ("us", "c", 0.9)] {
            let g = rec.gauge(
                "instance_cpu_utilisation_ratio",
                &[("region", region), ("instance", instance)],
            );
            rec.set(g, v);
        }
        rec.sample(t(0));
        let eu = labels(&[("region", "eu")]);
        let us = labels(&[("region", "us")]);
        let by = |op: &str| {
            vector(
                &format!("{op} by (region) (instance_cpu_utilisation_ratio)"),
                t(0),
                &rec,
            )
        };
        assert_eq!(by("sum")[&eu], 0.8);
        assert_eq!(by("avg")[&eu], 0.4);
        assert_eq!(by("min")[&eu], 0.2);
        assert_eq!(by("max")[&eu], 0.6);
        assert_eq!(by("count")[&eu], 2.0);
        assert_eq!(by("count")[&us], 1.0);
        let without = vector(
            "max without (instance) (instance_cpu_utilisation_ratio)",
            t(0),
            &rec,
        );
        assert_eq!(without, Vector::from([(eu, 0.6), (us, 0.9)]));
        let all = vector("sum(instance_cpu_utilisation_ratio)", t(0), &rec);
        assert_eq!(all.len(), 1);
        assert!((all[&Labels::new()] - 1.7).abs() < 1e-12);
    }

    #[test]
    fn division_matches_identical_label_sets() {
        let mut rec = Recorder::new();
        let mut ids = Vec::new();
        for region in ["eu", "us"] {
            for outcome in ["succeeded", "failed"] {
                ids.push(rec.counter(
                    "requests_total",
                    &[("region", region), ("outcome", outcome)],
                ));
            }
        }
        rec.sample(t(0));
        for (id, n) in ids.iter().zip([90.0, 10.0, 100.0, 0.0]) {
            rec.add(*id, n);
        }
        rec.sample(t(60));
        let expr = parse_alert_expr(
            r#"sum by (region) (rate(requests_total{outcome="failed"}[1m])) / sum by (region) (rate(requests_total[1m])) > 0.05"#,
        )
        .unwrap();
        let ratio = expr.vector.eval(t(60), &rec);
        assert!((ratio[&labels(&[("region", "eu")])] - 0.1).abs() < 1e-12);
        assert_eq!(ratio[&labels(&[("region", "us")])], 0.0);
        assert_eq!(
            expr.eval(t(60), &rec).keys().collect::<Vec<_>>(),
            [&labels(&[("region", "eu")])]
        );
        // Different label sets on the two sides do not match.
        let unmatched = vector(
            "sum by (region) (requests_total) / sum(requests_total)",
            t(60),
            &rec,
        );
        assert!(unmatched.is_empty());
    }
}
