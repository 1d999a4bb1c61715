//! The registry of counters, gauges and latency histograms.

use std::collections::BTreeMap;

use super::histogram::{LatencyHistogram, LatencySummary};
use super::key::SeriesKey;
use super::series::{SeriesKind, TimeSeries};
use crate::time::{SimDuration, SimTime};

/// A counter's handle: registered once by name, then used on the hot path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CounterId(u32);

/// A gauge's handle: registered once by name, then used on the hot path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GaugeId(u32);

/// A latency histogram's handle: registered once by name, then used on the hot path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HistogramId(u32);

/// What a name is registered as, so one name cannot mean two kinds of metric.
#[derive(Clone, Copy, Debug)]
enum Slot {
    /// Index into `series` / `current`.
    Scalar(SeriesKind, u32),
    /// Index into `histograms`.
    Histogram(u32),
}

/// Everything a run measures: counters, gauges (sampled into time series) and
/// latency histograms.
///
/// Register each metric once with [`counter`](Self::counter),
/// [`gauge`](Self::gauge) or [`histogram`](Self::histogram) — a name lookup —
/// and keep the returned id; [`inc`](Self::inc), [`add`](Self::add),
/// [`set`](Self::set) and [`record`](Self::record) are then O(1) and do not
/// allocate. Ids index this recorder only: passing one to another recorder
/// is a bug and may panic.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    index: BTreeMap<SeriesKey, Slot>,
    /// Counters and gauges, in registration order.
    series: Vec<TimeSeries>,
    /// The live value of each entry of `series`, kept apart so the hot path
    /// touches one dense array.
    current: Vec<f64>,
    histograms: Vec<(SeriesKey, LatencyHistogram)>,
}

impl Recorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or finds, if the same name and labels exist) a counter starting at 0.
    ///
    /// Labels are sorted by key, so their order in the slice does not matter.
    /// By Prometheus convention counter names end in `_total`.
    ///
    /// # Panics
    /// If the name and labels are already a gauge or a histogram, or a label
    /// key repeats: bugs in the calling model.
    pub fn counter(&mut self, name: &str, labels: &[(&str, &str)]) -> CounterId {
        CounterId(self.scalar(SeriesKind::Counter, name, labels))
    }

    /// Adds 1 to a counter.
    #[inline]
    pub fn inc(&mut self, id: CounterId) {
        self.current[id.0 as usize] += 1.0;
    }

    /// Adds `by` to a counter. Counters only go up: a negative, infinite or NaN
    /// `by` fails a debug assertion and is ignored in release builds.
    #[inline]
    pub fn add(&mut self, id: CounterId, by: f64) {
        let valid = by.is_finite() && by >= 0.0;
        debug_assert!(valid, "counters only go up; cannot add {by}");
        if valid {
            self.current[id.0 as usize] += by;
        }
    }

    /// A counter's current total (not only its last sample).
    pub fn counter_value(&self, id: CounterId) -> f64 {
        self.current[id.0 as usize]
    }

    /// Registers (or finds) a gauge starting at 0; see [`counter`](Self::counter)
    /// for how names and labels match.
    ///
    /// # Panics
    /// As for [`counter`](Self::counter).
    pub fn gauge(&mut self, name: &str, labels: &[(&str, &str)]) -> GaugeId {
        GaugeId(self.scalar(SeriesKind::Gauge, name, labels))
    }

    /// Sets a gauge to `value`. Any `f64` is accepted; NaN is written as `NaN`
    /// in CSV and `null` in JSON.
    #[inline]
    pub fn set(&mut self, id: GaugeId, value: f64) {
        self.current[id.0 as usize] = value;
    }

    /// A gauge's current value.
    pub fn gauge_value(&self, id: GaugeId) -> f64 {
        self.current[id.0 as usize]
    }

    /// Registers (or finds) a latency histogram; see [`LatencyHistogram`] for its
    /// fixed ≈ 58 KiB footprint and its error bound. By Prometheus convention
    /// the name ends in the unit, e.g. `latency_seconds`.
    ///
    /// # Panics
    /// If the name and labels are already a counter or a gauge, or a label key repeats.
    pub fn histogram(&mut self, name: &str, labels: &[(&str, &str)]) -> HistogramId {
        let key = SeriesKey::new(name, labels);
        match self.index.get(&key) {
            Some(Slot::Histogram(i)) => HistogramId(*i),
            Some(Slot::Scalar(kind, _)) => panic!("`{key}` is already registered as a {kind:?}"),
            None => {
                let i = next_index(self.histograms.len());
                self.index.insert(key.clone(), Slot::Histogram(i));
                self.histograms.push((key, LatencyHistogram::new()));
                HistogramId(i)
            }
        }
    }

    /// Adds one latency observation. O(1), allocation-free, never clamps.
    #[inline]
    pub fn record(&mut self, id: HistogramId, value: SimDuration) {
        self.histograms[id.0 as usize].1.record(value);
    }

    /// Count, mean, min, max and p50/p95/p99/p99.9 of a histogram.
    pub fn quantiles(&self, id: HistogramId) -> LatencySummary {
        self.histograms[id.0 as usize].1.summary()
    }

    /// The histogram itself, for other quantiles or for merging replications.
    pub fn latency(&self, id: HistogramId) -> &LatencyHistogram {
        &self.histograms[id.0 as usize].1
    }

    /// Appends the current value of every counter and gauge to its series at
    /// `now`: the scrape step, typically run on a fixed period and once at the
    /// end. Sampling twice at the same instant keeps only the later values.
    pub fn sample(&mut self, now: SimTime) {
        for (series, &value) in self.series.iter_mut().zip(&self.current) {
            series.push(now, value);
        }
    }

    /// Every counter and gauge series, in registration order (deterministic).
    pub fn series(&self) -> impl ExactSizeIterator<Item = &TimeSeries> + '_ {
        self.series.iter()
    }

    /// Every histogram's key and summary, in registration order (deterministic).
    pub fn histograms(&self) -> impl ExactSizeIterator<Item = (&SeriesKey, LatencySummary)> + '_ {
        self.histograms.iter().map(|(key, h)| (key, h.summary()))
    }

    fn scalar(&mut self, kind: SeriesKind, name: &str, labels: &[(&str, &str)]) -> u32 {
        let key = SeriesKey::new(name, labels);
        match self.index.get(&key) {
            Some(Slot::Scalar(k, i)) if *k == kind => *i,
            Some(Slot::Scalar(k, _)) => panic!("`{key}` is already registered as a {k:?}"),
            Some(Slot::Histogram(_)) => panic!("`{key}` is already registered as a histogram"),
            None => {
                let i = next_index(self.series.len());
                self.index.insert(key.clone(), Slot::Scalar(kind, i));
                self.series.push(TimeSeries::new(key, kind));
                self.current.push(0.0);
                i
            }
        }
    }
}

