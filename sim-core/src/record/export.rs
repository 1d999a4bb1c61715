//! Writing a [`Recorder`] out: tidy CSV for data frames, JSON for snapshots.

use std::io::Write;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::histogram::LatencySummary;
use super::key::SeriesKey;
use super::recorder::Recorder;
use crate::error::{Error, Result};

impl Recorder {
    /// Writes every counter and gauge sample in tidy long format, one row per
    /// point: `time_s,series,labels,value`.
    ///
    /// `time_s` is exact decimal seconds (`1.5`), `labels` is Prometheus style
    /// (`code="200",region="eu"`, CSV-quoted), and `value` is Rust's shortest
    /// round-trip form (`3`, `0.25`, `NaN`). Rows go series by series in
    /// registration order, then by time. Wrap a file in a `BufWriter`.
    pub fn write_csv<W: Write>(&self, w: W) -> Result<()> {
        let what = "metrics CSV";
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["time_s", "series", "labels", "value"])
            .map_err(|e| output(what, e))?;
        for series in self.series() {
            let labels = series.key().labels_text();
            for (time, value) in series.points() {
                let row = [
                    &seconds(time.as_nanos()),
                    &series.key().name,
                    &labels,
                    &value.to_string(),
                ];
                out.write_record(row).map_err(|e| output(what, e))?;
            }
        }
        out.flush().map_err(|e| output(what, e))
    }

    /// Writes one row per latency histogram:
    /// `series,labels,count,mean_s,min_s,p50_s,p95_s,p99_s,p999_s,max_s`, with
    /// durations in exact decimal seconds, in registration order.
    pub fn write_histograms_csv<W: Write>(&self, w: W) -> Result<()> {
        let what = "latency CSV";
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "series", "labels", "count", "mean_s", "min_s", "p50_s", "p95_s", "p99_s", "p999_s",
            "max_s",
        ])
        .map_err(|e| output(what, e))?;
        for (key, s) in self.histograms() {
            let mut row = vec![key.name.clone(), key.labels_text(), s.count.to_string()];
            row.extend(
                [s.mean, s.min, s.p50, s.p95, s.p99, s.p999, s.max].map(|d| seconds(d.as_nanos())),
            );
            out.write_record(&row).map_err(|e| output(what, e))?;
        }
        out.flush().map_err(|e| output(what, e))
    }

    /// A JSON snapshot: `{"series": [..], "histograms": [..]}`, both in
    /// registration order. A series is `{"name", "labels": {k: v}, "kind",
    /// "times_s": [..], "values": [..]}`; a histogram is `{"name", "labels",
    /// "summary": {"count", "mean", "min", "p50", "p95", "p99", "p999", "max"}}`
    /// with durations as human strings (`"12ms500us"`). The same shape comes
    /// from serializing the recorder with serde, e.g. `serde_json::to_writer`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("metrics have string keys, so they always form JSON")
    }
}

impl Serialize for Recorder {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let series: Vec<_> = self.series().collect();
        let histograms: Vec<_> = self
            .histograms()
            .map(|(key, summary)| HistogramView { key, summary })
            .collect();
        let mut st = s.serialize_struct("Recorder", 2)?;
        st.serialize_field("series", &series)?;
        st.serialize_field("histograms", &histograms)?;
        st.end()
    }
}

/// One histogram as it appears in the JSON snapshot.
struct HistogramView<'a> {
    key: &'a SeriesKey,
    summary: LatencySummary,
}

impl Serialize for HistogramView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Histogram", 3)?;
        st.serialize_field("name", &self.key.name)?;
        st.serialize_field("labels", &self.key.labels_map())?;
        st.serialize_field("summary", &self.summary)?;
        st.end()
    }
}

fn output(what: &'static str, e: impl std::fmt::Display) -> Error {
    Error::Output {
        what,
        reason: e.to_string(),
    }
}

