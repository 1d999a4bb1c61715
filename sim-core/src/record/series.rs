//! A sampled series: one counter's or gauge's value at each scrape.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::key::SeriesKey;
use crate::time::SimTime;

/// Whether a series only goes up or may move either way; plots and rate
/// computations treat the two differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    /// Monotone total, e.g. `requests_total`: take differences for a rate.
    Counter,
    /// Instantaneous level, e.g. `instances_ready`: read as is.
    Gauge,
}

/// The values of one counter or gauge at each [`Recorder::sample`](super::Recorder::sample).
///
/// `times()` and `values()` have equal length and times never decrease. A series
/// registered mid-run starts at its first sample, not at time zero.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeSeries {
    key: SeriesKey,
    kind: SeriesKind,
    times: Vec<SimTime>,
    values: Vec<f64>,
}

impl TimeSeries {
    pub(super) fn new(key: SeriesKey, kind: SeriesKind) -> Self {
        TimeSeries {
            key,
            kind,
            times: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Appends a point; a second point at the same instant replaces the first,
    /// so a final scrape that coincides with a periodic one is not duplicated.
    pub(super) fn push(&mut self, time: SimTime, value: f64) {
        match self.times.last() {
            Some(&last) if last == time => {
                *self
                    .values
                    .last_mut()
                    .expect("times and values have equal length") = value;
            }
            last => {
                debug_assert!(
                    last.is_none_or(|&l| l < time),
                    "sampled at {time} after {last:?}"
                );
                self.times.push(time);
                self.values.push(value);
            }
        }
    }

    /// The series' name and labels.
    pub fn key(&self) -> &SeriesKey {
        &self.key
    }

    /// Counter or gauge.
    pub fn kind(&self) -> SeriesKind {
        self.kind
    }

    /// When each sample was taken, in increasing order.
    pub fn times(&self) -> &[SimTime] {
        &self.times
    }

    /// The value at each of [`times`](Self::times).
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// `(time, value)` pairs, for code that walks a series point by point.
    pub fn points(&self) -> impl ExactSizeIterator<Item = (SimTime, f64)> + '_ {
        self.times.iter().copied().zip(self.values.iter().copied())
    }

    /// How many samples the series holds.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// Whether no sample was taken since the series was registered.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }
}

impl Serialize for TimeSeries {
    /// `{"name", "labels": {k: v}, "kind", "times_s": [..], "values": [..]}`; times
    /// in seconds for plotting, NaN values as `null` (JSON has no NaN).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let times_s: Vec<f64> = self.times.iter().map(|t| t.as_secs_f64()).collect();
        let mut st = s.serialize_struct("TimeSeries", 5)?;
        st.serialize_field("name", &self.key.name)?;
        st.serialize_field("labels", &self.key.labels_map())?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("times_s", &times_s)?;
        st.serialize_field("values", &self.values)?;
        st.end()
    }
}