/// The id for the next entry of a table of length `len`.
fn next_index(len: usize) -> u32 {
    u32::try_from(len).expect("fewer than 2^32 metrics per recorder")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: u64) -> SimTime {
        SimTime::from_nanos(s * 1_000_000_000)
    }

    #[test]
    fn registration_is_idempotent_whatever_the_label_order() {
        let mut rec = Recorder::new();
        let a = rec.counter("requests_total", &[("region", "eu"), ("code", "200")]);
        let b = rec.counter("requests_total", &[("code", "200"), ("region", "eu")]);
        let other = rec.counter("requests_total", &[("code", "500"), ("region", "eu")]);
        assert_eq!(a, b);
        assert_ne!(a, other);
        let g1 = rec.gauge("instances_ready", &[("pool", "web")]);
        let g2 = rec.gauge("instances_ready", &[("pool", "web")]);
        assert_eq!(g1, g2);
        let h1 = rec.histogram("latency_seconds", &[("a", "1"), ("b", "2")]);
        let h2 = rec.histogram("latency_seconds", &[("b", "2"), ("a", "1")]);
        assert_eq!(h1, h2);
        assert_eq!(rec.series().count(), 3);
        assert_eq!(rec.histograms().count(), 1);
        rec.inc(a);
        rec.inc(b);
        assert_eq!(rec.counter_value(a), 2.0);
    }

    #[test]
    #[should_panic(expected = "already registered as a Counter")]
    fn one_name_cannot_be_two_kinds() {
        let mut rec = Recorder::new();
        rec.counter("queue_depth", &[]);
        rec.gauge("queue_depth", &[]);
    }

    #[test]
    fn sampling_builds_the_expected_series() {
        let mut rec = Recorder::new();
        let served = rec.counter("requests_total", &[]);
        let ready = rec.gauge("instances_ready", &[]);
        rec.sample(t(0));
        rec.inc(served);
        rec.add(served, 2.5);
        rec.set(ready, 4.0);
        rec.sample(t(1));
        rec.set(ready, 3.0);
        let late = rec.gauge("queue_depth", &[]);
        rec.set(late, 7.0);
        rec.sample(t(2));
        rec.set(ready, 5.0);
        rec.sample(t(2)); // same instant: replaces, does not duplicate

        let all: Vec<&TimeSeries> = rec.series().collect();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].key().name, "requests_total");
        assert_eq!(all[0].kind(), SeriesKind::Counter);
        assert_eq!(all[0].times(), &[t(0), t(1), t(2)]);
        assert_eq!(all[0].values(), &[0.0, 3.5, 3.5]);
        assert_eq!(all[1].kind(), SeriesKind::Gauge);
        assert_eq!(all[1].values(), &[0.0, 4.0, 5.0]);
        assert_eq!(all[2].points().collect::<Vec<_>>(), vec![(t(2), 7.0)]);
        assert_eq!(rec.gauge_value(ready), 5.0);
    }

    #[test]
    #[cfg(not(debug_assertions))]
    fn bad_counter_increments_are_ignored_in_release() {
        let mut rec = Recorder::new();
        let c = rec.counter("requests_total", &[]);
        rec.add(c, 1.0);
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            rec.add(c, bad);
        }
        assert_eq!(rec.counter_value(c), 1.0);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "counters only go up")]
    fn negative_counter_increment_is_a_debug_assertion() {
        let mut rec = Recorder::new();
        let c = rec.counter("requests_total", &[]);
        rec.add(c, -1.0);
    }

    #[test]
    fn histograms_summarise_by_id() {
        let mut rec = Recorder::new();
        let fast = rec.histogram("latency_seconds", &[("path", "/fast")]);
        let slow = rec.histogram("latency_seconds", &[("path", "/slow")]);
        rec.record(fast, SimDuration::from_millis(1));
        rec.record(slow, SimDuration::from_secs(2));
        rec.record(slow, SimDuration::from_secs(4));
        assert_eq!(rec.quantiles(fast).max, SimDuration::from_millis(1));
        assert_eq!(rec.quantiles(slow).mean, SimDuration::from_secs(3));
        assert_eq!(rec.latency(slow).len(), 2);
        let keys: Vec<String> = rec.histograms().map(|(k, _)| k.to_string()).collect();
        assert_eq!(
            keys,
            [
                r#"latency_seconds{path="/fast"}"#,
                r#"latency_seconds{path="/slow"}"#
            ]
        );
    }
}