/// Exact decimal seconds for a nanosecond count: `0`, `1.5`, `0.000000001`.
///
/// Integer arithmetic, so long runs (beyond 2^53 ns ≈ 104 days) stay exact.
pub(super) fn seconds(ns: u64) -> String {
    let (whole, frac) = (ns / 1_000_000_000, ns % 1_000_000_000);
    if frac == 0 {
        whole.to_string()
    } else {
        let frac = format!("{frac:09}");
        format!("{whole}.{}", frac.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::time::{SimDuration, SimTime};

    fn tiny() -> Recorder {
        let mut rec = Recorder::new();
        let served = rec.counter("requests_total", &[("region", "eu"), ("code", "200")]);
        let ready = rec.gauge("instances_ready", &[]);
        rec.sample(SimTime::ZERO);
        for _ in 0..3 {
            rec.inc(served);
        }
        rec.set(ready, 2.5);
        rec.sample(SimTime::from_nanos(1_500_000_000));
        let latency = rec.histogram("latency_seconds", &[("path", "/")]);
        rec.record(latency, SimDuration::from_millis(10));
        rec.record(latency, SimDuration::from_millis(30));
        rec
    }

    #[test]
    fn csv_is_tidy_long_format() {
        let mut out = Vec::new();
        tiny().write_csv(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "time_s,series,labels,value\n\
             0,requests_total,\"code=\"\"200\"\",region=\"\"eu\"\"\",0\n\
             1.5,requests_total,\"code=\"\"200\"\",region=\"\"eu\"\"\",3\n\
             0,instances_ready,,0\n\
             1.5,instances_ready,,2.5\n"
        );
    }

    #[test]
    fn histogram_csv_has_one_row_per_histogram() {
        let mut out = Vec::new();
        tiny().write_histograms_csv(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "series,labels,count,mean_s,min_s,p50_s,p95_s,p99_s,p999_s,max_s\n\
             latency_seconds,\"path=\"\"/\"\"\",2,0.02,0.01,0.010027007,0.03,0.03,0.03,0.03\n"
        );
    }

    #[test]
    fn json_has_series_and_histograms_in_registration_order() {
        let v = tiny().to_json();
        assert_eq!(
            v,
            json!({
                "series": [
                    {
                        "name": "requests_total",
                        "labels": {"code": "200", "region": "eu"},
                        "kind": "counter",
                        "times_s": [0.0, 1.5],
                        "values": [0.0, 3.0],
                    },
                    {
                        "name": "instances_ready",
                        "labels": {},
                        "kind": "gauge",
                        "times_s": [0.0, 1.5],
                        "values": [0.0, 2.5],
                    },
                ],
                "histograms": [
                    {
                        "name": "latency_seconds",
                        "labels": {"path": "/"},
                        "summary": {
                            "count": 2, "mean": "20ms", "min": "10ms", "p50": "10ms27us7ns",
                            "p95": "30ms", "p99": "30ms", "p999": "30ms", "max": "30ms",
                        },
                    },
                ],
            })
        );
        // Serializing the recorder directly gives the same document.
        let text = serde_json::to_string(&tiny()).unwrap();
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
    }

    #[test]
    fn nan_gauges_become_null_in_json() {
        let mut rec = Recorder::new();
        let g = rec.gauge("error_ratio", &[]);
        rec.set(g, f64::NAN);
        rec.sample(SimTime::ZERO);
        assert_eq!(rec.to_json()["series"][0]["values"], json!([null]));
    }

    #[test]
    fn seconds_are_exact_decimals() {
        assert_eq!(seconds(0), "0");
        assert_eq!(seconds(1), "0.000000001");
        assert_eq!(seconds(1_500_000_000), "1.5");
        assert_eq!(seconds(120_000_000_000), "120");
        assert_eq!(seconds(u64::MAX), "18446744073.709551615");
    }

    #[test]
    fn write_failures_are_output_errors() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        match tiny().write_csv(Broken) {
            Err(Error::Output { what, reason }) => {
                assert_eq!(what, "metrics CSV");
                assert!(reason.contains("disk full"), "{reason}");
            }
            other => panic!("expected an output error, got {other:?}"),
        }
    }
}
